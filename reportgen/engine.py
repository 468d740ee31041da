"""The whole run: load -> clean -> model -> interpret -> render, timed stage by stage."""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, cpu_count, delayed
from threadpoolctl import threadpool_limits

from reportgen import __version__
from reportgen.calibration import CalibrationChoice, choose_calibration
from reportgen.clean import CleanData, clean
from reportgen.compare import ReportFacts, compare
from reportgen.config import DEFAULT_MODELS, DatasetConfig
from reportgen.dependence import dependence, drivers_and_refit
from reportgen.driver_checks import driver_checks
from reportgen.evaluate import (
    MEASURED_ROWS,
    MeasuredScores,
    averaged_scores,
    best_model_name,
    imbalance_rows,
    majority_baseline,
    model_result,
    tree_summary,
    with_imbalance_cells,
)
from reportgen.explore import explore, kept_rows
from reportgen.infer import infer
from reportgen.load import LoadedData, load
from reportgen.logit import inference_logit, readable_term, summarise_logit
from reportgen.model import FittedModel, fit_models
from reportgen.narrative import interpret
from reportgen.narrative.segments import named_segments
from reportgen.narrative.words import singular
from reportgen.registry import FAMILIES
from reportgen.result import (
    ColumnDecision,
    DatasetSummary,
    Exploration,
    Preprocessing,
    Published,
    ReportResult,
    RunInfo,
    StepKind,
    Theme,
    ThresholdResult,
    Trends,
    to_json,
)
from reportgen.runtime.backends import search_backend
from reportgen.runtime.clock import Progress, StageClock
from reportgen.runtime.renderer import Renderer, RenderJob, render_outputs, rendering_modules, write_html
from reportgen.runtime.workers import import_in_background, local_workers
from reportgen.segments import Segmentation, find_segments
from reportgen.strength import model_strength
from reportgen.targeting import calibration_summary, gains_curve, recommendation, targeting_table
from reportgen.training import classifier_histories
from reportgen.trends import find_trends
from reportgen.twins import twins_reading
from reportgen.vocabulary import predicate_of


@dataclass
class Analysis:
    """The result plus what only this process holds: fitted pipelines and the cleaned data."""

    result: ReportResult
    fitted: list[FittedModel]
    clean: CleanData
    calibrator: object = None
    """Isotonic map from the recommended model's scores to probabilities."""
    config: DatasetConfig | None = None
    """The config as completed from the data (every column declared)."""
    backend: str = ""
    """Where the model searches ran, in words."""
    segment_labels: pd.Series | None = None
    """Each kept row's segment: its position in `result.segments.profiles`."""

    @property
    def best(self) -> FittedModel:
        return next(f for f in self.fitted if f.name == self.result.best_model)

    @property
    def scoring_calibrator(self):
        """The calibrator the saved model applies: None when the report used the model's own probabilities."""
        calibration = self.result.calibration
        return self.calibrator if calibration is None or calibration.used else None


def dataset_summary(config: DatasetConfig, rows_read: int, data: CleanData, columns: list) -> DatasetSummary:
    outcome_rate = (data.y_train.sum() + data.y_test.sum()) / (len(data.y_train) + len(data.y_test))
    return DatasetSummary(
        name=config.name,
        title=config.title,
        source=Path(config.data).name,
        rows_read=rows_read,
        rows_used=data.rows_used,
        target=config.target.column,
        positive_label=str(config.target.positive),
        positive_name=config.target.positive_name,
        negative_name=config.target.negative_name,
        positive_noun=config.target.positive_noun,
        negative_noun=config.target.negative_noun,
        unit=config.unit,
        unit_singular=singular(config.unit),
        positive_rate=round(float(outcome_rate), 6),
        features=data.features,
        feature_labels={str(c): config.label(str(c)) for c in columns},
        train_rows=len(data.x_train),
        test_rows=len(data.x_test),
        units=config.column_units(),
        notes=dict(config.notes),
        predicate=config.target.predicate or predicate_of(config.unit, config.target.positive_noun),
        action=config.action or "contact",
    )


DROPPING_STEPS = (StepKind.MULTICOLLINEARITY, StepKind.CONSTANT, StepKind.EMPTY, StepKind.RECODED,
                  StepKind.SCATTERED)
"""Cleaning steps that drop features inference kept."""


def columns_as_used(decisions: list[ColumnDecision], data: CleanData) -> list[ColumnDecision]:
    """The inference decisions, with the features that cleaning dropped later marked by the step that dropped
    them (and their VIF, when that was multicollinearity)."""
    vif = {row.feature: row.vif for row in data.vif}
    dropped_by = {column: step.kind for step in data.steps if step.kind in DROPPING_STEPS for column in step.columns}
    return [dataclasses.replace(d, dropped_by=dropped_by[d.column], inferred=False,
                                vif=vif[d.column] if dropped_by[d.column] == StepKind.MULTICOLLINEARITY else None)
            if d.use != "left out" and d.column in dropped_by else d
            for d in decisions]


def families_left_out(config: DatasetConfig) -> list[str]:
    listed = {spec.name for spec in config.models}
    return [FAMILIES[name].label for name in DEFAULT_MODELS if name not in listed]


def published_figures(config: DatasetConfig) -> Published | None:
    """The config's published figures; interpret sets this run's beside them."""
    claims = config.published
    if claims is None:
        return None
    return Published(source=claims.source, method=claims.method, balanced_test=claims.balanced_test,
                     metrics=dict(claims.metrics), model=claims.model)


def targeting(best: FittedModel, scores: np.ndarray, threshold: ThresholdResult, data: CleanData, config: DatasetConfig,
              calibration: CalibrationChoice) -> dict:
    """Calibration, targeting table, gains curve and recommendation for the recommended model, from
    its scores on the test rows; expected counts add up the probabilities `calibration` chose."""
    calibrated = calibration.calibrator.predict(scores)
    probabilities = calibration.probabilities(scores)
    y = data.y_test.to_numpy()
    summary = calibration_summary(best.name, y, scores, calibrated, best.gives_probabilities)
    recommended = recommendation(y, scores, probabilities, threshold.value, config, calibration.used)
    return {
        "calibration": dataclasses.replace(summary, **calibration.facts()),
        "targeting": targeting_table(y, scores, probabilities, config, recommended.contacted),
        "gains": gains_curve(y, scores),
        "recommendation": recommended,
    }


def members_scores(ensemble: FittedModel, by_name: dict[str, FittedModel]) -> MeasuredScores | None:
    """An ensemble's scores, averaged from those its members were measured on (on its rows: all the
    training rows); None for a model that is no ensemble, or whose members were measured elsewhere."""
    members = [by_name[name] for name in ensemble.members]
    if not members or any(not np.array_equal(m.fit_positions, ensemble.fit_positions) for m in members):
        return None
    return averaged_scores([m.measured.scores for m in members])


def theme_of(config: DatasetConfig) -> Theme:
    theme = config.theme
    return Theme(
        company_name=theme.company_name,
        logo=str(theme.logo) if theme.logo else None,
        primary_color=theme.primary_color,
        accent_color=theme.accent_color,
        font_family=theme.font_family,
        title=theme.title or config.title,
        subtitle=theme.subtitle,
        footer=theme.footer,
    )


def main_process_threads(n_jobs: int) -> int:
    """Threads for BLAS and OpenMP in this process while `n_jobs` workers share the cores: the
    share joblib gives each worker. Left unlimited, an OpenMP predict here (gradient boosting)
    spins threads against the busy workers and costs many times its single-thread time."""
    return max(1, cpu_count() // max(1, n_jobs))


@dataclass
class Description:
    """What the descriptive stages found: nothing here feeds the models."""

    exploration: Exploration | None
    segmentation: Segmentation | None
    trends: Trends | None


def describe(loaded: LoadedData, data: CleanData, config: DatasetConfig) -> Description:
    """Exploration, segments and trends of the kept rows (training and test together), as configured."""
    features, outcome = kept_rows(data)
    table = loaded.frame.loc[loaded.outcome.index]
    return Description(
        exploration=explore(features, outcome, table, data, config) if config.explore.enabled else None,
        segmentation=find_segments(features, outcome, data.numeric, config) if config.segments.enabled else None,
        trends=find_trends(table, outcome, config),
    )


def analyse(config: DatasetConfig, clock: StageClock | None = None, previous: ReportFacts | None = None) -> Analysis:
    """Everything up to and including the interpretation; writes nothing. With `previous` (see
    `compare.read_previous`), the result also says what changed since that run."""
    clock = clock or StageClock()
    with warnings.catch_warnings(), threadpool_limits(main_process_threads(config.search.n_jobs)), \
            workers_on_this_machine(config) as on_this_machine:
        warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
        warnings.filterwarnings("ignore", message=r"\d+ tasks (which were still|have been successfully)",
                                category=UserWarning)  # joblib, on the tasks a failure leaves unread
        return _analyse(config, clock, previous, on_this_machine)


def workers_on_this_machine(config: DatasetConfig):
    """The local workers of the parallel stages (`reportgen.runtime.workers`): forked unless the config
    asks for loky's."""
    return local_workers(config.search.n_jobs, fork=config.search.may_fork)


def _analyse(config: DatasetConfig, clock: StageClock, previous: ReportFacts | None, on_this_machine: str) -> Analysis:
    with clock.stage("load", f"reading {Path(config.data).name}"):
        inference = infer(config)
        config = inference.config
        loaded = load(config)
    with clock.stage("clean"):
        data = clean(loaded, config)
    families = [FAMILIES[spec.name].label.lower() for spec in config.models]
    with clock.stage("model", f"tuning and testing {len(families)} families side by side ({', '.join(families)})"), \
            search_backend(config.search, on_this_machine) as backend:
        clock.say(f"  on {backend}")
        fitted = fit_models(data, config, measure=model_result,
                            on_tuned=lambda f: clock.say(f"  {f.label.lower()} tuned in {f.fit_seconds:.1f} s"))
    by_name = {f.name: f for f in fitted}
    best = best_model_name(fitted)
    serial = config.one_job_each()
    pending = [f for f in fitted if f.measured is None]
    # A failure before the workers' results are read drops their tasks inside analyse's warning filters.
    with contextlib.ExitStack() as unread:
        with clock.stage("evaluate", "the ensemble, intervals and drivers"):
            # The workers measure while this process summarises and describes; their results are read last.
            members = [by_name[name] for name in by_name[best].members]
            tasks = [delayed(drivers_and_refit)(by_name[best], members, data, serial)] + [
                delayed(model_result)(f, data, serial, members_scores(f, by_name)) for f in pending]
            in_workers = unread.enter_context(contextlib.closing(
                Parallel(n_jobs=config.search.n_jobs, return_as="generator")(tasks)))
            logit_model = by_name["logistic_regression"]
            logit = summarise_logit(
                inference_logit(logit_model.pipeline, data.x_train, data.y_train),
                logit_model.transformed_feature_names(),
                data.categorical,
                config.logit.alpha,
                config.target.positive_name,
                labels={c: config.label(c) for c in data.features},
                numeric=data.numeric,
            )
            tree = tree_summary(by_name["decision_tree"], data, config) if "decision_tree" in by_name else None
            calibration = choose_calibration(by_name[best].oof_scores, by_name[best].oof_labels,
                                             by_name[best].gives_probabilities, config.search.cv, config.seed)
            calibrator = calibration.calibrator
        with clock.stage("explore", "descriptive statistics, segments and trends"):
            described = describe(loaded, data, config)
        with clock.stage("evaluate", "the drivers and intervals from the workers"):
            (found_drivers, found_groups, refit), *evaluated = in_workers
            measured = {f.name: f.measured for f in fitted if f.measured is not None}
            measured.update({f.name: found for f, found in zip(pending, evaluated)})
            models = [measured[f.name].result for f in fitted]
            thresholds = {name: m.threshold for name, m in measured.items()}
            decision = targeting(by_name[best], measured[best].scores.test, thresholds[best], data, config,
                                 calibration)
            leaned_on = None if refit is None else dependence(
                refit, data.y_test, measured[best].scores.test, decision["recommendation"].contacted, config)
            twins = None if data.test_twins is None else twins_reading(
                data.test_twins, data.y_test, [(f.name, measured[f.name].scores.test, thresholds[f.name].value)
                                               for f in fitted])
    columns = [*loaded.frame.columns, *(f.name for f in data.derived)]
    dataset = dataset_summary(config, loaded.rows_read, data, columns)
    imbalance = imbalance_rows(fitted, config.search.scoring)
    result = ReportResult(
        dataset=dataset,
        preprocessing=Preprocessing(
            steps=data.steps,
            vif=data.vif,
            vif_threshold=config.vif.threshold,
            distributions=data.distributions,
            correlation=data.correlation,
            encoding=[],
            reference_categories=data.reference_categories if config.logit.intercept
            and config.encoding.categorical == "onehot" and config.logit.categoricals else {},
            columns=columns_as_used(inference.decisions, data),
            duplicates=data.duplicates,
            leakage=data.leakage,
            notices=inference.notices + data.notices,
        ),
        logit=logit,
        models=with_imbalance_cells(models, imbalance),
        best_model=best,
        tree=tree,
        drivers=found_drivers,
        driver_groups=found_groups,
        driver_rows=min(len(data.y_test), MEASURED_ROWS),
        families_left_out=families_left_out(config),
        warnings=[],
        settings=config.model_dump(mode="json", exclude={"data"}),
        baseline=majority_baseline(data.y_test),
        theme=theme_of(config),
        imbalance=imbalance,
        threshold=thresholds[best],
        published=published_figures(config),
        explore=described.exploration,
        segments=named_segments(described.segmentation.segments if described.segmentation else None,
                                dataset.feature_labels),
        trends=described.trends,
        training_histories=classifier_histories(fitted),
        twins=twins,
        dependence=leaned_on,
        strength=model_strength(measured[best].result, float(data.y_test.mean()), decision["targeting"]),
        **decision,
    )
    result = dataclasses.replace(result, driver_checks=driver_checks(result.drivers, result.logit, result.segments))
    if previous is not None:
        result = dataclasses.replace(result, comparison=compare(previous, result))
    with clock.stage("interpret"):
        result = interpret(result)
    return Analysis(result=result, fitted=fitted, clean=data, calibrator=calibrator, config=config, backend=backend,
                    segment_labels=described.segmentation.labels if described.segmentation else None)


def replace_outputs(staging: Path, out_dir: Path) -> None:
    """Move a complete set of outputs into place; earlier files of the same names are replaced."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for item in staging.iterdir():
        target = out_dir / item.name
        if target.is_dir() and not target.is_symlink():
            shutil.rmtree(target)
        item.replace(target)


def run_report(
    config: DatasetConfig,
    out_dir: str | Path = "output",
    *,
    template_dir: str | Path | None = None,
    pdf: bool = True,
    progress: Progress | None = None,
    previous: ReportFacts | None = None,
    renderer: Renderer | None = None,
) -> ReportResult:
    """Run the analysis and write report.html, report.pdf, results.json, figures/ and the saved
    model (model.skops, model.json) to out_dir. With `previous`, the report opens with what changed
    since that run. With a `renderer` (started before the analysis's libraries were imported), the
    figures and the PDF are made there while this process writes the HTML and saves the model; its
    progress lines come from that process.

    Outputs are built in a temporary folder beside out_dir and moved in only when all are
    complete, so a failed run leaves the previous report untouched.
    """
    started_at = datetime.now(timezone.utc)
    started = time.perf_counter()
    clock = StageClock(progress)
    imports: list[threading.Thread] = []
    if renderer is None:
        # The evaluate stage leaves a core free: the libraries still to come load meanwhile, and before
        # the figures' workers are forked, so that these start with them.
        clock.on_start["evaluate"] = lambda: imports.append(import_in_background(
            "reportgen.scoring", *rendering_modules(pdf)))
    out_dir = Path(out_dir).resolve()
    analysis = analyse(config, clock, previous)
    for thread in imports:
        thread.join()

    out_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".reportgen-", dir=out_dir.parent))
    run = RunInfo(version=__version__, started_at=started_at.isoformat(timespec="seconds"), seconds=0.0,
                  stage_seconds={}, model_seconds={f.name: f.fit_seconds for f in analysis.fitted},
                  backend=analysis.backend)
    job = render_job(analysis, dataclasses.replace(analysis.result, run=run), staging, template_dir, pdf)
    try:
        if renderer is not None and not renderer.submit(job, clock):
            renderer = None  # it ended before its job came: the failure shows here, in this process
        if renderer is None:
            figures = render_outputs(job, clock)
        # The renderer builds the figures on one core first: the model is saved meanwhile, and the
        # HTML written once the figures are drawn, while the PDF is written there.
        with clock.stage("save model"):
            from reportgen.scoring import model_metadata, save_model

            best = analysis.best
            save_model(staging, best.pipeline, analysis.scoring_calibrator, model_metadata(
                analysis.config, best.name, best.label, analysis.result.threshold.value, analysis.clean.numeric,
                analysis.clean.categorical, derived=analysis.clean.derived))
        if renderer is not None:
            write_html(job, renderer.figures_drawn(), clock)
            figures, rendering_seconds = renderer.result()
            clock.seconds.update(rendering_seconds)
        result = dataclasses.replace(job.result, figures=figures)
        run.seconds = round(time.perf_counter() - started, 3)
        run.stage_seconds = dict(clock.seconds)
        (staging / "results.json").write_text(to_json(result), encoding="utf-8")
        replace_outputs(staging, out_dir)
    finally:
        if renderer is not None:
            renderer.close()  # a failure here leaves it drawing into the staging folder otherwise
        shutil.rmtree(staging, ignore_errors=True)
    return result


def render_job(analysis: Analysis, result: ReportResult, folder: Path, template_dir: str | Path | None,
               pdf: bool) -> RenderJob:
    """The render stage's inputs: the result, and the decision tree with readable column names."""
    tree = next((f for f in analysis.fitted if f.name == "decision_tree"), None)
    names = [readable_term(n, analysis.clean.categorical, analysis.clean.numeric)
             for n in tree.transformed_feature_names()] if tree is not None else []
    search = analysis.config.search
    return RenderJob(result=result, folder=folder, tree=tree.estimator if tree is not None else None,
                     tree_names=names, template_dir=Path(template_dir) if template_dir else None, pdf=pdf,
                     workers=search.n_jobs, fork=search.may_fork)

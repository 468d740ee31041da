"""Every configured family tuned and fitted, side by side in workers, then the ensemble."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable

import numpy as np
from joblib import Parallel, delayed
from sklearn.exceptions import ConvergenceWarning

from reportgen.clean import CleanData
from reportgen.config import DatasetConfig, ModelSpec
from reportgen.model.ensemble import soft_voting
from reportgen.model.fitted import FittedModel
from reportgen.model.pipeline import (
    PROBABILITY_CUT,
    RESAMPLING_STRATEGIES,
    columns_left_out,
    default_cut,
    encoder_variant,
    estimator_params,
    estimator_pipeline,
    gets_codes,
    keeps_missing,
    model_pipeline,
    model_step_param,
    model_step_params,
)
from reportgen.model.rows import EncodedRows, encoded_rows, sample_rows, tuning_size
from reportgen.model.search import (
    best_strategy,
    compared_strategies,
    fold_scores,
    fold_training_rows,
    grid_edges,
    grid_search,
    out_of_fold,
    plain_number,
    strategies_for,
    within_rows,
)
from reportgen.model.shortcuts import one_fit_answers, out_of_bag_scores
from reportgen.registry import FAMILIES, ModelFamily
from reportgen.result import ScoresSource

Measure = Callable[[FittedModel, CleanData, DatasetConfig], object]
"""A later stage's work on one tuned model (its test evaluation), run where it was tuned."""


def tune(spec: ModelSpec, clean: CleanData, config: DatasetConfig, encoded: EncodedRows | None = None) -> FittedModel:
    family = FAMILIES[spec.name]
    grid = family.grid if spec.grid is None else spec.grid
    fit_size = spec.fit_rows if spec.fit_rows is not None else family.fit_rows
    shortcuts = config.search.subsample
    if not shortcuts:
        fit_size = None
    search_params = model_step_params(family.search_params) if shortcuts else {}
    started = time.perf_counter()
    everyone = encoded if encoded is not None else encoded_rows(family, clean, config)
    fit_on = sample_rows(everyone, fit_size, config.seed)
    rows = sample_rows(fit_on, tuning_size(spec, family, len(fit_on.y)) if shortcuts else None, config.seed)
    grid = within_rows(grid, family.at_most_rows, min(fold_training_rows(len(rows.y), config.search.tuning_cv),
                                                      fold_training_rows(len(fit_on.y), config.search.cv)))
    pipeline = estimator_pipeline(spec, family, clean, config).set_params(**search_params)
    candidates = model_step_params(grid)
    along = model_step_param(family.scored_along) if shortcuts and family.scored_along else None
    along = along if along and one_fit_answers(pipeline, candidates, along) else None
    search = grid_search(pipeline, candidates, rows, config, along=along)
    best_params = estimator_params(search.best_params)

    def configured(strategy: str):
        return estimator_pipeline(spec, family, clean, config, strategy).set_params(**search.best_params)

    strategies = strategies_for(family, config)
    compared = compared_strategies({s: configured(s).set_params(**search_params) for s in strategies},
                                   rows, config) if len(strategies) > 1 else []
    chosen = best_strategy(compared) if compared else strategies[0]
    final = model_pipeline(spec, family, clean, config, chosen).set_params(**search.best_params)
    x_fit, y_fit = clean.x_train.iloc[fit_on.positions], clean.y_train.iloc[fit_on.positions]
    resampled = chosen in RESAMPLING_STRATEGIES
    oof = out_of_bag_scores(final, x_fit, y_fit) if family.out_of_bag and shortcuts and not resampled else None
    bagged = oof is not None
    sampled = len(fit_on.y) < len(everyone.y)
    if bagged:
        per_fold = fold_scores(oof, fit_on.x, fit_on.y, config, PROBABILITY_CUT)
        mean, std = float(np.mean(per_fold)), float(np.std(per_fold))
    else:
        oof, mean, std = out_of_fold(configured(chosen), everyone.x, everyone.y, config,
                                     fitted_on=fit_on.positions if sampled else None)
        final.set_params(**model_step_params({"oob_score": False} if family.out_of_bag else {})).fit(x_fit, y_fit)
    return FittedModel(
        name=family.name,
        label=family.label,
        pipeline=final,
        params={**spec.params, **best_params},
        strategy=chosen,
        cv_mean=float(mean),
        cv_std=float(std),
        candidates=search.candidates,
        fit_seconds=round(time.perf_counter() - started, 3),
        grid_edges=grid_edges(grid, best_params),
        oof_scores=oof,
        oof_labels=everyone.y if not bagged else fit_on.y,
        fit_positions=fit_on.positions,
        default_threshold=default_cut(final),
        strategies=compared,
        tuning_rows=len(rows.y),
        fit_rows=len(fit_on.y),
        importance=family.importance,
        scored_by=scores_source(bagged, sampled),
        search_settings=dict(family.search_params) if shortcuts else {},
        scored_along=family.scored_along if along else "",
        scored_along_from=plain_number(max(grid[family.scored_along])) if along else None,
        columns_left_out=columns_left_out(family, clean),
        missing_as_is=keeps_missing(family, config),
        categories_as_codes=gets_codes(family, config) and bool(clean.categorical),
    )


def scores_source(bagged: bool, sampled: bool) -> ScoresSource:
    if bagged:
        return ScoresSource.OUT_OF_BAG
    return ScoresSource.SAMPLE_FITTED_FOLDS if sampled else ScoresSource.CROSS_VALIDATION


def _tune_quietly(spec: ModelSpec, clean: CleanData, config: DatasetConfig, encoded: EncodedRows) -> FittedModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
        return tune(spec, clean, config, encoded)


def tune_all(clean: CleanData, config: DatasetConfig,
             on_tuned: Callable[[FittedModel], None] | None = None,
             measure: Measure | None = None) -> list[FittedModel]:
    """Tune the families side by side, one per worker, costliest first; each search then runs
    its folds in its own worker. Many small searches keep the cores busier this way than one
    search at a time with its folds spread over the cores.

    `measure`, if given, runs on each tuned model in the same worker, while the other families
    are still tuning, and its result is kept in `FittedModel.measured`.

    The workers are joblib's active backend: n_jobs processes of this machine (`reportgen.runtime.workers`),
    or a Dask cluster's (`reportgen.runtime.backends.search_backend`), which takes every family at once."""
    by_variant: dict[tuple[str, bool], EncodedRows] = {}

    def encoded_for(family: ModelFamily) -> EncodedRows:
        """Each encoding made once, as the first family that needs it is sent: the first families
        start tuning while the rows of the others are encoded."""
        variant = encoder_variant(family, clean, config)[0], keeps_missing(family, config)
        if variant not in by_variant:
            by_variant[variant] = encoded_rows(family, clean, config)
        return by_variant[variant]

    on_cluster = config.search.backend == "dask"
    workers = len(config.models) if on_cluster else max(1, min(config.search.n_jobs, len(config.models)))
    serial = config.one_job_each() if workers > 1 or on_cluster else config
    order = sorted(range(len(config.models)), key=lambda i: -FAMILIES[config.models[i].name].relative_cost)
    # One family sent per free worker: each task carries the training rows, pickled in this process
    # on the way, so on a large table tasks queued ahead would hold copies of them here.
    tuned = Parallel(n_jobs=workers, return_as="generator_unordered", batch_size=1, pre_dispatch="n_jobs")(
        delayed(_tune_at)(i, config.models[i], clean, serial, encoded_for(FAMILIES[config.models[i].name]), measure)
        for i in order)
    by_position = {}
    for position, fitted in tuned:
        by_position[position] = fitted
        if on_tuned is not None:
            on_tuned(fitted)
    return [by_position[i] for i in range(len(config.models))]


def _tune_at(position: int, spec: ModelSpec, clean: CleanData, config: DatasetConfig,
             encoded: EncodedRows, measure: Measure | None) -> tuple[int, FittedModel]:
    fitted = _tune_quietly(spec, clean, config, encoded)
    if measure is not None:
        fitted.measured = measure(fitted, clean, config)
    return position, fitted


def fit_models(clean: CleanData, config: DatasetConfig,
               on_tuned: Callable[[FittedModel], None] | None = None,
               measure: Measure | None = None) -> list[FittedModel]:
    """The tuned families, then the ensemble when there is one (which `measure` does not see)."""
    fitted = tune_all(clean, config, on_tuned, measure)
    if config.ensemble:
        ensemble = soft_voting(fitted, clean, config)
        if ensemble is not None:
            fitted.append(ensemble)
    return fitted

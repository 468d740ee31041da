"""Shared fixtures: tiny seeded tables and configs written to tmp_path, one cheap analysis, and stored results.

Nothing here reads the bundled 17k-row table except `bundled_csv`, which tests use only for
read-level and cleaning checks (no models are fitted on it). Tests that need only a `ReportResult` (the
narrative, the templates, the figures) read one stored in `tests/data/results/` instead of fitting models
(`stored_synthetic_result`, `stored_students_result`); `tests/data/refresh_results.py` rebuilds those files.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import re
import subprocess
import sys
import traceback
from multiprocessing import get_context
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import yaml

from reportgen.config import DatasetConfig, load_config, preset_path
from reportgen.engine import Analysis, analyse
from reportgen.narrative import interpret
from reportgen.resources import bundled_path
from reportgen.result import ReportResult, RunInfo, load_result
from reportgen.runtime.renderer import _sendable

SYNTHETIC_ROWS = 400
SYNTHETIC_SEED = 7

# Small on purpose: three families, tiny grids, 3 folds, one process.
FAST_MODELS = [
    {"name": "logistic_regression"},
    {"name": "knn", "grid": {"n_neighbors": [5, 15]}},
    {"name": "decision_tree", "grid": {"max_depth": [2, 3, 4]}},
]


def synthetic_frame(rows: int = SYNTHETIC_ROWS, seed: int = SYNTHETIC_SEED) -> pd.DataFrame:
    """A user table whose outcome depends on minutes watched, exams passed and country.

    'NA' is one of the countries (as Namibia is in the bundled data) and the first four rows
    break the minutes outlier rule used by `synthetic_spec`.
    """
    rng = np.random.default_rng(seed)
    days = rng.integers(1, 300, rows)
    minutes = rng.gamma(2.0, 60.0, rows).round(1)
    exams_started = rng.poisson(2, rows)
    exams_passed = np.minimum(exams_started, rng.binomial(exams_started, 0.7) + rng.integers(0, 2, rows))
    country = rng.choice(["US", "IN", "GB", "DE", "NA", "FR"], size=rows, p=[0.35, 0.25, 0.15, 0.1, 0.1, 0.05])
    log_odds = -2.3 + 0.012 * minutes - 0.004 * days + 0.3 * exams_passed + 0.5 * (country == "US")
    bought = (rng.random(rows) < 1 / (1 + np.exp(-log_odds))).astype(int)
    frame = pd.DataFrame({
        "user_id": np.arange(rows),
        "country": country,
        "days": days,
        "minutes": minutes,
        "exams_started": exams_started,
        "exams_passed": exams_passed,
        "noise": rng.normal(size=rows).round(3),
        "bought": bought,
    })
    frame.loc[:3, "minutes"] = 5000.0
    return frame


def messy_frame(rows: int = 600, seed: int = 11) -> pd.DataFrame:
    """A churn table as exports arrive: an id, dates, numbers stored as text with ' ', '?' and 'n/a',
    few and many categories, free text, a constant and an empty column, a copy of the outcome
    (refunds are issued to those who leave) and a text outcome."""
    rng = np.random.default_rng(seed)
    plan = rng.choice(["basic", "pro", "team"], rows, p=[0.5, 0.35, 0.15])
    weights = 1 / np.arange(1, 61)
    city = rng.choice([f"City {i:02d}" for i in range(60)], rows, p=weights / weights.sum())
    spend = rng.gamma(2.0, 20.0, rows).round(2)
    calls = rng.poisson(1.5, rows)
    age = rng.integers(18, 75, rows)
    signup = pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 900, rows), unit="D")
    tenure = (pd.Timestamp("2024-06-30") - signup).days.to_numpy()
    log_odds = -1.2 + 0.5 * calls - 0.02 * spend - 0.002 * tenure + 0.6 * (plan == "basic") + 0.01 * (age - 45)
    churned = rng.random(rows) < 1 / (1 + np.exp(-log_odds))
    words = ["slow", "support", "great", "price", "app", "crashes", "love", "it", "too", "expensive", "helpful"]
    age_text = age.astype(str).astype(object)
    for row, marker in zip(rng.choice(rows, 30, replace=False), [" ", "?", "n/a"] * 10):
        age_text[row] = marker
    refund = np.where(churned, "yes", "no")
    flipped = rng.choice(rows, 3, replace=False)
    refund[flipped] = np.where(refund[flipped] == "yes", "no", "yes")
    return pd.DataFrame({
        "customer_id": [f"C{i:05d}" for i in range(rows)],
        "signup_date": signup.strftime("%Y-%m-%d"),
        "age": age_text,
        "plan": plan,
        "city": city,
        "monthly_spend": spend,
        "support_calls": calls,
        "feedback": [" ".join(rng.choice(words, rng.integers(3, 12))) for _ in range(rows)],
        "region": "EU",
        "legacy_score": np.nan,
        "refund_issued": refund,
        "churned": np.where(churned, "yes", "no"),
    })


def dated_signups_frame(days: int = 730, level: float = 10.0, seed: int = 3, start: str = "2024-01-01") -> pd.DataFrame:
    """Daily sign-ups as a product sees them: a weekly season (weekends lower), a slow rise and a step up after
    15 months, `level` sign-ups a day at the start (about 13 a day over two years at 10: some 10k rows). Each
    row is a sign-up with its sessions and minutes and whether it converted (less often at weekends)."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(start, periods=days, freq="D")
    t = np.arange(days)
    weekly = np.array([1.15, 1.2, 1.1, 1.05, 1.0, 0.6, 0.55])[dates.day_of_week]
    expected = level * (1 + 0.00075 * t + np.where(t >= 450, 0.375, 0)) * weekly
    counts = rng.poisson(expected)
    signup = np.repeat(dates.strftime("%Y-%m-%d").to_numpy(), counts)
    rows = len(signup)
    sessions, minutes = rng.poisson(4, rows), rng.gamma(2, 10, rows).round(1)
    weekend = np.repeat(dates.day_of_week.to_numpy() >= 5, counts)
    log_odds = -2.2 + 0.15 * sessions + 0.01 * minutes - 0.4 * weekend
    converted = (rng.random(rows) < 1 / (1 + np.exp(-log_odds))).astype(int)
    return pd.DataFrame({"signup_date": signup, "sessions": sessions, "minutes": minutes, "converted": converted})


def dated_signups_spec(data: str = "signups.csv") -> dict:
    """A config for `dated_signups_frame`: daily trends, and an LSTM and a backtest small enough for a test run."""
    return {"name": "signups", "title": "Who converts?", "unit": "sign-ups", "data": data,
            "target": {"column": "converted", "positive": 1}, "types": {"signup_date": "date"},
            "trends": {"frequency": "day", "lstm": {"max_epochs": 60}, "backtest": 4},
            "search": {"cv": 3, "n_jobs": 1}, "models": FAST_MODELS}


def synthetic_spec(data: str = "data.csv") -> dict:
    return {
        "name": "synthetic",
        "title": "Who buys?",
        "unit": "users",
        "data": data,
        "read": {"keep_default_na": False, "na_values": [""]},
        "target": {
            "column": "bought", "positive": 1, "positive_name": "Bought", "negative_name": "Did not buy",
            "positive_noun": "buyers", "negative_noun": "non-buyers",
        },
        "id_columns": ["user_id"],
        "categorical": ["country"],
        "outliers": [{"column": "minutes", "max": 1000}],
        "encoding": {"min_frequency": 0.08},
        "search": {"cv": 3, "n_jobs": 1},
        "models": FAST_MODELS,
    }


def write_dataset(folder: Path, frame: pd.DataFrame, spec: dict, *, csv_name: str = "data.csv") -> Path:
    """Write frame as CSV and spec as YAML into folder; return the config's path."""
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_csv(folder / csv_name, index=False)
    config_path = folder / "config.yaml"
    config_path.write_text(yaml.safe_dump({**spec, "data": csv_name}, sort_keys=False), encoding="utf-8")
    return config_path


@pytest.fixture
def write_yaml(tmp_path):
    """Write a mapping (or raw text) to a YAML file in tmp_path and return its path."""

    def write(content: dict | str, name: str = "config.yaml") -> Path:
        path = tmp_path / name
        text = content if isinstance(content, str) else yaml.safe_dump(content, sort_keys=False)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def make_config(tmp_path):
    """frame + spec overrides -> a validated DatasetConfig whose data is a CSV in tmp_path.

    The spec defaults to a minimal one for a table with a 'y' outcome and no models to tune.
    """

    def make(frame: pd.DataFrame, **spec) -> DatasetConfig:
        base = {"name": "tiny", "target": {"column": "y"}, "search": {"cv": 2, "n_jobs": 1}}
        return load_config(write_dataset(tmp_path, frame, {**base, **spec}))

    return make


@pytest.fixture(scope="session")
def bundled_csv() -> Path:
    return bundled_path("data", "ml_datasource.csv")


@pytest.fixture(scope="session")
def synthetic_config_path(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("synthetic")
    return write_dataset(folder, synthetic_frame(), synthetic_spec())


@pytest.fixture(scope="session")
def analysis(synthetic_config_path) -> Analysis:
    """One full analysis (no figures, no files) of the 400-row synthetic table; under a second."""
    return analyse(load_config(synthetic_config_path))


def fixed_run_info() -> RunInfo:
    """The run block of the tests' results: a fixed version, start and timings."""
    return RunInfo(version="0.0-test", started_at="2024-01-02T03:04:05+00:00", seconds=1.5,
                   stage_seconds={"load": 0.1, "model": 1.0})


def finished_as_run(result: ReportResult) -> ReportResult:
    """The result as run_report would finish it: with a run block and figure paths."""
    return dataclasses.replace(result, run=fixed_run_info(), figures={"vif": "figures/vif.png"})


@pytest.fixture(scope="session")
def report_result(analysis):
    """The synthetic result as run_report would finish it, from the session's analysis: for tests that also
    need its fitted models or clean data. The others read `stored_synthetic_result`, the same result stored."""
    return finished_as_run(analysis.result)


STORED_RESULTS = Path(__file__).resolve().parent / "data" / "results"
"""Results stored as `results.json` is written, one per input (`tests/data/refresh_results.py` says which)."""


def stored_result_names() -> list[str]:
    return sorted(path.stem for path in STORED_RESULTS.glob("*.json"))


@functools.cache
def stored_result(name: str) -> ReportResult:
    """A stored result, its facts as stored and its words as the narrative writes them now: a change of
    wording needs no refresh of the stored files, a change of their fields or numbers does."""
    return interpret(load_result(STORED_RESULTS / f"{name}.json"))


@pytest.fixture(scope="session")
def stored_synthetic_result() -> ReportResult:
    """`report_result` (the 400-row synthetic table's result with a run block), read instead of fitted."""
    return stored_result("synthetic")


@pytest.fixture(params=stored_result_names())
def each_stored_result(request) -> ReportResult:
    """Each stored result in turn: for what every result must satisfy. (Read once: `stored_result` caches.)"""
    return stored_result(request.param)


@pytest.fixture(scope="session")
def stored_students_result() -> ReportResult:
    """The bundled students table's result as `reportgen run` reports it: every model family, the segments,
    twins, the refit without the feature leaned on, every figure and a fixed run block."""
    return stored_result("students")


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "reportgen", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=900)


SHARED = next((folder / "shared" / "datasets" for folder in Path(__file__).resolve().parents
               if (folder / "shared" / "datasets" / "mlc_churn.csv").is_file()), Path("shared/datasets"))
"""The public tables no preset was written for: the nearest `shared/datasets/` above this file, where the
workspace keeps them; tests that need them skip without it."""
TABLES = {
    "mlc_churn": ("churn", []),
    "orange_juice": ("Purchase", ["--positive", "MM"]),
}
"""Each shared table's outcome column and the options its bare run needs."""
PRESETS = ["audiobooks", "students", "students-course", "tiktok"]


@dataclasses.dataclass(frozen=True)
class BuiltReport:
    out: Path
    completed: subprocess.CompletedProcess
    input_digest_before: str
    """SHA-256 of the input file just before the run, to show the run left it as it was."""


def report_arguments(name: str) -> tuple[list[str], Path]:
    """The `reportgen run` arguments of a named report and the file it reads: 'default' (no arguments, as `make
    report` runs), a preset, or a shared table run bare."""
    if name == "default":
        return [], bundled_path("data", "ml_datasource.csv")
    if name in PRESETS:
        config = load_config(preset_path(name))
        return ["--preset", name], Path(config.data)
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not in this checkout's workspace")
    target, options = TABLES[name]
    return [str(SHARED / f"{name}.csv"), "--target", target, *options], SHARED / f"{name}.csv"


@pytest.fixture(scope="session")
def built_report(tmp_path_factory):
    """name -> that report's output folder and run, built with its PDF on first use and shared by every module
    that reads it (the end-to-end runs are most of the suite's time)."""
    folder = tmp_path_factory.mktemp("reports")

    @functools.cache
    def build(name: str) -> BuiltReport:
        arguments, source = report_arguments(name)
        digest = hashlib.sha256(source.read_bytes()).hexdigest()
        completed = run_cli("run", *arguments, "--out", name, cwd=folder)
        return BuiltReport(folder / name, completed, digest)

    return build


@pytest.fixture(scope="session")
def messy_runs(tmp_path_factory) -> dict:
    """The messy churn table run bare (`--target` and `--positive` only, with the PDF), then `reportgen
    init` on it and a run with the config it wrote: one set of runs shared by the inference and init tests."""
    folder = tmp_path_factory.mktemp("messy-runs")
    messy_frame().to_csv(folder / "churn.csv", index=False)
    bare = run_cli("run", "churn.csv", "--target", "churned", "--positive", "yes", "--out", "bare", cwd=folder)
    assert bare.returncode == 0, bare.stderr
    init = run_cli("init", "churn.csv", "--target", "churned", "--positive", "yes", cwd=folder)
    assert init.returncode == 0, init.stderr
    (folder / "churn.yaml").write_text(init.stdout, encoding="utf-8")
    configured = run_cli("run", "--config", "churn.yaml", "--out", "configured", "--no-pdf", cwd=folder)
    assert configured.returncode == 0, configured.stderr
    return {
        "folder": folder,
        "yaml": init.stdout,
        "bare": json.loads((folder / "bare" / "results.json").read_text(encoding="utf-8")),
        "configured": json.loads((folder / "configured" / "results.json").read_text(encoding="utf-8")),
    }


FORKED_TEST_SECONDS = 600


def run_forked(test):
    """Run the test in a process forked from pytest's and raise its failure here, with the child's
    traceback in the message. For tests that fork workers themselves, which `workers.can_fork`
    allows only from a single thread: an earlier test's Dask cluster leaves threads running in
    pytest's process (the renderer's tests fork from it the same way)."""

    @functools.wraps(test)
    def in_a_forked_process(*args, **kwargs):
        context = get_context("fork")
        report, sender = context.Pipe(duplex=False)

        def body():
            try:
                test(*args, **kwargs)
                sender.send(None)
            except BaseException as failure:  # noqa: BLE001 - raised in pytest's process
                sender.send((_sendable(failure), traceback.format_exc()))

        process = context.Process(target=body)
        process.start()
        sender.close()
        try:
            if not report.poll(FORKED_TEST_SECONDS):
                raise RuntimeError(f"the forked test took more than {FORKED_TEST_SECONDS} s")
            failure = report.recv()
        except EOFError:
            failure = (RuntimeError("the forked test ended without a word"), "")
        finally:
            process.kill()
            process.join()
        if failure is not None:
            exception, trace = failure
            exception.add_note(f"In the forked process:\n{trace}")
            raise exception

    return in_a_forked_process


def words_outside(fig) -> list[str]:
    """The words drawn partly outside the figure: titles, labels, legends, notes, and the tick labels
    drawn (those of ticks beyond an axis's limits are not)."""
    from matplotlib.text import Text

    from reportgen.figures import STYLE, pixel_size

    width, height = pixel_size(fig)
    with plt.rc_context(STYLE):
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    drawn = {id(label) for ax in fig.axes for label in drawn_tick_labels(ax)}
    undrawn = {id(label) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
               for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]
               for label in (tick.label1, tick.label2)} - drawn
    outside = []
    for text in fig.findobj(Text):
        if id(text) in undrawn or not text.get_visible() or not text.get_text().strip() or (
                text.axes is not None and not text.axes.get_visible()):
            continue
        box = text.get_window_extent(renderer)
        if box.x0 < -1 or box.y0 < -1 or box.x1 > width + 1 or box.y1 > height + 1:
            outside.append(text.get_text())
    return outside


def drawn_tick_labels(ax) -> list:
    """The tick labels matplotlib draws: of visible ticks within the axis's limits, on a visible axis."""
    labels = []
    if not (ax.get_visible() and ax.axison):
        return labels
    for axis in (ax.xaxis, ax.yaxis):
        low, high = sorted(axis.get_view_interval())
        for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
            if tick.get_visible() and low - 1e-9 * (high - low) <= tick.get_loc() <= high + 1e-9 * (high - low):
                labels += [label for label in (tick.label1, tick.label2) if label.get_visible()]
    return labels


def sentences(text: str) -> list[str]:
    """The sentences of a text, split at a full stop, colon or semicolon followed by a space."""
    return [part.strip() for part in re.split(r"(?<=[.;:])\s+", text) if part.strip()]


def summary_on_one_page(pages: list[str], results: dict) -> list[str]:
    """What of the executive summary falls outside its one page: it opens with 'Executive summary' and ends with
    the glossary ('Terms.'), and the next section starts on the next page."""
    start = next((i for i, page in enumerate(pages) if "Executive summary" in page and "Contents" not in page), None)
    if start is None:
        return ["no page holds 'Executive summary'"]
    problems = [] if "Terms." in pages[start] else [f"the glossary is not on page {start + 1} with the summary"]
    following = "Changes since the previous report" if results.get("comparison") else \
        results["summary"]["action_heading"]
    if following not in pages[start + 1][:400]:
        problems.append(f"page {start + 2} does not open with '{following}'")
    return problems


def repeated_sentences(results: dict) -> list[str]:
    """Sentences of eight words or more that the executive part (headline, action, notes under the drivers,
    caveats, the targeting section's lead) says twice."""
    summary = results["summary"]
    parts = [summary["headline"], summary["action"], *summary["driver_notes"], *summary["caveats"],
             summary["targeting_lead"], summary["why_recommended"]]
    said = [s for part in parts for s in sentences(part) if len(s.split()) >= 8]
    return sorted({s for s in said if said.count(s) > 1})


def reads_in_its_own_words(pdf: str, results: dict) -> list[str]:
    """Phrases that show the report did not speak the table's language: a noun repeated as its own predicate
    ('of customers are customers who leave'), the tool's placeholders, a raw column name in the summary."""
    d = results["dataset"]
    found = []
    for phrase in (f"{d['unit']} are {d['positive_noun']}", "Who has ", "are positives", " positives ", "nan%"):
        if phrase in pdf:
            found.append(phrase)
    summary = " ".join([results["summary"]["headline"], results["summary"]["action"],
                        *results["summary"]["caveats"]])
    raw = [c for c in d["features"] if "_" in c and c in summary]
    return found + [f"raw column name {c}" for c in raw]


SLOW_FIXTURES = {"built_report", "default_run", "preset_runs", "unseen_runs", "course_run", "report_pages",
                 "messy_runs", "refreshed_results"}
"""Fixtures that build whole reports through the command line (`refreshed_results`: the stored results anew,
through `tests/data/refresh_results.py`): a test that uses one is in the slow tier."""


SLOW_MODULES = {"test_robustness", "test_backends", "test_packaging", "test_browser", "test_renderer", "test_workers",
                "test_branding", "test_engine", "test_scoring", "test_compare", "test_course_preset", "test_cli_errors",
                "test_presets", "test_unseen_tables", "test_layout"}
"""Modules that run the command line, fork workers, install the package or build reports: the slow tier."""


SLOW_TESTS = {"test_registry::test_boosting_bins_at_unweighted_quantiles_and_still_weighs_the_splits",
              "test_model::test_gradient_boosting_gets_one_column_of_codes_per_categorical",
              "test_load::test_the_bundled_table_as_parquet_gives_the_csv_runs_numbers",
              "test_evaluate::test_permutation_drops_equal_scikit_learns_permutation_importance",
              "test_figures::test_figures_saved_by_forked_workers_are_those_make_figures_draws",
              "test_figures::test_figure_workers_end_with_the_process_that_forked_them",
              "test_dependence::test_the_report_sets_the_model_without_the_feature_beside_it",
              "test_forecast::test_a_daily_table_run_through_the_cli_backtests_three_forecasters",
              "test_forecast::test_a_table_without_dates_never_imports_pytorch"}
"""Single tests of fast modules that fit on the bundled table or fork workers (several seconds each)."""


def pytest_collection_modifyitems(config, items):
    """Mark the slow tier: the modules above and every test using a report-building fixture. `make test-fast` runs
    the rest: unit tests on tiny frames and on the one synthetic analysis the session fits."""
    for item in items:
        if (item.path.stem in SLOW_MODULES or f"{item.path.stem}::{item.originalname}" in SLOW_TESTS
                or SLOW_FIXTURES & set(getattr(item, "fixturenames", ()))):
            item.add_marker(pytest.mark.slow)

"""Hostile and messy inputs, generated here: every bad table stops with one line and exit 2 and writes
nothing; every awkward but usable one gives a report whose results.json names what was odd.

The runs use a small config (three quick families, one imbalance strategy, no PDF) with the table under
test passed as DATA, so the command line is the one users type.
"""

from __future__ import annotations

import gzip
import json
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from conftest import FAST_MODELS, run_cli
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reportgen.cli import main
from reportgen.config import resolve_config
from reportgen.engine import analyse
from reportgen.errors import ReportInputError

FAST_CONFIG = {"name": "robust", "data": "unused.csv", "target": {"column": "y"},
               "search": {"cv": 3, "n_jobs": 1}, "imbalance": {"strategies": ["none"]}, "models": FAST_MODELS}


def table(rows: int = 120, seed: int = 1) -> pd.DataFrame:
    """Two numbers and a category that predict a 0/1 outcome, with noise."""
    rng = np.random.default_rng(seed)
    amount = rng.normal(size=rows).round(3)
    return pd.DataFrame({"amount": amount, "visits": rng.integers(0, 50, rows),
                         "plan": rng.choice(["basic", "pro", "team"], rows),
                         "y": (amount + rng.normal(size=rows) > 0.5).astype(int)})


def csv_text(frame: pd.DataFrame, **options) -> str:
    return frame.to_csv(index=False, **options)


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    (tmp_path / "fast.yaml").write_text(yaml.safe_dump(FAST_CONFIG), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def reportgen_run(data: Path | str, *options: str, out: str = "out"):
    """`reportgen run DATA --config fast.yaml --target y --no-pdf --out out`, in-process."""
    return CliRunner().invoke(main, ["run", str(data), "--config", "fast.yaml", "--target", "y", "--no-pdf",
                                     "--out", out, *options])


def assert_one_line_error(result, *expected: str) -> None:
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("reportgen: error: ")
    assert "Traceback" not in result.output
    for text in expected:
        assert text in lines[0]


def results(out: Path) -> dict:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


# ---- bad input: one line, exit 2, nothing written --------------------------------------------------

def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def with_outcome(rows: int, positives: int) -> pd.DataFrame:
    frame = table(rows)
    frame["y"] = 0
    frame.loc[:positives - 1, "y"] = 1
    return frame


BAD_TABLES = {
    "empty file": ("", [], ["is empty"]),
    "blank lines only": ("\n\n\n", [], ["is empty"]),
    "header only": ("amount,visits,y\n", [], ["has a header but no data rows"]),
    "binary file": (bytes(range(256)) * 20, [], ["not a text CSV file"]),
    "gzipped csv": (gzip.compress(csv_text(table()).encode()), [], ["not a text CSV file", "export the table as CSV"]),
    "ragged rows": ("a,b,y\n1,2,1\n1,2,3,4,5\n", [], ["could not be parsed as CSV", "line 3"]),
    "unclosed quote": ('a,b,y\n"1,2,1\n3,4,0\n', [], ["could not be parsed as CSV"]),
    "target column missing": (csv_text(table().drop(columns="y")), [], ["target column 'y' is not in",
                                                                        "its columns are: amount, visits, plan"]),
    "target empty in every row": (csv_text(table().assign(y=np.nan)), [], ["'y'", "is empty in every row"]),
    "a single class": (csv_text(table().assign(y=1)), [], ["every row of 'y' is '1'", "both outcomes"]),
    "positive label not present": (csv_text(table()), ["--positive", "7"], ["'7' never occurs", "labels found: 0, 1"]),
    "text labels without --positive": (csv_text(table().assign(y=np.where(table().y == 1, "won", "lost"))), [],
                                       ["holds the labels lost, won", "--positive LABEL"]),
    "too few rows for the folds": (csv_text(table(10)), [], ["3-fold cross-validation needs at least 6",
                                                             "lower 'search.cv'"]),
    "too few positives for the folds": (csv_text(with_outcome(200, 4)), [], ["only 4 positive",
                                                                            "lower 'search.cv'"]),
    "no feature besides the target": (csv_text(table()[["y"]]), [], ["no usable feature is left"]),
    "only constant and empty columns": (csv_text(table().assign(amount=1, visits=np.nan, plan="x")), [],
                                        ["no usable feature is left", "amount, visits, plan"]),
}


@pytest.mark.parametrize(("content", "options", "expected"), [pytest.param(*case, id=name)
                                                               for name, case in BAD_TABLES.items()])
def test_bad_table_exits_2_with_one_line_and_writes_nothing(workdir, content, options, expected):
    data = write(workdir / "data.csv", content)
    result = reportgen_run(data, *options)
    assert_one_line_error(result, *expected)
    assert not (workdir / "out").exists()
    assert not list(workdir.glob(".reportgen-*"))


@pytest.mark.parametrize(("make", "expected"), [
    (lambda folder: folder / "nope.csv", ["nope.csv", "not found"]),
    (lambda folder: (folder / "folder.csv").mkdir() or folder / "folder.csv", ["folder.csv", "is a folder"]),
], ids=["missing path", "a directory as data"])
def test_paths_that_are_not_files(workdir, make, expected):
    assert_one_line_error(reportgen_run(make(workdir)), *expected)
    assert not (workdir / "out").exists()


def test_installed_command_keeps_library_warnings_off_stderr(workdir):
    """A real process: nothing but reportgen's line reaches stderr, even from a run that got far."""
    frame = table(200)
    frame.loc[:5, "amount"] = np.inf
    frame = frame.assign(y=1)
    write(workdir / "data.csv", csv_text(frame))
    done = run_cli("run", "data.csv", "--config", "fast.yaml", "--target", "y", "--no-pdf", "--out", "out",
                   cwd=workdir)
    assert done.returncode == 2
    assert done.stderr.splitlines() == ["reportgen: error: every row of 'y' is '1'; a report needs both outcomes; "
                                        "check that data.csv holds the whole table."]


def test_a_failed_run_leaves_the_previous_report_untouched(workdir):
    write(workdir / "good.csv", csv_text(table()))
    assert reportgen_run("good.csv").exit_code == 0
    before = {p: p.read_bytes() for p in (workdir / "out").rglob("*") if p.is_file()}
    assert workdir / "out" / "results.json" in before
    write(workdir / "bad.csv", csv_text(table().assign(y=0)))
    assert_one_line_error(reportgen_run("bad.csv"), "every row of 'y' is '0'")
    after = {p: p.read_bytes() for p in (workdir / "out").rglob("*") if p.is_file()}
    assert after == before
    assert not list(workdir.glob(".reportgen-*"))


# ---- awkward but usable: a report, with the oddity in results.json's warnings ----------------------

def run_ok(workdir: Path, content: str | bytes, *options: str) -> dict:
    data = write(workdir / "data.csv", content)
    result = reportgen_run(data, *options)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return results(workdir / "out")


def latin1_table() -> bytes:
    frame = table()
    frame["city"] = ["Zürich", "Perú", "Besançon", "Malmö"] * 30
    return csv_text(frame).encode("latin-1")


def with_markers() -> str:
    frame = table()
    visits = frame["visits"].astype(object)
    visits[:8], visits[8:12] = "?", ""
    return csv_text(frame.assign(visits=visits))


def with_infinities() -> str:
    frame = table()
    frame.loc[:4, "amount"] = np.inf
    frame.loc[5:6, "amount"] = -np.inf
    return csv_text(frame)


AWKWARD_TABLES = {
    "latin-1 encoding": (latin1_table(), ["is not UTF-8 text: read as cp1252"], {"city"}),
    "UTF-8 with a byte-order mark": (csv_text(table()).encode("utf-8-sig"), [], {"amount", "visits", "plan"}),
    "semicolon delimiter": (csv_text(table(), sep=";"), ["separated by ';'"], {"amount", "visits", "plan"}),
    "tab delimiter": (csv_text(table(), sep="\t"), ["separated by '\\t'"], {"amount", "visits", "plan"}),
    "text markers in a numeric column": (with_markers(), ["visits: numbers stored as text: '?' read as missing"],
                                         {"visits"}),
    "infinities": (with_infinities(), ["amount holds 7 infinite values"], {"amount"}),
    "constant and empty columns": (csv_text(table().assign(region="EU", legacy=np.nan)),
                                   ["Dropped region: the same value", "Dropped legacy: missing in every row"],
                                   {"amount"}),
    "duplicate rows": (csv_text(pd.concat([table(), table().iloc[:60]])), ["identical row among the training rows"],
                       {"amount"}),
    "id columns": (csv_text(table().assign(user_id=range(120), code=[f"U{i:04d}" for i in range(120)])),
                   ["Left out user_id as a row identifier", "Left out code as a row identifier"], {"amount"}),
    "a feature copying the target": (csv_text(table().assign(refund=lambda f: np.where(f.y == 1, "yes", "no"))),
                                     ["Probable leakage: Refund alone separates the outcomes"], {"refund"}),
}


@pytest.mark.parametrize(("content", "expected_warnings", "features"),
                         [pytest.param(*case, id=name) for name, case in AWKWARD_TABLES.items()])
def test_awkward_table_gives_a_report_that_names_the_oddity(workdir, content, expected_warnings, features):
    found = run_ok(workdir, content)
    said = found["warnings"] + found["preprocessing"]["notes"]
    for expected in expected_warnings:
        assert any(expected in w for w in said), said
    assert features <= set(found["dataset"]["features"])
    html = (workdir / "out" / "report.html").read_text(encoding="utf-8")
    for expected in expected_warnings:
        assert expected.split(":")[0].replace("'", "&#39;") in html


def test_latin1_values_are_read_as_the_letters_they_are(workdir):
    found = run_ok(workdir, latin1_table())
    assert "Zürich" in (workdir / "out" / "report.html").read_text(encoding="utf-8") or \
        any("Zürich" in str(v) for v in found["preprocessing"]["columns"])
    everything = (workdir / "out" / "results.json").read_text(encoding="utf-8")
    assert "Ã" not in everything  # no UTF-8 bytes misread as latin-1 (mojibake)
    assert any(city in everything for city in ("Zürich", "Perú", "Besançon", "Malmö"))


def test_unicode_and_markup_in_names_and_values_are_escaped(workdir):
    frame = table().rename(columns={"amount": "<b>ämount</b>", "visits": "日本 \"visits\""})
    frame["plan"] = ["<script>alert(1)</script>", "naïve & co", "😀 emoji"] * 40
    found = run_ok(workdir, csv_text(frame))
    assert {"<b>ämount</b>", "日本 \"visits\""} <= set(found["dataset"]["features"])
    html = (workdir / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in html and "<b>ämount</b>" not in html
    assert "&lt;b&gt;ämount&lt;/b&gt;" in html


def test_perfectly_separable_data_is_explained_not_a_crash(workdir):
    frame = table()
    frame["amount"] = frame["y"] * 10 + np.random.default_rng(0).random(len(frame))
    found = run_ok(workdir, csv_text(frame))
    assert any("separate the outcomes perfectly" in w for w in found["warnings"]), found["warnings"]
    assert any("Probable leakage: Amount" in w for w in found["warnings"])


def test_three_hundred_columns(workdir):
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(rng.normal(size=(200, 300)).round(2), columns=[f"f{i}" for i in range(300)])
    frame["y"] = (frame["f0"] + rng.normal(size=200) > 0).astype(int)
    found = run_ok(workdir, csv_text(frame))
    vif = found["preprocessing"]["vif"]
    assert len(vif) == 300
    assert len(found["dataset"]["features"]) == 300
    left_out = {m["name"]: m["columns_left_out"] for m in found["models"]}
    assert sorted(left_out.pop("logistic_regression")) == sorted(r["feature"] for r in vif if r["dropped"])
    assert all(columns == [] for columns in left_out.values())


# ---- property-based: random small tables never give an unexpected exception ------------------------

NO_SHRINKING = [Phase.explicit, Phase.reuse, Phase.generate]
"""A failing example is reported as drawn: shrinking tables through whole analyses takes many minutes."""
LABELS = st.sampled_from(["yes", "no", "Yes", " no ", "1", "0", "", "n/a", "é", "<b>", "1.0"])
CELLS = st.one_of(st.none(), st.integers(-10**6, 10**6), st.floats(allow_nan=True, allow_infinity=True),
                  st.sampled_from(["", "?", "n/a", "-", "x", "y", "a b c", "2024-01-31", "😀", "<i>", "1,5", ";"]))


PROPERTY_SETTINGS = settings(max_examples=25, deadline=None, derandomize=True, phases=NO_SHRINKING,
                             suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                                    HealthCheck.data_too_large])
"""Few, reproducible examples, reported as drawn (shrinking one failure took minutes)."""


@st.composite
def small_tables(draw) -> tuple[pd.DataFrame, str]:
    rows = draw(st.integers(0, 40))
    names = draw(st.lists(st.text(min_size=1, max_size=6).filter(lambda s: s.strip() and s != "y"),
                          min_size=0, max_size=4, unique=True))
    frame = pd.DataFrame({name: draw(st.lists(CELLS, min_size=rows, max_size=rows)) for name in names})
    frame["y"] = draw(st.lists(LABELS, min_size=rows, max_size=rows))
    return frame, draw(LABELS)


@PROPERTY_SETTINGS
@given(small_tables())
def test_random_small_tables_give_a_result_or_a_one_line_input_error(tmp_path, drawn):
    frame, positive = drawn
    check_result_or_input_error(tmp_path, frame, positive)


def check_result_or_input_error(tmp_path: Path, frame: pd.DataFrame, positive: str) -> None:
    """The analysis of a quick config: a result, or a one-line ReportInputError; nothing else."""
    data = tmp_path / "random.csv"
    data.write_text(frame.to_csv(index=False), encoding="utf-8")
    spec = resolve_config(data, target="y", positive=positive)
    config = spec.model_copy(update={"search": spec.search.model_copy(update={"cv": 2, "n_jobs": 1}),
                                     "imbalance": spec.imbalance.model_copy(update={"strategies": ["none"]}),
                                     "models": [m for m in resolve_config(data, target="y").models
                                                if m.name in {"logistic_regression", "decision_tree"}]})
    try:
        analysis = analyse(config)
    except ReportInputError as error:
        assert "\n" not in str(error) and str(error)
        return
    assert analysis.result.best_model in {m.name for m in analysis.result.models}
    assert {"logistic_regression", "decision_tree"} <= {m.name for m in analysis.result.models}


@st.composite
def mostly_usable_tables(draw) -> tuple[pd.DataFrame, str]:
    """40-80 rows with both outcomes well represented, so most draws get through to the models."""
    rows = draw(st.integers(40, 80))
    positive, negative = draw(st.lists(LABELS.filter(lambda s: s.strip() not in ("", "n/a")), min_size=2,
                                       max_size=2, unique_by=lambda s: s.strip()))
    labels = draw(st.lists(st.sampled_from([positive, negative]), min_size=rows, max_size=rows))
    labels[:16] = [positive] * 8 + [negative] * 8
    columns = {}
    for index in range(draw(st.integers(1, 4))):
        base = draw(st.sampled_from(["numbers", "categories", "mixed"]))
        numbers = st.one_of(st.floats(-1e6, 1e6), st.sampled_from([float("nan"), float("inf"), -float("inf")]))
        cells = {"numbers": numbers, "categories": st.sampled_from(["a", "b", "c", None]),
                 "mixed": st.one_of(numbers, CELLS)}[base]
        columns[draw(st.text(min_size=1, max_size=5).filter(lambda s: s.strip() and s != "y"))
                + str(index)] = draw(st.lists(cells, min_size=rows, max_size=rows))
    return pd.DataFrame({**columns, "y": labels}), positive


@PROPERTY_SETTINGS
@given(mostly_usable_tables())
def test_random_usable_tables_give_a_result_or_a_one_line_input_error(tmp_path, drawn):
    frame, positive = drawn
    check_result_or_input_error(tmp_path, frame, positive)


# ---- property-based: columns of every kind a business table holds ----------------------------------

@st.composite
def business_tables(draw) -> tuple[pd.DataFrame, list[str]]:
    """120-300 rows with columns of the kinds unseen tables hold: identifiers in several naming styles, surnames
    and other labels rarer than the grouping share, category codes stored as numbers, 'does not apply' values
    (999, -1), blanks, yes/no flags; and an outcome spelled as users spell it. Returns the table and the options
    after --target (a --positive only where the labels are not yes/no)."""
    rows = draw(st.integers(120, 300))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    kinds = draw(st.lists(st.sampled_from(["id", "surname", "rare", "code", "sentinel", "number", "blanks", "flag",
                                           "category", "constant"]), min_size=1, max_size=6))
    id_names = st.sampled_from(["CustomerId", "customer_id", "EmployeeNumber", "RowNumber", "rownames", "ID"])
    columns = {}
    for index, kind in enumerate(kinds):
        if kind == "id":
            name, values = draw(id_names), rng.permutation(np.arange(rows) * int(rng.integers(1, 9)) + 1000)
        elif kind == "surname":
            name, values = "Surname", [f"N{i}" for i in rng.integers(0, rows * 2, rows)]
        elif kind == "rare":
            name = "plan"
            values = rng.choice(["basic", "pro"] + [f"p{i}" for i in range(80)], rows,
                                p=[0.3, 0.3] + [0.4 / 80] * 80)
        elif kind == "code":
            name, values = draw(st.sampled_from(["Region", "StoreID", "area_code", "TrafficType"])), \
                rng.choice([1, 2, 3, 5, 8, 13, 408, 415], rows)
        elif kind == "sentinel":
            name = "pdays"
            values = np.where(rng.random(rows) < draw(st.floats(0.05, 0.98)), draw(st.sampled_from([999, -1])),
                              rng.integers(0, 30, rows))
        elif kind == "blanks":
            name, values = "income", np.where(rng.random(rows) < draw(st.floats(0, 0.9)), np.nan,
                                              rng.gamma(2, 1000, rows).round(2))
        elif kind == "flag":
            name, values = "has_card", rng.choice(draw(st.sampled_from([["Yes", "No"], [True, False], [0, 1]])), rows)
        elif kind == "category":
            name, values = "country", rng.choice(["FR", "DE", "ES", None], rows, p=[0.5, 0.3, 0.15, 0.05])
        elif kind == "constant":
            name, values = "source", ["web"] * rows
        else:
            name, values = "tenure", rng.integers(0, 72, rows)
        columns[f"{name}{index}" if name in columns else name] = values
    labels, options = draw(st.sampled_from([
        (["True", "False"], []), (["TRUE", "FALSE"], []), (["yes", "no"], []), ([1, 0], []),
        (["Churned", "Stayed"], ["--positive", "churned"]), (["MM", "CH"], ["--positive", "MM"])]))
    share = draw(st.floats(0.08, 0.5))
    outcome = np.where(rng.random(rows) < share, labels[0], labels[1])
    outcome[:10] = [labels[0]] * 5 + [labels[1]] * 5
    return pd.DataFrame({**columns, "Exited": outcome}), options


@settings(max_examples=12, deadline=None, derandomize=True, phases=NO_SHRINKING,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(business_tables())
def test_business_tables_give_a_report_or_one_line_and_exit_2(tmp_path, monkeypatch, drawn):
    """Through the command line with every default model family: a report (exit 0) or one clear line
    (exit 2), never an unexpected failure (exit 1)."""
    frame, options = drawn
    folder = Path(tempfile.mkdtemp(dir=tmp_path))
    (folder / "quick.yaml").write_text(yaml.safe_dump({
        "name": "business", "data": "table.csv", "target": {"column": "Exited"},
        "search": {"cv": 3, "tuning_cv": 2, "n_jobs": 1}}), encoding="utf-8")
    frame.to_csv(folder / "table.csv", index=False)
    monkeypatch.chdir(folder)
    result = CliRunner().invoke(main, ["run", "table.csv", "--config", "quick.yaml", "--target", "Exited",
                                       *options, "--no-pdf", "--out", "out", "-q"])
    if result.exit_code == 2:
        assert_one_line_error(result)
        return
    assert result.exit_code == 0, (result.stderr, repr(result.exception))
    found = results(folder / "out")
    used = {c["column"]: c for c in found["preprocessing"]["columns"]}
    assert set(used) == set(frame.columns)
    for column, decision in used.items():
        assert decision["reason"], column
        if column in ("CustomerId", "customer_id", "EmployeeNumber", "RowNumber", "rownames", "ID"):
            assert decision["kind"] == "identifier"
    html = (folder / "out" / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"\bnan\b|\bNone\b", re.sub(r"<style.*?</style>", "", html, flags=re.S))

"""reportgen/load.py: reading as the config says, the 0/1 outcome, and input errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from reportgen.clean import clean
from reportgen.config import load_config, preset_path, resolve_config
from reportgen.errors import ReportInputError
from reportgen.load import load
from reportgen.narrative.preparation import worded_decisions
from reportgen.result import StepKind


def tiny_frame(**columns) -> pd.DataFrame:
    return pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [1, 0, 1, 0], **columns})


@pytest.fixture(scope="module")
def bundled_raw(bundled_csv) -> pd.DataFrame:
    return pd.read_csv(bundled_csv, keep_default_na=False, na_values=[""])


def test_students_preset_reads_namibia_as_a_country_by_its_name(bundled_raw):
    loaded = load(load_config(preset_path("students")))
    country = loaded.frame["student_country"]
    assert loaded.rows_read == len(bundled_raw) == 17761
    assert ((country == "Namibia").sum() == 9
            and (country == "Egypt").sum() == (bundled_raw["student_country"] == "EG").sum())
    assert country.isna().sum() == 0
    assert loaded.warnings == []
    assert loaded.outcome.tolist() == bundled_raw["purchased"].tolist()


def test_course_preset_reads_namibia_as_missing_then_clean_fills_nam():
    config = load_config(preset_path("students-course"))
    loaded = load(config)
    country = loaded.frame["student_country"]
    assert country.isna().sum() == 9
    assert (country == "NA").sum() == 0

    cleaned = clean(loaded, config)
    fill = next(step for step in cleaned.steps if step.kind == StepKind.DECLARED_FILL)
    assert fill.columns == ["student_country"] and fill.count == 9
    kept = pd.concat([cleaned.x_train, cleaned.x_test])["student_country"]
    assert kept.isna().sum() == 0
    namibia = kept.index.isin(country.index[country.isna()])
    assert namibia.sum() > 0
    assert (kept[namibia] == "NAM").all()
    assert (kept == "NAM").sum() == namibia.sum()
    assert country.isna().sum() == 9  # the frame as read is not modified


@pytest.mark.parametrize("positive", ["1", 1, 1.0])
def test_positive_label_matches_int_column_whatever_its_type(make_config, positive):
    config = resolve_config(make_config(tiny_frame()).data, target="y", positive=positive)
    assert load(config).outcome.tolist() == [1, 0, 1, 0]


def test_positive_string_matches_a_float_column(make_config):
    frame = tiny_frame(y=[1.0, 0.0, np.nan, 1.0])
    config = make_config(frame, target={"column": "y", "positive": "1"})
    loaded = load(config)
    assert loaded.outcome.tolist() == [1, 0, 1]
    assert loaded.positive_label == "1"


def test_text_labels_and_surrounding_spaces(make_config):
    frame = tiny_frame(y=["yes", " no", "yes ", "no"])
    config = make_config(frame, target={"column": "y", "positive": "yes"})
    assert load(config).outcome.tolist() == [1, 0, 1, 0]


def test_rows_without_a_target_are_dropped_with_a_warning(make_config):
    frame = pd.DataFrame({"x": range(6), "y": [1, 0, None, 1, None, 0]})
    loaded = load(make_config(frame))
    assert loaded.rows_read == 6
    assert list(loaded.outcome.index) == [0, 1, 3, 5]
    assert loaded.outcome.tolist() == [1, 0, 1, 0]
    assert len(loaded.warnings) == 1
    assert "2 rows" in loaded.warnings[0] and "'y'" in loaded.warnings[0]
    assert len(loaded.frame) == 6


def test_missing_rows_are_also_left_out_by_clean(make_config):
    rows = 40
    frame = pd.DataFrame({"x": np.arange(rows, dtype=float), "y": [1, 0] * (rows // 2)})
    frame.loc[[3, 7], "y"] = None
    config = make_config(frame, split={"stratify": False})
    cleaned = clean(load(config), config)
    read = cleaned.steps[0]
    assert (read.kind, read.rows_before, read.rows_after) == (StepKind.READ, rows, rows - 2)
    assert cleaned.rows_used == rows - 2
    assert any("2 rows" in n.text for n in cleaned.notices)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("missing target column", "target column 'y' is not in"),
        ("positive label absent", "positive label '7' never occurs in 'y'; labels found: 0, 1"),
        ("single class", "a report needs both outcomes"),
        ("target empty everywhere", "is empty in every row"),
        ("empty file", "is empty"),
        ("header only", "has a header but no data rows"),
        ("directory", "is a folder"),
        ("missing file", "data file not found"),
        ("latin-1 read as utf-8", "not readable as utf-8"),
    ],
)
def test_bad_inputs_give_one_line_input_errors(tmp_path, case, expected):
    data = tmp_path / "t.csv"
    target, positive = "y", None
    if case == "missing target column":
        data.write_text("a,b\n1,2\n", encoding="utf-8")
    elif case == "positive label absent":
        data.write_text("a,y\n1,1\n2,0\n", encoding="utf-8")
        positive = "7"
    elif case == "single class":
        data.write_text("a,y\n1,1\n2,1\n", encoding="utf-8")
    elif case == "target empty everywhere":
        data.write_text("a,y\n1,\n2,\n", encoding="utf-8")
    elif case == "empty file":
        data.write_bytes(b"")
    elif case == "header only":
        data.write_text("a,y\n", encoding="utf-8")
    elif case == "directory":
        data = tmp_path / "folder.csv"
        data.mkdir()
    elif case == "missing file":
        data = tmp_path / "nope.csv"
    elif case == "latin-1 read as utf-8":
        data.write_bytes("country,y\nCôte d'Ivoire,1\nPerú,0\n".encode("latin-1"))
    with pytest.raises(ReportInputError) as error:
        load(resolve_config(data, target=target, positive=positive))
    message = str(error.value)
    assert expected in message
    assert "\n" not in message
    assert error.value.__suppress_context__ or error.value.__context__ is None


def test_missing_target_column_lists_the_columns(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text("alpha,beta\n1,2\n", encoding="utf-8")
    with pytest.raises(ReportInputError, match="its columns are: alpha, beta"):
        load(resolve_config(data, target="y"))


def test_latin1_file_reads_when_the_config_says_so(make_config):
    config = make_config(pd.DataFrame({"c": ["x"], "y": [1]}), read={"encoding": "latin-1"})
    config.data.write_bytes("c,y\nCôte,1\nPerú,0\n".encode("latin-1"))
    assert load(config).frame["c"].tolist() == ["Côte", "Perú"]


def test_unquoted_yes_as_positive_in_a_config(make_config, write_yaml):
    make_config(tiny_frame(y=["yes", "no", "yes", "no"]))
    config = load_config(write_yaml("name: tiny\ndata: data.csv\ntarget: {column: y, positive: yes}\n"))
    assert load(config).outcome.tolist() == [1, 0, 1, 0]


def test_a_file_without_a_header_reads_with_the_configs_names(tmp_path, write_yaml):
    (tmp_path / "t.csv").write_bytes(b"1,8.91,0\r\n2,7,1\r\n3,8.91,1\r\n")
    config = load_config(write_yaml({"name": "t", "data": "t.csv", "target": {"column": "y"}, "read": {
        "header": False, "columns": ["id", "score", "y"], "missing_markers": {"score": [8.91]}}}))
    frame = load(config).frame
    assert list(frame.columns) == ["id", "score", "y"] and len(frame) == 3
    assert frame["score"].isna().tolist() == [True, False, True]
    assert frame["id"].tolist() == [1, 2, 3]


def test_markers_apply_to_their_column_only(tmp_path, write_yaml):
    (tmp_path / "t.csv").write_text("a,b,y\n?,?,1\n2,x,0\n", encoding="utf-8")
    config = load_config(write_yaml({"name": "t", "data": "t.csv", "target": {"column": "y"},
                                     "read": {"missing_markers": {"a": ["?"]}}}))
    frame = load(config).frame
    assert frame["a"].isna().tolist() == [True, False] and frame["b"].tolist() == ["?", "x"]


@pytest.mark.parametrize(("read", "expected"), [
    ({"header": False, "columns": ["a", "y"]}, "has 3 columns but 'read.columns' names 2"),
    ({"missing_markers": {"zzz": ["?"]}}, "'read.missing_markers' names zzz, not a column of t.csv"),
])
def test_read_options_that_do_not_fit_the_file(tmp_path, write_yaml, read, expected):
    (tmp_path / "t.csv").write_text("a,b,y\n1,2,1\n", encoding="utf-8")
    config = load_config(write_yaml({"name": "t", "data": "t.csv", "target": {"column": "y"}, "read": read}))
    with pytest.raises(ReportInputError, match=expected):
        load(config)


def test_a_target_with_more_than_two_labels_is_positive_against_the_rest(make_config):
    frame = tiny_frame(y=["gold", "silver", "gold", "bronze"])
    loaded = load(make_config(frame, target={"column": "y", "positive": "gold"}))
    assert loaded.outcome.tolist() == [1, 0, 1, 0]
    assert loaded.warnings == ["'y' has 3 labels; rows labelled 'gold' count as positive and the other 2 labels "
                               "as negative."]


# Parquet


def typed_frame(rows: int = 80, seed: int = 3) -> pd.DataFrame:
    """A table as a warehouse exports it to Parquet: typed columns, nullable ones with gaps."""
    rng = np.random.default_rng(seed)
    visits = pd.array(rng.integers(0, 30, rows), dtype="Int64")
    visits[[2, 9]] = pd.NA
    spend = rng.gamma(2.0, 15.0, rows).round(2)
    spend[[4, 5]] = np.nan
    plan = pd.Categorical(rng.choice(["basic", "pro", "team"], rows))
    plan[7] = np.nan
    signup = pd.Series(pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 500, rows), unit="D"))
    signup[3] = pd.NaT
    opted_in = pd.array(rng.random(rows) < 0.5, dtype="boolean")
    opted_in[[0, 6]] = pd.NA
    score = rng.integers(1, 10, rows).astype(str).astype(object)
    score[[1, 11]] = "?"
    return pd.DataFrame({
        "account_id": np.arange(1000, 1000 + rows),
        "visits": visits,
        "spend": spend,
        "plan": plan,
        "city": pd.array(rng.choice(["Oslo", "Lima", "NA"], rows), dtype="string"),
        "signup": signup,
        "trial": rng.random(rows) < 0.4,
        "opted_in": opted_in,
        "score": score,
        "y": (rng.random(rows) < 0.3).astype(int),
    })


def test_typed_parquet_columns_go_through_inference_as_their_csv_does(tmp_path):
    from reportgen.infer import infer

    frame = typed_frame()
    frame.to_csv(tmp_path / "t.csv", index=False)
    frame.to_parquet(tmp_path / "t.parquet")
    inferred = [infer(resolve_config(tmp_path / name, target="y")) for name in ("t.csv", "t.parquet")]
    (csv, parquet) = inferred
    assert [(d.column, d.kind, d.use, d.reason) for d in worded_decisions(parquet.decisions)] == \
        [(d.column, d.kind, d.use, d.reason) for d in worded_decisions(csv.decisions)]
    assert all(d.reason for d in worded_decisions(parquet.decisions))
    assert {d.column: d.kind for d in parquet.decisions} == {
        "account_id": "identifier", "visits": "numeric", "spend": "numeric", "plan": "categorical",
        "city": "categorical", "signup": "date", "trial": "numeric", "opted_in": "categorical", "score": "numeric",
        "y": "outcome"}
    assert parquet.config.model_dump(exclude={"data"}) == csv.config.model_dump(exclude={"data"})
    assert parquet.notices == csv.notices
    cleaned = [clean(load(found.config), found.config) for found in inferred]
    pd.testing.assert_frame_equal(cleaned[1].x_train, cleaned[0].x_train)
    pd.testing.assert_series_equal(cleaned[1].y_test, cleaned[0].y_test)
    assert load(parquet.config).frame["city"].isna().any()  # 'NA' is missing, as pandas reads it from CSV


def test_parquet_reads_the_configs_markers_and_names(tmp_path, write_yaml):
    pd.DataFrame({"a": [8.91, 2.0, 3.5], "b": ["x", "?", "y"], "y": [1, 0, 1]}).to_parquet(tmp_path / "t.parquet")
    config = load_config(write_yaml({"name": "t", "data": "t.parquet", "target": {"column": "outcome"},
                                     "read": {"columns": ["score", "label", "outcome"], "na_values": ["?"],
                                              "missing_markers": {"score": ["8.91"]}}}))
    frame = load(config).frame
    assert list(frame.columns) == ["score", "label", "outcome"]
    assert frame["score"].isna().tolist() == [True, False, False]
    assert frame["label"].isna().tolist() == [False, True, False]


def test_a_folder_of_parquet_files_is_one_table(tmp_path):
    """As Dask and Spark write a table: one file per partition, in a folder."""
    (tmp_path / "t.parquet").mkdir()
    frame = typed_frame()
    frame.iloc[:50].to_parquet(tmp_path / "t.parquet" / "part.0.parquet")
    frame.iloc[50:].to_parquet(tmp_path / "t.parquet" / "part.1.parquet")
    loaded = load(resolve_config(tmp_path / "t.parquet", target="y"))
    assert loaded.rows_read == len(frame)
    assert loaded.frame["spend"].tolist() == pytest.approx(frame["spend"].tolist(), nan_ok=True)


@pytest.mark.parametrize("content", [b"a,y\n1,1\n2,0\n", b"PAR1" + bytes(range(256)) + b"PAR1", b""])
def test_a_file_named_parquet_that_is_not_is_one_clear_error(tmp_path, content):
    (tmp_path / "t.parquet").write_bytes(content)
    with pytest.raises(ReportInputError) as error:
        load(resolve_config(tmp_path / "t.parquet", target="y"))
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{tmp_path / 't.parquet'} could not be read as Parquet (")


def test_the_bundled_table_as_parquet_gives_the_csv_runs_numbers(tmp_path):
    """The students preset with small searches, once on its CSV and once on the same table saved as Parquet,
    through a config that points at the .parquet file."""
    import json

    import yaml

    from reportgen.engine import analyse
    from reportgen.result import to_json

    preset = yaml.safe_load(preset_path("students").read_text(encoding="utf-8"))
    quick = {**preset, "ensemble": False, "search": {"cv": 3, "n_jobs": 1}, "imbalance": {"strategies": ["none"]},
             "models": [{"name": "logistic_regression"}, {"name": "decision_tree", "grid": {"max_depth": [3, 5]}}]}
    bundled = (preset_path("students").parent / preset["data"]).resolve()
    for name, data in (("csv.yaml", str(bundled)), ("parquet.yaml", "students.parquet")):
        (tmp_path / name).write_text(yaml.safe_dump({**quick, "data": data}), encoding="utf-8")
    on_csv = load_config(tmp_path / "csv.yaml")
    load(on_csv).frame.to_parquet(tmp_path / "students.parquet")
    results = [json.loads(to_json(analyse(load_config(tmp_path / name)).result))
               for name in ("csv.yaml", "parquet.yaml")]
    assert [found["dataset"].pop("source") for found in results] == ["ml_datasource.csv", "students.parquet"]
    assert results[1] == results[0]
    assert results[1]["dataset"]["rows_read"] == 17761


def test_value_labels_name_the_codes_and_leave_the_others_as_text(make_config):
    frame = tiny_frame(country=["EG", "US", "XX", None], region=[1, 2, 3, 1])
    config = make_config(frame, read={"value_labels": {"country": {"EG": "Egypt", "US": "United States"},
                                                       "region": {"1": "North", "2": "South"}}})
    loaded = load(config).frame
    assert loaded["country"].tolist()[:3] == ["Egypt", "United States", "XX"] and pd.isna(loaded["country"][3])
    assert loaded["region"].tolist() == ["North", "South", "3", "North"]


def test_value_labels_of_a_column_the_file_lacks_is_one_clear_error(make_config):
    config = make_config(tiny_frame(), read={"value_labels": {"country": {"EG": "Egypt"}}})
    with pytest.raises(ReportInputError, match="'read.value_labels' names country, not a column of"):
        load(config)

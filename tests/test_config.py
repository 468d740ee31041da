"""reportgen/config.py: presets, validation errors that name key and file, resolve_config."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.config import DatasetConfig, load_config, preset_names, preset_path, resolve_config
from reportgen.errors import ReportInputError
from reportgen.infer import infer

MINIMAL = {"name": "tiny", "data": "d.csv", "target": {"column": "y"}}


def one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def test_bundled_presets_are_the_documented_ones():
    assert preset_names() == ["audiobooks", "students", "students-course", "tiktok"]


@pytest.mark.parametrize("name", ["students", "students-course"])
def test_preset_loads_validates_and_points_at_the_bundled_data(name, bundled_csv):
    config = load_config(preset_path(name))
    assert isinstance(config, DatasetConfig)
    assert config.name == name
    assert config.data == bundled_csv.resolve()
    assert config.target.column == "purchased"
    assert config.target.positive == 1
    assert [rule.column for rule in config.outliers] == [
        "minutes_watched", "courses_started", "practice_exams_started", "minutes_spent_on_exams"]
    assert "logistic_regression" in [m.name for m in config.models]
    assert config.seed == 365


def test_presets_differ_where_the_course_method_differs():
    students = load_config(preset_path("students"))
    course = load_config(preset_path("students-course"))
    assert students.read.keep_default_na is False
    assert course.read.keep_default_na is True
    assert course.missing.fill == {"student_country": "NAM"}
    assert (students.encoding.categorical, course.encoding.categorical) == ("onehot", "ordinal")
    assert (students.logit.intercept, course.logit.intercept) == (True, False)
    assert (students.search.scoring, course.search.scoring) == ("average_precision", "accuracy")


def test_unknown_preset_is_an_input_error_listing_the_choices():
    with pytest.raises(ReportInputError) as error:
        preset_path("studnets")
    assert "studnets" in one_line(error)
    assert "students-course" in str(error.value)


def test_unknown_key_names_the_key_and_the_file(write_yaml):
    path = write_yaml({**MINIMAL, "vif": {"treshold": 5}})
    with pytest.raises(ReportInputError) as error:
        load_config(path)
    message = one_line(error)
    assert "vif.treshold" in message
    assert str(path) in message


def test_unknown_top_level_key_is_named(write_yaml):
    path = write_yaml({**MINIMAL, "modles": []})
    with pytest.raises(ReportInputError, match="modles"):
        load_config(path)


def test_invalid_yaml_is_an_input_error_naming_the_file(write_yaml):
    path = write_yaml("name: [unclosed\ntarget: {column: y\n")
    with pytest.raises(ReportInputError) as error:
        load_config(path)
    message = one_line(error)
    assert str(path) in message
    assert "YAML" in message


def test_yaml_that_is_not_a_mapping_is_an_input_error(write_yaml):
    path = write_yaml("- just\n- a list\n")
    with pytest.raises(ReportInputError, match="mapping"):
        load_config(path)


def test_missing_config_file_is_an_input_error(tmp_path):
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ReportInputError) as error:
        load_config(missing)
    assert str(missing) in one_line(error)


def test_wrong_value_type_names_the_key(write_yaml):
    path = write_yaml({**MINIMAL, "split": {"test_size": 1.5}})
    with pytest.raises(ReportInputError, match=r"split\.test_size"):
        load_config(path)


def test_outlier_rule_needs_a_limit(write_yaml):
    path = write_yaml({**MINIMAL, "outliers": [{"column": "minutes"}]})
    with pytest.raises(ReportInputError, match="needs 'min' or 'max'"):
        load_config(path)


def test_unknown_model_name_is_rejected_with_the_choices(write_yaml):
    path = write_yaml({**MINIMAL, "models": [{"name": "logistic_regression"}, {"name": "xgboost"}]})
    with pytest.raises(ReportInputError) as error:
        load_config(path)
    message = one_line(error)
    assert "xgboost" in message
    assert "random_forest" in message
    assert str(path) in message


def test_models_must_include_the_logit(write_yaml):
    path = write_yaml({**MINIMAL, "models": [{"name": "knn"}]})
    with pytest.raises(ReportInputError, match="logistic_regression"):
        load_config(path)


def test_data_path_is_resolved_relative_to_the_config_file(tmp_path, monkeypatch):
    (tmp_path / "configs").mkdir()
    config_path = tmp_path / "configs" / "mine.yaml"
    config_path.write_text("name: mine\ndata: ../tables/d.csv\ntarget: {column: y}\n", encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    config = load_config(config_path)
    assert config.data == (tmp_path / "tables" / "d.csv").resolve()


def test_relative_config_path_from_another_folder(tmp_path, monkeypatch):
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "mine.yaml").write_text(
        "name: mine\ndata: d.csv\ntarget: {column: y}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert load_config(Path("configs/mine.yaml")).data == (tmp_path / "configs" / "d.csv").resolve()


def test_absolute_data_path_is_kept(write_yaml, tmp_path):
    absolute = tmp_path / "somewhere" / "d.csv"
    assert load_config(write_yaml({**MINIMAL, "data": str(absolute)})).data == absolute


# resolve_config: explicit file > preset > bare CSV > default, with explicit options on top


def test_no_arguments_means_the_students_preset():
    assert resolve_config() == load_config(preset_path("students"))


def test_explicit_options_override_the_preset():
    config = resolve_config(preset="students", target="churned", positive="yes", seed=7)
    assert config.name == "students"
    assert config.target.column == "churned"
    assert config.target.positive == "yes"
    assert config.seed == 7
    untouched = load_config(preset_path("students"))
    assert config.outliers == untouched.outliers


def test_positive_alone_keeps_the_preset_target_and_its_names():
    config = resolve_config(preset="students-course", positive="0")
    assert config.target.column == "purchased"
    assert config.target.positive == "0"
    assert config.target.positive_name == "Purchased"


def test_seed_overrides_a_config_file(write_yaml):
    path = write_yaml({**MINIMAL, "seed": 11})
    assert load_config(path).seed == 11
    assert resolve_config(config=path, seed=3).seed == 3
    assert resolve_config(config=path).seed == 11


def test_data_argument_replaces_the_preset_data(tmp_path):
    table = tmp_path / "other.csv"
    assert resolve_config(table, preset="students").data == table


def test_config_and_preset_together_is_an_error(write_yaml):
    with pytest.raises(ReportInputError, match="either --config or --preset"):
        resolve_config(config=write_yaml(MINIMAL), preset="students")


def test_bare_csv_without_target_is_an_error(tmp_path):
    (tmp_path / "customers.csv").write_text("a,y\n1,0\n", encoding="utf-8")
    with pytest.raises(ReportInputError) as error:
        resolve_config(tmp_path / "customers.csv")
    assert "--target" in one_line(error)
    assert "customers.csv" in str(error.value)


def test_bare_csv_with_target_gets_defaults(tmp_path):
    table = tmp_path / "customers.csv"
    table.write_text("a,churned\n1,yes\n", encoding="utf-8")
    config = resolve_config(table, target="churned", positive="yes")
    assert config.name == "customers"
    assert config.data == table
    assert (config.target.column, config.target.positive) == ("churned", "yes")
    assert resolve_config(table, target="churned").target.positive == 1
    assert config.seed == 365


# Reading, column types, derived features and published figures


@pytest.mark.parametrize(("changes", "key", "words"), [
    ({"read": {"header": False}}, "read", "needs its column names under 'columns'"),
    ({"read": {"header": False, "columns": ["a", "a"]}}, "read", "names a more than once"),
    ({"types": {"note": "words"}}, "types.note", "'numeric', 'categorical', 'text' or 'date'"),
    ({"types": {"day": "text"}, "derived": [{"column": "day", "kind": "month"}]}, "(top level)",
     "needs column 'day' typed date under 'types'"),
    ({"derived": [{"column": "day", "kind": "length", "reference": "2024-01-01"}]}, "derived.0",
     "applies to kind age_days only"),
    ({"categorical": ["plan"], "types": {"plan": "numeric"}}, "(top level)", "typed numeric under 'types'"),
    ({"features": ["a", "b"], "exclude": ["b"]}, "(top level)", "both under 'features' and under 'exclude'"),
    ({"published": {"source": "a course", "metrics": {"accuracy": 82}}}, "published.metrics", "0.82, not 82"),
    ({"published": {"source": "a course", "metrics": {"lift": 0.5}}}, "published.metrics.lift", "'pr_auc'"),
    ({"published": {"source": "a course", "model": "svm", "metrics": {"f1": 0.5}},
      "models": [{"name": "logistic_regression"}]}, "(top level)", "published.model 'svm'"),
    ({"search": {"backend": "spark"}}, "search.backend", "'local', 'loky' or 'dask'"),
    ({"search": {"n_jobs": 0}}, "search.n_jobs", "greater than or equal to 1"),
    ({"search": {"tuning_cv": 1}}, "search.tuning_cv", "greater than or equal to 2"),
    ({"imbalance": {"cv": 3}}, "imbalance", "move 'cv' to 'search.tuning_cv'"),
    ({"search": {"scheduler": "tcp://10.0.0.5:8786"}}, "search", "set 'backend: dask'"),
    ({"search": {"backend": "dask", "scheduler": "tcp://a b"}}, "search.scheduler", "pattern"),
])
def test_new_keys_are_validated_with_the_key_named(write_yaml, changes, key, words):
    path = write_yaml({**MINIMAL, **changes})
    with pytest.raises(ReportInputError) as error:
        load_config(path)
    message = one_line(error)
    assert f"key '{key}'" in message and words in message and str(path) in message


def test_markers_written_as_numbers_match_the_files_text(write_yaml):
    config = load_config(write_yaml({**MINIMAL, "read": {"missing_markers": {"score": [8.91, 99]}}}))
    assert config.read.missing_markers == {"score": ["8.91", "99"]}


def test_derived_features_are_named_labelled_and_given_units(write_yaml):
    config = load_config(write_yaml({**MINIMAL, "types": {"note": "text", "day": "date"}, "derived": [
        {"column": "note", "kind": "length"}, {"column": "day", "kind": "age_days", "reference": "2024-06-30"},
        {"column": "day", "kind": "month", "name": "signup_month"}], "units": {"note_length": "letter"}}))
    assert [f.name for f in config.derived] == ["note_length", "day_age_days", "signup_month"]
    assert config.label("day_age_days") == "Day (days before 2024-06-30)"
    assert config.label("signup_month") == "Day (month)"
    assert config.column_units() == {"note_length": "letter", "day_age_days": "day"}


def test_backend_and_scheduler_from_the_command_line(write_yaml):
    path = write_yaml({**MINIMAL, "search": {"cv": 3}})
    assert load_config(path).search.backend == "local"
    local = resolve_config(config=path, backend="dask").search
    assert (local.backend, local.scheduler, local.cv) == ("dask", None, 3)
    remote = resolve_config(config=path, scheduler="tcp://10.0.0.5:8786").search
    assert (remote.backend, remote.scheduler) == ("dask", "tcp://10.0.0.5:8786")
    with pytest.raises(ReportInputError) as error:
        resolve_config(config=path, backend="loky", scheduler="tcp://10.0.0.5:8786")
    assert "--backend/--scheduler" in one_line(error) and "backend: dask" in one_line(error)
    on_cluster = write_yaml({**MINIMAL, "search": {"backend": "dask", "scheduler": "tcp://10.0.0.5:8786"}})
    assert resolve_config(config=on_cluster, backend="loky").search.scheduler is None


def test_command_line_overrides_are_validated_like_the_file(tmp_path):
    with pytest.raises(ReportInputError, match="the command-line options do not fit the config: key 'seed'"):
        resolve_config(preset="students", seed="not a number")
    excluded = resolve_config(preset="students", exclude=["minutes_watched"])
    assert "minutes_watched" in excluded.exclude and "minutes_watched" not in excluded.levers
    data = tmp_path / "customers.csv"
    data.write_text("CustomerId,tenure,churn\n" + "".join(f"{i},{i % 7},{'yes' if i % 3 else 'no'}\n"
                                                           for i in range(40)))
    seeded = resolve_config(data, target="churn", seed=7)
    assert seeded.seed == 7 and not {"unit", "action", "title"} & seeded.model_fields_set
    assert infer(seeded).config.unit == "customers"

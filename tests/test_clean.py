"""reportgen/clean.py: outlier rules, VIF, constant columns, the split and the step log.

The bundled-data checks clean once per module (no models are fitted) and compare with
numbers computed here independently from the raw CSV.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from reportgen.clean import clean, rows_within, vif_table
from reportgen.config import OutlierRule, load_config, preset_path
from reportgen.errors import ReportInputError
from reportgen.load import load

COURSE_LIMITS = {"minutes_watched": 1000, "courses_started": 10, "practice_exams_started": 10,
                 "minutes_spent_on_exams": 40}
NUMERIC = ["days_on_platform", "minutes_watched", "courses_started", "practice_exams_started",
           "practice_exams_passed", "minutes_spent_on_exams"]


def least_squares_vif(matrix: np.ndarray, intercept: bool) -> list[float]:
    """VIF_j = 1 / (1 - R²_j), regressing column j on the others (plus a constant if asked).

    Without an intercept R² is uncentred (about zero), as for any regression through the origin.
    """
    values = []
    for j in range(matrix.shape[1]):
        y = matrix[:, j]
        others = np.delete(matrix, j, axis=1)
        if intercept:
            others = np.column_stack([np.ones(len(others)), others])
        coef, *_ = np.linalg.lstsq(others, y, rcond=None)
        residual = ((y - others @ coef) ** 2).sum()
        total = ((y - y.mean()) ** 2).sum() if intercept else (y ** 2).sum()
        values.append(total / residual)
    return values


@pytest.fixture(scope="module")
def raw(bundled_csv) -> pd.DataFrame:
    return pd.read_csv(bundled_csv, keep_default_na=False, na_values=[""])


@pytest.fixture(scope="module")
def kept(raw) -> pd.DataFrame:
    """The raw rows within the course's limits, in file order, computed without reportgen."""
    mask = np.logical_and.reduce([raw[column] <= limit for column, limit in COURSE_LIMITS.items()])
    return raw[mask]


@pytest.fixture(scope="module")
def students():
    config = load_config(preset_path("students"))
    return clean(load(config), config)


def test_outlier_rules_keep_the_courses_row_count(students, kept):
    assert len(kept) == 17626
    assert students.rows_used == 17626
    assert len(students.x_train) + len(students.x_test) == 17626


def test_positive_rate_after_cleaning(students, kept):
    outcome = pd.concat([students.y_train, students.y_test])
    assert outcome.mean() == pytest.approx(0.0921, abs=1e-4)
    assert outcome.mean() == pytest.approx(kept["purchased"].mean(), abs=1e-12)


def test_outlier_steps_log_rows_before_and_after(students, raw):
    steps = [s for s in students.steps if s.name == "Outlier rule"]
    assert [s.columns for s in steps] == [[c] for c in COURSE_LIMITS]
    remaining = raw
    for step, (column, limit) in zip(steps, COURSE_LIMITS.items()):
        assert step.rows_before == len(remaining)
        remaining = remaining[remaining[column] <= limit]
        assert step.rows_after == len(remaining)
        assert f"{step.rows_before - step.rows_after:,} removed" in step.description
    assert steps[0].rows_before == 17761
    assert steps[-1].rows_after == 17626
    read = students.steps[0]
    assert (read.name, read.rows_before, read.rows_after) == ("Read", 17761, 17761)
    later = students.steps[students.steps.index(steps[-1]) + 1:]
    assert all(s.rows_before == s.rows_after == 17626 for s in later)


def test_vif_drops_practice_exams_started_only(students):
    dropped = [row.feature for row in students.vif if row.dropped]
    assert dropped == ["practice_exams_started"]
    assert "practice_exams_started" not in students.features
    vif = {row.feature: row.vif for row in students.vif}
    assert vif["practice_exams_started"] == pytest.approx(9.7, abs=0.05)
    step = next(s for s in students.steps if s.name == "Multicollinearity")
    assert step.columns == ["practice_exams_started"]
    assert "VIF 9.7" in step.description


def test_vif_values_match_least_squares(students, kept):
    expected = least_squares_vif(kept[NUMERIC].to_numpy(dtype=float), intercept=True)
    assert [row.feature for row in students.vif] == NUMERIC
    assert [row.vif for row in students.vif] == pytest.approx(expected, abs=1e-4)


def test_vif_after_the_drop_is_below_the_threshold(kept):
    remaining = [c for c in NUMERIC if c != "practice_exams_started"]
    assert max(least_squares_vif(kept[remaining].to_numpy(dtype=float), intercept=True)) < 5


def test_split_is_sklearns_stratified_split_of_the_kept_rows(students, kept):
    _, _, y_train, y_test = train_test_split(
        kept.drop(columns="purchased"), kept["purchased"], test_size=0.2, random_state=365,
        stratify=kept["purchased"])
    assert list(students.x_test.index) == list(y_test.index)
    assert list(students.x_train.index) == list(y_train.index)
    assert students.y_test.tolist() == y_test.tolist()


def test_features_and_encoding_plan(students):
    assert students.categorical == ["student_country"]
    assert students.numeric == [c for c in NUMERIC if c != "practice_exams_started"]
    most_common = students.x_train["student_country"].value_counts().idxmax()
    assert students.reference_categories == {"student_country": most_common}
    assert students.warnings == []


# Small tables


def frame_with_outcome(rows: int = 60, seed: int = 1, **columns) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"a": rng.normal(size=rows), "b": rng.integers(0, 50, rows).astype(float),
                          "y": np.tile([1, 0, 0], rows // 3 + 1)[:rows]})
    for name, values in columns.items():
        frame[name] = values
    return frame


def test_missing_value_in_a_rule_column_is_not_an_outlier():
    frame = pd.DataFrame({"m": [1.0, np.nan, 50.0, 3.0, -9.0]})
    keep = rows_within(frame, OutlierRule(column="m", min=0, max=10))
    assert keep.tolist() == [True, True, False, True, False]


def test_missing_rule_value_kept_through_clean(make_config):
    frame = frame_with_outcome()
    frame.loc[[0, 1], "b"] = np.nan
    frame.loc[[2, 3, 4], "b"] = 1000.0
    config = make_config(frame, outliers=[{"column": "b", "max": 100}])
    cleaned = clean(load(config), config)
    used = pd.concat([cleaned.x_train, cleaned.x_test]).index
    assert {0, 1} <= set(used)
    assert not {2, 3, 4} & set(used)
    assert cleaned.rows_used == len(frame) - 3
    missing = next(s for s in cleaned.steps if s.name == "Missing values")
    assert missing.columns == ["b"]


def test_min_and_max_limits_are_inclusive():
    frame = pd.DataFrame({"m": [0.0, 10.0, -0.1, 10.1]})
    assert rows_within(frame, OutlierRule(column="m", min=0, max=10)).tolist() == [True, True, False, False]


def test_constant_columns_are_dropped_with_a_warning(make_config):
    frame = frame_with_outcome(same=7.0, label="x")
    config = make_config(frame)
    cleaned = clean(load(config), config)
    assert "same" not in cleaned.features
    assert "label" not in cleaned.features
    assert cleaned.features == ["a", "b"]
    step = next(s for s in cleaned.steps if s.name == "Constant columns")
    assert step.columns == ["same", "label"]
    assert any("same" in w and "label" in w for w in cleaned.warnings)


def test_too_few_positives_for_cross_validation(make_config):
    frame = frame_with_outcome(rows=60)
    frame["y"] = 0
    frame.loc[:8, "y"] = 1
    config = make_config(frame, search={"cv": 5})
    with pytest.raises(ReportInputError, match="only 9 positive") as error:
        clean(load(config), config)
    assert "5-fold" in str(error.value)


def test_ten_positives_are_enough_for_five_folds(make_config):
    frame = frame_with_outcome(rows=60)
    frame["y"] = 0
    frame.loc[:9, "y"] = 1
    config = make_config(frame, search={"cv": 5})
    cleaned = clean(load(config), config)
    assert cleaned.y_train.sum() + cleaned.y_test.sum() == 10


def test_outlier_rule_on_unknown_or_text_column_is_an_input_error(make_config):
    frame = frame_with_outcome(label=["p", "q"] * 30)
    for rule, message in [({"column": "zzz", "max": 1}, "not a feature"),
                          ({"column": "label", "max": 1}, "needs a numeric column")]:
        config = make_config(frame, outliers=[rule])
        with pytest.raises(ReportInputError, match=message):
            clean(load(config), config)


def test_id_and_excluded_columns_are_not_features(make_config):
    frame = frame_with_outcome(user=range(60), note=["n"] * 59 + ["m"])
    config = make_config(frame, id_columns=["user"], exclude=["note"])
    cleaned = clean(load(config), config)
    assert cleaned.features == ["a", "b"]
    step = next(s for s in cleaned.steps if s.name == "Excluded columns")
    assert step.columns == ["user", "note"]


def test_config_naming_a_missing_column_is_an_input_error(make_config):
    config = make_config(frame_with_outcome(), categorical=["country"])
    with pytest.raises(ReportInputError, match="country"):
        clean(load(config), config)


def collinear_frame(rows: int = 300, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.normal(10, 2, rows)
    b = rng.normal(5, 1, rows)
    return pd.DataFrame({"a": a, "b": b, "c": a + b + rng.normal(0, 0.3, rows), "d": rng.normal(50, 5, rows)})


def test_vif_table_with_a_constant_matches_least_squares():
    frame = collinear_frame()
    expected = least_squares_vif(frame.to_numpy(), intercept=True)
    assert list(vif_table(frame, add_constant=True).values()) == pytest.approx(expected, rel=1e-6)


def test_vif_table_without_a_constant_regresses_through_the_origin():
    frame = collinear_frame()
    expected = least_squares_vif(frame.to_numpy(), intercept=False)
    assert list(vif_table(frame, add_constant=False).values()) == pytest.approx(expected, rel=1e-6)


def test_collinear_feature_is_dropped_and_the_rest_kept(make_config):
    frame = collinear_frame()
    frame["y"] = (frame["a"] > 10).astype(int)
    config = make_config(frame, vif={"threshold": 5})
    cleaned = clean(load(config), config)
    assert [row.feature for row in cleaned.vif if row.dropped] == ["c"]
    assert cleaned.numeric == ["a", "b", "d"]

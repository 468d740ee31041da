"""reportgen/clean/: outlier rules, VIF, constant columns, the split and the step log.

The bundled-data checks clean once per module (no models are fitted) and compare with
numbers computed here independently from the raw CSV.
"""

from __future__ import annotations

import datetime

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import train_test_split

from reportgen.clean import (
    LEAKAGE_AUC,
    add_derived,
    clean,
    duplicate_summary,
    feature_encoder,
    native_min_rows,
    rows_within,
    vif_table,
)
from reportgen.config import OutlierRule, load_config, preset_path
from reportgen.errors import ReportInputError
from reportgen.load import load
from reportgen.result import NoticeKind, StepKind

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
    steps = [s for s in students.steps if s.kind == StepKind.OUTLIER_RULE]
    assert [s.columns for s in steps] == [[c] for c in COURSE_LIMITS]
    remaining = raw
    for step, (column, limit) in zip(steps, COURSE_LIMITS.items()):
        assert step.rows_before == len(remaining)
        remaining = remaining[remaining[column] <= limit]
        assert step.rows_after == len(remaining)
        assert (step.limit_low, step.limit_high) == (None, limit)
    assert steps[0].rows_before == 17761
    assert steps[-1].rows_after == 17626
    read = students.steps[0]
    assert (read.kind, read.rows_before, read.rows_after) == (StepKind.READ, 17761, 17761)
    later = students.steps[students.steps.index(steps[-1]) + 1:]
    assert all(s.rows_before == s.rows_after == 17626 for s in later)


def test_vif_leaves_practice_exams_started_out_of_the_logit_only(students):
    dropped = [row.feature for row in students.vif if row.dropped]
    assert dropped == ["practice_exams_started"]
    assert "practice_exams_started" in students.features and "practice_exams_started" in students.numeric
    assert students.logit_left_out == ["practice_exams_started"]
    vif = {row.feature: row.vif for row in students.vif}
    assert vif["practice_exams_started"] == pytest.approx(9.7, abs=0.05)
    step = next(s for s in students.steps if s.kind == StepKind.LOGIT_MULTICOLLINEARITY)
    assert step.columns == ["practice_exams_started"]
    assert not any(s.kind == StepKind.MULTICOLLINEARITY for s in students.steps)


def test_the_course_drops_the_collinear_column_before_every_model():
    config = load_config(preset_path("students-course"))
    course = clean(load(config), config)
    assert "practice_exams_started" not in course.features and course.logit_left_out == []
    step = next(s for s in course.steps if s.kind == StepKind.MULTICOLLINEARITY)
    assert step.columns == ["practice_exams_started"]


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
    assert students.numeric == NUMERIC
    most_common = students.x_train["student_country"].value_counts().idxmax()
    assert students.reference_categories == {"student_country": most_common}
    assert students.notices == []


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
    missing = next(s for s in cleaned.steps if s.kind == StepKind.MISSING_VALUES)
    assert missing.columns == ["b"] and list(missing.missing) == ["b"]


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
    step = next(s for s in cleaned.steps if s.kind == StepKind.CONSTANT)
    assert step.columns == ["same", "label"]
    assert [(n.kind, n.columns) for n in cleaned.notices] == [(NoticeKind.CONSTANT, ["same", "label"])]


def test_a_one_to_one_recoding_of_an_earlier_column_is_dropped_with_a_note(make_config):
    """Orange juice's STORE is StoreID with store 7 written 0; a flag and its complement group rows alike too."""
    rng = np.random.default_rng(4)
    store = rng.choice([1, 2, 3, 4, 7], size=60)
    plan = rng.choice(["basic", "plus"], size=60)
    frame = frame_with_outcome(store=store, code=np.where(store == 7, 0, store), plan=plan,
                               no_plus=(plan == "basic").astype(int), bucket=np.where(store > 2, "high", "low"))
    config = make_config(frame, categorical=["plan"])
    cleaned = clean(load(config), config)
    step = next(s for s in cleaned.steps if s.kind == StepKind.RECODED)
    assert step.repeats == {"code": "store", "no_plus": "plan"}
    assert "code" not in cleaned.features and "no_plus" not in cleaned.features
    assert {"store", "plan", "bucket", "a", "b"} <= set(cleaned.features)
    assert (NoticeKind.RECODED, ["code", "no_plus"], ["store", "plan"]) in [
        (n.kind, n.columns, n.values) for n in cleaned.notices]


def test_a_recoding_the_config_names_is_kept_not_dropped(make_config):
    """An outlier rule on a column that recodes another would otherwise fail as if the column were not numeric."""
    rng = np.random.default_rng(4)
    store = rng.choice([1, 2, 3, 4, 7], size=60)
    frame = frame_with_outcome(store=store, code=np.where(store == 7, 0, store))
    config = make_config(frame, outliers=[{"column": "code", "max": 10}])
    cleaned = clean(load(config), config)
    assert "code" in cleaned.features and not any(s.kind == StepKind.RECODED for s in cleaned.steps)
    assert "code" in config.columns_named()


def test_columns_with_a_distinct_value_in_most_rows_are_not_taken_for_recodings():
    from reportgen.clean.columns import recoded_columns

    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"x": rng.normal(size=40), "z": rng.normal(size=40), "lever": rng.integers(0, 3, 40)})
    frame["twice"] = frame["lever"] * 2
    assert recoded_columns(frame, ["x", "z"]) == {}
    assert recoded_columns(frame, ["lever", "twice"]) == {"twice": "lever"}
    assert recoded_columns(frame, ["twice", "lever"], keep=["lever"]) == {}
    assert recoded_columns(frame, ["lever", "twice"], keep=["twice"]) == {}


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
    step = next(s for s in cleaned.steps if s.kind == StepKind.EXCLUDED)
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


def test_a_collinear_feature_leaves_the_logit_only_by_default_and_every_model_when_asked(make_config):
    from reportgen.model.pipeline import encoder_for
    from reportgen.registry import FAMILIES

    frame = collinear_frame()
    frame["y"] = (frame["a"] > 10).astype(int)
    config = make_config(frame, vif={"threshold": 5})
    cleaned = clean(load(config), config)
    assert [row.feature for row in cleaned.vif if row.dropped] == ["c"]
    assert cleaned.numeric == ["a", "b", "c", "d"] and cleaned.logit_left_out == ["c"]
    seen = {name: list(encoder_for(FAMILIES[name], cleaned, config).fit(cleaned.x_train).get_feature_names_out())
            for name in ("logistic_regression", "random_forest", "gradient_boosting", "knn")}
    assert seen == {"logistic_regression": ["a", "b", "d"], "random_forest": ["a", "b", "c", "d"],
                    "gradient_boosting": ["a", "b", "c", "d"], "knn": ["a", "b", "c", "d"]}

    everyone = make_config(frame, vif={"threshold": 5, "applies_to": "all"})
    dropped = clean(load(everyone), everyone)
    assert dropped.numeric == ["a", "b", "d"] and dropped.logit_left_out == []


# Types, derived features, the feature list, incomplete rows, duplicates and leakage


def test_derived_features_from_text_and_dates_keep_missing_as_missing(make_config):
    frame = frame_with_outcome(rows=6, note=["two words", "ok", None, "one", "a b c", "x"],
                               day=["2024-01-31", "2024-03-01", None, "2023-12-31", "2024-02-29", "bad"])
    config = make_config(frame, types={"note": "text", "day": "date"}, derived=[
        {"column": "note", "kind": "length"}, {"column": "note", "kind": "word_count", "name": "words"},
        {"column": "day", "kind": "age_days", "reference": "2024-03-01"}, {"column": "day", "kind": "month"}])
    loaded = load(config)
    derived = add_derived(loaded.frame, config.derived)
    assert list(derived.columns) == ["a", "b", "y", "note", "note_length", "words", "day", "day_age_days", "day_month"]
    assert derived["note_length"].tolist()[:2] == [9.0, 2.0] and np.isnan(derived["note_length"][2])
    assert derived["words"].tolist()[:2] == [2.0, 1.0] and derived["words"][4] == 3.0 and np.isnan(derived["words"][2])
    ages = derived["day_age_days"]
    assert ages[0] == 30 and ages[1] == 0 and ages[3] == 61 and ages[4] == 1
    assert ages[[2, 5]].isna().all()
    assert derived["day_month"].tolist()[:2] == ["Jan", "Mar"] and pd.isna(derived["day_month"][5])


def test_text_and_date_columns_enter_only_through_their_derived_features(make_config):
    frame = frame_with_outcome(note=["some words here"] * 30 + ["more"] * 30)
    config = make_config(frame, types={"note": "text"}, derived=[{"column": "note", "kind": "word_count"}])
    cleaned = clean(load(config), config)
    assert cleaned.features == ["a", "b", "note_word_count"]
    step = next(s for s in cleaned.steps if s.kind == StepKind.DERIVED)
    assert step.columns == ["note_word_count"]
    assert [(f.name, f.kind, f.column) for f in step.derived] == [("note_word_count", "word_count", "note")]


def test_age_reference_defaults_to_the_latest_date_and_is_kept_for_scoring(make_config):
    days = pd.date_range("2024-01-01", periods=60).strftime("%Y-%m-%d")
    config = make_config(frame_with_outcome(day=days), types={"day": "date"},
                         derived=[{"column": "day", "kind": "age_days"}])
    cleaned = clean(load(config), config)
    assert cleaned.derived[0].reference == datetime.date(2024, 2, 29)
    ages = pd.concat([cleaned.x_train, cleaned.x_test])["day_age_days"]
    assert (ages.min(), ages.max()) == (0, 59)


def test_the_feature_list_chooses_the_features(make_config):
    frame = frame_with_outcome(c=range(60), note=["w x y"] * 60)
    config = make_config(frame, features=["b", "c"])
    assert clean(load(config), config).features == ["b", "c"]
    typed = make_config(frame, features=["note"], types={"note": "text"})
    with pytest.raises(ReportInputError, match="'features' lists note"):
        clean(load(typed), typed)


def test_numeric_declared_column_with_junk_warns(make_config):
    frame = frame_with_outcome(n=["1", "2", "lots"] * 20)
    config = make_config(frame, types={"n": "numeric"})
    cleaned = clean(load(config), config)
    assert "n" in cleaned.numeric
    assert pd.concat([cleaned.x_train, cleaned.x_test])["n"].isna().sum() == 20
    assert [(n.kind, n.columns, n.values) for n in cleaned.notices] == [(NoticeKind.NOT_NUMBERS, ["n"], ["lots"])]
    step = next(s for s in cleaned.steps if s.kind == StepKind.NOT_NUMBERS)
    assert (step.columns, step.examples) == (["n"], ["lots"])


def test_numeric_categories_are_read_as_text_labels(make_config):
    frame = frame_with_outcome(code=[1.0, 2.0, np.nan] * 20)
    config = make_config(frame, categorical=["code"])
    cleaned = clean(load(config), config)
    assert set(cleaned.x_train["code"].dropna()) == {"1", "2"}


def test_incomplete_rows_are_dropped_when_configured(make_config):
    frame = frame_with_outcome()
    frame.loc[[0, 5, 9], "a"] = np.nan
    config = make_config(frame, missing={"drop_rows": True})
    cleaned = clean(load(config), config)
    assert cleaned.rows_used == 57
    step = next(s for s in cleaned.steps if s.kind == StepKind.INCOMPLETE_ROWS)
    assert (step.rows_before, step.rows_after, step.columns) == (60, 57, ["a"])


def test_duplicates_are_counted_not_removed():
    features = pd.DataFrame({"a": [1, 1, 1, 2, 2, 3], "b": ["x", "x", "x", "y", "y", "z"]})
    outcome = pd.Series([0, 0, 1, 1, 1, 0])
    found = duplicate_summary(features, outcome, test_index=pd.Index([2, 4, 5]))
    assert (found.rows, found.conflicting, found.test_rows_in_training, found.test_rows) == (3, 3, 2, 3)


def test_the_duplicate_step_reports_the_counts(make_config):
    frame = frame_with_outcome()
    frame.loc[30:, ["a", "b"]] = frame.loc[:29, ["a", "b"]].to_numpy()
    config = make_config(frame)
    cleaned = clean(load(config), config)
    assert cleaned.duplicates.rows == 30
    step = next(s for s in cleaned.steps if s.kind == StepKind.DUPLICATES)
    assert step.rows_before == step.rows_after == 60
    assert NoticeKind.TWINS in [n.kind for n in cleaned.notices]


@pytest.mark.parametrize("kind", ["numeric", "categorical"])
def test_a_copy_of_the_outcome_is_flagged_as_probable_leakage(make_config, kind):
    frame = frame_with_outcome(rows=300)
    copy = frame["y"].astype(float) * 3 + 1
    copy[0] = 1.0 if frame["y"][0] else 4.0
    frame["refund"] = copy.map({1.0: "no", 4.0: "yes"}) if kind == "categorical" else copy
    config = make_config(frame)
    cleaned = clean(load(config), config)
    assert [f.feature for f in cleaned.leakage] == ["refund"]
    assert cleaned.leakage[0].auc >= LEAKAGE_AUC
    assert [(n.kind, n.columns) for n in cleaned.notices if n.kind == NoticeKind.LEAKAGE] == [
        (NoticeKind.LEAKAGE, ["refund"])]


def test_ordinary_features_are_not_flagged(students):
    assert students.leakage == []


def test_many_categories_are_capped_in_the_encoder(make_config):
    frame = frame_with_outcome(city=[f"c{i % 12}" for i in range(60)])
    config = make_config(frame, encoding={"max_categories": 4, "min_frequency": 0})
    cleaned = clean(load(config), config)
    encoder = feature_encoder(cleaned.numeric, cleaned.categorical, config).fit(cleaned.x_train)
    assert len([n for n in encoder.get_feature_names_out() if n.startswith("city_")]) == 4
    step = next(s for s in cleaned.steps if s.kind == StepKind.ENCODING)
    assert (step.count, step.columns) == (2, ["city"])


def test_native_codes_group_categories_by_share_up_to_enough_rows(make_config):
    """A category held by 1% of rows keeps its code on a small table; on a large one it keeps it once it holds
    `native_enough_rows` rows, though that is under the share."""
    frame = frame_with_outcome(city=[f"c{i % 12}" for i in range(60)])
    config = make_config(frame, encoding={"native_min_frequency": 0.01, "native_enough_rows": 150})
    cleaned = clean(load(config), config)
    assert native_min_rows(config, 1_000) == 10 and native_min_rows(config, 100_000) == 150
    assert native_min_rows(config, None) == 0.01
    rare = ["c0"] * 200 + ["c1"] * 250 + ["c2"] * 39_550
    table = pd.DataFrame({"city": rare, **{c: 0.0 for c in cleaned.numeric}})
    for rows, codes in ((40_000, 3), (None, 2)):
        encoder = feature_encoder(cleaned.numeric, cleaned.categorical, config, native=True, rows=rows)
        assert len(np.unique(encoder.fit_transform(table[cleaned.features])[:, cleaned.features.index("city")])) \
            == codes, "200 and 250 of 40,000 rows are under the share, above enough rows"


def test_declared_categories_that_are_all_rare_are_left_out_not_a_crash(make_config):
    """The logit's reference category is the most frequent one; were it rarer than the grouping share, the
    encoder would group it away (it crashed scikit-learn's OneHotEncoder)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"surname": [f"N{i}" for i in rng.integers(0, 500, 400)],
                          "plan": rng.choice(["a", "b"], 400), "amount": rng.normal(size=400),
                          "y": [0, 1] * 200})
    config = make_config(frame, categorical=["surname", "plan"])
    data = clean(load(config), config)
    assert data.categorical == ["plan"]
    step = next(s for s in data.steps if s.kind == StepKind.SCATTERED)
    assert step.columns == ["surname"]
    assert [(n.kind, n.columns) for n in data.notices] == [(NoticeKind.SCATTERED, ["surname"])]

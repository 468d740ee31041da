"""reportgen/infer.py: what a bare table's columns are, decided from the data, declared in the
completed config and explained one decision per column."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from conftest import messy_frame

from reportgen.config import resolve_config
from reportgen.errors import ReportInputError
from reportgen.infer import MANY_CATEGORIES, infer
from reportgen.load import load
from reportgen.narrative.preparation import worded_decisions
from reportgen.result import NoticeKind, ReadingKind


def bare(tmp_path, frame: pd.DataFrame, target: str = "y", positive: str | None = None, name: str = "t.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return resolve_config(path, target=target, positive=positive)


def outcome(rows: int) -> list[int]:
    return [i % 2 for i in range(rows)]


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("messy")
    messy_frame().to_csv(folder / "churn.csv", index=False)
    return infer(resolve_config(folder / "churn.csv", target="churned", positive="yes"))


def decision(inference, column: str):
    """One column's decision, with the reason the narrative gives it."""
    return next(d for d in worded_decisions(inference.decisions) if d.column == column)


def test_one_decision_per_column_in_the_tables_order(messy):
    assert [d.column for d in messy.decisions] == list(messy_frame().columns)
    assert all(d.inferred for d in messy.decisions if d.column != "churned")
    assert decision(messy, "churned").kind == "outcome"


def test_numbers_stored_as_text_read_their_markers_as_missing(messy, tmp_path):
    age = decision(messy, "age")
    assert (age.kind, age.use) == ("numeric", "feature")
    assert "' ', '?'" in age.reason and "20 values" in age.reason and "10 more" in age.reason
    assert messy.config.read.missing_markers == {"age": [" ", "?"]}
    assert messy.config.types["age"] == "numeric"
    read = load(messy.config).frame["age"]
    assert pd.api.types.is_float_dtype(read) and read.isna().sum() == 30
    assert (age.reading.kind, age.reading.markers, age.reading.count, age.reading.blank) == (
        ReadingKind.NUMBERS_AS_TEXT, [" ", "?"], 20, 10)
    assert (NoticeKind.NUMBERS_AS_TEXT, ["age"]) in [(n.kind, n.columns) for n in messy.notices]


def test_identifier_empty_and_constant_columns_are_left_out_with_warnings(messy):
    assert messy.config.id_columns == ["customer_id"]
    assert messy.config.exclude == ["region", "legacy_score"]
    assert decision(messy, "region").kind == "constant" and "(EU)" in decision(messy, "region").reason
    assert decision(messy, "legacy_score").kind == "empty"
    notices = [(n.kind, n.columns) for n in messy.notices]
    for found in [(NoticeKind.IDENTIFIER, ["customer_id"]), (NoticeKind.DROPPED, ["region"]),
                  (NoticeKind.DROPPED, ["legacy_score"])]:
        assert found in notices, found


def test_free_text_becomes_its_length_and_word_count(messy):
    feedback = decision(messy, "feedback")
    assert feedback.kind == "text" and feedback.use == "feedback_length, feedback_word_count"
    assert messy.config.types["feedback"] == "text"
    assert [(f.name, f.kind) for f in messy.config.derived if f.column == "feedback"] == [
        ("feedback_length", "length"), ("feedback_word_count", "word_count")]


def test_dates_become_days_before_the_latest_date_and_month(messy):
    latest = pd.to_datetime(messy_frame()["signup_date"]).max().date()
    signup = decision(messy, "signup_date")
    assert signup.kind == "date" and str(latest) in signup.reason
    derived = {f.kind: f for f in messy.config.derived if f.column == "signup_date"}
    assert set(derived) == {"age_days", "month"}
    assert derived["age_days"].reference == latest


def test_many_categories_are_capped_and_few_are_not(messy):
    assert "the 19 most frequent kept" in decision(messy, "city").reason
    assert messy.config.encoding.max_categories == MANY_CATEGORIES
    assert decision(messy, "plan").reason == "3 categories, one-hot encoded"


def test_a_churn_target_speaks_of_customers_who_leave(messy):
    config = messy.config
    assert (config.target.positive_name, config.target.negative_name) == ("Left", "Stayed")
    assert (config.unit, config.target.positive_noun, config.target.negative_noun) == (
        "customers", "customers who leave", "customers who stay")
    assert (config.title, config.theme.subtitle) == ("Which customers will leave?", "Churn report")


@pytest.mark.parametrize(("frame", "target", "positive", "expected"), [
    (pd.DataFrame({"EmployeeNumber": range(40), "Attrition": ["Yes", "No"] * 20}), "Attrition", None,
     ("employees", "employees who leave", "Which employees will leave?", "Attrition report", "left", "retain")),
    (pd.DataFrame({"SessionId": range(40), "Revenue": [True, False] * 20}), "Revenue", None,
     ("sessions", "buyers", "Which sessions will buy?", "Conversion report", "bought", "offer")),
    (pd.DataFrame({"x": range(40), "Purchase": ["MM", "CH"] * 20}), "Purchase", "MM",
     ("rows", "rows with Purchase = MM", "What sets Purchase = MM apart?", "Outcome report", "have Purchase = MM",
      "none")),
    (pd.DataFrame({"x": range(40), "y": [1, 0] * 20}), "y", None,
     ("rows", "rows with Y = 1", "What sets Y = 1 apart?", "Outcome report", "have Y = 1", "none")),
])
def test_the_words_follow_the_tables_names_or_stay_neutral(tmp_path, frame, target, positive, expected):
    config = infer(bare(tmp_path, frame, target=target, positive=positive)).config
    assert (config.unit, config.target.positive_noun, config.title, config.theme.subtitle, config.target.predicate,
            config.action) == expected


def test_declared_words_are_kept(tmp_path):
    frame = pd.DataFrame({"x": range(40), "churn": ["yes", "no"] * 20})
    config = bare(tmp_path, frame, target="churn")
    config = config.model_copy(update={"unit": "subscribers", "title": "Who cancels?",
                                       "target": config.target.model_copy(update={"positive_noun": "cancellers"})})
    completed = infer(config).config
    assert (completed.unit, completed.title, completed.target.positive_noun) == ("subscribers", "Who cancels?",
                                                                                 "cancellers")
    assert completed.target.negative_noun == "subscribers who stay"
    assert (completed.target.predicate, completed.action) == ("are cancellers", "retain")
    declared = config.model_copy(update={"action": "review", "target": config.target.model_copy(
        update={"positive_noun": "subscribers who cancel", "predicate": "cancelled"})})
    assert (infer(declared).config.target.predicate, infer(declared).config.action) == ("cancelled", "review")
    implied = config.model_copy(update={"target": config.target.model_copy(
        update={"positive_noun": "subscribers who cancel"})})
    assert infer(implied).config.target.predicate == "cancel"



def test_inference_is_idempotent_so_its_config_reproduces_the_run(messy):
    again = infer(messy.config)
    assert again.config == messy.config
    assert not any(d.inferred for d in again.decisions)
    assert again.notices == []


def test_declared_columns_are_kept_as_declared(tmp_path):
    frame = pd.DataFrame({"code": [1, 2, 3] * 10, "amount": np.arange(30.0), "y": outcome(30)})
    config = bare(tmp_path, frame).model_copy(update={"categorical": ["code"]})
    inference = infer(config)
    code = decision(inference, "code")
    assert (code.kind, code.inferred, code.reason) == ("categorical", False, "declared categorical")
    assert "code" not in inference.config.types
    assert inference.config.types == {"amount": "numeric"}


@pytest.mark.parametrize(("values", "kind"), [
    (list(range(1000, 1030)), "identifier"),          # consecutive whole numbers
    ([f"u{i}@mail.com" for i in range(30)], "identifier"),
    ([f"k{i % 29}" for i in range(30)], "identifier"),  # nearly one value per row
    (list(np.linspace(0.1, 9.9, 30)), "numeric"),       # a measure distinct in every row
    (["Y", None] * 15, "categorical"),                  # present against missing
    (["?", " ", None] * 10, "empty"),                   # only markers
])
def test_column_kinds(tmp_path, values, kind):
    inference = infer(bare(tmp_path, pd.DataFrame({"col": values, "y": outcome(30)})))
    assert decision(inference, "col").kind == kind


@pytest.mark.parametrize("name", ["CustomerId", "customer_id", "EmployeeNumber", "RowNumber", "rownames", "ID",
                                  "userID", "Customer ID", "account_no"])
def test_identifiers_are_found_in_every_naming_style(tmp_path, name):
    shuffled = np.random.default_rng(0).permutation(np.arange(30) * 7 + 15634602)
    inference = infer(bare(tmp_path, pd.DataFrame({name: shuffled, "y": outcome(30)})))
    assert decision(inference, name).kind == "identifier"
    assert inference.config.id_columns == [name]


@pytest.mark.parametrize(("values", "kind"), [
    (np.random.default_rng(1).permutation(np.arange(30) * 5), "identifier"),  # evenly spaced, shuffled
    (np.cumsum(np.random.default_rng(2).integers(1, 9, 30)), "identifier"),    # a running number with gaps
    (np.random.default_rng(3).permutation(np.arange(30)) ** 2, "numeric"),      # distinct, but no count of rows
])
def test_whole_numbers_that_count_the_rows_are_identifiers(tmp_path, values, kind):
    inference = infer(bare(tmp_path, pd.DataFrame({"amount": values, "y": outcome(30)})))
    assert decision(inference, "amount").kind == kind


@pytest.mark.parametrize("name", ["Region", "StoreID", "STORE", "area_code", "TrafficType", "OperatingSystems",
                                  "x_code", "Browser"])
def test_whole_numbers_named_as_codes_are_categories(tmp_path, name):
    codes = [1, 2, 3, 4, 7, 13] * 10
    inference = infer(bare(tmp_path, pd.DataFrame({name: codes, "y": outcome(60)})))
    found = decision(inference, name)
    assert (found.kind, found.use) == ("categorical", "feature")
    assert "codes (1, 2, 3, 4, 7, ...)" in found.reason
    assert inference.config.types[name] == "categorical"
    assert load(inference.config).frame[name].nunique() == 6


@pytest.mark.parametrize(("values", "declare"), [
    ([408, 415, 510] * 20, True),          # codes or amounts: the data cannot tell
    ([1, 2, 5, 9] * 15, True),
    ([0, 1, 2, 3, 4] * 12, False),         # a small count
    (list(range(30)) * 2, False),
])
def test_unnamed_few_whole_numbers_stay_numeric_and_say_how_to_declare_them(tmp_path, values, declare):
    inference = infer(bare(tmp_path, pd.DataFrame({"level": values, "y": outcome(60)})))
    found = decision(inference, "level")
    assert found.kind == "numeric"
    assert ("types: {level: categorical}" in found.reason) == declare


@pytest.mark.parametrize(("value", "others"), [(999, list(range(0, 27))), (-1, list(range(1, 40))),
                                               (9999, [3.5, 10.25, 40.0, 80.75])])
def test_a_value_that_means_does_not_apply_becomes_missing_and_an_indicator(tmp_path, value, others):
    rng = np.random.default_rng(4)
    values = np.where(rng.random(200) < 0.6, value, rng.choice(others, 200))
    inference = infer(bare(tmp_path, pd.DataFrame({"pdays": values, "y": outcome(200)})))
    found = decision(inference, "pdays")
    assert (found.kind, found.use) == ("numeric", "feature, pdays_not_applicable")
    assert f"{value:g} in {(values == value).mean():.0%} of rows" in found.reason
    [indicator] = inference.config.derived
    assert (indicator.kind, indicator.values) == ("not_applicable", [value])
    from reportgen.clean import add_derived

    table = add_derived(load(inference.config).frame, inference.config.derived)
    assert list(table.columns) == ["pdays", "pdays_not_applicable", "y"]
    assert table["pdays_not_applicable"].tolist() == (values == value).astype(float).tolist()
    assert table["pdays"].isna().tolist() == (values == value).tolist()
    assert table["pdays"].max() == max(v for v in values if v != value)


@pytest.mark.parametrize("values", [
    [0] * 150 + list(range(1, 51)),           # zero is a quantity
    [99] * 20 + list(range(0, 100)) * 2,      # 99 within the others' range
    [-5] * 3 + list(range(0, 197)),           # a rare negative value
])
def test_ordinary_values_are_not_read_as_does_not_apply(tmp_path, values):
    inference = infer(bare(tmp_path, pd.DataFrame({"visits": values, "y": outcome(len(values))})))
    assert inference.config.derived == []
    assert decision(inference, "visits").use == "feature"


def test_labels_too_scattered_to_group_are_left_out(tmp_path):
    rng = np.random.default_rng(5)
    surnames = [f"Name{i}" for i in rng.integers(0, 900, 1000)]
    frame = pd.DataFrame({"Surname": surnames, "Geography": rng.choice(["FR", "DE", "ES"], 1000),
                          "y": outcome(1000)})
    inference = infer(bare(tmp_path, frame))
    found = decision(inference, "Surname")
    assert (found.kind, found.use) == ("categorical", "left out")
    assert "none is held by 1% of rows" in found.reason
    assert inference.config.exclude == ["Surname"]
    assert decision(inference, "Geography").use == "feature"


@pytest.mark.parametrize(("labels", "positive", "counted"), [
    (["True", "False"], None, "True"), (["TRUE", "FALSE"], None, "True"), ([True, False], None, "True"),
    (["yes", "no"], None, "yes"), (["Yes", "No"], "yes", "Yes"), (["MM", "CH"], "mm", "MM"),
])
def test_yes_no_targets_need_no_positive_and_labels_match_in_any_case(tmp_path, labels, positive, counted):
    frame = pd.DataFrame({"x": range(40), "Exited": labels * 20})
    inference = infer(bare(tmp_path, frame, target="Exited", positive=positive))
    assert str(inference.config.target.positive) == counted
    assert load(inference.config).outcome.tolist() == [1, 0] * 20
    assert [n.values[-1] for n in inference.notices
            if n.kind in (NoticeKind.POSITIVE_SPELLED, NoticeKind.POSITIVE_CHOSEN)] == [counted]


def test_a_positive_label_matching_two_labels_in_other_cases_is_not_guessed(tmp_path):
    frame = pd.DataFrame({"x": range(40), "y": ["Yes", "YES", "no", "no"] * 10})
    with pytest.raises(ReportInputError, match="positive label 'yes' never occurs"):
        infer(bare(tmp_path, frame, positive="yes"))


def test_text_target_without_positive_lists_its_labels(tmp_path):
    frame = pd.DataFrame({"x": range(30), "churned": ["yes", "no", "maybe"] * 10})
    with pytest.raises(ReportInputError) as error:
        infer(bare(tmp_path, frame, target="churned"))
    message = str(error.value)
    assert "maybe, no, yes" in message and "--positive LABEL" in message and "\n" not in message


def test_a_0_1_target_needs_no_positive(tmp_path):
    inference = infer(bare(tmp_path, pd.DataFrame({"x": range(30), "y": outcome(30)})))
    assert inference.config.target.positive == 1


def test_semicolon_separated_file_is_read_as_such(tmp_path):
    path = tmp_path / "eu.csv"
    pd.DataFrame({"x": np.arange(30) * 1.5, "y": outcome(30)}).to_csv(path, index=False, sep=";")
    inference = infer(resolve_config(path, target="y"))
    assert inference.config.read.delimiter == ";"
    assert [(n.kind, n.values) for n in inference.notices] == [(NoticeKind.DELIMITER, [";"])]
    assert list(load(inference.config).frame.columns) == ["x", "y"]



# The bare run end to end: every decision reaches results.json and the report's appendix


def test_bare_run_explains_every_decision_in_results_json(messy_runs):
    results = messy_runs["bare"]
    columns = {c["column"]: c for c in results["preprocessing"]["columns"]}
    expected = {"customer_id": "identifier", "signup_date": "date", "age": "numeric", "plan": "categorical",
                "city": "categorical", "monthly_spend": "numeric", "support_calls": "numeric", "feedback": "text",
                "region": "constant", "legacy_score": "empty", "refund_issued": "categorical", "churned": "outcome"}
    assert {name: c["kind"] for name, c in columns.items()} == expected
    assert all(c["reason"] for c in columns.values())
    features = results["dataset"]["features"]
    assert {"signup_date_age_days", "signup_date_month", "age", "city"} <= set(features)
    assert {"feedback_length", "feedback_word_count"} & set(features)
    assert not {"customer_id", "region", "legacy_score", "feedback", "signup_date"} & set(features)
    warnings, notes = " ".join(results["warnings"]), " ".join(results["preprocessing"]["notes"])
    for text in ("customer_id as a row identifier", "age: numbers stored as text", "Dropped region",
                 "Dropped legacy_score"):
        assert text in notes and text not in warnings, text
    assert "Probable leakage: Refund issued" in warnings
    assert [x["feature"] for x in results["preprocessing"]["leakage"]] == ["refund_issued"]
    assert results["summary"]["caveats"][0].startswith("Refund issued alone separates")
    assert results["settings"]["read"]["missing_markers"] == {"age": [" ", "?"]}


def test_bare_run_report_shows_the_decisions_and_the_leakage(messy_runs):
    from pypdf import PdfReader

    reader = PdfReader(messy_runs["folder"] / "bare" / "report.pdf")
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    assert "How each column was used" in text
    for phrase in ("a distinct text in every row", "free text", "the 19 most frequent kept", "Probable leakage",
                   "Refund issued alone separates"):
        assert phrase in text, phrase
    assert "nan" not in re.findall(r"\bnan\b", text.lower())


def test_distinct_whole_numbers_packed_too_tightly_for_chance_are_identifiers(tmp_path):
    """14,084 customers numbered within 2 to 33,680: as quantities they would repeat thousands of times."""
    rng = np.random.default_rng(6)
    numbers = rng.choice(np.arange(2, 5000), 1000, replace=False)
    amounts = rng.integers(0, 100_000_000, 1000)
    inference = infer(bare(tmp_path, pd.DataFrame({"c1": numbers, "amount": amounts, "y": outcome(1000)})))
    assert decision(inference, "c1").kind == "identifier"
    assert decision(inference, "amount").kind == "numeric"


def test_a_file_whose_first_line_holds_only_numbers_has_no_header(tmp_path):
    path = tmp_path / "matrix.csv"
    pd.DataFrame([[i, i * 0.5 % 7, i % 2] for i in range(30)]).to_csv(path, index=False, header=False)
    inference = infer(resolve_config(path, target="column_3"))
    assert [d.column for d in inference.decisions] == ["column_1", "column_2", "column_3"]
    assert inference.rows == 30
    assert [(n.kind, n.count) for n in inference.notices][:1] == [(NoticeKind.NO_HEADER, 3)]
    with pytest.raises(ReportInputError, match="its columns are: column_1, column_2, column_3"):
        infer(resolve_config(path, target="3"))

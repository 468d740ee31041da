"""reportgen/narrative/preparation.py: the appendix's words from the infer and clean stages' facts. Each test
feeds different facts and reads different sentences, each true to its facts."""

from __future__ import annotations

import dataclasses

import pytest

from reportgen.narrative import interpret
from reportgen.narrative.preparation import (
    encoding_notes,
    notice_text,
    reading_text,
    step_description,
    with_preparation,
)
from reportgen.result import (
    ColumnDecision,
    ColumnReading,
    Duplicates,
    Leakage,
    Notice,
    NoticeKind,
    PreprocessingStep,
    ReadingKind,
    RedundantTerm,
    StepKind,
)


@pytest.fixture
def result(stored_synthetic_result):
    return stored_synthetic_result


def decided(reading: ColumnReading, column: str = "plan", kind: str = "numeric", use: str = "feature"):
    return ColumnDecision(column=column, kind=kind, use=use, reason="", inferred=True, reading=reading)


def test_a_columns_reason_says_what_its_values_showed():
    constant = reading_text(decided(ColumnReading(ReadingKind.CONSTANT, value=3.0), use="left out"))
    labelled = reading_text(decided(ColumnReading(ReadingKind.CONSTANT, value="EU"), use="left out"))
    assert (constant, labelled) == ("the same value (3) in every row", "the same value (EU) in every row")
    amounts = ColumnReading(ReadingKind.NUMBERS, whole=False, low=0.5, high=12345.0, distinct=40)
    codes = dataclasses.replace(amounts, whole=True, low=1.0, high=9.0, distinct=4, maybe_codes=True)
    assert reading_text(decided(amounts)) == "numbers from 0.5 to 1.234e+04, 40 distinct"
    assert reading_text(decided(codes)) == ("whole numbers from 1 to 9, 4 distinct; used as amounts: if they are "
                                            "codes, declare them with 'types: {plan: categorical}' in a config")
    infinite = dataclasses.replace(amounts, high=3.0, infinite=20, distinct=5)
    assert reading_text(decided(infinite)) == "numbers from 0.5 to 3 and 20 infinite, 5 distinct"
    assert reading_text(decided(dataclasses.replace(infinite, low=None, high=None, distinct=2))) == (
        "numbers, all 20 infinite, 2 distinct")


def test_numbers_stored_as_text_say_what_was_read_as_missing():
    plain = ColumnReading(ReadingKind.NUMBERS_AS_TEXT, count=0, blank=0)
    marked = ColumnReading(ReadingKind.NUMBERS_AS_TEXT, markers=[" ", "?"], count=20, blank=10)
    assert reading_text(decided(plain)) == "numbers stored as text"
    assert reading_text(decided(marked)) == ("numbers stored as text: ' ', '?' read as missing (20 values; 10 more "
                                             "were blank or a standard marker such as 'n/a')")
    assert reading_text(decided(dataclasses.replace(marked, blank=0))).endswith("read as missing (20 values)")


def test_declared_columns_say_what_the_config_declared():
    text = decided(ColumnReading(ReadingKind.DECLARED), column="note", kind="text", use="left out")
    marked = decided(ColumnReading(ReadingKind.DECLARED, markers=["n/a"]), kind="numeric")
    assert reading_text(text) == "declared text: no derived feature declared for it"
    assert reading_text(marked) == "declared numeric; 'n/a' read as missing"
    outcome = decided(ColumnReading(ReadingKind.OUTCOME, value="yes", label="Left"), column="churn", kind="outcome")
    assert reading_text(outcome) == "the target: 'yes' counts as Left"


def test_steps_say_what_they_did_with_their_own_figures(result):
    rule = PreprocessingStep(StepKind.OUTLIER_RULE, 1000, 990, ["minutes"], limit_high=600.0)
    both = PreprocessingStep(StepKind.OUTLIER_RULE, 990, 950, ["exams"], limit_low=0.0, limit_high=10.0)
    assert step_description(rule, result, []) == "Kept rows with minutes <= 600: 10 removed."
    assert step_description(both, result, []) == "Kept rows with exams >= 0 and exams <= 10: 40 removed."
    none = PreprocessingStep(StepKind.MISSING_VALUES, 50, 50)
    some = PreprocessingStep(StepKind.MISSING_VALUES, 50, 50, ["a", "b"], missing={"a": 3, "b": 11616})
    assert step_description(none, result, []) == "No missing values among the features."
    assert step_description(some, result, []) == ("Missing values imputed inside the model pipeline: a (3), "
                                                   "b (11,616).")


def test_the_duplicates_step_reads_the_duplicate_counts(result):
    step = PreprocessingStep(StepKind.DUPLICATES, 60, 60)
    none = dataclasses.replace(result, preprocessing=dataclasses.replace(
        result.preprocessing, duplicates=Duplicates(rows=0, conflicting=0, test_rows_in_training=0,
                                                    test_rows=12)))
    half = dataclasses.replace(result, preprocessing=dataclasses.replace(
        result.preprocessing, duplicates=Duplicates(rows=30, conflicting=4, test_rows_in_training=9,
                                                    test_rows=12)))
    assert step_description(step, none, []) == "No row repeats another row's features."
    assert step_description(step, half, []).startswith(
        "30 rows (50.0%) repeat another row's features exactly; 4 rows sit in groups of identical features with both "
        f"outcomes. They are kept (distinct {result.dataset.unit} can look alike). 9 of the 12 test rows")


def test_encoding_notes_follow_the_encoding_settings(result):
    settings = result.settings
    capped = dataclasses.replace(result, settings={
        **settings, "encoding": {**settings["encoding"], "categorical": "onehot", "max_categories": 4}})
    ordinal = dataclasses.replace(result, settings={
        **settings, "encoding": {**settings["encoding"], "categorical": "ordinal", "unknown_code": -1}})
    column = next(s for s in result.preprocessing.steps if s.kind == StepKind.ENCODING).columns[0]
    assert f"{column}: one-hot encoded" in encoding_notes(capped)[-1]
    assert "at most 4 categories kept" in encoding_notes(capped)[-1]
    assert encoding_notes(ordinal)[-1] == (f"{column}: ordinal codes in alphabetical order; categories unseen in "
                                           f"training get code -1.")


def test_missing_values_are_said_filled_in_except_where_a_model_took_them_as_they_are(result):
    steps = [s for s in result.preprocessing.steps if s.kind != StepKind.MISSING_VALUES]
    missing = PreprocessingStep(StepKind.MISSING_VALUES, 400, 400, missing={"age": 30})
    with_blanks = dataclasses.replace(result, preprocessing=dataclasses.replace(
        result.preprocessing, steps=[*steps, missing]))
    filled = dataclasses.replace(with_blanks, models=[dataclasses.replace(m, missing_as_is=False)
                                                      for m in result.models])
    boosted = dataclasses.replace(with_blanks, models=[dataclasses.replace(m, missing_as_is=m.name == "decision_tree")
                                                       for m in result.models])
    assert step_description(missing, filled, []) == "Missing values imputed inside the model pipeline: age (30)."
    assert step_description(missing, boosted, []) == (
        "Missing values imputed inside the model pipeline (except in the decision tree, which takes them "
        "as they are): age (30).")
    assert encoding_notes(filled)[0].endswith("missing values replaced by the training median.")
    assert encoding_notes(boosted)[0].endswith(
        "missing values replaced by the training median, except in the decision tree, which takes them "
        "as missing and learns at each split which side they go.")
    no_blanks = dataclasses.replace(boosted, preprocessing=dataclasses.replace(result.preprocessing, steps=steps))
    assert encoding_notes(no_blanks)[0].endswith(
        "new data with blanks gets the training median (the decision tree takes them as missing).")


def test_the_encoding_notes_name_the_models_that_got_category_codes(result):
    shared = dataclasses.replace(result, models=[dataclasses.replace(m, categories_as_codes=False)
                                                 for m in result.models])
    coded = dataclasses.replace(result, models=[dataclasses.replace(m, categories_as_codes=m.name == "decision_tree")
                                                for m in result.models])
    assert not any("codes per categorical" in note for note in encoding_notes(shared))
    encoding = result.settings["encoding"]
    share, enough = encoding["native_min_frequency"], encoding["native_enough_rows"]
    assert encoding_notes(coded)[-1] == (
        f"The decision tree gets one column of codes per categorical feature instead; a category keeps its own code "
        f"once it holds {share:.1%} of the training rows or {enough:,} of them, and rarer ones share one.")


def test_warnings_are_worded_from_their_facts(result):
    assert notice_text(Notice(NoticeKind.EMPTY, columns=["a", "b"]), result) == (
        "Dropped empty column(s): a, b.")
    assert notice_text(Notice(NoticeKind.CONSTANT, columns=["c"]), result) == "Dropped constant column(s): c."
    assert notice_text(Notice(NoticeKind.NOT_NUMBERS, columns=["n"], values=["lots"]), result) == (
        "n is numeric but holds 'lots': treated as missing; declare them under 'read.missing_markers' to say so "
        "explicitly.")
    assert notice_text(Notice(NoticeKind.DELIMITER, file="eu.csv", values=[";"]), result) == (
        "eu.csv: columns separated by ';', read as such.")
    spelled = Notice(NoticeKind.POSITIVE_SPELLED, columns=["Exited"], values=["yes", "Yes"])
    chosen = Notice(NoticeKind.POSITIVE_CHOSEN, columns=["Exited"], values=["1", "True"])
    assert notice_text(spelled, result) == (
        "'Exited': the label 'yes' is spelled 'Yes' in the data; read as such.")
    assert notice_text(chosen, result) == ("'Exited' holds yes/no labels: 'True' counts as the outcome (give "
                                           "--positive to count the other).")


def test_a_recoded_column_is_said_to_repeat_the_column_it_recodes(result):
    assert notice_text(Notice(NoticeKind.RECODED, columns=["STORE", "charge"], values=["StoreID", "minutes"]),
                       result) == ("Dropped STORE (it recodes StoreID one-to-one) and charge (it recodes minutes "
                                   "one-to-one): the kept column says the same.")
    step = PreprocessingStep(StepKind.RECODED, 100, 100, ["STORE"], repeats={"STORE": "StoreID"})
    assert step_description(step, result, []) == (
        "Dropped STORE (a recoding of StoreID): each of its values stands for exactly one value of the column it "
        "recodes and the reverse, so it groups the rows alike and adds nothing.")
    kept = next(d for d in result.preprocessing.columns if d.use == "feature")
    dropped = dataclasses.replace(kept, dropped_by=StepKind.RECODED, inferred=False)
    step = PreprocessingStep(StepKind.RECODED, 100, 100, [kept.column], repeats={kept.column: "plan_id"})
    changed = dataclasses.replace(result, preprocessing=dataclasses.replace(
        result.preprocessing, columns=[dropped], steps=[*result.preprocessing.steps, step]))
    worded = with_preparation(changed).preprocessing.columns[0]
    assert worded.use == "dropped (recoded columns)"
    assert worded.reason == ("each of its values stands for exactly one value of plan_id and the reverse: plan_id "
                             "says the same")


def test_twins_and_leakage_warnings_read_the_findings(result):
    pre = result.preprocessing
    found = dataclasses.replace(result, preprocessing=dataclasses.replace(
        pre, duplicates=Duplicates(rows=40, conflicting=0, test_rows_in_training=25, test_rows=100),
        leakage=[Leakage(feature="refund", label="Refund", auc=0.991)]))
    assert notice_text(Notice(NoticeKind.TWINS), found).startswith("25% of the test rows have an identical row")
    assert notice_text(Notice(NoticeKind.LEAKAGE, columns=["refund"]), found) == (
        "Probable leakage: Refund alone separates the outcomes almost perfectly (ROC AUC 0.991 on the training rows). "
        "Check that it is known before the outcome; if not, list refund under 'exclude'.")


def test_a_columns_warning_cites_its_reading(result):
    region = decided(ColumnReading(ReadingKind.CONSTANT, value="EU"), column="region", kind="constant",
                     use="left out")
    user = decided(ColumnReading(ReadingKind.ROW_TEXT), column="user", kind="identifier", use="left out")
    listed = dataclasses.replace(result, preprocessing=dataclasses.replace(
        result.preprocessing, columns=[region, user]))
    assert notice_text(Notice(NoticeKind.DROPPED, columns=["region"]), listed) == (
        "Dropped region: the same value (EU) in every row.")
    assert notice_text(Notice(NoticeKind.IDENTIFIER, columns=["user"]), listed) == (
        "Left out user as a row identifier (a distinct text in every row: it names rows, it does not describe them); "
        "list it under 'id_columns' in a config to say so explicitly.")


def test_a_feature_dropped_later_speaks_through_the_step_that_dropped_it(result):
    pre = result.preprocessing
    kept = next(d for d in pre.columns if d.use == "feature" and d.reading.kind == ReadingKind.DECLARED)
    collinear = dataclasses.replace(kept, dropped_by=StepKind.MULTICOLLINEARITY, vif=12.34, inferred=False)
    exact = dataclasses.replace(collinear, vif=1e6)
    repeated = dataclasses.replace(result.logit, redundant=[
        RedundantTerm(feature=kept.column, label="Minutes", repeats=["Hours", "the intercept"])])

    def worded(decision, logit=result.logit):
        changed = dataclasses.replace(result, logit=logit, preprocessing=dataclasses.replace(pre, columns=[decision]))
        return with_preparation(changed).preprocessing.columns[0]

    assert worded(collinear).use == "dropped (multicollinearity)"
    assert worded(collinear).reason == (f"VIF 12.3, above {pre.vif_threshold:g}: it repeats what other numeric "
                                        f"columns say")
    assert worded(exact).reason == "other numeric columns reproduce it (almost) exactly: VIF over 1,000,000"
    assert worded(kept, repeated).reason == (f"{reading_text(kept)}; left out of the logistic regression, where "
                                             f"Minutes repeats Hours, the intercept")


def test_the_run_names_and_describes_every_step_and_words_every_warning_once(result):
    pre = result.preprocessing
    assert all(s.name and s.description for s in pre.steps)
    assert pre.warnings + pre.notes == ([notice_text(n, result) for n in pre.notices if not n.kind.is_reading_note]
                                        + [notice_text(n, result) for n in pre.notices if n.kind.is_reading_note])
    assert result.warnings == pre.warnings + result.logit.warnings
    again = interpret(dataclasses.replace(result, warnings=[], preprocessing=dataclasses.replace(
        pre, notices=[*pre.notices, Notice(NoticeKind.INFINITE, columns=["x"], count=1200),
                      Notice(NoticeKind.DELIMITER, file="eu.csv", values=[";"])])))
    assert again.warnings[len(pre.warnings)] == ("x holds 1,200 infinite values (inf or -inf): treated as missing; "
                                                 "check how the export computed them.")
    assert len(again.warnings) == len(result.warnings) + 1
    assert again.preprocessing.notes == [*pre.notes, "eu.csv: columns separated by ';', read as such."]


def test_a_column_above_the_vif_threshold_until_others_were_dropped_says_so():
    from reportgen.narrative.preparation import vif_decision
    from reportgen.result import VifRow

    assert vif_decision(VifRow("a", 1_000_000.0, dropped=True), 5, logit_only=False) == "dropped (above 5)"
    assert vif_decision(VifRow("a", 1_000_000.0, dropped=True), 5, logit_only=True) == \
        "left out of the logistic regression (above 5)"
    assert vif_decision(VifRow("b", 1_000_000.0, dropped=False, vif_kept=1.8), 5, logit_only=False) == \
        "kept: 1.80 once the dropped columns were left out"
    assert vif_decision(VifRow("b", 1_000_000.0, dropped=False, vif_kept=1.8), 5, logit_only=True) == \
        "kept: 1.80 without the columns the logistic regression leaves out"
    assert vif_decision(VifRow("c", 2.0, dropped=False, vif_kept=1.9), 5, logit_only=False) == "kept"


def test_a_column_left_out_of_the_logit_only_says_so_where_it_is_described(stored_students_result):
    from reportgen.narrative.models import columns_seen

    result = stored_students_result
    pre = result.preprocessing
    decision = next(d for d in pre.columns if d.column == "practice_exams_started")
    assert decision.use == "feature"
    assert decision.reason.endswith("; left out of the logistic regression only (VIF 9.7, above 5: it repeats what "
                                    "other numeric columns say)")
    step = next(s for s in pre.steps if s.kind == StepKind.LOGIT_MULTICOLLINEARITY)
    assert step.name == "Multicollinearity (logistic regression)"
    assert step.description == ("Left out of the logistic regression only: practice_exams_started (VIF 9.7), VIF "
                                "above 5; it repeats what other numeric columns say and would blur its coefficients. "
                                "The other models use it.")
    assert result.columns_seen == ("The logistic regression left out Practice exams started (VIF 9.7), as columns "
                                   "that repeat what other numeric columns say (VIF above 5) blur its coefficients; "
                                   "the other models used all 7 features.")
    logit = next(m for m in result.models if m.name == "logistic_regression")
    exact = [dataclasses.replace(v, vif=1e6) if v.feature == "practice_exams_started" else v for v in pre.vif]
    two = dataclasses.replace(result, preprocessing=dataclasses.replace(pre, vif=exact), models=[
        dataclasses.replace(logit, columns_left_out=["practice_exams_started", "courses_started"])])
    two.preprocessing.vif.append(dataclasses.replace(exact[0], feature="courses_started", vif=250.4))
    assert columns_seen(two) == ("The logistic regression left out Practice exams started (other columns reproduce "
                                 "it exactly) and Courses started (VIF 250), as columns that repeat what other "
                                 "numeric columns say (VIF above 5) blur its coefficients.")
    none_left_out = dataclasses.replace(result, models=[dataclasses.replace(m, columns_left_out=[])
                                                        for m in result.models])
    assert columns_seen(none_left_out) == ""

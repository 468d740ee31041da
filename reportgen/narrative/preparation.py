"""The appendix's data preparation in words: how each column was read and used, the preprocessing log, the
encoding notes and the warnings, from the facts the infer and clean stages return."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from reportgen.clean import VIF_EXACT
from reportgen.narrative.logit import fit_warnings, rows_note
from reportgen.narrative.words import capitalised, in_sentence, join_words, labelled_vif, vif_figure
from reportgen.result import (
    ColumnDecision,
    ColumnReading,
    DerivedColumn,
    ModelResult,
    Notice,
    NoticeKind,
    PreprocessingStep,
    ReadingKind,
    ReportResult,
    StepKind,
    VifRow,
)

STEP_NAMES = {
    StepKind.READ: "Read",
    StepKind.DERIVED: "Derived features",
    StepKind.EXCLUDED: "Excluded columns",
    StepKind.DECLARED_FILL: "Declared fill",
    StepKind.NOT_NUMBERS: "Not numbers",
    StepKind.INFINITE: "Infinite values",
    StepKind.EMPTY: "Empty columns",
    StepKind.CONSTANT: "Constant columns",
    StepKind.RECODED: "Recoded columns",
    StepKind.SCATTERED: "Scattered categories",
    StepKind.INCOMPLETE_ROWS: "Incomplete rows",
    StepKind.OUTLIER_RULE: "Outlier rule",
    StepKind.MULTICOLLINEARITY: "Multicollinearity",
    StepKind.LOGIT_MULTICOLLINEARITY: "Multicollinearity (logistic regression)",
    StepKind.MISSING_VALUES: "Missing values",
    StepKind.SPLIT: "Train/test split",
    StepKind.DUPLICATES: "Duplicate rows",
    StepKind.ENCODING: "Encoding",
}

DERIVED_WORDS = {"length": "number of characters in", "word_count": "number of words in", "year": "year of",
                 "month": "month of", "weekday": "day of the week of"}

FIXED_READINGS = {
    ReadingKind.EMPTY: "missing in every row",
    ReadingKind.ROW_NUMBERS: "a distinct whole number in every row, named or numbered like a row identifier",
    ReadingKind.ROW_TEXT: "a distinct text in every row: it names rows, it does not describe them",
    ReadingKind.DECLARED_ID: "declared under id_columns",
    ReadingKind.DECLARED_EXCLUDED: "declared under exclude",
    ReadingKind.DECLARED_AFTER: "declared known only after the outcome (known_before_outcome: false)",
    ReadingKind.NOT_LISTED: "not listed under features",
}

DROPPED_REASONS = {
    StepKind.CONSTANT: "a single value among the rows kept",
    StepKind.EMPTY: "missing in every row kept",
    StepKind.SCATTERED: "no category holds enough rows to be kept apart from 'other'",
}


def quoted(values: list[str]) -> str:
    return ", ".join(repr(str(v)) for v in values)


def shown_value(value: float | str | None) -> str:
    """A column's single value as read: numbers as '3' or '0.5', text as it is."""
    return value if isinstance(value, str) else f"{value:g}"


def value_range(reading: ColumnReading) -> str:
    """'0.5 to 1.234e+04'; 'none finite' when every value is inf or -inf."""
    if reading.low is None:
        return "none finite"
    return f"{reading.low:,.4g} to {reading.high:,.4g}"


def numbers_as_text(reading: ColumnReading) -> str:
    found = "numbers stored as text"
    if reading.markers:
        found += (f": {quoted(reading.markers)} read as missing ({reading.count:,} values"
                  + (f"; {reading.blank:,} more were blank or a standard marker such as 'n/a')" if reading.blank
                     else ")"))
    return found


def reading_text(decision: ColumnDecision) -> str:
    """Why the column was read and used as it was, from what its values showed or the config declared."""
    r = decision.reading
    if r is None:
        return decision.reason
    if r.kind in FIXED_READINGS:
        return FIXED_READINGS[r.kind]
    if r.kind == ReadingKind.MARKERS_ONLY:
        return f"only the missing-value marker(s) {quoted(r.markers)}"
    if r.kind == ReadingKind.NAMED_IDENTIFIER:
        return (f"whole numbers named like an identifier, {r.distinct:,} distinct: they name {r.distinct:,} things "
                f"rather than measure them")
    if r.kind == ReadingKind.NEAR_UNIQUE:
        return (f"nearly a distinct value per row ({r.distinct:,} of {r.rows:,}): it names rows rather than "
                f"describing them")
    if r.kind == ReadingKind.CONSTANT:
        return f"the same value ({shown_value(r.value)}) in every row"
    if r.kind == ReadingKind.ONE_VALUE:
        return f"one value ({shown_value(r.value)}) or missing: used as a category, present against missing"
    if r.kind == ReadingKind.CODES:
        codes = ", ".join(f"{v:g}" for v in r.codes) + (", ..." if r.more_codes else "")
        return (f"{r.distinct} whole-number codes ({codes}) and a name that says they are codes: encoded as "
                f"categories, not as amounts")
    if r.kind == ReadingKind.NOT_APPLICABLE:
        return (f"{r.value:g} in {r.share:.0%} of rows, far from the other values ({value_range(r)}): read as 'does "
                f"not apply' (missing), with {r.indicator} marking those rows")
    if r.kind == ReadingKind.NUMBERS:
        text = f"{'whole numbers' if r.whole else 'numbers'}"
        if r.low is None:
            text += f", all {r.infinite:,} infinite"
        else:
            text += f" from {value_range(r)}" + (f" and {r.infinite:,} infinite" if r.infinite else "")
        text += f", {r.distinct:,} distinct"
        if r.maybe_codes:
            text += (f"; used as amounts: if they are codes, declare them with 'types: {{{decision.column}: "
                     f"categorical}}' in a config")
        return text
    if r.kind == ReadingKind.NUMBERS_AS_TEXT:
        return numbers_as_text(r)
    if r.kind == ReadingKind.FREE_TEXT:
        return (f"free text ({r.words:.1f} words on average, {r.share:.0%} distinct): used through its length and "
                f"word count")
    if r.kind == ReadingKind.DATES:
        return f"dates from {r.first} to {r.last}: used as days before {r.last} and month"
    if r.kind == ReadingKind.RARE_LABELS:
        held = (f"those held by at least {r.share:.0%} of rows cover only {r.covered:.0%} of rows" if r.covered
                else f"none is held by {r.share:.0%} of rows")
        return (f"{r.distinct:,} labels, most of them rare: {held}, so nearly all would be grouped as 'other' (names "
                f"or free labels rather than groups)")
    if r.kind == ReadingKind.MANY_CATEGORIES:
        return f"{r.distinct:,} categories: the {r.kept} most frequent kept, the rest grouped as 'other'"
    if r.kind == ReadingKind.CATEGORIES:
        return f"{r.distinct} categories, one-hot encoded"
    if r.kind == ReadingKind.OUTCOME:
        return f"the target: '{r.value}' counts as {r.label}"
    text = f"declared {decision.kind}" + (f"; {quoted(r.markers)} read as missing" if r.markers else "")
    if decision.kind in ("text", "date") and decision.use == "left out":
        text += ": no derived feature declared for it"
    return text


def worded_decisions(decisions: list[ColumnDecision]) -> list[ColumnDecision]:
    """The decisions as inference made them, each with its reason."""
    return [dataclasses.replace(d, reason=reading_text(d)) for d in decisions]


def vif_decision(row: VifRow, threshold: float, logit_only: bool) -> str:
    """'dropped (above 5)' (from the logistic regression only, with `logit_only`); 'kept'; or, for a column above
    the threshold until others were dropped, its VIF then."""
    if row.dropped:
        return f"{'left out of the logistic regression' if logit_only else 'dropped'} (above {threshold:g})"
    if row.vif > threshold and row.vif_kept is not None:
        return f"kept: {row.vif_kept:,.2f} " + ("without the columns the logistic regression leaves out" if logit_only
                                                else "once the dropped columns were left out")
    return "kept"


def vif_reason(vif: float, threshold: float) -> str:
    if vif >= VIF_EXACT:
        return "other numeric columns reproduce it (almost) exactly: VIF over 1,000,000"
    return f"{vif_figure(vif)}, above {threshold:g}: it repeats what other numeric columns say"


def logit_repeats(result: ReportResult) -> dict[str, str]:
    """Per column, why it or some of its logit terms were left out of the logit, in words: the VIF screen for the
    logit alone, or terms repeating others."""
    pre = result.preprocessing
    screened = {c for s in pre.steps if s.kind == StepKind.LOGIT_MULTICOLLINEARITY for c in s.columns}
    reasons = {row.feature: f"left out of the logistic regression only ({vif_reason(row.vif, pre.vif_threshold)})"
               for row in pre.vif if row.feature in screened}
    terms: dict[str, list] = {}
    for term in result.logit.redundant:
        terms.setdefault(term.feature.partition(" = ")[0], []).append(term)
    reasons.update({column: "left out of the logistic regression, where " + "; ".join(
        f"{t.label} repeats {', '.join(t.repeats)}" if t.repeats else f"{t.label} does not vary" for t in found)
        for column, found in terms.items()})
    return reasons


def logit_only(result: ReportResult) -> bool:
    """Whether the VIF screen left columns out of the logistic regression alone (`vif.applies_to: logit`)."""
    return any(s.kind == StepKind.LOGIT_MULTICOLLINEARITY for s in result.preprocessing.steps)


def column_as_used(decision: ColumnDecision, result: ReportResult, in_logit: dict[str, str]) -> ColumnDecision:
    """A decision with its use and reason: the step that dropped a feature later speaks for it, and a
    feature with terms the logit left out says so."""
    if decision.dropped_by is not None:
        if decision.dropped_by == StepKind.MULTICOLLINEARITY:
            reason = vif_reason(decision.vif, result.preprocessing.vif_threshold)
        elif decision.dropped_by == StepKind.RECODED:
            reason = recoding_text(recodings(result)[decision.column])
        else:
            reason = DROPPED_REASONS[decision.dropped_by]
        return dataclasses.replace(decision, use=f"dropped ({STEP_NAMES[decision.dropped_by].lower()})",
                                   reason=reason)
    reason = reading_text(decision)
    if decision.column in in_logit:
        reason += f"; {in_logit[decision.column]}"
    return dataclasses.replace(decision, reason=reason)


def recodings(result: ReportResult) -> dict[str, str]:
    """Each column dropped as a one-to-one recoding, to the kept column it recodes."""
    return {c: kept for step in result.preprocessing.steps if step.kind == StepKind.RECODED
            for c, kept in step.repeats.items()}


def recoding_text(kept: str) -> str:
    """Why a column dropped as a one-to-one recoding of `kept` adds nothing."""
    return f"each of its values stands for exactly one value of {kept} and the reverse: {kept} says the same"


def derived_text(feature: DerivedColumn) -> str:
    """What a derived feature holds, e.g. 'number of words in feedback' or 'days from signup to 2024-06-30'."""
    if feature.kind == "age_days":
        return f"days from {feature.column} to {feature.reference or 'the latest date in it'}"
    if feature.kind == "not_applicable":
        listed = " or ".join(f"{v:g}" for v in feature.values)
        return f"1 where {feature.column} is {listed} (does not apply), which {feature.column} itself reads as missing"
    return f"{DERIVED_WORDS[feature.kind]} {feature.column}"


def rule_text(step: PreprocessingStep) -> str:
    column = step.columns[0]
    parts = ([f"{column} >= {step.limit_low:g}"] if step.limit_low is not None else []) + \
        ([f"{column} <= {step.limit_high:g}"] if step.limit_high is not None else [])
    return " and ".join(parts)


def read_text(step: PreprocessingStep, settings: dict) -> str:
    read = settings.get("read", {})
    text = f"Read {step.rows_before:,} rows and {len(step.columns)} columns"
    if not read.get("header", True):
        text += " (no header row: the columns are named by the config)"
    markers = [f"{c} {', '.join(repr(m) for m in values)}" for c, values in read.get("missing_markers", {}).items()]
    if markers:
        text += f"; read as missing: {'; '.join(markers)}"
    return text + "."


def duplicates_text(step: PreprocessingStep, result: ReportResult) -> str:
    found, rows = result.preprocessing.duplicates, step.rows_before
    if found is None or not found.rows:
        return "No row repeats another row's features."
    return (f"{found.rows:,} rows ({found.rows / rows:.1%}) repeat another row's features exactly; "
            f"{found.conflicting:,} rows sit in groups of identical features with both outcomes. They are kept "
            f"(distinct {result.dataset.unit} can look alike). {found.test_rows_in_training:,} of the "
            f"{found.test_rows:,} test rows have an identical row among the training rows.")


def split_text(step: PreprocessingStep, result: ReportResult) -> str:
    split, d = result.settings["split"], result.dataset
    return (f"{1 - split['test_size']:.0%}/{split['test_size']:.0%} split"
            f"{' stratified on the outcome' if split['stratify'] else ''} (seed {result.settings['seed']}): "
            f"{d.train_rows:,} training rows ({step.train_positive_rate:.1%} positive), "
            f"{d.test_rows:,} test rows ({step.test_positive_rate:.1%} positive).")


def models_named(result: ReportResult, chosen: Callable[[ModelResult], bool]) -> str:
    """'the random forest and gradient boosting model': the models `chosen(model)` picks, in words; empty if none."""
    labels = [in_sentence(m.label) for m in result.models if chosen(m)]
    return f"the {join_words(labels)}" if labels else ""


def missing_kept_by(result: ReportResult) -> str:
    """'the gradient boosting model': the models that took missing numeric values as they are, in words; empty
    when every model had them filled in."""
    return models_named(result, lambda m: m.missing_as_is)


def encoding_notes(result: ReportResult) -> list[str]:
    """How the features are encoded: the numeric ones together, then each categorical column."""
    step = next((s for s in result.preprocessing.steps if s.kind == StepKind.ENCODING), None)
    if step is None:
        return []
    settings, encoding = result.settings, result.settings["encoding"]
    statistic = settings["missing"]["numeric"]
    has_missing = any(s.missing for s in result.preprocessing.steps if s.kind == StepKind.MISSING_VALUES)
    notes, kept = [], missing_kept_by(result)
    if step.count:
        fill = (f"missing values replaced by the training {statistic}" if has_missing
                else f"none missing here; new data with blanks gets the training {statistic}")
        if kept:
            fill += (f", except in {kept}, which takes them as missing and learns at each split which side they go"
                     if has_missing else f" ({kept} takes them as missing)")
        notes.append(f"Numeric features ({step.count}) used as they are; {fill}.")
    for column in step.columns:
        if encoding["categorical"] == "ordinal":
            notes.append(f"{column}: ordinal codes in alphabetical order; categories unseen in training get code "
                         f"{encoding['unknown_code']}.")
        else:
            share, cap = encoding["min_frequency"], encoding["max_categories"]
            rare = f"; categories under {share:.0%} of training rows grouped as 'other'" if share else ""
            capped = f"; at most {cap} categories kept (the most frequent, 'other' included)" if cap else ""
            notes.append(f"{column}: one-hot encoded{rare}{capped}; categories unseen in training join 'other'.")
    coded = models_named(result, lambda m: m.categories_as_codes)
    if coded and step.columns:
        verb = "gets" if sum(m.categories_as_codes for m in result.models) == 1 else "get"
        notes.append(f"{capitalised(coded)} {verb} one column of codes per categorical feature instead; a "
                     f"category keeps its own code once it holds {encoding['native_min_frequency']:.1%} of the "
                     f"training rows or {encoding['native_enough_rows']:,} of them, and rarer ones share one.")
    return notes


def step_description(step: PreprocessingStep, result: ReportResult, encoding: list[str]) -> str:
    """What the step did, with the figures it found."""
    kind, column = step.kind, step.columns[0] if step.columns else ""
    share = 2 * result.settings["encoding"]["min_frequency"]
    if kind == StepKind.READ:
        return read_text(step, result.settings)
    if kind == StepKind.DERIVED:
        return f"Computed {'; '.join(f'{f.name}: {derived_text(f)}' for f in step.derived)}."
    if kind == StepKind.EXCLUDED:
        return "Identifiers and excluded columns are not features."
    if kind == StepKind.DECLARED_FILL:
        return f"{step.count} missing values of {column} set to '{step.value}'."
    if kind == StepKind.NOT_NUMBERS:
        return f"{column}: values that are not numbers ({', '.join(map(repr, step.examples))}) treated as missing."
    if kind == StepKind.INFINITE:
        return f"{column}: {step.count:,} infinite values treated as missing."
    if kind == StepKind.EMPTY:
        return "Columns missing in every row carry no information and were dropped."
    if kind == StepKind.CONSTANT:
        return "Columns with a single value carry no information and were dropped."
    if kind == StepKind.RECODED:
        pairs = join_words([f"{column} (a recoding of {kept})" for column, kept in step.repeats.items()])
        if len(step.repeats) == 1:
            return (f"Dropped {pairs}: each of its values stands for exactly one value of the column it recodes and "
                    f"the reverse, so it groups the rows alike and adds nothing.")
        return (f"Dropped {pairs}: each of their values stands for exactly one value of the column they recode and "
                f"the reverse, so they group the rows alike and add nothing.")
    if kind == StepKind.SCATTERED:
        return (f"No category of these columns holds {share:.0%} of the rows, so one-hot encoding would group nearly "
                f"all of them as 'other': left out.")
    if kind == StepKind.INCOMPLETE_ROWS:
        return (f"Dropped {step.rows_before - step.rows_after:,} rows with a missing feature value, as configured "
                f"(missing.drop_rows).")
    if kind == StepKind.OUTLIER_RULE:
        return f"Kept rows with {rule_text(step)}: {step.rows_before - step.rows_after:,} removed."
    if kind in (StepKind.MULTICOLLINEARITY, StepKind.LOGIT_MULTICOLLINEARITY):
        listed = ", ".join(labelled_vif(r.feature, r.vif) for r in result.preprocessing.vif if r.dropped)
        if kind == StepKind.MULTICOLLINEARITY:
            return f"Dropped {listed}: VIF above {result.preprocessing.vif_threshold:g}."
        one = len(step.columns) == 1
        others = (f" The other models use {'it' if one else 'them'}."
                  if any(m.name != "logistic_regression" for m in result.models) else "")
        return (f"Left out of the logistic regression only: {listed}, VIF above "
                f"{result.preprocessing.vif_threshold:g}; {'it repeats' if one else 'they repeat'} what other numeric "
                f"columns say and would blur its coefficients.{others}")
    if kind == StepKind.MISSING_VALUES:
        if not step.missing:
            return "No missing values among the features."
        listed = ", ".join(f"{c} ({n:,})" for c, n in step.missing.items())
        kept = missing_kept_by(result)
        except_in = f" (except in {kept}, which takes them as they are)" if kept else ""
        return f"Missing values imputed inside the model pipeline{except_in}: {listed}."
    if kind == StepKind.SPLIT:
        return split_text(step, result)
    if kind == StepKind.DUPLICATES:
        return duplicates_text(step, result)
    return " ".join(encoding)


def notice_text(notice: Notice, result: ReportResult) -> str:
    """A warning in words."""
    kind, columns = notice.kind, notice.columns
    column = columns[0] if columns else ""
    if kind == NoticeKind.LOADING:
        return notice.text
    if kind == NoticeKind.NOT_UTF8:
        return (f"{notice.file} is not UTF-8 text: read as {notice.values[0]}; set 'read.encoding' in a config if "
                f"accented letters look wrong.")
    if kind == NoticeKind.DELIMITER:
        return f"{notice.file}: columns separated by {notice.values[0]!r}, read as such."
    if kind == NoticeKind.NO_HEADER:
        return (f"{notice.file} has no header row (its first line holds only numbers): its columns are named "
                f"column_1 to column_{notice.count} by position; name them under 'read.columns' in a config.")
    if kind == NoticeKind.POSITIVE_SPELLED:
        given, spelled = notice.values
        return f"'{column}': the label '{given}' is spelled '{spelled}' in the data; read as such."
    if kind == NoticeKind.POSITIVE_CHOSEN:
        return (f"'{column}' holds yes/no labels: '{notice.values[-1]}' counts as the outcome (give --positive to "
                f"count the other).")
    if kind in (NoticeKind.IDENTIFIER, NoticeKind.DROPPED, NoticeKind.NUMBERS_AS_TEXT):
        decision = next(d for d in result.preprocessing.columns if d.column == column)
        reading = reading_text(decision)
        if kind == NoticeKind.IDENTIFIER:
            return (f"Left out {column} as a row identifier ({reading}); list it under 'id_columns' in a config to "
                    f"say so explicitly.")
        return f"Dropped {column}: {reading}." if kind == NoticeKind.DROPPED else f"{column}: {reading}."
    if kind == NoticeKind.KNOWN_AFTER:
        return (f"Left out {', '.join(columns)}: declared known only after the outcome "
                f"(known_before_outcome: false).")
    if kind == NoticeKind.NOT_NUMBERS:
        return (f"{column} is numeric but holds {', '.join(map(repr, notice.values))}: treated as missing; declare "
                f"them under 'read.missing_markers' to say so explicitly.")
    if kind == NoticeKind.INFINITE:
        return (f"{column} holds {notice.count:,} infinite values (inf or -inf): treated as missing; check how the "
                f"export computed them.")
    if kind in (NoticeKind.EMPTY, NoticeKind.CONSTANT):
        return f"Dropped {kind.value} column(s): {', '.join(columns)}."
    if kind == NoticeKind.RECODED:
        pairs = join_words([f"{dropped} (it recodes {kept} one-to-one)"
                            for dropped, kept in zip(columns, notice.values)])
        return f"Dropped {pairs}: the kept column says the same."
    if kind == NoticeKind.SCATTERED:
        share = 2 * result.settings["encoding"]["min_frequency"]
        return f"Left out {', '.join(columns)}: no category holds {share:.0%} of the rows."
    if kind == NoticeKind.TWINS:
        found = result.preprocessing.duplicates
        return (f"{found.test_rows_in_training / found.test_rows:.0%} of the test rows have an identical row among "
                f"the training rows, which a model can score from memory rather than as it would score new "
                f"{result.dataset.unit}; the report also reads the models on the test rows without one.")
    flag = next(x for x in result.preprocessing.leakage if x.feature == column)
    return (f"Probable leakage: {flag.label} alone separates the outcomes almost perfectly (ROC AUC {flag.auc:.3f} "
            f"on the training rows). Check that it is known before the outcome; if not, list {flag.feature} under "
            f"'exclude'.")


def with_preparation(result: ReportResult) -> ReportResult:
    """The result with the appendix's words: column reasons, step names and descriptions, encoding notes, the
    logit's fit notes, the warnings (the data's first, then the logit's) and the notes on reading the data."""
    pre = result.preprocessing
    in_logit = logit_repeats(result)
    columns = [column_as_used(d, result, in_logit) for d in pre.columns]
    worded = dataclasses.replace(result, preprocessing=dataclasses.replace(pre, columns=columns))
    encoding = encoding_notes(worded)
    steps = [dataclasses.replace(s, name=STEP_NAMES[s.kind], description=step_description(s, worded, encoding))
             for s in pre.steps]
    warnings = [notice_text(n, worded) for n in pre.notices if not n.kind.is_reading_note]
    notes = [notice_text(n, worded) for n in pre.notices if n.kind.is_reading_note]
    logit = dataclasses.replace(result.logit, warnings=fit_warnings(result.logit), rows_note=rows_note(result))
    vif = [dataclasses.replace(v, decision=vif_decision(v, pre.vif_threshold, logit_only(result))) for v in pre.vif]
    return dataclasses.replace(
        worded, logit=logit, warnings=warnings + logit.warnings,
        preprocessing=dataclasses.replace(worded.preprocessing, steps=steps, encoding=encoding, warnings=warnings,
                                          notes=notes, vif=vif))

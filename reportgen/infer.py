"""Stage 1b, infer: complete the config from the data, and say why.

What a config leaves undeclared about a column, reportgen decides from the table: numbers stored
as text with missing-value markers (' ', '?', 'n/a'), identifiers, empty and constant columns,
free text (used through its length and word count), dates (their age and month) and categories
(the most frequent kept when there are many). The completed config declares all of it, so
`reportgen init` can write it out and a run with that file repeats the run on the bare table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from reportgen.clean import latest_date, parse_dates
from reportgen.config import DatasetConfig, DerivedFeature, ReadSpec
from reportgen.errors import ReportInputError
from reportgen.load import fallback_encoding, is_binary, is_parquet, outcome_from, read_table
from reportgen.result import ColumnDecision

MIN_ROWS_FOR_ID_CHECK = 20
ID_NAME = re.compile(r"(^|[_\s-])(id|key|uuid|no|number)$|^(id|#)$|^id[_\s-]", re.IGNORECASE)
MARKER_WORDS = {"?", "??", "-", "--", ".", "n/a", "na", "nan", "none", "null", "nil", "missing", "unknown",
                "not available", "#n/a", "undefined", "empty", "blank", "(blank)", "(missing)"}
"""Values that mean 'missing' when they sit among numbers (compared stripped and in lower case)."""
TEXT_WORDS = 3
"""Free text: values of at least this many words on average ..."""
TEXT_DISTINCT = 0.5
"""... and mostly distinct (this share of the non-missing values or more)."""
NEAR_UNIQUE = 0.9
"""A short-text column with at least this share of distinct values names rows rather than describing them."""
MANY_CATEGORIES = 20
"""Above this many categories, one-hot encoding keeps this many (the most frequent) and groups the rest."""
DATE_SHARE = 0.95
DATE_PATTERN = re.compile(
    r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})"
    r"([ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$")
DELIMITERS = (";", "\t", "|")
TEXT_FEATURES = ("length", "word_count")
DATE_FEATURES = ("age_days", "month")


@dataclass
class ColumnPlan:
    """What to declare about one undeclared column."""

    kind: str
    use: str
    reason: str
    markers: list[str] = field(default_factory=list)
    derived: list[DerivedFeature] = field(default_factory=list)
    warning: str = ""


@dataclass
class Inference:
    config: DatasetConfig
    """The config with every column declared: what `reportgen init` writes out."""
    decisions: list[ColumnDecision]
    """One per column of the table, in its order."""
    warnings: list[str]
    rows: int = 0
    """Rows read from the table."""


def quoted(values) -> str:
    return ", ".join(repr(str(v)) for v in values)


def is_marker(token: str) -> bool:
    text = token.strip().lower()
    return text in MARKER_WORDS or re.fullmatch(r"[\W_]*", text) is not None


def parsed_numbers(text: pd.Series, read: ReadSpec) -> pd.Series:
    """Text as numbers, with the file's thousands and decimal marks; what is not a number is missing."""
    stripped = text.str.strip()
    if read.thousands:
        stripped = stripped.str.replace(read.thousands, "", regex=False)
    if read.decimal != ".":
        stripped = stripped.str.replace(read.decimal, ".", regex=False)
    return pd.to_numeric(stripped, errors="coerce")


def id_like(name: str, values: pd.Series) -> bool:
    """A distinct value in every row that is text, or whole numbers with an identifier's name or counting
    1, 2, 3, ...; a measure can be distinct in every row too, so other numbers are kept."""
    if len(values) < MIN_ROWS_FOR_ID_CHECK or values.isna().any() or values.nunique() != len(values):
        return False
    if not pd.api.types.is_numeric_dtype(values):
        return True
    return pd.api.types.is_integer_dtype(values) and bool(
        ID_NAME.search(str(name)) or values.max() - values.min() + 1 == len(values))


def plan_numeric(name: str, values: pd.Series) -> ColumnPlan:
    if values.isna().all():
        return ColumnPlan("empty", "left out", "missing in every row")
    if id_like(name, values):
        return ColumnPlan("identifier", "left out", "a distinct whole number in every row, named or numbered like "
                          "a row identifier")
    present = values.dropna()
    if present.nunique() == 1 and not values.isna().any():
        return ColumnPlan("constant", "left out", f"the same value ({present.iloc[0]:g}) in every row")
    if present.nunique() == 1:
        return ColumnPlan("categorical", "feature", f"one value ({present.iloc[0]:g}) or missing: used as a "
                          f"category, present against missing")
    whole = "whole numbers" if (present % 1 == 0).all() else "numbers"
    return ColumnPlan("numeric", "feature", f"{whole} from {present.min():,.4g} to {present.max():,.4g}, "
                      f"{present.nunique():,} distinct")


def plan_text(name: str, values: pd.Series, read: ReadSpec, rows: int) -> ColumnPlan:
    present = values.dropna().astype(str)
    non_markers = present[~present.map(is_marker)]
    markers = sorted(set(present) - set(non_markers))
    if non_markers.empty:
        found = f"only the missing-value marker(s) {quoted(markers)}" if markers else "missing in every row"
        return ColumnPlan("empty", "left out", found)
    numbers = parsed_numbers(non_markers, read)
    if numbers.notna().all():
        count = int(present.isin(markers).sum())
        if numbers.nunique() == 1 and count == 0 and len(present) == rows:
            return ColumnPlan("constant", "left out", f"the same value ({non_markers.iloc[0]}) in every row")
        blank = rows - len(present)
        found = "numbers stored as text"
        if markers:
            found += (f": {quoted(markers)} read as missing ({count:,} values"
                      + (f"; {blank:,} more were blank or a standard marker such as 'n/a')" if blank else ")"))
        return ColumnPlan("numeric", "feature", found, markers=markers, warning=f"{name}: {found}.")
    distinct = non_markers.nunique()
    words = non_markers.str.split().str.len().mean()
    if words >= TEXT_WORDS and distinct >= TEXT_DISTINCT * len(non_markers):
        derived = [DerivedFeature(column=name, kind=kind) for kind in TEXT_FEATURES]
        return ColumnPlan("text", ", ".join(f.name for f in derived),
                          f"free text ({words:.1f} words on average, {distinct / len(non_markers):.0%} distinct): "
                          f"used through its length and word count", derived=derived)
    if non_markers.str.match(DATE_PATTERN).mean() >= DATE_SHARE:
        parsed = parse_dates(non_markers)
        if parsed.notna().mean() >= DATE_SHARE:
            latest = latest_date(non_markers)
            derived = [DerivedFeature(column=name, kind="age_days", reference=latest),
                       DerivedFeature(column=name, kind="month")]
            return ColumnPlan("date", ", ".join(f.name for f in derived),
                              f"dates from {parsed.min().date()} to {latest}: used as days before {latest} and "
                              f"month", derived=derived)
    if id_like(name, values):
        return ColumnPlan("identifier", "left out", "a distinct text in every row: it names rows, it does not "
                          "describe them")
    if distinct == 1 and len(present) == rows:
        return ColumnPlan("constant", "left out", f"the same value ({non_markers.iloc[0]}) in every row")
    if len(non_markers) >= MIN_ROWS_FOR_ID_CHECK and distinct >= NEAR_UNIQUE * len(non_markers):
        return ColumnPlan("identifier", "left out", f"nearly a distinct value per row ({distinct:,} of "
                          f"{len(non_markers):,}): it names rows rather than describing them")
    if distinct == 1:
        return ColumnPlan("categorical", "feature", f"one value ({non_markers.iloc[0]}) or missing: used as a "
                          f"category, present against missing")
    if distinct > MANY_CATEGORIES:
        return ColumnPlan("categorical", "feature", f"{distinct:,} categories: the {MANY_CATEGORIES - 1} most "
                          f"frequent kept, the rest grouped as 'other'")
    return ColumnPlan("categorical", "feature", f"{distinct} categories, one-hot encoded")


def plan_column(name: str, values: pd.Series, read: ReadSpec) -> ColumnPlan:
    if pd.api.types.is_numeric_dtype(values) or values.isna().all():
        return plan_numeric(name, values)
    return plan_text(name, values, read, len(values))


def declared_decision(column: str, config: DatasetConfig) -> ColumnDecision | None:
    """The decision the config itself makes about a column, or None when it leaves it to the data."""
    def decided(kind: str, use: str, reason: str) -> ColumnDecision:
        return ColumnDecision(column=column, kind=kind, use=use, reason=reason, inferred=False)

    if column == config.target.column:
        return decided("outcome", "outcome", f"the target: '{config.target.positive}' counts as "
                       f"{config.target.positive_name}")
    if column in config.id_columns:
        return decided("identifier", "left out", "declared under id_columns")
    if column in config.exclude:
        return decided("excluded", "left out", "declared under exclude")
    derived = [f.name for f in config.derived if f.column == column]
    if config.features is not None and column not in config.features and not derived:
        return decided("excluded", "left out", "not listed under features")
    kind = config.column_type(column)
    if kind is None:
        return None
    markers = config.read.missing_markers.get(column)
    reason = f"declared {kind}" + (f"; {quoted(markers)} read as missing" if markers else "")
    if kind in ("text", "date"):
        return decided(kind, ", ".join(derived) or "left out",
                       reason + ("" if derived else ": no derived feature declared for it"))
    return decided(kind, "feature", reason)


def sniffed_encoding(config: DatasetConfig) -> tuple[DatasetConfig, list[str]]:
    """A text file that is not UTF-8 (an export from Excel on Windows, say) read as cp1252 or latin-1
    when the config names no encoding."""
    path = Path(config.data)
    if "encoding" in config.read.model_fields_set or not path.is_file() or is_parquet(path) or is_binary(path):
        return config, []
    encoding = fallback_encoding(path)
    if encoding is None:
        return config, []
    read = config.read.model_copy(update={"encoding": encoding})
    return config.model_copy(update={"read": read}), [
        f"{path.name} is not UTF-8 text: read as {encoding}; set 'read.encoding' in a config if accented "
        f"letters look wrong."]


def sniffed_read(config: DatasetConfig) -> tuple[DatasetConfig, list[str]]:
    """A semicolon-, tab- or bar-separated file read with that delimiter when the config names none."""
    path = Path(config.data)
    if "delimiter" in config.read.model_fields_set or not path.is_file() or is_parquet(path):
        return config, []
    try:
        with path.open(encoding=config.read.encoding, newline="") as handle:
            first = handle.readline()
    except (UnicodeDecodeError, LookupError):
        return config, []
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    if "," in first or not counts[best]:
        return config, []
    read = config.read.model_copy(update={"delimiter": best})
    return config.model_copy(update={"read": read}), [f"{path.name}: columns separated by {best!r}, read as such."]


def infer(config: DatasetConfig) -> Inference:
    """Read the table and declare, in a copy of the config, every column the config leaves open."""
    config, notes = sniffed_encoding(config)
    config, delimiter_notes = sniffed_read(config)
    notes += delimiter_notes
    frame = read_table(config)
    outcome, _ = outcome_from(frame, config, str(config.data))
    target = target_names(config, outcome, frame)
    config = config.model_copy(update={"target": config.target.model_copy(update=target)})
    decisions: list[ColumnDecision] = []
    warnings: list[str] = []
    ids, excluded, derived = list(config.id_columns), list(config.exclude), list(config.derived)
    types, markers = dict(config.types), dict(config.read.missing_markers)
    many_categories = False
    for column in frame.columns:
        declared = declared_decision(str(column), config)
        if declared is not None:
            decisions.append(declared)
            continue
        plan = plan_column(str(column), frame[column], config.read)
        decisions.append(ColumnDecision(column=str(column), kind=plan.kind, use=plan.use, reason=plan.reason,
                                        inferred=True))
        if plan.kind == "identifier":
            ids.append(column)
            warnings.append(f"Left out {column} as a row identifier ({plan.reason}); list it under 'id_columns' "
                            f"in a config to say so explicitly.")
        elif plan.kind in ("empty", "constant"):
            excluded.append(column)
            warnings.append(f"Dropped {column}: {plan.reason}.")
        else:
            types[column] = plan.kind
            derived.extend(plan.derived)
            many_categories |= plan.kind == "categorical" and frame[column].nunique() > MANY_CATEGORIES
        if plan.markers:
            markers[column] = plan.markers
        if plan.warning:
            warnings.append(plan.warning)
    updates: dict[str, object] = {"id_columns": ids, "exclude": excluded, "types": types, "derived": derived,
                                  "read": {**config.read.model_dump(), "missing_markers": markers}}
    if many_categories and config.encoding.max_categories is None:
        updates["encoding"] = {**config.encoding.model_dump(), "max_categories": MANY_CATEGORIES}
    try:
        completed = DatasetConfig.model_validate({**config.model_dump(), **updates})
    except ValueError as exc:
        raise ReportInputError(f"could not complete the config for {config.data}: {exc}") from None
    return Inference(config=completed, decisions=decisions, warnings=notes + warnings, rows=len(frame))


def target_names(config: DatasetConfig, outcome: pd.Series, frame: pd.DataFrame) -> dict[str, str]:
    """Class names from the labels when the config gives none: 'Churned: yes' and 'Churned: no'."""
    target = config.target
    if {"positive_name", "negative_name"} & target.model_fields_set:
        return {}
    labels = frame.loc[outcome.index, target.column].map(str).str.strip()
    negatives = sorted(labels[outcome == 0].unique())
    title = config.label(target.column)
    return {"positive_name": f"{title}: {target.positive}",
            "negative_name": f"{title}: {negatives[0]}" if len(negatives) == 1 else f"{title}: other"}

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

import numpy as np
import pandas as pd

from reportgen.config import DatasetConfig, DerivedFeature, ReadSpec
from reportgen.errors import ReportInputError
from reportgen.load import (
    FALSE_WORDS,
    TRUE_WORDS,
    fallback_encoding,
    is_binary,
    is_parquet,
    latest_date,
    outcome_from,
    parse_dates,
    read_table,
    spelled_positive,
)
from reportgen.names import name_words
from reportgen.result import ColumnDecision, ColumnReading, Notice, NoticeKind, ReadingKind
from reportgen.vocabulary import outcome_vocabulary, predicate_of

MIN_ROWS_FOR_ID_CHECK = 20
ID_LAST_WORDS = {"id", "ids", "key", "uuid", "guid", "no", "nr", "num", "number"}
"""A name ending in one of these words (customer_id, CustomerId, EmployeeNumber, RowNumber) names an identifier ..."""
ID_NAMES = {"id", "#", "rownames", "rowname", "row names", "index", "unnamed 0"}
"""... as does one of these whole names (R's and pandas' exported row names among them)."""
CODE_WORDS = {"code", "codes", "id", "region", "regions", "browser", "type", "types", "area", "store", "shop",
              "branch", "zip", "zipcode", "postcode", "postal", "country", "state", "city", "county", "district",
              "territory", "location", "site", "category", "segment", "channel", "platform", "os", "system",
              "systems", "device", "source", "campaign", "cluster", "group", "department", "dept", "team", "brand",
              "product", "sku", "occupation", "industry", "sector"}
"""A word in an integer column's name that says its values are codes of categories, not amounts."""
CHANCE_REPEATS = 5
"""Whole numbers distinct in every row although chance would repeat this many of them are assigned, not measured."""
MAX_CODES = 60
"""An integer column named like a code with at most this many distinct values is read as categories."""
FEW_VALUES = 20
"""Whole numbers with at most this many distinct values, not a run from 0 or 1, may be codes: the reason says how
to declare them categorical."""
SENTINEL_SHARE = 0.05
"""A value that means 'does not apply' (999, -1) holds at least this share of a column's rows ..."""
MARKER_WORDS = {"?", "??", "-", "--", ".", "n/a", "na", "nan", "none", "null", "nil", "missing", "unknown",
                "not available", "#n/a", "undefined", "empty", "blank", "(blank)", "(missing)"}
"""Values that mean 'missing' when they sit among numbers (compared stripped and in lower case)."""
TEXT_WORDS = 3
"""Free text: values of at least this many words on average ..."""
TEXT_DISTINCT = 0.5
"""... and mostly distinct (this share of the non-missing values or more)."""
NEAR_UNIQUE = 0.9
"""A short-text column with at least this share of distinct values names rows rather than describing them."""
COVERED_SHARE = 0.5
"""A text column whose frequent labels (see `frequent_share`) cover less than this share of rows is left out."""
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
    """What to declare about one undeclared column, and what in its values says so."""

    kind: str
    use: str
    reading: ColumnReading
    markers: list[str] = field(default_factory=list)
    derived: list[DerivedFeature] = field(default_factory=list)


@dataclass
class Inference:
    config: DatasetConfig
    """The config with every column declared: what `reportgen init` writes out."""
    decisions: list[ColumnDecision]
    """One per column of the table, in its order, their reasons worded (`reportgen init` writes them out)."""
    notices: list[Notice]
    rows: int = 0
    """Rows read from the table."""


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


def id_named(name: str) -> bool:
    words = name_words(name)
    return (" ".join(words) or str(name).strip()) in ID_NAMES or bool(words) and words[-1] in ID_LAST_WORDS


def whole_numbers(values: pd.Series) -> bool:
    present = values.dropna()
    return pd.api.types.is_numeric_dtype(values) and bool((present % 1 == 0).all())


def counts_rows(values: pd.Series) -> bool:
    """Distinct whole numbers that number the rows: a permutation of evenly spaced values (1, 2, 3, ... or 10,
    20, 30, ...), strictly increasing down the file (a running number with gaps), or too tightly packed to be
    distinct by chance: n quantities drawn from a range of R values would repeat about n² / 2R times."""
    ordered = np.sort(values.to_numpy(dtype=float))
    steps = np.diff(ordered)
    if not len(steps):
        return False
    packed = len(values) ** 2 / (2 * (ordered[-1] - ordered[0] + 1)) >= CHANCE_REPEATS
    return bool((steps == steps[0]).all() or values.is_monotonic_increasing or packed)


def id_like(name: str, values: pd.Series) -> bool:
    """A distinct value in every row that is text, or whole numbers with an identifier's name or counting
    the rows; a measure can be distinct in every row too, so other numbers are kept."""
    if len(values) < MIN_ROWS_FOR_ID_CHECK or values.isna().any() or values.nunique() != len(values):
        return False
    if not pd.api.types.is_numeric_dtype(values):
        return True
    return pd.api.types.is_integer_dtype(values) and (id_named(name) or counts_rows(values))


def code_named(name: str) -> bool:
    return bool(CODE_WORDS & set(name_words(name)))


def maybe_codes(present: pd.Series) -> bool:
    """A few whole numbers that do not count up from 0 or 1 (1, 2, 5, 9 or 408, 415, 510): amounts can look like
    that, and so can codes. A count may skip a few values (1 to 16 but 13 and 15)."""
    distinct = np.sort(present.unique())
    if not 3 <= len(distinct) <= FEW_VALUES or not whole_numbers(present):
        return False
    return distinct[0] not in (0, 1) or (np.diff(distinct) > 1).mean() > 0.5


def nines(value: float) -> bool:
    """99, 999, 9999, ...: the numbers exports write for 'does not apply'."""
    return value >= 99 and value % 1 == 0 and set(str(int(value))) == {"9"}


def sentinel(present: pd.Series) -> float | None:
    """The value that stands for 'does not apply' rather than a quantity, or None: the largest value when it is
    99, 999, ... and further from the other values than they spread, or the smallest when it is negative and the
    others are not; either way held by a large share of the rows."""
    present = present[np.isfinite(present)]
    if present.nunique() < 3:
        return None
    low, high = present.min(), present.max()
    for value in (high, low):
        others = present[present != value]
        if (present == value).mean() < SENTINEL_SHARE or others.nunique() < 2:
            continue
        spread = others.max() - others.min()
        if value == high and nines(value) and value - others.max() > spread:
            return float(value)
        if value == low and value < 0 and others.min() >= 0:
            return float(value)
    return None


def plan_numeric(name: str, values: pd.Series) -> ColumnPlan:
    if values.isna().all():
        return ColumnPlan("empty", "left out", ColumnReading(ReadingKind.EMPTY))
    if id_like(name, values):
        return ColumnPlan("identifier", "left out", ColumnReading(ReadingKind.ROW_NUMBERS))
    present = values.dropna()
    if present.nunique() == 1 and not values.isna().any():
        return ColumnPlan("constant", "left out", ColumnReading(ReadingKind.CONSTANT, value=stored(present.iloc[0])))
    if present.nunique() == 1:
        return ColumnPlan("categorical", "feature", ColumnReading(ReadingKind.ONE_VALUE, value=stored(present.iloc[0])))
    distinct = present.nunique()
    if whole_numbers(present) and distinct > MAX_CODES and id_named(name):
        return ColumnPlan("identifier", "left out", ColumnReading(ReadingKind.NAMED_IDENTIFIER, distinct=distinct))
    if whole_numbers(present) and 3 <= distinct <= MAX_CODES and code_named(name):
        codes = sorted(present.unique())
        return ColumnPlan("categorical", "feature", ColumnReading(
            ReadingKind.CODES, distinct=distinct, codes=[float(v) for v in codes[:5]], more_codes=len(codes) > 5))
    value = sentinel(present)
    if value is not None:
        return not_applicable_plan(name, present, value)
    low, high = finite_range(present)
    return ColumnPlan("numeric", "feature", ColumnReading(
        ReadingKind.NUMBERS, whole=whole_numbers(present), low=low, high=high, distinct=distinct,
        maybe_codes=bool(maybe_codes(present)), infinite=int(np.isinf(present.to_numpy(dtype=float)).sum())))


def stored(value: float) -> float | str:
    """A number as results.json can hold it: inf and -inf as text."""
    value = float(value)
    return value if np.isfinite(value) else str(value)


def finite_range(present: pd.Series) -> tuple[float | None, float | None]:
    """The smallest and the largest finite value; None for both when there is none."""
    finite = present[np.isfinite(present.to_numpy(dtype=float))]
    return (float(finite.min()), float(finite.max())) if len(finite) else (None, None)


def not_applicable_plan(name: str, present: pd.Series, value: float) -> ColumnPlan:
    feature = DerivedFeature(column=name, kind="not_applicable", values=[value])
    low, high = finite_range(present[present != value])
    return ColumnPlan("numeric", f"feature, {feature.name}", ColumnReading(
        ReadingKind.NOT_APPLICABLE, value=value, share=float((present == value).mean()), low=low, high=high,
        indicator=feature.name), derived=[feature])


def frequent_share(labels: pd.Series, min_share: float) -> float:
    """The share of rows whose label is held by at least `min_share` of the rows: what one-hot encoding keeps."""
    shares = labels.value_counts(normalize=True)
    return float(shares[shares >= min_share].sum())


def plan_text(name: str, values: pd.Series, read: ReadSpec, rows: int, min_share: float) -> ColumnPlan:
    present = values.dropna().astype(str)
    non_markers = present[~present.map(is_marker)]
    markers = sorted(set(present) - set(non_markers))
    if non_markers.empty:
        if markers:
            return ColumnPlan("empty", "left out", ColumnReading(ReadingKind.MARKERS_ONLY, markers=markers))
        return ColumnPlan("empty", "left out", ColumnReading(ReadingKind.EMPTY))
    numbers = parsed_numbers(non_markers, read)
    if numbers.notna().all():
        count = int(present.isin(markers).sum())
        if numbers.nunique() == 1 and count == 0 and len(present) == rows:
            return ColumnPlan("constant", "left out", ColumnReading(ReadingKind.CONSTANT, value=non_markers.iloc[0]))
        return ColumnPlan("numeric", "feature", ColumnReading(
            ReadingKind.NUMBERS_AS_TEXT, markers=markers, count=count, blank=rows - len(present)), markers=markers)
    distinct = non_markers.nunique()
    words = non_markers.str.split().str.len().mean()
    if words >= TEXT_WORDS and distinct >= TEXT_DISTINCT * len(non_markers):
        derived = [DerivedFeature(column=name, kind=kind) for kind in TEXT_FEATURES]
        return ColumnPlan("text", ", ".join(f.name for f in derived), ColumnReading(
            ReadingKind.FREE_TEXT, words=float(words), share=distinct / len(non_markers)), derived=derived)
    if non_markers.str.match(DATE_PATTERN).mean() >= DATE_SHARE:
        parsed = parse_dates(non_markers)
        if parsed.notna().mean() >= DATE_SHARE:
            latest = latest_date(non_markers)
            derived = [DerivedFeature(column=name, kind="age_days", reference=latest),
                       DerivedFeature(column=name, kind="month")]
            return ColumnPlan("date", ", ".join(f.name for f in derived), ColumnReading(
                ReadingKind.DATES, first=str(parsed.min().date()), last=str(latest)), derived=derived)
    if id_like(name, values):
        return ColumnPlan("identifier", "left out", ColumnReading(ReadingKind.ROW_TEXT))
    if distinct == 1 and len(present) == rows:
        return ColumnPlan("constant", "left out", ColumnReading(ReadingKind.CONSTANT, value=non_markers.iloc[0]))
    if len(non_markers) >= MIN_ROWS_FOR_ID_CHECK and distinct >= NEAR_UNIQUE * len(non_markers):
        return ColumnPlan("identifier", "left out", ColumnReading(ReadingKind.NEAR_UNIQUE, distinct=distinct,
                                                                  rows=len(non_markers)))
    if distinct == 1:
        return ColumnPlan("categorical", "feature", ColumnReading(ReadingKind.ONE_VALUE, value=non_markers.iloc[0]))
    covered = frequent_share(non_markers, min_share)
    if covered < COVERED_SHARE:
        return ColumnPlan("categorical", "left out", ColumnReading(ReadingKind.RARE_LABELS, distinct=distinct,
                                                                   share=min_share, covered=covered))
    if distinct > MANY_CATEGORIES:
        return ColumnPlan("categorical", "feature", ColumnReading(ReadingKind.MANY_CATEGORIES, distinct=distinct,
                                                                  kept=MANY_CATEGORIES - 1))
    return ColumnPlan("categorical", "feature", ColumnReading(ReadingKind.CATEGORIES, distinct=distinct))


def plan_column(name: str, values: pd.Series, read: ReadSpec, min_share: float = 0.01) -> ColumnPlan:
    """What to make of an undeclared column; `min_share` is the share of rows below which one-hot encoding
    groups a category as 'other'."""
    if pd.api.types.is_numeric_dtype(values) or values.isna().all():
        return plan_numeric(name, values)
    return plan_text(name, values, read, len(values), min_share)


def declared_decision(column: str, config: DatasetConfig) -> ColumnDecision | None:
    """The decision the config itself makes about a column, or None when it leaves it to the data."""
    def decided(kind: str, use: str, reading: ColumnReading) -> ColumnDecision:
        return ColumnDecision(column=column, kind=kind, use=use, reason="", inferred=False, reading=reading)

    if column == config.target.column:
        return decided("outcome", "outcome", ColumnReading(ReadingKind.OUTCOME, value=str(config.target.positive),
                                                           label=config.target.positive_name))
    if column in config.id_columns:
        return decided("identifier", "left out", ColumnReading(ReadingKind.DECLARED_ID))
    if column in config.exclude:
        return decided("excluded", "left out", ColumnReading(ReadingKind.DECLARED_EXCLUDED))
    if config.known_before_outcome.get(column) is False:
        return decided("excluded", "left out", ColumnReading(ReadingKind.DECLARED_AFTER))
    derived = [f.name for f in config.derived if f.column == column]
    if config.features is not None and column not in config.features and not derived:
        return decided("excluded", "left out", ColumnReading(ReadingKind.NOT_LISTED))
    kind = config.column_type(column)
    if kind is None:
        return None
    reading = ColumnReading(ReadingKind.DECLARED, markers=list(config.read.missing_markers.get(column) or []))
    if kind in ("text", "date"):
        return decided(kind, ", ".join(derived) or "left out", reading)
    return decided(kind, "feature", reading)


def sniffed_encoding(config: DatasetConfig) -> tuple[DatasetConfig, list[Notice]]:
    """A text file that is not UTF-8 (an export from Excel on Windows, say) read as cp1252 or latin-1
    when the config names no encoding."""
    path = Path(config.data)
    if "encoding" in config.read.model_fields_set or not path.is_file() or is_parquet(path) or is_binary(path):
        return config, []
    encoding = fallback_encoding(path)
    if encoding is None:
        return config, []
    read = config.read.model_copy(update={"encoding": encoding})
    return config.model_copy(update={"read": read}), [Notice(NoticeKind.NOT_UTF8, file=path.name, values=[encoding])]


def sniffed_read(config: DatasetConfig) -> tuple[DatasetConfig, list[Notice]]:
    """A semicolon-, tab- or bar-separated file read with that delimiter when the config names none."""
    path = Path(config.data)
    if "delimiter" in config.read.model_fields_set or not path.is_file() or is_parquet(path):
        return config, []
    first = first_line(path, config.read.encoding)
    if first is None:
        return config, []
    counts = {d: first.count(d) for d in DELIMITERS}
    best = max(counts, key=counts.get)
    if "," in first or not counts[best]:
        return config, []
    read = config.read.model_copy(update={"delimiter": best})
    return config.model_copy(update={"read": read}), [Notice(NoticeKind.DELIMITER, file=path.name, values=[best])]


def first_line(path: Path, encoding: str) -> str | None:
    try:
        with path.open(encoding=encoding, newline="") as handle:
            return handle.readline()
    except (UnicodeDecodeError, LookupError):
        return None


def sniffed_header(config: DatasetConfig) -> tuple[DatasetConfig, list[Notice]]:
    """A CSV whose first line holds only numbers has no header (an export of a bare matrix): its columns are
    named column_1, column_2, ... by position, when the config says nothing of the header."""
    path = Path(config.data)
    if {"header", "columns"} & config.read.model_fields_set or not path.is_file() or is_parquet(path):
        return config, []
    line = first_line(path, config.read.encoding)
    fields = [] if line is None else line.rstrip("\r\n").split(config.read.delimiter)
    if len(fields) < 2 or parsed_numbers(pd.Series(fields, dtype=object), config.read).isna().any():
        return config, []
    names = [f"column_{position}" for position in range(1, len(fields) + 1)]
    read = config.read.model_copy(update={"header": False, "columns": names})
    return config.model_copy(update={"read": read}), [Notice(NoticeKind.NO_HEADER, file=path.name,
                                                             count=len(fields))]


def infer(config: DatasetConfig) -> Inference:
    """Read the table and declare, in a copy of the config, every column the config leaves open."""
    config, notes = sniffed_encoding(config)
    config, delimiter_notes = sniffed_read(config)
    notes += delimiter_notes
    config, header_notes = sniffed_header(config)
    notes += header_notes
    frame = read_table(config)
    config, positive_notes = with_spelled_positive(config, frame)
    notes += positive_notes
    outcome, _ = outcome_from(frame, config, str(config.data))
    config = with_vocabulary(config, outcome, frame)
    decisions: list[ColumnDecision] = []
    left_out: list[Notice] = []
    ids, excluded, derived = list(config.id_columns), list(config.exclude), list(config.derived)
    types, markers = dict(config.types), dict(config.read.missing_markers)
    many_categories = False
    for column in frame.columns:
        declared = declared_decision(str(column), config)
        if declared is not None:
            decisions.append(declared)
            continue
        plan = plan_column(str(column), frame[column], config.read, config.encoding.min_frequency)
        decisions.append(ColumnDecision(column=str(column), kind=plan.kind, use=plan.use, reason="", inferred=True,
                                        reading=plan.reading))
        if plan.kind == "identifier":
            ids.append(column)
            left_out.append(Notice(NoticeKind.IDENTIFIER, columns=[str(column)]))
        elif plan.use == "left out":
            excluded.append(column)
            left_out.append(Notice(NoticeKind.DROPPED, columns=[str(column)]))
        else:
            types[column] = plan.kind
            derived.extend(plan.derived)
            many_categories |= plan.kind == "categorical" and frame[column].nunique() > MANY_CATEGORIES
        if plan.markers:
            markers[column] = plan.markers
        if plan.reading.kind == ReadingKind.NUMBERS_AS_TEXT:
            left_out.append(Notice(NoticeKind.NUMBERS_AS_TEXT, columns=[str(column)]))
    updates: dict[str, object] = {"id_columns": ids, "exclude": excluded, "types": types, "derived": derived,
                                  "read": {**config.read.model_dump(), "missing_markers": markers}}
    if many_categories and config.encoding.max_categories is None:
        updates["encoding"] = {**config.encoding.model_dump(), "max_categories": MANY_CATEGORIES}
    try:
        completed = DatasetConfig.model_validate({**config.model_dump(), **updates})
    except ValueError as exc:
        raise ReportInputError(f"could not complete the config for {config.data}: {exc}") from None
    return Inference(config=completed, decisions=decisions, notices=notes + left_out, rows=len(frame))


def with_spelled_positive(config: DatasetConfig, frame: pd.DataFrame) -> tuple[DatasetConfig, list[Notice]]:
    """The config with the outcome label as the data spell it (see `load.spelled_positive`), and a note saying so."""
    target = config.target
    if target.column not in frame.columns:
        return config, []
    spelled = spelled_positive(frame[target.column], target)
    if spelled is None:
        return config, []
    given = "positive" in target.model_fields_set
    note = Notice(NoticeKind.POSITIVE_SPELLED if given else NoticeKind.POSITIVE_CHOSEN, columns=[target.column],
                  values=[str(target.positive), spelled])
    return config.model_copy(update={"target": target.model_copy(update={"positive": spelled})}), [note]


def with_vocabulary(config: DatasetConfig, outcome: pd.Series, frame: pd.DataFrame) -> DatasetConfig:
    """The config with the words it does not declare (what a row is, the classes' names and nouns, the title and
    the cover's kind of report) read from the table's names (`vocabulary.outcome_vocabulary`)."""
    target = config.target
    labels = frame.loc[outcome.index, target.column].map(str).str.strip()
    negatives = sorted(labels[outcome == 0].unique())
    spelled = {label.lower() for label in labels.unique()}
    yes_no = len(spelled) == 2 and bool(spelled & TRUE_WORDS) and bool(spelled & FALSE_WORDS)
    words = outcome_vocabulary(target.column, config.label(target.column), str(target.positive),
                               negatives[0] if len(negatives) == 1 else None, yes_no, Path(config.data).stem,
                               [str(c) for c in frame.columns if c != target.column],
                               config.unit if "unit" in config.model_fields_set else None)
    named = {"positive_name", "negative_name"} & target.model_fields_set
    target_words = {key: getattr(words, key) for key in ("positive_noun", "negative_noun")
                    if key not in target.model_fields_set}
    if not named:
        target_words.update(positive_name=words.positive_name, negative_name=words.negative_name)
    if "predicate" not in target.model_fields_set:
        unit = config.unit if "unit" in config.model_fields_set else words.unit
        target_words["predicate"] = (predicate_of(unit, target.positive_noun)
                                     if "positive_noun" in target.model_fields_set else words.predicate)
    updates: dict[str, object] = {"target": target.model_copy(update=target_words)}
    if config.action is None:
        updates["action"] = words.action
    updates.update({key: getattr(words, key) for key in ("unit", "title") if key not in config.model_fields_set})
    if "subtitle" not in config.theme.model_fields_set:
        updates["theme"] = config.theme.model_copy(update={"subtitle": words.kind})
    return config.model_copy(update=updates)

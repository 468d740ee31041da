"""How the table was read and cleaned: each column's reading and use, the preprocessing log, the VIF table,
the outlier rules' distributions, duplicates, leakage and the warnings raised on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class StepKind(str, Enum):
    """What a step of the preprocessing log did."""

    READ = "read"
    DERIVED = "derived"
    EXCLUDED = "excluded"
    DECLARED_FILL = "declared_fill"
    NOT_NUMBERS = "not_numbers"
    INFINITE = "infinite"
    EMPTY = "empty"
    CONSTANT = "constant"
    RECODED = "recoded"
    """Columns that map one-to-one onto an earlier column's values: the same grouping of the rows, dropped."""
    SCATTERED = "scattered"
    INCOMPLETE_ROWS = "incomplete_rows"
    OUTLIER_RULE = "outlier_rule"
    MULTICOLLINEARITY = "multicollinearity"
    LOGIT_MULTICOLLINEARITY = "logit_multicollinearity"
    """Columns above the VIF threshold, left out of the logistic regression only (`vif.applies_to: logit`)."""
    MISSING_VALUES = "missing_values"
    SPLIT = "split"
    DUPLICATES = "duplicates"
    ENCODING = "encoding"


@dataclass
class DerivedColumn:
    """A derived feature as computed: what it is made of (an age's reference date filled in)."""

    name: str
    kind: str
    """length, word_count, age_days, year, month, weekday or not_applicable."""
    column: str
    reference: str | None = None
    """The date an age counts to (ISO), for age_days."""
    values: list[float] = field(default_factory=list)
    """The values that mean 'does not apply', for not_applicable."""


@dataclass
class PreprocessingStep:
    """One step of the preprocessing log: its kind, the rows before and after it, the columns it touched and the
    figures its description cites. The narrative writes `name` and `description` from them."""

    kind: StepKind
    rows_before: int
    rows_after: int
    columns: list[str] = field(default_factory=list)
    count: int | None = None
    """Values filled (declared fill); infinite values (infinite); features used as they are (encoding)."""
    value: str = ""
    """The declared fill value."""
    examples: list[str] = field(default_factory=list)
    """Values that are not numbers, as read (not numbers; the first five)."""
    missing: dict[str, int] = field(default_factory=dict)
    """Missing values per feature (missing values)."""
    limit_low: float | None = None
    """An outlier rule's limits (outlier rule)."""
    limit_high: float | None = None
    derived: list[DerivedColumn] = field(default_factory=list)
    repeats: dict[str, str] = field(default_factory=dict)
    """Each dropped column and the kept column it recodes one-to-one (recoded)."""
    train_positive_rate: float | None = None
    """The training and test rows' positive shares (split)."""
    test_positive_rate: float | None = None
    name: str = ""
    description: str = ""


@dataclass
class VifRow:
    feature: str
    vif: float
    """As first computed, with every numeric feature in."""
    dropped: bool
    vif_kept: float | None = None
    """A kept feature's VIF once the dropped ones were left out; None for a dropped one."""
    decision: str = ""
    """Written by the narrative."""


@dataclass
class Distribution:
    """Histograms of one outlier-rule column before and after the rules."""

    column: str
    edges_before: list[float]
    counts_before: list[int]
    edges_after: list[float]
    counts_after: list[int]
    limit_low: float | None
    limit_high: float | None


class ReadingKind(str, Enum):
    """Why a column was read and used as it was: from the data (the first group) or as the config declares."""

    EMPTY = "empty"
    MARKERS_ONLY = "markers_only"
    ROW_NUMBERS = "row_numbers"
    NAMED_IDENTIFIER = "named_identifier"
    ROW_TEXT = "row_text"
    NEAR_UNIQUE = "near_unique"
    CONSTANT = "constant"
    ONE_VALUE = "one_value"
    CODES = "codes"
    NOT_APPLICABLE = "not_applicable"
    NUMBERS = "numbers"
    NUMBERS_AS_TEXT = "numbers_as_text"
    FREE_TEXT = "free_text"
    DATES = "dates"
    RARE_LABELS = "rare_labels"
    MANY_CATEGORIES = "many_categories"
    CATEGORIES = "categories"
    OUTCOME = "outcome"
    DECLARED_ID = "declared_id"
    DECLARED_EXCLUDED = "declared_excluded"
    DECLARED_AFTER = "declared_after"
    NOT_LISTED = "not_listed"
    DECLARED = "declared"


@dataclass
class ColumnReading:
    """What a column's values showed (or the config declared), with the figures its reason cites; each kind
    uses the fields it needs and leaves the others empty."""

    kind: ReadingKind
    value: float | str | None = None
    """The single value (constant, one value; 'inf' or '-inf' as text), the 'does not apply' value, or the
    outcome's positive label."""
    label: str = ""
    """What the positive label counts as (outcome)."""
    distinct: int | None = None
    """Distinct values, labels or codes."""
    rows: int | None = None
    """Rows with a value (near unique)."""
    low: float | None = None
    """Smallest and largest finite value (of the others, beside a 'does not apply' value); None when there is
    none."""
    high: float | None = None
    whole: bool = False
    """The numbers are whole."""
    maybe_codes: bool = False
    """A few whole numbers that may be codes rather than amounts."""
    infinite: int = 0
    """Values that are inf or -inf, beside the finite range `low` to `high` (numbers)."""
    share: float | None = None
    """Rows holding the 'does not apply' value; distinct share of free text; the share of rows a label
    needs to be kept apart (rare labels)."""
    covered: float | None = None
    """Share of rows whose label is held by at least `share` of the rows (rare labels)."""
    words: float | None = None
    """Words per value on average (free text)."""
    markers: list[str] = field(default_factory=list)
    """Values read as missing."""
    count: int | None = None
    """Values read as missing through `markers` (numbers as text)."""
    blank: int | None = None
    """Further values blank or a standard missing marker (numbers as text)."""
    codes: list[float] = field(default_factory=list)
    """The smallest codes, at most five (codes)."""
    more_codes: bool = False
    kept: int | None = None
    """Categories kept apart from 'other' (many categories)."""
    first: str = ""
    """First and last date (ISO, dates)."""
    last: str = ""
    indicator: str = ""
    """The feature marking the rows with the 'does not apply' value."""


@dataclass
class ColumnDecision:
    """How one column of the table was read and used, and why."""

    column: str
    kind: str
    """numeric, categorical, text, date, identifier, empty, constant, excluded or outcome."""
    use: str
    """'feature', 'outcome', 'left out', or the derived features made from it; for a feature cleaning dropped,
    written by the narrative from `dropped_by`."""
    reason: str
    """Written by the narrative from `reading`, `dropped_by` and the logit's left-out terms."""
    inferred: bool
    """True when reportgen decided from the data; False when the config declared it."""
    reading: ColumnReading | None = None
    dropped_by: StepKind | None = None
    """The cleaning step that dropped a feature inference kept (empty, constant, recoded, scattered,
    multicollinearity)."""
    vif: float | None = None
    """Its VIF, when multicollinearity dropped it."""


class NoticeKind(str, Enum):
    """A warning about the data or how it was read."""

    NOT_UTF8 = "not_utf8"
    DELIMITER = "delimiter"
    NO_HEADER = "no_header"
    POSITIVE_SPELLED = "positive_spelled"
    POSITIVE_CHOSEN = "positive_chosen"
    IDENTIFIER = "identifier"
    DROPPED = "dropped"
    NUMBERS_AS_TEXT = "numbers_as_text"
    LOADING = "loading"
    KNOWN_AFTER = "known_after"
    NOT_NUMBERS = "not_numbers"
    INFINITE = "infinite"
    EMPTY = "empty"
    CONSTANT = "constant"
    RECODED = "recoded"
    """`columns` recode `values` (the kept columns, in the same order) one-to-one."""
    SCATTERED = "scattered"
    TWINS = "twins"
    LEAKAGE = "leakage"

    @property
    def is_reading_note(self) -> bool:
        """A choice made in reading the data as expected (a row identifier left out, a delimiter found, a
        constant column dropped): a note in the appendix, not a warning about the results."""
        return self in READING_NOTES


READING_NOTES = frozenset({NoticeKind.DELIMITER, NoticeKind.POSITIVE_SPELLED, NoticeKind.IDENTIFIER,
                           NoticeKind.DROPPED, NoticeKind.NUMBERS_AS_TEXT, NoticeKind.KNOWN_AFTER, NoticeKind.EMPTY,
                           NoticeKind.CONSTANT, NoticeKind.RECODED, NoticeKind.SCATTERED})


@dataclass
class Notice:
    """A warning as a fact; the narrative words it. A column's notice (identifier, dropped, numbers as text)
    is worded from that column's decision; twins and leakage from `Preprocessing.duplicates` and `leakage`."""

    kind: NoticeKind
    columns: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    """The encoding or delimiter read with; the positive label as given and as spelled; values that are not
    numbers (the first five)."""
    count: int | None = None
    """Columns named by position (no header); infinite values."""
    file: str = ""
    text: str = ""
    """The loading stage's own sentence (loading), until it returns facts too."""


@dataclass
class Duplicates:
    rows: int
    """Rows whose features repeat an earlier row's exactly."""
    conflicting: int
    """Rows in groups of identical features that hold both outcomes."""
    test_rows_in_training: int
    """Test rows with an identical row among the training rows."""
    test_rows: int


@dataclass
class Leakage:
    """A feature that alone separates the outcomes almost perfectly: probably known only after the outcome."""

    feature: str
    label: str
    auc: float
    """ROC AUC of the feature alone on the training rows (direction-free)."""


@dataclass
class Preprocessing:
    steps: list[PreprocessingStep]
    vif: list[VifRow]
    vif_threshold: float
    distributions: list[Distribution]
    correlation: dict[str, dict[str, float]]
    encoding: list[str]
    """How the features are encoded, a note per group; written by the narrative from the encoding step."""
    reference_categories: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    """Written by the narrative from `notices` that are not reading notes."""
    notes: list[str] = field(default_factory=list)
    """Written by the narrative from the reading notes among `notices` (`NoticeKind.is_reading_note`)."""
    columns: list[ColumnDecision] = field(default_factory=list)
    duplicates: Duplicates | None = None
    leakage: list[Leakage] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    """Warnings about the data and how it was read, in the order the stages raised them."""

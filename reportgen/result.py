"""The result object: everything a report says, as plain dataclasses.

The engine fills one `ReportResult`; templates and figures only read it, and it
round-trips through `results.json` (`to_json` / `load_result`).
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import numpy as np
from pydantic import TypeAdapter


@dataclass
class DatasetSummary:
    name: str
    title: str
    source: str
    rows_read: int
    rows_used: int
    target: str
    positive_label: str
    positive_name: str
    negative_name: str
    positive_noun: str
    negative_noun: str
    unit: str
    unit_singular: str
    positive_rate: float
    features: list[str]
    feature_labels: dict[str, str]
    """Display labels of every column of the table, used or dropped."""
    train_rows: int = 0
    test_rows: int = 0
    units: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    predicate: str = ""
    """What the rows of the outcome did or are, completing '14% of customers ...' ('left')."""
    action: str = "contact"
    """What the report recommends doing with the rows scored highest: contact, offer, retain, review or none."""


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
    SCATTERED = "scattered"
    INCOMPLETE_ROWS = "incomplete_rows"
    OUTLIER_RULE = "outlier_rule"
    MULTICOLLINEARITY = "multicollinearity"
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
    """The cleaning step that dropped a feature inference kept (empty, constant, scattered, multicollinearity)."""
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
    SCATTERED = "scattered"
    TWINS = "twins"
    LEAKAGE = "leakage"


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
class Dependence:
    """The recommended model leans on one feature: its test figures beside those of the same family
    refitted without that feature (same settings, same training rows), contacting the same rows."""

    feature: str
    label: str
    share: float
    """The feature's share of the summed positive importances of the recommended model."""
    lift_share: float
    """Its importance over the model's test PR AUC above the base rate."""
    carries_most: bool
    """Its `share` alone makes the model lean on it (`dependence.LEANING_SHARE`); else its `lift_share` does."""
    pr_auc: float
    pr_auc_without: float | None
    """None when the refit failed (`refit_failure`), as is `found_without`."""
    found: float
    """Share of the test positives among the `contacted` test rows the model scores highest."""
    found_without: float | None
    contacted: int
    """As many test rows as the report's recommendation contacts."""
    fraction: float
    """contacted / test rows."""
    base_rate: float
    """The test rows' positive share: the PR AUC of a random ranking."""
    hinted_after: bool = False
    """The feature's name (or its source column's) suggests it is measured after or up to the outcome."""
    refit_failure: str = ""
    """Why the family could not be refitted without the feature; empty when it was."""


class StrengthKind(str, Enum):
    WEAK = "weak"
    """The lower bound of the test PR AUC's 95% interval is close to the base rate."""
    CLEAR = "clear"


@dataclass
class Strength:
    """How far the recommended model's test PR AUC stands above a random ranking (the base rate)."""

    kind: StrengthKind
    pr_auc: float
    pr_auc_low: float
    pr_auc_high: float
    """95% bootstrap interval of the test PR AUC (both equal to `pr_auc` when there is none)."""
    base_rate: float
    margin: float
    """The lower bound is close to the base rate when under `base_rate + margin`."""
    roc_auc: float
    top_inverted: bool = False
    """The top 5% of test rows by score convert less often than the top 10%."""


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
    """Written by the narrative from `notices`."""
    columns: list[ColumnDecision] = field(default_factory=list)
    duplicates: Duplicates | None = None
    leakage: list[Leakage] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    """Warnings about the data and how it was read, in the order the stages raised them."""


@dataclass
class Coefficient:
    feature: str
    label: str
    coef: float
    std_err: float | None
    z: float | None
    pvalue: float | None
    ci_low: float | None
    ci_high: float | None
    odds_ratio: float
    significant: bool
    step: float = 1.0
    """A typical change of the term: its training standard deviation (numeric) or 1 (category)."""


@dataclass
class RedundantTerm:
    """A design column left out of the logit because it is (almost) a linear combination of the
    terms kept before it."""

    feature: str
    label: str
    repeats: list[str]
    """Display labels of the kept terms with the largest parts in it, at most three; 'the
    intercept' for the constant. Empty when no kept term has a noticeable part (a constant column)."""
    more: int = 0
    """Further kept terms with a noticeable part, beyond those in `repeats`."""


class FitNoteKind(str, Enum):
    QUASI_SEPARATION = "quasi_separation"
    COMPLETE_SEPARATION = "complete_separation"
    REPORTED = "reported"
    """Another message of the fit, kept in statsmodels' (or NumPy's) words."""


@dataclass
class FitNote:
    """What statsmodels or NumPy reported while fitting the logit, as a fact."""

    kind: FitNoteKind
    share: float | None = None
    """Share of training rows predicted perfectly (quasi-separation)."""
    message: str = ""
    """The library's message (reported)."""


@dataclass
class LogitResult:
    llr_pvalue: float | None
    llr: float | None
    pseudo_r2: float | None
    log_likelihood: float | None
    log_likelihood_null: float | None
    n_observations: int
    intercept: float | None
    alpha: float
    coefficients: list[Coefficient]
    equation: str
    converged: bool
    summary_text: str
    separated_share: float | None = None
    """Share of training rows the logit's terms predict perfectly (quasi-separation); 1.0 for
    complete separation; None when statsmodels reports neither."""
    warnings: list[str] = field(default_factory=list)
    """Written by the narrative from `fit_notes`, `failure` and `converged`."""
    rows_note: str = ""
    """Which rows the coefficients come from, when the compared logistic regression was fitted on resampled
    ones; written by the narrative."""
    interval_level: float = 0.95
    """Confidence level of the coefficient intervals: 1 - alpha."""
    redundant: list[RedundantTerm] = field(default_factory=list)
    """Terms left out of the fit because they repeat kept ones; `coefficients` holds the kept ones."""
    failure: str = ""
    """statsmodels' error when it could not fit the logit at all (then there are no coefficients
    and no test); empty when it fitted."""
    fit_notes: list[FitNote] = field(default_factory=list)
    """What the fit reported, in order; `warnings` words them (with `failure` and `converged`)."""


@dataclass
class Metrics:
    accuracy: float
    precision: float
    recall: float
    f1: float
    roc_auc: float
    pr_auc: float
    confusion_matrix: list[list[int]]


@dataclass
class Curve:
    x: list[float]
    y: list[float]

    @classmethod
    def thinned(cls, x, y, max_points: int = 200, digits: int = 5) -> "Curve":
        """At most `max_points` evenly spaced points, always keeping both ends."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if len(x) > max_points:
            keep = np.unique(np.linspace(0, len(x) - 1, max_points).round().astype(int))
            x, y = x[keep], y[keep]
        return cls(x=[round(float(v), digits) for v in x], y=[round(float(v), digits) for v in y])


@dataclass
class Importance:
    feature: str
    importance: float


@dataclass
class CvScore:
    metric: str
    mean: float
    std: float


class ThresholdKind(str, Enum):
    TUNED = "tuned"
    """Maximises the metric on out-of-fold training scores."""
    FIXED = "fixed"
    """Set by the config."""
    ESTIMATOR_CUT = "estimator_cut"
    """The estimator's own cut: above 0.5 probability, or above a zero margin."""


@dataclass
class ThresholdResult:
    model: str
    value: float
    """A row is flagged when its score is at or above this value."""
    metric: str
    method: str
    """How the threshold was chosen, in words; written by the narrative from `kind`."""
    curve: Curve
    """The objective (F1, or profit per row) against the threshold, on out-of-fold training scores."""
    kind: ThresholdKind = ThresholdKind.TUNED
    default_cut: float = 0.5
    """Where the estimator's own predict() cuts: 0.5 for probabilities, 0 for margins."""
    folds: int = 0
    """Folds of the cross-validation that made the out-of-fold scores (tuned)."""


class ScoresSource(str, Enum):
    """Where a model's out-of-fold training scores came from."""

    CROSS_VALIDATION = "cross_validation"
    OUT_OF_BAG = "out_of_bag"
    MEMBERS = "members"
    """The average of an ensemble's members' scores."""


@dataclass
class GridEdge:
    """A tuned parameter whose best value is the largest or smallest of the searched range."""

    parameter: str
    value: int | float
    largest: bool


@dataclass
class ImbalanceCell:
    """A model's cross-validated score with one imbalance strategy of the run (None where not compared)."""

    strategy: str
    mean: float | None
    chosen: bool = False


@dataclass
class ModelResult:
    name: str
    label: str
    params: dict[str, object]
    cv: CvScore
    train: Metrics
    """On the training rows the model was fitted on."""
    test: Metrics
    roc_curve: Curve
    pr_curve: Curve
    candidates: int
    feature_importance: list[Importance] = field(default_factory=list)
    importance_kind: str = ""
    grid_edges: list[str] = field(default_factory=list)
    """Tuned parameters whose best value sits at the end of the searched range; written by the narrative
    from `search_edges`."""
    strategy: str = "none"
    threshold: float = 0.5
    test_ci: dict[str, list[float]] = field(default_factory=dict)
    """95% bootstrap interval [low, high] of each test metric."""
    tuning_rows: int = 0
    """Training rows the search compared candidates on."""
    fit_rows: int = 0
    """Training rows the chosen model was fitted on: all of them, or a stratified sample for
    methods whose cost grows faster than the rows."""
    scored_by: str = ""
    """Where its out-of-fold training scores (threshold, calibration, ensembles) came from; written by the
    narrative from `scores_from`."""
    search_settings: dict[str, object] = field(default_factory=dict)
    """Settings its search and strategy comparison used in place of the final model's (e.g. 40 trees
    instead of 100: candidates rank the same long before their scores settle)."""
    scored_along: str = ""
    """The parameter whose every value the search scored from one fit; empty if none."""
    overfit: bool = False
    """Its training F1 exceeds its test F1 by more than the over-fitting gap."""
    scores_from: ScoresSource = ScoresSource.CROSS_VALIDATION
    """`scored_by` as a fact (cross-validation over the run's `search.cv` folds)."""
    scored_along_from: int | float | None = None
    """The value of `scored_along` whose one fit scored the others (the largest tried)."""
    search_edges: list[GridEdge] = field(default_factory=list)
    strategies: list[ImbalanceCell] = field(default_factory=list)
    """Its score with each imbalance strategy the run compared, one per column of the imbalance table (the
    strategies of `ReportResult.imbalance` in order); empty for a model not compared (the ensemble)."""
    searched_on: str = ""
    """The rows and settings its search used, in words; written by the narrative."""


@dataclass
class Baseline:
    """Always predicting the majority class, on the test rows."""

    accuracy: float
    precision: float
    recall: float
    f1: float
    roc_auc: float
    pr_auc: float


@dataclass
class ImbalanceRow:
    model: str
    strategy: str
    metric: str
    mean: float
    std: float
    chosen: bool


@dataclass
class Calibration:
    model: str
    method: str
    brier_raw: float | None
    brier_calibrated: float
    curve_raw: Curve | None
    curve_calibrated: Curve
    used: bool = True
    """Whether the targeting (and `reportgen score`) uses the calibrated probabilities; False when
    calibrating did not lower the Brier score of the out-of-fold training scores, decided without the test rows."""
    brier_oof_raw: float | None = None
    """Brier score of the model's out-of-fold training scores; None when they are not probabilities."""
    brier_oof_calibrated: float | None = None
    """Brier score of the same scores calibrated by cross-validation (each fold mapped by an isotonic fit
    on the others)."""
    folds: int = 0
    """Folds of that cross-validation; 0 in results from before the choice was made."""
    text: str = ""
    """Which probabilities the targeting uses, and why; written by interpret."""


@dataclass
class WithoutTwins:
    """One model's test figures on the test rows without a twin in training: its test scores, read again."""

    model: str
    test: Metrics
    """At the model's decision threshold."""
    top_precision: float
    """Share of positives among the `Twins.top_fraction` of these rows it scores highest."""
    top_precision_all: float
    """The same among all test rows (the targeting table's first row, for the recommended model)."""


@dataclass
class Twins:
    """Test rows whose features equal a training row's (a twin a model may have memorised), and each
    model's test figures on the test rows without one. Nothing is refitted, resampled or tuned."""

    test_rows: int
    with_twin: int
    share: float
    """with_twin / test_rows."""
    positives_without: int
    """Positives among the test rows without a twin."""
    caveat_from: float
    """The share of test rows with a twin from which the report reads the models without them."""
    top_fraction: float
    models: list[WithoutTwins] = field(default_factory=list)
    """Empty when no test row has a twin, or the rows without one hold a single class."""
    text: str = ""
    """What the table of figures without the twins shows; written by interpret."""
    targeting_text: str = ""
    """The recommended model's top-fraction precision without the twins; written by interpret."""

    @property
    def rows_without(self) -> int:
        return self.test_rows - self.with_twin

    @property
    def material(self) -> bool:
        """Whether enough test rows have a twin for the report to read the models without them."""
        return self.test_rows > 0 and self.with_twin / self.test_rows >= self.caveat_from

    def model(self, name: str) -> WithoutTwins | None:
        return next((m for m in self.models if m.model == name), None)


@dataclass(kw_only=True)
class Outreach:
    """Contacting a set of test rows: how many, and the conversions expected and observed."""

    contacted: int
    expected_conversions: float
    conversions: int
    precision: float
    share_of_conversions: float
    profit: float | None = None
    expected_profit: float | None = None


@dataclass(kw_only=True)
class TargetingRow(Outreach):
    top_fraction: float
    lift: float


class RuleKind(str, Enum):
    """How the recommendation picks the rows to act on."""

    PROFIT = "profit"
    """Every row whose probability pays for the contact: above cost / value (`Recommendation.cut`)."""
    THRESHOLD = "threshold"
    """The rows the recommended model flags at its decision threshold."""


@dataclass(kw_only=True)
class Recommendation(Outreach):
    rule: str
    """The rule in words; written by the narrative from `kind`, `cut` and `calibrated`."""
    fraction: float
    kind: RuleKind = RuleKind.THRESHOLD
    cut: float
    """The probability (profit: cost / value) or score (threshold) a row must exceed or reach."""
    calibrated: bool = True
    """The probabilities compared with the cut are calibrated; False when the model's own are used (profit)."""


@dataclass
class TreeSummary:
    """What the tuned decision tree splits on (the course's question 3)."""

    depth: int
    leaves: int
    root_feature: str
    root_threshold: float
    split_features: list[Importance]
    rules: str


class ContrastKind(str, Enum):
    MEDIAN = "median"
    MEAN = "mean"
    """The medians tie: the means compared instead."""
    RATES = "rates"
    """A categorical feature: the positive share of its highest and lowest category."""
    FLAT = "flat"
    """A categorical feature whose categories hardly differ (fewer than two large enough to compare)."""


@dataclass
class Contrast:
    """How a feature differs between the outcomes on all kept rows."""

    kind: ContrastKind
    positive: float | None = None
    """The median (or mean) among positives and among negatives (numeric)."""
    negative: float | None = None
    top: str = ""
    """The categories with the highest and the lowest positive share (rates)."""
    top_rate: float | None = None
    bottom: str = ""
    bottom_rate: float | None = None


@dataclass
class Driver:
    feature: str
    label: str
    importance: float
    """Drop in the recommended model's test PR AUC when this column is shuffled."""
    direction: str
    """How it differs between the outcomes, in words; written by the narrative from `contrast`."""
    actionable: bool = True
    """False for columns the config marks as not a lever (e.g. a timing artefact)."""
    lever: bool = False
    """The config declares it a lever (`levers`): something the business can act on. Other drivers
    predict the outcome and are not shown to cause it."""
    importance_low: float | None = None
    """95% bootstrap interval of `importance` over resamples of the test rows; None in results from
    before it was measured."""
    importance_high: float | None = None
    above_zero: bool = True
    """`importance` and its whole interval are above zero. Drivers without it stay here but the
    report does not list them as drivers."""
    sign: int | None = None
    """+1 when the feature is higher among positives (median, or mean when the medians tie), -1 when
    lower, 0 when neither; None for a categorical feature, which has no single direction."""
    contrast: Contrast | None = None
    note: str = ""
    """Why a driver the config marks as not a lever is not one (its `notes`), shown beside it."""


@dataclass
class SignDisagreement:
    """A driver whose raw difference between the outcomes points one way and its significant logit
    coefficient the other: the two answer different questions (as the outcomes differ, and with the
    other features held fixed)."""

    feature: str
    label: str
    sign: int
    """The driver's raw direction: +1 higher among positives, -1 lower."""
    coefficient: Coefficient


@dataclass
class UnlistedSignal:
    """A feature significant in the logit and setting a segment apart that the drivers table does not
    list: its importance interval is not above zero, or it ranks below the table."""

    feature: str
    label: str
    terms: list[Coefficient]
    """Its significant logit terms (one for a numeric feature)."""
    segments: list[str]
    """Names of the segments in which it stands out (deviation at least `Segments.distinct_at`)."""
    importance: float | None
    importance_low: float | None
    importance_high: float | None
    rank: int | None
    """Its rank among the listed drivers (1 = strongest); None when it is not listed at all."""


DRIVERS_SHOWN = 5
"""How many listed drivers the summary's table shows."""


@dataclass
class DriverChecks:
    """What the drivers table leaves unsaid: sign disagreements with the logit, and features the logit
    and the segments single out that the table does not list."""

    shown: int = DRIVERS_SHOWN
    """How many listed drivers the summary's table shows."""
    disagreements: list[SignDisagreement] = field(default_factory=list)
    unlisted: list[UnlistedSignal] = field(default_factory=list)


@dataclass
class Question:
    id: int
    question: str
    answer: str
    """The whole answer as one text: `short` followed by the `points`."""
    short: str = ""
    points: list[str] = field(default_factory=list)


@dataclass
class Summary:
    headline: str
    recommended_model: str
    recommended_label: str
    why_recommended: str
    drivers: list[Driver]
    action: str
    baseline_accuracy: float
    caveats: list[str] = field(default_factory=list)
    driver_notes: list[str] = field(default_factory=list)
    """Sentences under the drivers table: where the logit reads a driver in it the other way."""
    top_decile_share: float | None = None
    """Share of all positives held by the 10% of test rows scored highest."""
    action_heading: str = "Whom to contact"
    """The targeting section's heading, in the verbs of the recommended action."""
    action_column: str = "Contact the top"
    action_title: str = "Recommended action"
    """The summary's heading over the action: 'Recommended action', or what the ranking picks out when the report
    recommends no action."""
    chance_pr_auc: float | None = None
    """The PR AUC of a random ranking of the test rows (their share of positives), for the glossary."""
    targeting_lead: str = ""
    """The rule behind the recommended action, opening the targeting section."""


@dataclass
class PublishedRow:
    """One published figure beside this run's, for one of its models."""

    metric: str
    published: float
    model: str
    here: float
    """This run's test figure, on the test set's true class shares."""
    here_balanced: float | None = None
    """The same model's figure re-weighted to equal class shares, when the published test set had them."""


@dataclass
class Published:
    """Figures a published analysis of this data reported (from the config) and how this run's compare."""

    source: str
    method: str
    balanced_test: bool
    metrics: dict[str, float]
    model: str | None = None
    """This run's model that matches the published one, when the config names it."""
    rows: list[PublishedRow] = field(default_factory=list)
    comparison: str = ""
    """Written by interpret from the rows."""


@dataclass
class Theme:
    """Branding, from a theme file or the config's `theme:` block; templates and figures read it."""

    company_name: str
    logo: str | None
    primary_color: str
    accent_color: str
    font_family: str
    title: str
    subtitle: str
    footer: str


@dataclass
class RunInfo:
    """The only block allowed to differ between two runs of the same data and settings."""

    version: str
    started_at: str
    seconds: float
    stage_seconds: dict[str, float]
    model_seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of each model's search, by model name."""
    backend: str = ""
    """Where the model searches ran: joblib's processes on this machine, or a Dask cluster."""


@dataclass
class RateChange:
    """The positive rate in the previous run and in this one, with a two-proportion z-test."""

    before: float
    after: float
    positives_before: int
    positives_after: int
    difference: float
    """after - before, as a share (0.012 is 1.2 points)."""
    interval: list[float]
    """95% confidence interval [low, high] of the difference (Newcombe's score method)."""
    z: float | None
    pvalue: float | None
    significant: bool
    alpha: float


@dataclass
class ModelChange:
    """One model's test figures in the previous run and in this one; None where a run lacks the model."""

    name: str
    label: str
    f1_before: float | None
    f1_after: float | None
    pr_auc_before: float | None
    pr_auc_after: float | None
    f1_interval: list[float] = field(default_factory=list)
    """This run's 95% bootstrap interval of the test F1, where known."""
    pr_auc_interval: list[float] = field(default_factory=list)


@dataclass
class DriverChange:
    """A column in the top drivers of either run: its rank (1 = strongest) and weight in each."""

    feature: str
    label: str
    rank_before: int | None
    rank_after: int | None
    importance_before: float | None
    importance_after: float | None
    actionable: bool = True
    """False for a column the run marks as not a lever (this run, where it has the column)."""
    entered: bool = False
    """In this run's top drivers and not in the previous run's (`Comparison.entered`)."""
    left: bool = False
    """In the previous run's top drivers and not in this run's (`Comparison.left`)."""


@dataclass
class SegmentShift:
    """A segment present, by name, in both runs: its share of the rows and its conversion rate."""

    name: str
    share_before: float
    share_after: float
    conversion_before: float
    conversion_after: float


@dataclass
class Comparison:
    """What changed since a previous run of the same outcome: compare.py fills the figures,
    interpret the sentences."""

    previous_started_at: str | None
    previous_version: str | None
    previous_source: str
    previous_name: str
    rows_before: int
    rows_after: int
    rate: RateChange
    recommended_before: str
    recommended_after: str
    models: list[ModelChange]
    """This run's recommended model first, then the previous run's when it differs."""
    drivers: list[DriverChange]
    """Every column in either run's top drivers, by this run's rank, then by the previous one."""
    entered: list[str] = field(default_factory=list)
    """Columns in this run's top drivers that were not in the previous run's."""
    left: list[str] = field(default_factory=list)
    segments: list[SegmentShift] | None = None
    """Largest change in conversion first; None when either run has no segments."""
    settings_changed: list[str] = field(default_factory=list)
    """Settings (dotted keys) that differ between the runs, e.g. 'seed'."""
    features_added: list[str] = field(default_factory=list)
    features_removed: list[str] = field(default_factory=list)
    top: int = 5
    """How many drivers count as the top ones."""
    segments_shown: int = 0
    """How many of `segments` the report's table shows: the largest changes."""
    headline: str = ""
    volume_text: str = ""
    rate_text: str = ""
    model_text: str = ""
    drivers_text: str = ""
    segments_text: str = ""
    segments_table_note: str = ""
    """Under the segments table when it leaves some segments out."""
    caveats: list[str] = field(default_factory=list)
    previous_text: str = ""
    """Which report this one is compared with, and how; written by the narrative."""
    recommended_before_label: str = ""
    recommended_after_label: str = ""


@dataclass
class BoxStats:
    """One box of a box plot: quartiles, whiskers at 1.5 interquartile ranges, and the mean."""

    group: str
    rows: int
    low: float
    q1: float
    median: float
    q3: float
    high: float
    mean: float


@dataclass
class FeatureByClass:
    """One numeric feature in each outcome class: histograms on shared bins and a box per class."""

    feature: str
    label: str
    separation: float
    """ROC AUC of the feature alone (direction-free): 0.5 does not separate the classes, 1 perfectly."""
    edges: list[float]
    negative: list[float]
    """Share of the negative class in each bin."""
    positive: list[float]
    boxes: list[BoxStats]
    """Negative class first, then positive."""
    clipped: bool = False
    """The bins stop at the 99th percentile; larger values are counted in the last bin."""


@dataclass
class GroupRow:
    group: str
    rows: int
    share: float
    conversion_rate: float
    pooled: bool = False
    """The less frequent groups taken together ('Other')."""


@dataclass
class FeatureByGroup:
    feature: str
    label: str
    boxes: list[BoxStats]
    """One per group, in the order of `Exploration.groups`."""


@dataclass
class MissingRow:
    column: str
    label: str
    missing: int
    share: float


@dataclass
class Exploration:
    """Descriptive statistics of the rows kept after cleaning (training and test rows together)."""

    rows: int
    by_class: list[FeatureByClass]
    group_column: str | None = None
    groups: list[GroupRow] = field(default_factory=list)
    """The most frequent groups of `group_column`, the rest pooled as 'Other'."""
    by_group: list[FeatureByGroup] = field(default_factory=list)
    missing: list[MissingRow] = field(default_factory=list)
    """Columns of the table as read with at least one missing value."""
    rows_read: int = 0
    """Rows the missing-value overview counts: every row read with an outcome."""
    observations: dict[str, list[str]] = field(default_factory=dict)
    """Sentences under each figure, by figure name; written by interpret."""


@dataclass
class SegmentProfile:
    name: str
    """Made by the narrative from `highs` and `lows`, distinct among the segments."""
    size: int
    share: float
    conversion_rate: float
    typical: dict[str, float | None]
    """Median of each feature in the segment, in the feature's own units (None when missing in all its rows)."""
    deviation: dict[str, float] = field(default_factory=dict)
    """Mean of each scaled feature in the segment minus its overall mean, in overall standard deviations."""
    highs: list[str] = field(default_factory=list)
    """Features whose deviation is at least `Segments.distinct_at` above (below) the overall mean, the most
    distinct first."""
    lows: list[str] = field(default_factory=list)


@dataclass
class Segments:
    """k-means segments of the kept rows on scaled numeric features; k chosen by silhouette score."""

    k: int
    silhouette: float
    """Silhouette score of the chosen k."""
    curve: dict[int, float]
    """Silhouette score of each k tried."""
    profiles: list[SegmentProfile]
    """Highest conversion rate first."""
    features: list[str] = field(default_factory=list)
    scaling: str = "rank"
    rows: int = 0
    """Rows assigned to a segment (all kept rows)."""
    fit_rows: int = 0
    """Rows k-means was fitted on (a random sample of large tables)."""
    silhouette_rows: int = 0
    """Rows each silhouette score was computed on."""
    distinct_at: float = 0.5
    """A feature counts as high or low in a segment (and enters its name) from this deviation on."""
    shown: list[str] = field(default_factory=list)
    """The features the profile table shows: those that set the segments apart most (at most six)."""
    observations: list[str] = field(default_factory=list)
    table_note: str = ""
    """What the profile table shows; written by the narrative."""
    method_text: str = ""
    """How the segments were formed; written by the narrative."""


@dataclass
class TrendPoint:
    period: str
    """First day of the period (ISO date)."""
    rows: int
    conversions: int
    rate: float | None
    """None for a period without rows."""


@dataclass
class ForecastPoint:
    period: str
    rate: float
    rate_low: float
    rate_high: float
    rows: float
    rows_low: float
    rows_high: float


class ForecastModel(str, Enum):
    SIMPLE = "simple"
    """Simple exponential smoothing, ETS(A,N,N)."""
    DAMPED_TREND = "damped_trend"
    """Exponential smoothing with a damped trend, ETS(A,Ad,N)."""


class NoForecast(str, Enum):
    TOO_FEW_PERIODS = "too_few_periods"
    NOT_FITTED = "not_fitted"


@dataclass
class Trends:
    """Conversion rate and volume per period of a date column, with a forecast when the series is long enough."""

    column: str
    label: str
    frequency: str
    """day, week, month or quarter."""
    points: list[TrendPoint]
    forecast: list[ForecastPoint] = field(default_factory=list)
    method: str = ""
    """The forecasting model in words; written by the narrative from `forecast_model`."""
    level: float = 0.95
    first_date: str = ""
    last_date: str = ""
    left_out: list[str] = field(default_factory=list)
    """Why rows or periods were left out (undated rows, incomplete first or last period); written by the
    narrative from `undated`, `partial_first` and `partial_last`."""
    no_forecast: str = ""
    """Why there is no forecast, when there is none; written by the narrative from `no_forecast_kind`."""
    observations: list[str] = field(default_factory=list)
    forecast_model: ForecastModel | None = None
    no_forecast_kind: NoForecast | None = None
    min_periods: int = 0
    """Complete periods a forecast needs."""
    undated: int = 0
    """Kept rows without a readable date."""
    partial_first: str = ""
    """The first (last) period's first day (ISO), when it was left out as covered only in part."""
    partial_last: str = ""
    caption: str = ""
    """The trends figure's caption; written by the narrative."""


@dataclass
class ReportResult:
    dataset: DatasetSummary
    preprocessing: Preprocessing
    logit: LogitResult
    models: list[ModelResult]
    best_model: str
    tree: TreeSummary | None
    drivers: list[Driver]
    warnings: list[str]
    """Written by the narrative: the data's warnings (`Preprocessing.notices`), then the logit's."""
    settings: dict[str, object]
    driver_rows: int = 0
    """Test rows the drivers were measured on: all of them, or a stratified sample of large tables."""
    driver_checks: DriverChecks = field(default_factory=DriverChecks)
    """Where the logit and the segments read the drivers differently."""
    families_left_out: list[str] = field(default_factory=list)
    """Labels of the default model families the configuration did not list (its `models_note` says why)."""
    baseline: Baseline | None = None
    imbalance: list[ImbalanceRow] = field(default_factory=list)
    threshold: ThresholdResult | None = None
    calibration: Calibration | None = None
    twins: Twins | None = None
    """Test rows with an identical training row, and the models' test figures without them."""
    targeting: list[TargetingRow] = field(default_factory=list)
    gains: Curve | None = None
    recommendation: Recommendation | None = None
    theme: Theme | None = None
    summary: Summary | None = None
    questions: list[Question] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)
    published: Published | None = None
    comparison: Comparison | None = None
    """Changes since a previous run, when the run was asked to compare (--compare-to)."""
    explore: Exploration | None = None
    segments: Segments | None = None
    trends: Trends | None = None
    dependence: Dependence | None = None
    """The recommended model refitted without the one feature it leans on; None when it leans on none."""
    strength: Strength | None = None
    """Whether the recommended model ranks clearly better than chance; None in older results."""
    run: RunInfo | None = None

    def model(self, name: str) -> ModelResult:
        return next(m for m in self.models if m.name == name)

    @property
    def best(self) -> ModelResult:
        return self.model(self.best_model)

    @property
    def searches_sampled(self) -> bool:
        """Whether any model was searched or fitted on a sample of the training rows."""
        return any(0 < m.tuning_rows < self.dataset.train_rows or 0 < m.fit_rows < self.dataset.train_rows
                   for m in self.models)

    @property
    def scored_from_one_fit(self) -> bool:
        """Whether any model's search scored several values of a parameter from one fit."""
        return any(m.scored_along for m in self.models)

    @property
    def listed_drivers(self) -> list[Driver]:
        """The drivers the report names, strongest first (`listed_drivers`)."""
        return listed_drivers(self.drivers)

    @property
    def drivers_sampled(self) -> bool:
        """Whether the drivers were measured on a sample of the test rows rather than all of them."""
        return 0 < self.driver_rows < self.dataset.test_rows


def listed_drivers(drivers: list[Driver]) -> list[Driver]:
    """The drivers a report names, strongest first: those whose importance and its whole interval are
    above zero."""
    return [x for x in drivers if x.above_zero and x.importance > 0]


def to_dict(result: ReportResult) -> dict:
    return dataclasses.asdict(result)


def to_json(result: ReportResult) -> str:
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False, allow_nan=False)


def load_result(path: str | Path) -> ReportResult:
    """Read a `results.json` back into the result type (validated)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return TypeAdapter(ReportResult).validate_python(data)

"""The dataset/run specification: declared once, with defaults, loaded from YAML.

Everything dataset-specific (where the data is, how to read it, the outcome, outlier
rules, encodings, which models run and how they are searched) lives in a config file;
the engine knows nothing about any particular table.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal, Union, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from reportgen.errors import ReportInputError
from reportgen.names import readable_name
from reportgen.resources import bundled_path

Scalar = Union[bool, int, float, str]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReadSpec(Spec):
    # Markers are matched as the file spells them: a YAML number (8.91) is read as its text ('8.91').
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True)

    delimiter: str = Field(",", min_length=1)
    encoding: str = "utf-8"
    header: bool = Field(True, description="False: the file has no header row; name its columns under 'columns'.")
    columns: list[str] | None = Field(
        None, description="Column names in the file's order: needed without a header, they replace the header's "
        "names otherwise.")
    keep_default_na: bool = Field(
        True, description="False keeps strings such as 'NA' (Namibia) as values, not missing."
    )
    na_values: list[str] = Field(default_factory=list, description="Values that mean 'missing' in every column.")
    missing_markers: dict[str, list[str]] = Field(
        default_factory=dict, description="Values that mean 'missing' in one column, e.g. {age: ['?', ' ']} or "
        "{review_score: ['8.91']} for a filled-in default.")
    value_labels: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="What the codes of a column mean, e.g. {student_country: {EG: Egypt, US: "
        "United States}}: the report, and the saved model when it scores new rows, read the names; codes not "
        "listed stay as they are.")
    decimal: str = Field(".", min_length=1, max_length=1)
    thousands: str | None = Field(None, min_length=1, max_length=1)

    @model_validator(mode="after")
    def _columns_named_without_a_header(self) -> "ReadSpec":
        if not self.header and not self.columns:
            raise ValueError("a file without a header ('header: false') needs its column names under 'columns'")
        if self.columns and len(set(self.columns)) != len(self.columns):
            repeated = sorted({c for c in self.columns if self.columns.count(c) > 1})
            raise ValueError(f"'columns' names {', '.join(repeated)} more than once")
        return self


ColumnType = Literal["numeric", "categorical", "text", "date"]
DerivedKind = Literal["length", "word_count", "age_days", "year", "month", "weekday", "not_applicable"]
TEXT_KINDS = ("length", "word_count")
NUMERIC_KINDS = ("not_applicable",)
"""Derived from a numeric column that stays a feature: its values that mean 'does not apply' become missing there
and 1 in the derived indicator."""
DATE_KINDS = ("age_days", "year", "month", "weekday")
CATEGORICAL_KINDS = ("month", "weekday")
KIND_WORDS = {"length": "characters", "word_count": "words", "age_days": "days before {reference}",
              "year": "year", "month": "month", "weekday": "day of the week", "not_applicable": "not applicable"}
KIND_UNITS = {"length": "character", "word_count": "word", "age_days": "day", "year": "year"}


class DerivedFeature(Spec):
    """A feature computed from a text or date column: text -> length or word count; date -> its age in
    days, year, month or day of the week; or, from a numeric column, an indicator of the values that mean
    'does not apply' (999 for 'never contacted'), which become missing in the column itself."""

    column: str
    kind: DerivedKind
    name: str | None = Field(None, description="The feature's name; default '<column>_<kind>'.")
    reference: date | None = Field(
        None, description="age_days only: the date ages are counted back to; default the latest date in the "
        "column (fixed in the saved model so new rows are scored the same way).")
    values: list[float] | None = Field(
        None, description="not_applicable only: the values that mean 'does not apply', e.g. [999] or [-1].")

    @model_validator(mode="after")
    def _named_and_consistent(self) -> "DerivedFeature":
        if self.reference is not None and self.kind != "age_days":
            raise ValueError(f"'reference' applies to kind age_days only, not {self.kind}")
        if (self.kind == "not_applicable") != bool(self.values):
            raise ValueError(f"derived feature of '{self.column}': 'values' goes with kind not_applicable, and "
                             f"kind not_applicable needs 'values' (e.g. values: [999])")
        if self.name is None:
            self.name = f"{self.column}_{self.kind}"
        return self

    @property
    def categorical(self) -> bool:
        return self.kind in CATEGORICAL_KINDS


class TargetSpec(Spec):
    column: str
    positive: Scalar = 1
    positive_name: str = Field("Positive", description="Class label in tables, e.g. 'Purchased'.")
    negative_name: str = Field("Negative", description="Class label in tables, e.g. 'Did not purchase'.")
    positive_noun: str = Field("positives", description="Plural noun for sentences, e.g. 'buyers'.")
    negative_noun: str = Field("negatives", description="Plural noun for sentences, e.g. 'non-buyers'.")
    predicate: str | None = Field(
        None, description="What the rows of the outcome did or are, completing '14% of customers ...': 'left', "
        "'bought a paid plan', 'come from verified accounts'. By default made from `positive_noun`.")


class OutlierRule(Spec):
    column: str
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _has_a_limit(self) -> "OutlierRule":
        if self.min is None and self.max is None:
            raise ValueError(f"outlier rule for '{self.column}' needs 'min' or 'max'")
        return self


class MissingSpec(Spec):
    fill: dict[str, Scalar] = Field(
        default_factory=dict, description="Constant per column, applied before anything else."
    )
    numeric: Literal["median", "mean"] = "median"
    categorical_fill: str = "(missing)"
    drop_rows: bool = Field(False, description="Drop rows with a missing feature value instead of imputing it.")


class VifSpec(Spec):
    threshold: float = Field(5.0, gt=1)
    add_constant: bool = Field(
        True, description="Compute VIF with an intercept column, as the textbook definition does."
    )
    applies_to: Literal["logit", "all"] = Field(
        "logit", description="Which models leave out the columns above the threshold: 'logit', whose "
        "coefficients are read one by one and blur when columns repeat each other (the other models use every "
        "column, and lose what a dropped column adds), or 'all' (the course's method).")


class EncodingSpec(Spec):
    categorical: Literal["onehot", "ordinal"] = "onehot"
    min_frequency: float = Field(
        0.01, ge=0, lt=1, description="Categories rarer than this share are grouped as 'other'."
    )
    unknown_code: int = Field(-1, description="Ordinal code given to categories unseen in training.")
    native_min_frequency: float = Field(
        0.005, ge=0, lt=1, description="For models that split on categories themselves (gradient boosting): "
        "categories rarer than this share are grouped; finer than min_frequency, as they add no columns.")
    native_enough_rows: int = Field(
        100, ge=1, description="For the same models: a category held by at least this many training rows keeps "
        "its own code whatever its share, so that a large table does not group categories hundreds of rows hold.")
    max_categories: int | None = Field(
        None, ge=2, description="One-hot: keep at most this many categories per column (the most frequent, "
        "'other' counting as one); for high-cardinality columns.")


class SplitSpec(Spec):
    test_size: float = Field(0.2, gt=0, lt=1)
    stratify: bool = True


class LogitSpec(Spec):
    intercept: bool = True
    alpha: float = Field(0.05, gt=0, lt=1)
    categoricals: bool = Field(True, description="Include one-hot categoricals as logit terms.")


class ModelSpec(Spec):
    name: str
    tuning_rows: int | None = Field(
        None, ge=100, description="Tune on a stratified subsample of at most this many training rows, "
        "then refit on all of them; None uses the family's default.")
    fit_rows: int | None = Field(
        None, ge=100, description="Fit on a stratified subsample of at most this many training rows (for "
        "methods whose cost grows faster than the rows, such as kernels); None uses the family's default.")
    scaler: Literal["standard", "minmax_symmetric", "none"] | None = Field(
        None, description="None uses the family's default."
    )
    params: dict[str, Scalar | None] = Field(default_factory=dict)
    grid: dict[str, list[Scalar | None]] | None = Field(
        None, description="Search space; None uses the family's default."
    )


class SearchSpec(Spec):
    cv: int = Field(5, ge=2, le=20, description="Folds for each tuned model's out-of-fold scores on all training "
                    "rows: its cross-validated score, decision threshold and calibration.")
    tuning_cv: int = Field(3, ge=2, le=20, description="Folds for choosing each family's settings, then its "
                           "imbalance strategy (on as many folds, shuffled anew).")
    scoring: Literal["average_precision", "f1", "roc_auc", "accuracy", "balanced_accuracy"] = (
        "average_precision"
    )
    shuffle: bool = Field(True, description="Shuffle before making folds (seeded).")
    subsample: bool = Field(True, description="Let costly families search (forests, boosting) or also fit "
                            "(SVM, KNN) on a stratified subsample of the training rows; false uses all rows.")
    n_jobs: int = Field(2, ge=1, description="Worker processes for the searches, evaluation and figures on this "
                        "machine (1 runs everything in the main process).")
    backend: Literal["local", "loky", "dask"] = Field(
        "local", description="Where the model families are tuned: 'local', n_jobs worker processes on this "
        "machine, forked from the main one where that is safe (Linux), else started by joblib's loky; 'loky', "
        "always loky's; 'dask', the workers of a Dask cluster (needs pip install 'reportgen[dask]').")
    scheduler: str | None = Field(
        None, pattern=r"^\S+$", description="dask only: the address of a running scheduler, e.g. "
        "tcp://10.0.0.5:8786; none starts a local cluster with a worker per core.")

    @property
    def may_fork(self) -> bool:
        """Whether this machine's workers may be forked (`reportgen.runtime.workers`): unless loky's are asked for."""
        return self.backend != "loky"

    @model_validator(mode="after")
    def _scheduler_needs_dask(self) -> "SearchSpec":
        if self.scheduler is not None and self.backend != "dask":
            raise ValueError(f"a scheduler ({self.scheduler}) is for the dask backend; set 'backend: dask' "
                             f"or remove 'scheduler'")
        return self


Strategy = Literal["none", "class_weight", "random_over", "random_under", "smote"]

STRATEGY_LABELS: dict[str, str] = {
    "none": "No resampling",
    "class_weight": "Class weights",
    "random_over": "Random over-sampling",
    "random_under": "Random under-sampling",
    "smote": "SMOTE",
}


RESAMPLERS_ON_REQUEST: tuple[Strategy, ...] = ("random_under", "smote")
"""Compared only when a config lists them. They discard or synthesise rows and cost a comparison per
model; on the seed cases (students, audiobooks, tiktok: 17 model-case pairs) the better of the two
beat the best default strategy by less than its own spread across folds every time
(`benchmarks/bench_imbalance.py` prints the comparison): the searches score a ranking, and each
model's threshold is tuned afterwards, which leaves resampling little to add."""


class ImbalanceSpec(Spec):
    strategies: list[Strategy] = Field(
        default_factory=lambda: [s for s in get_args(Strategy) if s not in RESAMPLERS_ON_REQUEST],
        description="Compared inside the cross-validation folds; the best per model is kept. Add random_under "
        "and smote to compare them too.",
    )

    @model_validator(mode="before")
    @classmethod
    def _folds_moved(cls, raw: object) -> object:
        if isinstance(raw, dict) and "cv" in raw:
            raise ValueError("the strategies are compared on as many folds as the search uses: move 'cv' "
                             "to 'search.tuning_cv'")
        return raw

    @field_validator("strategies")
    @classmethod
    def _not_empty(cls, strategies: list[str]) -> list[str]:
        if not strategies:
            raise ValueError("list at least one strategy (e.g. none)")
        return strategies


class ThresholdSpec(Spec):
    method: Literal["cv", "fixed"] = Field(
        "cv", description="'cv' tunes each model's threshold on out-of-fold training scores; "
        "'fixed' keeps the estimator's own cut (0.5 probability, 0 margin) or `value`.")
    metric: Literal["f1", "profit"] = Field(
        "f1", description="What the threshold maximises; 'profit' needs the value settings.")
    value: float | None = None


class ValueSpec(Spec):
    value_per_conversion: float | None = Field(None, gt=0)
    cost_per_contact: float | None = Field(None, ge=0)

    @property
    def given(self) -> bool:
        return self.value_per_conversion is not None and self.cost_per_contact is not None


PublishedMetric = Literal["accuracy", "balanced_accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc"]


class PublishedSpec(Spec):
    """Figures another analysis of the same data published, for the report to set beside its own."""

    source: str = Field(description="Who published them, e.g. 'the course's logistic regression'.")
    method: str = Field("", description="How they were measured, e.g. 'upsampled before the split, so copies of "
                        "training rows sit in the test set'.")
    balanced_test: bool = Field(False, description="Their test set had as many positives as negatives.")
    model: str | None = Field(None, description="This run's model that matches theirs (also compared: the "
                              "recommended one).")
    metrics: dict[PublishedMetric, float] = Field(min_length=1)

    @field_validator("metrics")
    @classmethod
    def _shares(cls, metrics: dict[str, float]) -> dict[str, float]:
        outside = [k for k, v in metrics.items() if not 0 <= v <= 1]
        if outside:
            raise ValueError(f"give {', '.join(outside)} as a share between 0 and 1 (0.82, not 82)")
        return metrics


class ExploreSpec(Spec):
    """The exploratory section: distributions and box plots by outcome and by group, missing values."""

    enabled: bool = True
    group_by: str | None = Field(
        None, description="Categorical column whose groups the box plots compare (country, platform, ...); "
        "default: the first categorical column of the table that is a feature.")
    groups: int = Field(6, ge=2, le=12, description="Show this many of the most frequent groups; the rest are "
                        "pooled as 'Other'.")
    features: int = Field(4, ge=1, le=6, description="Key metrics shown: this many numeric features, those "
                          "that alone separate the outcomes best first.")


class SegmentSpec(Spec):
    """User segments: k-means on scaled numeric features, k chosen by the silhouette score."""

    enabled: bool = True
    features: list[str] | None = Field(
        None, description="Numeric features to segment on; default: every numeric feature not listed under "
        "'not_actionable'.")
    k_min: int = Field(2, ge=2, le=20)
    k_max: int = Field(8, ge=2, le=20)
    scaling: Literal["rank", "standard"] = Field(
        "rank", description="'rank' maps each feature to normal scores of its ranks, so a few heavy users do not "
        "decide the segments; 'standard' centres and scales the raw values.")
    fit_rows: int = Field(5000, ge=100, description="k-means is fitted on a random sample of at most this many "
                          "rows; every row is then assigned to its nearest segment.")
    silhouette_rows: int = Field(1000, ge=100, description="Rows of the fitting sample the silhouette score is "
                                 "computed on (its cost grows with the square of the rows).")
    n_init: int = Field(3, ge=1, le=20, description="k-means restarts per k; the best is kept.")

    @model_validator(mode="after")
    def _k_range(self) -> "SegmentSpec":
        if self.k_min > self.k_max:
            raise ValueError(f"k_min ({self.k_min}) is larger than k_max ({self.k_max})")
        return self


TrendFrequency = Literal["auto", "day", "week", "month", "quarter"]
ForecastMethodName = Literal["exponential_smoothing", "seasonal_naive", "lstm"]
FORECAST_METHODS: list[str] = list(get_args(ForecastMethodName))


class LstmSpec(Spec):
    """The LSTM forecaster: a small recurrent network on windows of the past periods (`pip install
    'reportgen[deep]'`)."""

    window: int = Field(0, ge=0, le=366, description="Past periods each window holds; 0: two seasons, or 6 "
                        "periods without a season.")
    hidden_size: int = Field(16, ge=1, le=256, description="Units of the LSTM layer.")
    max_epochs: int = Field(200, ge=1, le=5000, description="Epochs at most (full-batch).")
    patience: int = Field(20, ge=1, le=1000, description="Epochs without a lower validation loss before training "
                          "stops.")
    learning_rate: float = Field(0.01, gt=0, le=1, description="Adam's learning rate.")
    validation_share: float = Field(0.2, gt=0, lt=0.5, description="Share of the last windows held back for "
                                    "early stopping and the interval.")



class TrendSpec(Spec):
    """Conversion rate and volume over time, with a short forecast, when the table has a date column."""

    enabled: bool = True
    column: str | None = Field(
        None, description="Date column to follow over time; default: the column typed 'date' (the first, if "
        "several).")
    frequency: TrendFrequency = Field(
        "auto", description="Period length; 'auto' takes the longest of quarter, month, week and day that gives "
        "twice min_periods complete periods.")
    horizon: int = Field(3, ge=1, le=24, description="Periods to forecast.")
    min_periods: int = Field(8, ge=4, le=1000, description="Complete periods needed before a forecast is made.")
    level: float = Field(0.95, gt=0.5, lt=1, description="Coverage of the forecast interval.")
    methods: list[ForecastMethodName] = Field(
        default_factory=lambda: list(FORECAST_METHODS),
        description="Forecasters that compete in the backtest: exponential_smoothing, seasonal_naive, lstm.")
    method: ForecastMethodName | None = Field(
        None, description="Forecast with this one whatever the backtest says (it is still backtested and shown).")
    backtest: int = Field(6, ge=1, le=104, description="Origins of the rolling-origin backtest: the last periods, "
                          "each forecast from the periods before it.")
    lstm: LstmSpec = Field(default_factory=LstmSpec)

    @model_validator(mode="after")
    def forced_method_competes(self):
        if not self.methods:
            raise ValueError("trends.methods lists no forecaster; name at least one of "
                             + ", ".join(FORECAST_METHODS))
        if self.method is not None and self.method not in self.methods:
            self.methods = [*self.methods, self.method]
        self.methods = list(dict.fromkeys(self.methods))
        return self


HEX_COLOR = r"^#[0-9a-fA-F]{6}$"


class ThemeSpec(Spec):
    """Branding: what a company changes without touching the templates."""

    company_name: str = ""
    logo: Path | None = Field(None, description="Image file, relative to the theme (or config) file.")
    primary_color: str = Field("#1f4e79", pattern=HEX_COLOR)
    accent_color: str = Field("#e07b39", pattern=HEX_COLOR)
    font_family: str = Field("DejaVu Sans", pattern=r"^[A-Za-z0-9 _-]{1,60}$",
                             description="Body and heading font; the bundled DejaVu Sans renders the same "
                             "everywhere.")
    title: str | None = Field(None, description="Overrides the dataset's title on the cover.")
    subtitle: str = "Conversion report"
    footer: str = Field("", description="Text in every page footer, e.g. 'Confidential'.")

    def resolved(self, folder: Path) -> "ThemeSpec":
        if self.logo is None or self.logo.is_absolute():
            return self
        return self.model_copy(update={"logo": (folder / self.logo).resolve()})


def load_theme(path: str | Path) -> ThemeSpec:
    path = Path(path)
    return theme_with_logo(_validated(ThemeSpec, _read_yaml_mapping(path, "theme"), path, "theme"), path)


def theme_with_logo(theme: ThemeSpec, path: Path) -> ThemeSpec:
    """The theme with its logo resolved against the file it came from, which must exist."""
    theme = theme.resolved(path.parent)
    if theme.logo is not None and not theme.logo.is_file():
        raise ReportInputError(f"{path}: logo file not found: {theme.logo}")
    return theme


Action = Literal["contact", "offer", "retain", "review", "none"]


DEFAULT_MODELS = ["logistic_regression", "knn", "svm", "decision_tree", "random_forest", "gradient_boosting"]


class DatasetConfig(Spec):
    name: str
    title: str = "Who converts, and why"
    unit: str = Field("rows", description="Plural noun for one row of the table, e.g. 'students'.")
    action: Action | None = Field(
        None, description="What the report recommends doing with the rows the model scores highest: contact, "
        "offer (make them an offer), retain (reach out to keep them), review (check them by hand) or none (rank "
        "only). By default read from the outcome: retain for leaving, offer for buying, none otherwise.")
    description: str = ""
    data: Path
    read: ReadSpec = Field(default_factory=ReadSpec)
    target: TargetSpec
    id_columns: list[str] = Field(default_factory=list)
    features: list[str] | None = Field(
        None, description="Use only these columns (table columns or derived features); by default every column "
        "that is not the target, an id, excluded, or a text or date column (those enter through 'derived').")
    exclude: list[str] = Field(default_factory=list)
    categorical: list[str] = Field(default_factory=list, description="Shorthand for 'types: {column: categorical}'.")
    types: dict[str, ColumnType] = Field(
        default_factory=dict, description="numeric, categorical, text or date per column; undeclared columns are "
        "inferred from the data (the report's appendix says how).")
    derived: list[DerivedFeature] = Field(default_factory=list)
    labels: dict[str, str] = Field(default_factory=dict)
    units: dict[str, str] = Field(
        default_factory=dict, description="What one unit of a numeric column is, for sentences: "
        "{minutes_watched: minute watched} reads 'each extra minute watched'.")
    not_actionable: list[str] = Field(
        default_factory=list, description="Columns the report must not recommend acting on (timing "
        "artefacts, identifiers of cohorts, ...); they still count as drivers.")
    levers: list[str] = Field(
        default_factory=list, description="Columns the business can act on (what a user watches, a price it "
        "sets); the report calls a driver a lever only when it is listed here, and every other driver "
        "predictive, not causal. A column is a lever or under 'not_actionable', not both.")
    notes: dict[str, str] = Field(
        default_factory=dict, description="What a column measures, shown beside it in the report.")
    known_before_outcome: dict[str, bool] = Field(
        default_factory=dict, description="Per column (or derived feature), whether its value is known before "
        "the outcome: false leaves it out of the models, and the report says so; true silences the check that "
        "the recommended model leans on it. `reportgen init` asks it of each suspect column.")
    outliers: list[OutlierRule] = Field(default_factory=list)
    missing: MissingSpec = Field(default_factory=MissingSpec)
    vif: VifSpec = Field(default_factory=VifSpec)
    encoding: EncodingSpec = Field(default_factory=EncodingSpec)
    split: SplitSpec = Field(default_factory=SplitSpec)
    logit: LogitSpec = Field(default_factory=LogitSpec)
    models: list[ModelSpec] = Field(
        default_factory=lambda: [ModelSpec(name=n) for n in DEFAULT_MODELS]
    )
    models_note: str = Field(
        "", description="Why `models` leaves out some default families; the report says it beside their names.")
    search: SearchSpec = Field(default_factory=SearchSpec)
    ensemble: bool = Field(True, description="Add a soft-voting ensemble of the best models; recommended only "
                           "when its cross-validated score beats every single model.")
    imbalance: ImbalanceSpec = Field(default_factory=ImbalanceSpec)
    threshold: ThresholdSpec = Field(default_factory=ThresholdSpec)
    value: ValueSpec = Field(default_factory=ValueSpec)
    seed: int = 365
    theme: ThemeSpec = Field(default_factory=ThemeSpec)
    published: PublishedSpec | None = Field(
        None, description="Figures a published analysis of this data reported; the report compares its own with them.")
    explore: ExploreSpec = Field(default_factory=ExploreSpec)
    segments: SegmentSpec = Field(default_factory=SegmentSpec)
    trends: TrendSpec = Field(default_factory=TrendSpec)

    @model_validator(mode="after")
    def _profit_needs_values(self) -> "DatasetConfig":
        if self.threshold.metric == "profit" and not self.value.given:
            raise ValueError("threshold.metric 'profit' needs value.value_per_conversion and value.cost_per_contact")
        return self

    @model_validator(mode="after")
    def _columns_consistent(self) -> "DatasetConfig":
        for column in self.categorical:
            if self.types.get(column, "categorical") != "categorical":
                raise ValueError(f"'{column}' is listed under 'categorical' but typed {self.types[column]} "
                                 "under 'types'")
        for feature in self.derived:
            declared = self.types.get(feature.column)
            if feature.kind in NUMERIC_KINDS:
                if declared not in (None, "numeric"):
                    raise ValueError(f"derived feature '{feature.name}' (kind {feature.kind}) needs a numeric column; "
                                     f"'{feature.column}' is typed {declared} under 'types'")
                continue
            needed = "text" if feature.kind in TEXT_KINDS else "date"
            if declared != needed:
                raise ValueError(f"derived feature '{feature.name}' (kind {feature.kind}) needs column "
                                 f"'{feature.column}' typed {needed} under 'types' "
                                 f"(types: {{{feature.column}: {needed}}})")
        names = [f.name for f in self.derived]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise ValueError(f"derived feature name(s) used twice: {', '.join(repeated)}; give each a distinct 'name'")
        unusable = sorted(set(self.levers) & {*self.not_actionable, *self.exclude, *self.id_columns,
                                              self.target.column})
        if unusable:
            raise ValueError(f"levers lists {', '.join(unusable)}, also under 'not_actionable', 'exclude' or "
                             f"'id_columns' or as the target: a lever is a feature the business can act on")
        both = sorted(set(self.features or []) & {*self.exclude, *self.id_columns})
        if both:
            raise ValueError(f"{', '.join(both)} listed both under 'features' and under 'exclude'/'id_columns'")
        if self.published and self.published.model and self.published.model not in [m.name for m in self.models]:
            raise ValueError(f"published.model '{self.published.model}' is not among the configured models")
        trend_type = self.types.get(self.trends.column) if self.trends.column else None
        if trend_type not in (None, "date"):
            raise ValueError(f"trends.column '{self.trends.column}' is typed {trend_type} under 'types'; trends "
                             f"need a date column (types: {{{self.trends.column}: date}})")
        group_type = self.column_type(self.explore.group_by) if self.explore.group_by else None
        if group_type not in (None, "categorical"):
            raise ValueError(f"explore.group_by '{self.explore.group_by}' is typed {group_type}; name a categorical "
                             f"column")
        return self

    @field_validator("models")
    @classmethod
    def _known_models(cls, models: list[ModelSpec]) -> list[ModelSpec]:
        from reportgen.registry import FAMILIES

        for spec in models:
            if spec.name not in FAMILIES:
                raise ValueError(
                    f"unknown model '{spec.name}'; choose from {', '.join(FAMILIES)}"
                )
        names = [spec.name for spec in models]
        if "logistic_regression" not in names:
            raise ValueError("models must include 'logistic_regression' (the report's logit)")
        return models

    def label(self, column: str) -> str:
        if column in self.labels:
            return self.labels[column]
        feature = self.derived_feature(column)
        if feature is not None:
            words = KIND_WORDS[feature.kind].format(reference=feature.reference or "the latest date")
            return f"{self.label(feature.column)} ({words})"
        return readable_name(column)

    def derived_feature(self, name: str) -> DerivedFeature | None:
        return next((f for f in self.derived if f.name == name), None)

    def column_type(self, column: str) -> str | None:
        """The declared type of a column ('categorical' list or 'types'), or None when undeclared."""
        if column in self.categorical:
            return "categorical"
        return self.types.get(column)

    def trend_column(self) -> str | None:
        """The date column trends follow: `trends.column`, else the first column typed date."""
        if self.trends.column is not None:
            return self.trends.column
        return next((column for column, kind in self.types.items() if kind == "date"), None)

    def columns_named(self) -> list[str]:
        """The columns the config gives a part in the analysis (levers, no levers, outlier rules, segment features):
        cleaning keeps them where it would drop one as a recoding of another."""
        return [*self.levers, *self.not_actionable, *(rule.column for rule in self.outliers),
                *(self.segments.features or [])]

    def column_units(self) -> dict[str, str]:
        """What one unit of a column is: the config's `units`, plus characters, words and days for derived
        features it does not name."""
        defaults = {f.name: KIND_UNITS[f.kind] for f in self.derived if f.kind in KIND_UNITS}
        return {**defaults, **self.units}

    def one_job_each(self) -> "DatasetConfig":
        """This config with one job per search: for work already spread over the workers."""
        return self.model_copy(update={"search": self.search.model_copy(update={"n_jobs": 1})})


def _describe_validation_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"] if part != "[key]") or "(top level)"
    return f"key '{where}': {first['msg']}"


def _read_yaml_mapping(path: Path, kind: str) -> dict:
    if not path.is_file():
        raise ReportInputError(f"{kind} file not found: {path}. Give the path of a YAML file.")
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        reason = str(exc).splitlines()[0]
        raise ReportInputError(f"{path} is not valid YAML ({reason}); fix the file and retry.") from None
    if not isinstance(raw, dict):
        raise ReportInputError(f"{path} must hold a mapping of keys.")
    return raw


def _validated(spec_type: type[Spec], raw: dict, path: Path, kind: str):
    try:
        return spec_type.model_validate(raw)
    except ValidationError as exc:
        raise ReportInputError(f"invalid {kind} {path}: {_describe_validation_error(exc)}") from None


def load_config(path: str | Path) -> DatasetConfig:
    """Read and validate a dataset config; the data and logo paths are resolved against the file's folder."""
    path = Path(path)
    config = _validated(DatasetConfig, _read_yaml_mapping(path, "config"), path, "config")
    if not config.data.is_absolute():
        config = config.model_copy(update={"data": (path.parent / config.data).resolve()})
    return config.model_copy(update={"theme": theme_with_logo(config.theme, path)})


def preset_names() -> list[str]:
    return sorted(p.stem for p in bundled_path("data", "presets").glob("*.yaml"))


def preset_path(name: str) -> Path:
    if name not in preset_names():
        raise ReportInputError(
            f"unknown preset '{name}'; choose from: {', '.join(preset_names())}"
        )
    return bundled_path("data", "presets", f"{name}.yaml")


def config_for_csv(data: Path, target: str, positive: str | None) -> DatasetConfig:
    """A config with defaults for a bare CSV: every other column is a candidate feature."""
    target_spec = TargetSpec(column=target)
    if positive is not None:
        target_spec = TargetSpec(column=target, positive=positive)
    return DatasetConfig(name=data.stem, data=data, target=target_spec)


def resolve_config(
    data: Path | None = None,
    *,
    target: str | None = None,
    positive: str | None = None,
    preset: str | None = None,
    config: Path | None = None,
    seed: int | None = None,
    value_per_conversion: float | None = None,
    cost_per_contact: float | None = None,
    exclude: list[str] | None = None,
    theme: Path | None = None,
    backend: str | None = None,
    scheduler: str | None = None,
) -> DatasetConfig:
    """Combine CLI-style choices into one config: explicit file > preset > bare CSV > default."""
    if config is not None and preset is not None:
        raise ReportInputError("give either --config or --preset, not both")
    if config is not None:
        spec = load_config(config)
    elif preset is not None or data is None:
        spec = load_config(preset_path(preset or "students"))
    else:
        if not Path(data).exists():
            raise ReportInputError(f"data file not found: {data}. Check the path.")
        if target is None:
            raise ReportInputError(
                f"{data}: name the outcome column with --target COLUMN (or give --config/--preset)"
            )
        spec = config_for_csv(Path(data), target, positive)
    updates: dict[str, object] = {}
    if data is not None and (config is not None or preset is not None):
        updates["data"] = Path(data)
    if target is not None and target != spec.target.column:
        updates["target"] = TargetSpec(column=target)
    if positive is not None:
        target_spec = updates.get("target", spec.target)
        updates["target"] = target_spec.model_copy(update={"positive": positive})
    if seed is not None:
        updates["seed"] = seed
    if exclude:
        updates["exclude"] = [*spec.exclude, *exclude]
        if set(exclude) & set(spec.levers):  # left out of the features, so no longer a lever to act on
            updates["levers"] = [c for c in spec.levers if c not in exclude]
    if theme is not None:
        updates["theme"] = load_theme(theme)
    if value_per_conversion is not None and cost_per_contact is not None:
        updates["value"] = ValueSpec(value_per_conversion=value_per_conversion, cost_per_contact=cost_per_contact)
    if backend is not None or scheduler is not None:
        updates["search"] = search_on(spec.search, backend, scheduler)
    if not updates:
        return spec
    try:
        # Validated like a file's keys; only what the config set or the options give counts as declared.
        return DatasetConfig.model_validate({**spec.model_dump(exclude_unset=True), **updates})
    except ValidationError as exc:
        raise ReportInputError(f"the command-line options do not fit the config: {_describe_validation_error(exc)}"
                               ) from None


def search_on(search: SearchSpec, backend: str | None, scheduler: str | None) -> SearchSpec:
    """The search settings with the command line's backend; a scheduler address alone means dask."""
    changes: dict[str, object] = {}
    if scheduler is not None:
        changes.update(backend="dask", scheduler=scheduler)
    if backend is not None:
        changes["backend"] = backend
        if backend != "dask" and scheduler is None:
            changes["scheduler"] = None
    try:
        return SearchSpec.model_validate({**search.model_dump(), **changes})
    except ValidationError as exc:
        reason = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise ReportInputError(f"--backend/--scheduler: {reason}") from None

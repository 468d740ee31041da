"""Stage 2, clean: outlier rules, multicollinearity, missing values, encoding plan, split.

Every step is logged with the rows and columns it touched; the log is the report's
appendix. Encoders are not fitted here: `feature_encoder` builds the ColumnTransformer
that the model stage fits inside each cross-validation fold, so no test row leaks in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
from statsmodels.stats.outliers_influence import variance_inflation_factor

from reportgen.config import TEXT_KINDS, DatasetConfig, DerivedFeature, OutlierRule
from reportgen.errors import ReportInputError
from reportgen.load import LoadedData, latest_date, parse_dates
from reportgen.result import (
    DerivedColumn,
    Distribution,
    Duplicates,
    Leakage,
    Notice,
    NoticeKind,
    PreprocessingStep,
    StepKind,
    VifRow,
)

HISTOGRAM_BINS = 30


@dataclass
class CleanData:
    x_train: pd.DataFrame
    x_test: pd.DataFrame
    y_train: pd.Series
    y_test: pd.Series
    numeric: list[str]
    categorical: list[str]
    columns: list[str]
    """The features in the table's order (numeric and categorical interleaved)."""
    steps: list[PreprocessingStep]
    vif: list[VifRow]
    distributions: list[Distribution]
    correlation: dict[str, dict[str, float]]
    rows_used: int
    reference_categories: dict[str, str] = field(default_factory=dict)
    notices: list[Notice] = field(default_factory=list)
    """Warnings about the data, the loading stage's first."""
    derived: list[DerivedFeature] = field(default_factory=list)
    """The derived features as computed (an age's reference date filled in), for scoring new rows."""
    duplicates: Duplicates | None = None
    leakage: list[Leakage] = field(default_factory=list)
    test_twins: np.ndarray | None = None
    """For each test row, in `x_test`'s order, whether a training row has the same features."""

    @property
    def features(self) -> list[str]:
        return self.columns


def source_columns(config: DatasetConfig) -> set[str]:
    """Text and date columns: never features themselves, they enter through their derived features."""
    return {c for c, kind in config.types.items() if kind in ("text", "date")}


def candidate_columns(frame: pd.DataFrame, config: DatasetConfig) -> list[str]:
    """The feature candidates in the table's order (derived features beside their source): the
    config's `features`, or every column that is not the target, an id, excluded or a text/date source."""
    named = [*config.id_columns, *config.exclude, *config.categorical, *config.not_actionable, *config.levers,
             *config.types, *(config.features or [])]
    unknown = [c for c in dict.fromkeys(named) if c not in frame.columns]
    if unknown:
        raise ReportInputError(
            f"config names columns that are not in {config.data.name}: {', '.join(map(str, unknown))}"
        )
    sources = source_columns(config)
    after = known_after(frame, config)
    if config.features is not None:
        wrong = [c for c in config.features if c in sources or c == config.target.column]
        if wrong:
            raise ReportInputError(f"'features' lists {', '.join(wrong)}: the target, text and date columns are not "
                                   f"features (list a text or date column's derived features instead).")
        chosen = set(config.features) - after
        return [c for c in frame.columns if c in chosen]
    left_out = {config.target.column, *config.id_columns, *config.exclude, *sources, *after}
    return [c for c in frame.columns if c not in left_out]


def known_after(frame: pd.DataFrame, config: DatasetConfig) -> set[str]:
    """The columns the config declares known only after the outcome (`known_before_outcome: false`), and the
    features derived from them; `frame` holds the table's columns and the derived features."""
    unknown = [c for c in config.known_before_outcome if c not in frame.columns]
    if unknown:
        raise ReportInputError(f"'known_before_outcome' names {', '.join(map(str, unknown))}: not a column of "
                               f"{config.data.name} nor a derived feature; check the spelling.")
    after = {c for c, known in config.known_before_outcome.items() if not known}
    return after | {f.name for f in config.derived if f.column in after}


def split_by_type(frame: pd.DataFrame, columns: list[str], declared: list[str]) -> tuple[list[str], list[str]]:
    numeric = [c for c in columns if c not in declared and pd.api.types.is_numeric_dtype(frame[c])]
    categorical = [c for c in columns if c not in numeric]
    return numeric, categorical


def categorical_by_config(columns: list[str], config: DatasetConfig) -> list[str]:
    """Columns the config makes categorical: declared so, or a derived month or weekday."""
    def derived_categorical(column: str) -> bool:
        feature = config.derived_feature(column)
        return feature is not None and feature.categorical

    return [c for c in columns if config.column_type(c) == "categorical" or derived_categorical(c)]


def uninformative(features: pd.DataFrame, columns: list[str], numeric: list[str]) -> tuple[list[str], list[str]]:
    """Empty columns, and constant ones: a single value; for a category, missing counts as a value."""
    empty = [c for c in columns if features[c].isna().all()]
    constant = [c for c in columns if c not in empty and features[c].nunique(dropna=c in numeric) <= 1]
    return empty, constant


def derived_values(frame: pd.DataFrame, feature: DerivedFeature) -> pd.Series:
    """One derived feature: a text's length or word count, a date's age in days, year, month or weekday, or
    whether a number is one that means 'does not apply'. A missing source gives a missing value, never 0, but for
    that indicator: a blank is not a 'does not apply'."""
    source = frame[feature.column]
    if feature.kind == "not_applicable":
        return numbers_of(source).isin(feature.values).astype(float)
    if feature.kind in TEXT_KINDS:
        text = source.astype("string")
        counts = text.str.len() if feature.kind == "length" else text.str.split().str.len()
        return counts.astype("Float64").astype(float)
    dates = parse_dates(source)
    if feature.kind == "age_days":
        return (pd.Timestamp(feature.reference) - dates).dt.days.astype(float)
    if feature.kind == "year":
        return dates.dt.year.astype(float)
    names = dates.dt.month_name() if feature.kind == "month" else dates.dt.day_name()
    return names.str[:3].astype(object).where(dates.notna(), np.nan)


def with_references(config: DatasetConfig, frame: pd.DataFrame) -> list[DerivedFeature]:
    """The derived features with every age's reference date set (the latest date in its column)."""
    return [f.model_copy(update={"reference": latest_date(frame[f.column])})
            if f.kind == "age_days" and f.reference is None else f for f in config.derived]


def numbers_of(values: pd.Series) -> pd.Series:
    return values if pd.api.types.is_numeric_dtype(values) else pd.to_numeric(values, errors="coerce")


def without_not_applicable(values: pd.Series, feature: DerivedFeature) -> pd.Series:
    """A numeric column with its 'does not apply' values missing: they are no quantity to average."""
    return numbers_of(values).mask(lambda v: v.isin(feature.values))


def add_derived(frame: pd.DataFrame, derived: list[DerivedFeature]) -> pd.DataFrame:
    """The frame with each derived feature inserted right after its source column; a column with values that
    mean 'does not apply' has them missing."""
    clash = [f.name for f in derived if f.name in frame.columns]
    if clash:
        raise ReportInputError(f"derived feature name(s) {', '.join(clash)} already name a column of the table; "
                               f"choose another 'name'.")
    columns: dict[str, pd.Series] = {}
    for column in frame.columns:
        columns[column] = frame[column]
        for feature in derived:
            if feature.column == column:
                columns[feature.name] = derived_values(frame, feature)
                if feature.kind == "not_applicable":
                    columns[column] = without_not_applicable(columns[column], feature)
    return pd.DataFrame(columns, index=frame.index)


def declared_numbers(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """A column declared numeric, as numbers; the values that are not numbers become missing."""
    if pd.api.types.is_numeric_dtype(values):
        return values, []
    numbers = pd.to_numeric(values.astype("string").str.strip(), errors="coerce").astype(float)
    bad = values[numbers.isna() & values.notna()]
    return numbers, sorted(map(str, bad.unique()))


def as_categories(values: pd.Series) -> pd.Series:
    """Category labels as text, as scoring reads them: 3 and 3.0 are both '3'; missing stays missing."""
    if not pd.api.types.is_numeric_dtype(values):
        return values
    text = values.map(lambda v: str(int(v)) if float(v).is_integer() else str(v), na_action="ignore")
    return text.astype(object)


LEAKAGE_AUC = 0.97
"""A feature whose values alone rank the outcome this well (ROC AUC) is flagged as probable leakage."""
TWIN_SHARE_WARNING = 0.1
"""Warn when at least this share of the test rows has an identical row among the training rows."""


def single_feature_auc(values: pd.Series, y: pd.Series, categorical: bool, seed: int) -> float:
    """How well one feature alone separates the outcomes (ROC AUC, direction-free). A numeric column
    is ranked by its values, missing ones as a level of their own; a categorical one by its categories'
    outcome rates, each half of the rows scored with rates from the other half."""
    if categorical:
        text = values.astype(str).to_numpy()
        scores = np.full(len(values), float(y.mean()))
        y_values = y.to_numpy()
        for fit, score in StratifiedKFold(2, shuffle=True, random_state=seed).split(text, y_values):
            rates = pd.Series(y_values[fit]).groupby(text[fit]).mean()
            scores[score] = pd.Series(text[score]).map(rates).fillna(y_values[fit].mean()).to_numpy()
    else:
        numbers = values.astype(float)
        scores = numbers.fillna(numbers.min() - 1 if numbers.notna().any() else 0).to_numpy()
    auc = roc_auc_score(y, scores)
    return float(max(auc, 1 - auc))


def leakage_flags(x: pd.DataFrame, y: pd.Series, categorical: list[str], config: DatasetConfig) -> list[Leakage]:
    found = []
    for column in x.columns:
        auc = single_feature_auc(x[column], y, column in categorical, config.seed)
        if auc >= LEAKAGE_AUC:
            found.append(Leakage(feature=column, label=config.label(column), auc=round(auc, 4)))
    return found


def duplicate_summary(features: pd.DataFrame, outcome: pd.Series, test_index: pd.Index) -> Duplicates:
    """Rows whose features repeat an earlier row's exactly, those among them with both outcomes, and
    test rows with an identical row in training."""
    keys = pd.util.hash_pandas_object(features, index=False)
    repeated = keys.duplicated(keep="first")
    outcomes = outcome.groupby(keys).nunique()
    in_test = keys.index.isin(test_index)
    return Duplicates(
        rows=int(repeated.sum()),
        conflicting=int(keys[keys.duplicated(keep=False)].map(outcomes).gt(1).sum()),
        test_rows_in_training=int(keys[in_test].isin(set(keys[~in_test])).sum()),
        test_rows=int(in_test.sum()),
    )


def training_twins(features: pd.DataFrame, train_index: pd.Index, test_index: pd.Index) -> np.ndarray:
    """For each test row, in `test_index`'s order, whether a training row has the same features
    (the rows `Duplicates.test_rows_in_training` counts)."""
    keys = pd.util.hash_pandas_object(features, index=False)
    return keys.loc[test_index].isin(set(keys.loc[train_index])).to_numpy()


def duplicate_and_leakage_notices(duplicates: Duplicates, leakage: list[Leakage]) -> list[Notice]:
    """A notice when many test rows have a twin in training (`TWIN_SHARE_WARNING`), and one per probable leak."""
    found = []
    if duplicates.test_rows and duplicates.test_rows_in_training / duplicates.test_rows >= TWIN_SHARE_WARNING:
        found.append(Notice(NoticeKind.TWINS))
    return found + [Notice(NoticeKind.LEAKAGE, columns=[flag.feature]) for flag in leakage]


def rows_within(frame: pd.DataFrame, rule: OutlierRule) -> pd.Series:
    """True where the rule keeps the row; a missing value is not an outlier."""
    values = frame[rule.column]
    keep = pd.Series(True, index=frame.index)
    if rule.min is not None:
        keep &= ~(values < rule.min)
    if rule.max is not None:
        keep &= ~(values > rule.max)
    return keep


def histogram(values: pd.Series) -> tuple[list[float], list[int]]:
    counts, edges = np.histogram(values.dropna().to_numpy(dtype=float), bins=HISTOGRAM_BINS)
    return [float(e) for e in edges], [int(c) for c in counts]


def distribution(before: pd.Series, after: pd.Series, rule: OutlierRule) -> Distribution:
    """Histograms on each side's own bins: the kept range is often a sliver of the raw one."""
    edges_before, counts_before = histogram(before)
    edges_after, counts_after = histogram(after)
    return Distribution(
        column=rule.column,
        edges_before=edges_before,
        counts_before=counts_before,
        edges_after=edges_after,
        counts_after=counts_after,
        limit_low=rule.min,
        limit_high=rule.max,
    )


VIF_EXACT = 1e6
"""The VIF shown for a column that other columns reproduce exactly: its true VIF is infinite, and inverting a
singular matrix gives arbitrary (even negative) numbers in its place."""


def vif_table(frame: pd.DataFrame, add_constant: bool) -> dict[str, float]:
    """VIF of each column; with `add_constant` the textbook (centred) one, else the uncentred
    VIF of a regression through the origin. Both are unchanged when a column is rescaled, so each
    is divided by its root mean square first: counts in the millions beside shares below one would
    otherwise make the design matrix needlessly ill-conditioned."""
    matrix = frame.dropna().to_numpy(dtype=float)
    scale = np.sqrt((matrix ** 2).mean(axis=0)) if len(matrix) else np.ones(matrix.shape[1])
    matrix = matrix / np.where(scale > 0, scale, 1.0)
    if add_constant:
        matrix = np.column_stack([np.ones(len(matrix)), matrix])
    offset = 1 if add_constant else 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        try:
            values = vif_from_gram(matrix, offset)
        except np.linalg.LinAlgError:
            values = [variance_inflation_factor(matrix, i + offset, standardize=False) for i in range(frame.shape[1])]
    return {c: float(v) if np.isfinite(v) and 0 < v < VIF_EXACT else VIF_EXACT for c, v in zip(frame.columns, values)}


def vif_from_gram(matrix: np.ndarray, offset: int) -> np.ndarray:
    """Every column's VIF from one inverse of the Gram matrix instead of one regression per column:
    a column's residual sum of squares on the others is 1 / (X'X)^-1_jj, so 1 / (1 - R^2) is
    X'X_jj (X'X)^-1_jj, centred when a constant leads the matrix. With as many columns as rows
    every column is explained exactly (infinite VIF). Hundreds of columns then take
    milliseconds rather than minutes."""
    columns = matrix[:, offset:]
    if offset:
        columns = columns - columns.mean(axis=0)
    if columns.shape[1] >= len(columns) - offset:
        return np.full(columns.shape[1], np.inf)
    gram = columns.T @ columns
    return np.diag(gram) * np.diag(np.linalg.inv(gram))


def drop_collinear(frame: pd.DataFrame, threshold: float, add_constant: bool) -> tuple[list[VifRow], list[str]]:
    """Drop the feature with the highest VIF above the threshold, recompute, repeat.

    Returns each feature's VIF as first computed (the table readers expect) and the
    features dropped, in order.
    """
    first = vif_table(frame, add_constant) if frame.shape[1] > 1 else {c: 1.0 for c in frame.columns}
    kept = list(frame.columns)
    dropped: list[str] = []
    current = first
    while len(kept) > 1:
        current = vif_table(frame[kept], add_constant)
        worst = max(reversed(kept), key=current.get)  # of equals, the later column: often derived from the others
        if current[worst] <= threshold:
            break
        dropped.append(worst)
        kept.remove(worst)
    final = current if len(kept) > 1 else {c: 1.0 for c in kept}
    rows = [VifRow(feature=c, vif=round(first[c], 4), dropped=c in dropped,
                   vif_kept=None if c in dropped else round(float(final[c]), 4)) for c in frame.columns]
    return rows, dropped


def correlation_matrix(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    corr = frame.corr(numeric_only=True).fillna(0.0).round(4)
    return {c: {r: float(corr.loc[r, c]) for r in corr.index} for c in corr.columns}


def scattered_columns(features: pd.DataFrame, categorical: list[str], config: DatasetConfig) -> list[str]:
    """One-hot encoded columns whose most frequent category is rare: it is the logit's reference category, which
    must not be grouped away as 'other' in any cross-validation fold (twice the grouping share keeps it clear)."""
    share = config.encoding.min_frequency
    if config.encoding.categorical != "onehot" or not share:
        return []
    return [c for c in categorical if features[c].dropna().astype(str).value_counts().max() < 2 * share * len(features)]


def most_frequent(values: pd.Series) -> str:
    counts = values.dropna().astype(str).value_counts()
    return str(counts.index[0])


NATIVE_MAX_CATEGORIES = 250
"""Histogram gradient boosting splits on at most 255 category codes per column."""


def feature_encoder(
    numeric: list[str],
    categorical: list[str],
    config: DatasetConfig,
    reference: dict[str, str] | None = None,
    order: list[str] | None = None,
    native: bool = False,
) -> ColumnTransformer:
    """Impute and encode the raw feature frame in the table's order.

    Neighbouring numeric columns share one imputer; each categorical column has its own. Keeping the
    table's order keeps the encoded columns where the user (and the course) had them, which is what
    makes seeded models such as forests reproduce outside reportgen.
    With `reference`, one-hot encoding drops that category per column, so a model with an
    intercept (the logit) is identifiable and its terms read "compared with <reference>".
    With `native`, each categorical becomes one column of codes for a model that splits on
    categories itself; rarer categories share a code and unseen ones get -1 (read as missing).
    """
    missing = config.missing

    def encoder(column: str):
        if native:
            return OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1,
                                  min_frequency=config.encoding.native_min_frequency or None,
                                  max_categories=NATIVE_MAX_CATEGORIES)
        if config.encoding.categorical == "ordinal":
            return OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=config.encoding.unknown_code)
        return OneHotEncoder(
            drop=[reference[column]] if reference else None,
            min_frequency=config.encoding.min_frequency or None,
            max_categories=config.encoding.max_categories,
            handle_unknown="infrequent_if_exist",
            sparse_output=False,
        )

    transformers = []
    for position, column in enumerate(order or numeric + categorical):
        if column in numeric:
            if transformers and transformers[-1][0].startswith("numeric"):
                transformers[-1][2].append(column)
            else:
                transformers.append((f"numeric{position}", SimpleImputer(strategy=missing.numeric), [column]))
        elif column in categorical:
            steps = make_pipeline(SimpleImputer(strategy="constant", fill_value=missing.categorical_fill),
                                  encoder(column))
            transformers.append((f"column{position}", steps, [column]))
    return ColumnTransformer(transformers, verbose_feature_names_out=False)


def derived_columns(derived: list[DerivedFeature]) -> list[DerivedColumn]:
    return [DerivedColumn(name=f.name, kind=f.kind, column=f.column,
                          reference=str(f.reference) if f.reference is not None else None, values=list(f.values or []))
            for f in derived]


def no_feature_message(config: DatasetConfig, left_out: list[str], uninformative: list[str],
                       collinear: list[str]) -> str:
    """Why nothing is left to model on: every column besides the target and what became of it."""
    reasons = [f"{', '.join(map(str, columns))} ({why})" for columns, why in
               [(left_out, "identifiers, excluded, or empty or constant"),
                (uninformative, "empty, constant or scattered"),
                (collinear, "collinear")] if columns]
    found = f"; the other columns were left out: {'; '.join(reasons)}" if reasons else ""
    return (f"no usable feature is left in {Path(config.data).name} besides the target '{config.target.column}'"
            f"{found}. Add columns that vary between rows, or declare their types in a config.")


def clean(data: LoadedData, config: DatasetConfig) -> CleanData:
    frame = data.frame.loc[data.outcome.index]
    steps: list[PreprocessingStep] = []
    notices = [Notice(NoticeKind.LOADING, text=text) for text in data.warnings]
    n_rows = len(frame)
    steps.append(PreprocessingStep(StepKind.READ, data.rows_read, n_rows, list(map(str, data.frame.columns))))

    derived = with_references(config, frame) if config.derived else []
    if derived:
        frame = add_derived(frame, derived)
        steps.append(PreprocessingStep(StepKind.DERIVED, n_rows, n_rows, [f.name for f in derived],
                                       derived=derived_columns(derived)))
    columns = candidate_columns(frame, config)
    used_sources = {f.column for f in derived}
    left_out = [c for c in frame.columns if c not in columns and c != config.target.column
                and c not in used_sources and config.derived_feature(c) is None]
    if left_out:
        steps.append(PreprocessingStep(StepKind.EXCLUDED, n_rows, n_rows, left_out))
    declared_after = [c for c in frame.columns if c in known_after(frame, config)]
    if declared_after:
        notices.append(Notice(NoticeKind.KNOWN_AFTER, columns=list(map(str, declared_after))))
    features = frame[columns].copy()

    for column, value in config.missing.fill.items():
        if column not in features.columns:
            raise ReportInputError(f"'missing.fill' names column '{column}', which is not a feature.")
        filled = int(features[column].isna().sum())
        features[column] = features[column].fillna(value)
        steps.append(PreprocessingStep(StepKind.DECLARED_FILL, n_rows, n_rows, [column], count=filled,
                                       value=str(value)))

    for column in [c for c in columns if config.column_type(c) == "numeric"]:
        features[column], bad = declared_numbers(features[column])
        if bad:
            steps.append(PreprocessingStep(StepKind.NOT_NUMBERS, n_rows, n_rows, [column], examples=bad[:5]))
            notices.append(Notice(NoticeKind.NOT_NUMBERS, columns=[column], values=bad[:5]))
        infinite = np.isinf(features[column].to_numpy(dtype=float))
        if infinite.any():
            features[column] = features[column].mask(infinite)
            steps.append(PreprocessingStep(StepKind.INFINITE, n_rows, n_rows, [column], count=int(infinite.sum())))
            notices.append(Notice(NoticeKind.INFINITE, columns=[column], count=int(infinite.sum())))

    numeric, categorical = split_by_type(features, columns, categorical_by_config(columns, config))
    empty, constant = uninformative(features, columns, numeric)
    for step, notice, dropped in [(StepKind.EMPTY, NoticeKind.EMPTY, empty),
                                  (StepKind.CONSTANT, NoticeKind.CONSTANT, constant)]:
        if dropped:
            steps.append(PreprocessingStep(step, n_rows, n_rows, dropped))
            notices.append(Notice(notice, columns=dropped))
    numeric = [c for c in numeric if c not in empty + constant]
    categorical = [c for c in categorical if c not in empty + constant]
    for column in categorical:
        features[column] = as_categories(features[column])
    scattered = scattered_columns(features, categorical, config)
    if scattered:
        steps.append(PreprocessingStep(StepKind.SCATTERED, n_rows, n_rows, scattered))
        notices.append(Notice(NoticeKind.SCATTERED, columns=scattered))
        categorical = [c for c in categorical if c not in scattered]

    keep = pd.Series(True, index=features.index)
    if config.missing.drop_rows:
        complete = features[numeric + categorical].notna().all(axis=1)
        incomplete = [c for c in numeric + categorical if features[c].isna().any()]
        steps.append(PreprocessingStep(StepKind.INCOMPLETE_ROWS, n_rows, int(complete.sum()), incomplete))
        keep &= complete
    for rule in config.outliers:
        if rule.column not in features.columns:
            raise ReportInputError(f"outlier rule names column '{rule.column}', which is not a feature.")
        if rule.column not in numeric:
            raise ReportInputError(f"outlier rule on '{rule.column}' needs a numeric column.")
        before = int(keep.sum())
        keep &= rows_within(features, rule)
        steps.append(PreprocessingStep(StepKind.OUTLIER_RULE, before, int(keep.sum()), [rule.column],
                                       limit_low=rule.min, limit_high=rule.max))
    distributions = [distribution(features[r.column], features.loc[keep, r.column], r) for r in config.outliers]
    features = features.loc[keep]
    outcome = data.outcome.loc[features.index]

    # An indicator of 'does not apply' is constant where its column has a value: no VIF to speak of.
    indicators = {f.name for f in derived if f.kind == "not_applicable"}
    vif_rows, collinear = drop_collinear(features[[c for c in numeric if c not in indicators]], config.vif.threshold,
                                         config.vif.add_constant)
    correlation = correlation_matrix(features[numeric])
    candidates = [c for c in features.columns if c in numeric or c in categorical]
    if collinear:
        steps.append(PreprocessingStep(StepKind.MULTICOLLINEARITY, len(features), len(features), collinear))
        numeric = [c for c in numeric if c not in collinear]

    if not numeric and not categorical:
        raise ReportInputError(no_feature_message(config, left_out, empty + constant + scattered, collinear))

    ordered = [c for c in features.columns if c in numeric or c in categorical]
    missing_counts = features[ordered].isna().sum()
    missing_counts = missing_counts[missing_counts > 0]
    steps.append(PreprocessingStep(StepKind.MISSING_VALUES, len(features), len(features), list(missing_counts.index),
                                   missing={str(c): int(n) for c, n in missing_counts.items()}))

    positives = int(outcome.sum())
    folds, key = ((config.search.tuning_cv, "search.tuning_cv") if config.search.tuning_cv > config.search.cv
                  else (config.search.cv, "search.cv"))
    if positives < folds * 2 or len(outcome) - positives < folds * 2:
        raise ReportInputError(
            f"only {positives} positive and {len(outcome) - positives} negative rows remain; "
            f"{folds}-fold cross-validation needs at least {folds * 2} of each. "
            f"Add rows, or lower '{key}' in a config (2 at least)."
        )
    x_train, x_test, y_train, y_test = train_test_split(
        features[ordered],
        outcome,
        test_size=config.split.test_size,
        random_state=config.seed,
        stratify=outcome if config.split.stratify else None,
    )
    steps.append(PreprocessingStep(StepKind.SPLIT, len(features), len(features),
                                   train_positive_rate=float(y_train.mean()), test_positive_rate=float(y_test.mean())))

    duplicates = duplicate_summary(features[candidates], outcome, x_test.index)
    twins = training_twins(features[candidates], x_train.index, x_test.index)
    steps.append(PreprocessingStep(StepKind.DUPLICATES, len(features), len(features)))
    leakage = leakage_flags(x_train, y_train, categorical, config)
    notices += duplicate_and_leakage_notices(duplicates, leakage)

    steps.append(PreprocessingStep(StepKind.ENCODING, len(features), len(features), categorical, count=len(numeric)))
    reference = {c: most_frequent(x_train[c]) for c in categorical}
    return CleanData(
        x_train=x_train, x_test=x_test, y_train=y_train, y_test=y_test,
        numeric=numeric, categorical=categorical, columns=ordered, steps=steps, vif=vif_rows,
        distributions=distributions, correlation=correlation,
        rows_used=len(features), reference_categories=reference, notices=notices,
        derived=derived, duplicates=duplicates, leakage=leakage, test_twins=twins,
    )

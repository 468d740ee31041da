"""Stage 2, clean: outlier rules, multicollinearity, missing values, encoding plan, split.

Every step is logged with the rows and columns it touched; the log is the report's
appendix. Encoders are not fitted here: `feature_encoder` builds the ColumnTransformer
that the model stage fits inside each cross-validation fold, so no test row leaks in.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder
from statsmodels.stats.outliers_influence import variance_inflation_factor

from reportgen.config import DatasetConfig, OutlierRule
from reportgen.errors import ReportInputError
from reportgen.load import LoadedData
from reportgen.result import Distribution, PreprocessingStep, VifRow

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
    encoding: list[str]
    rows_used: int
    reference_categories: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def features(self) -> list[str]:
        return self.columns


def candidate_columns(frame: pd.DataFrame, config: DatasetConfig) -> list[str]:
    left_out = {config.target.column, *config.id_columns, *config.exclude}
    named = [*config.id_columns, *config.exclude, *config.categorical, *config.not_actionable]
    unknown = [c for c in named if c not in frame.columns]
    if unknown:
        raise ReportInputError(
            f"config names columns that are not in {config.data.name}: {', '.join(unknown)}"
        )
    return [c for c in frame.columns if c not in left_out]


MIN_ROWS_FOR_ID_CHECK = 20


ID_NAME = re.compile(r"(^|[_\s-])(id|key|uuid|no|number)$|^(id|#)$|^id[_\s-]", re.IGNORECASE)


def id_like_columns(frame: pd.DataFrame, columns: list[str]) -> list[str]:
    """Columns that name rows rather than describe them: a distinct value in every row that is
    text, or whole numbers with an identifier's name or counting 1, 2, 3, ... A measure can be
    distinct in every row too, so other numbers are kept."""
    if len(frame) < MIN_ROWS_FOR_ID_CHECK:
        return []
    found = []
    for column in columns:
        values = frame[column]
        if values.isna().any() or values.nunique() != len(frame):
            continue
        if not pd.api.types.is_numeric_dtype(values):
            found.append(column)
        elif pd.api.types.is_integer_dtype(values) and (
                ID_NAME.search(str(column)) or values.max() - values.min() + 1 == len(values)):
            found.append(column)
    return found


def split_by_type(frame: pd.DataFrame, columns: list[str], declared: list[str]) -> tuple[list[str], list[str]]:
    numeric = [c for c in columns if c not in declared and pd.api.types.is_numeric_dtype(frame[c])]
    categorical = [c for c in columns if c not in numeric]
    return numeric, categorical


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


def vif_table(frame: pd.DataFrame, add_constant: bool) -> dict[str, float]:
    """VIF of each column; with `add_constant` the textbook (centred) one, else the uncentred
    VIF of a regression through the origin."""
    matrix = frame.dropna().to_numpy(dtype=float)
    if add_constant:
        matrix = np.column_stack([np.ones(len(matrix)), matrix])
    offset = 1 if add_constant else 0
    with np.errstate(divide="ignore", invalid="ignore"):
        values = [variance_inflation_factor(matrix, i + offset, standardize=False) for i in range(frame.shape[1])]
    return {c: float(v) if np.isfinite(v) else 1e6 for c, v in zip(frame.columns, values)}


def drop_collinear(frame: pd.DataFrame, threshold: float, add_constant: bool) -> tuple[list[VifRow], list[str]]:
    """Drop the feature with the highest VIF above the threshold, recompute, repeat.

    Returns each feature's VIF as first computed (the table readers expect) and the
    features dropped, in order.
    """
    first = vif_table(frame, add_constant) if frame.shape[1] > 1 else {c: 1.0 for c in frame.columns}
    kept = list(frame.columns)
    dropped: list[str] = []
    while len(kept) > 1:
        current = vif_table(frame[kept], add_constant)
        worst = max(current, key=current.get)
        if current[worst] <= threshold:
            break
        dropped.append(worst)
        kept.remove(worst)
    rows = [VifRow(feature=c, vif=round(first[c], 4), dropped=c in dropped) for c in frame.columns]
    return rows, dropped


def correlation_matrix(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    corr = frame.corr(numeric_only=True).fillna(0.0).round(4)
    return {c: {r: float(corr.loc[r, c]) for r in corr.index} for c in corr.columns}


def most_frequent(values: pd.Series) -> str:
    counts = values.astype(str).value_counts()
    return str(counts.index[0])


def feature_encoder(
    numeric: list[str],
    categorical: list[str],
    config: DatasetConfig,
    reference: dict[str, str] | None = None,
    order: list[str] | None = None,
    native: bool = False,
) -> ColumnTransformer:
    """Impute and encode the raw feature frame in the table's order.

    Neighbouring numeric columns share one imputer; each categorical column has its own. Keeping the table's order keeps the encoded columns where the user (and the course) had
    them, which is what makes seeded models such as forests reproduce outside reportgen.
    With `reference`, one-hot encoding drops that category per column, so a model with an
    intercept (the logit) is identifiable and its terms read "compared with <reference>".
    With `native`, each categorical becomes one column of codes for a model that splits on
    categories itself; rarer categories share a code and unseen ones get -1 (read as missing).
    """
    missing = config.missing

    def encoder(column: str):
        if native:
            return OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, encoded_missing_value=-1,
                                  min_frequency=config.encoding.native_min_frequency or None)
        if config.encoding.categorical == "ordinal":
            return OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=config.encoding.unknown_code)
        return OneHotEncoder(
            drop=[reference[column]] if reference else None,
            min_frequency=config.encoding.min_frequency or None,
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


def encoding_notes(numeric: list[str], categorical: list[str], config: DatasetConfig, has_missing: bool) -> list[str]:
    notes = []
    if numeric:
        fill = (f"missing values replaced by the training {config.missing.numeric}" if has_missing
                else f"none missing here; new data with blanks gets the training {config.missing.numeric}")
        notes.append(f"Numeric features ({len(numeric)}) used as they are; {fill}.")
    for column in categorical:
        if config.encoding.categorical == "ordinal":
            notes.append(
                f"{column}: ordinal codes in alphabetical order; categories unseen in training get "
                f"code {config.encoding.unknown_code}."
            )
        else:
            share = config.encoding.min_frequency
            rare = f"; categories under {share:.0%} of training rows grouped as 'other'" if share else ""
            notes.append(f"{column}: one-hot encoded{rare}; categories unseen in training join 'other'.")
    return notes


def clean(data: LoadedData, config: DatasetConfig) -> CleanData:
    frame = data.frame.loc[data.outcome.index]
    steps: list[PreprocessingStep] = []
    warnings: list[str] = list(data.warnings)
    n_rows = len(frame)
    steps.append(PreprocessingStep("Read", f"Read {data.rows_read:,} rows and {frame.shape[1]} columns.",
                                   data.rows_read, n_rows, list(map(str, data.frame.columns))))

    columns = candidate_columns(frame, config)
    left_out = [c for c in frame.columns if c not in columns and c != config.target.column]
    if left_out:
        steps.append(PreprocessingStep("Excluded columns", "Identifiers and excluded columns are not features.",
                                       n_rows, n_rows, left_out))
    identifiers = id_like_columns(frame, columns)
    if identifiers:
        columns = [c for c in columns if c not in identifiers]
        steps.append(PreprocessingStep("Identifier columns", "A distinct value in every row: these name rows, they "
                                       "do not describe them, so they are not features.", n_rows, n_rows, identifiers))
        warnings.append(f"Left out {', '.join(identifiers)} as row identifiers (a distinct value in every row); "
                        f"list them under 'id_columns' in a config to say so explicitly.")
    features = frame[columns].copy()

    for column, value in config.missing.fill.items():
        if column not in features.columns:
            raise ReportInputError(f"'missing.fill' names column '{column}', which is not a feature.")
        filled = int(features[column].isna().sum())
        features[column] = features[column].fillna(value)
        steps.append(PreprocessingStep("Declared fill", f"{filled} missing values of {column} set to '{value}'.",
                                       n_rows, n_rows, [column]))

    numeric, categorical = split_by_type(features, columns, config.categorical)
    constant = [c for c in columns if features[c].nunique(dropna=True) <= 1]
    if constant:
        numeric = [c for c in numeric if c not in constant]
        categorical = [c for c in categorical if c not in constant]
        steps.append(PreprocessingStep("Constant columns", "Columns with a single value carry no information and were dropped.",
                                       n_rows, n_rows, constant))
        warnings.append(f"Dropped constant column(s): {', '.join(constant)}.")

    keep = pd.Series(True, index=features.index)
    for rule in config.outliers:
        if rule.column not in features.columns:
            raise ReportInputError(f"outlier rule names column '{rule.column}', which is not a feature.")
        if rule.column not in numeric:
            raise ReportInputError(f"outlier rule on '{rule.column}' needs a numeric column.")
        within = rows_within(features, rule)
        removed = int((keep & ~within).sum())
        before = int(keep.sum())
        keep &= within
        steps.append(PreprocessingStep("Outlier rule", f"Kept rows with {rule.describe()}: {removed:,} removed.",
                                       before, int(keep.sum()), [rule.column]))
    distributions = [distribution(features[r.column], features.loc[keep, r.column], r) for r in config.outliers]
    features = features.loc[keep]
    outcome = data.outcome.loc[features.index]

    vif_rows, collinear = drop_collinear(features[numeric], config.vif.threshold, config.vif.add_constant)
    correlation = correlation_matrix(features[numeric])
    if collinear:
        listed = ", ".join(f"{r.feature} (VIF {r.vif:.1f})" for r in vif_rows if r.dropped)
        steps.append(PreprocessingStep("Multicollinearity",
                                       f"Dropped {listed}: VIF above {config.vif.threshold:g}.",
                                       len(features), len(features), collinear))
        numeric = [c for c in numeric if c not in collinear]

    if not numeric and not categorical:
        raise ReportInputError("no usable feature is left after cleaning; check the config's columns.")

    ordered = [c for c in features.columns if c in numeric or c in categorical]
    missing_counts = features[ordered].isna().sum()
    missing_counts = missing_counts[missing_counts > 0]
    if len(missing_counts):
        listed = ", ".join(f"{c} ({n})" for c, n in missing_counts.items())
        description = f"Missing values imputed inside the model pipeline: {listed}."
    else:
        description = "No missing values among the features."
    steps.append(PreprocessingStep("Missing values", description, len(features), len(features),
                                   list(missing_counts.index)))

    positives = int(outcome.sum())
    if positives < config.search.cv * 2 or len(outcome) - positives < config.search.cv * 2:
        raise ReportInputError(
            f"only {positives} positive and {len(outcome) - positives} negative rows remain; "
            f"{config.search.cv}-fold cross-validation needs at least {config.search.cv * 2} of each."
        )
    x_train, x_test, y_train, y_test = train_test_split(
        features[ordered],
        outcome,
        test_size=config.split.test_size,
        random_state=config.seed,
        stratify=outcome if config.split.stratify else None,
    )
    steps.append(PreprocessingStep(
        "Train/test split",
        f"{1 - config.split.test_size:.0%}/{config.split.test_size:.0%} split"
        f"{' stratified on the outcome' if config.split.stratify else ''} (seed {config.seed}): "
        f"{len(x_train):,} training rows ({y_train.mean():.1%} positive), "
        f"{len(x_test):,} test rows ({y_test.mean():.1%} positive).",
        len(features), len(features), []))

    notes = encoding_notes(numeric, categorical, config, bool(len(missing_counts)))
    steps.append(PreprocessingStep("Encoding", " ".join(notes), len(features), len(features), categorical))
    reference = {c: most_frequent(x_train[c]) for c in categorical}
    return CleanData(
        x_train=x_train, x_test=x_test, y_train=y_train, y_test=y_test,
        numeric=numeric, categorical=categorical, columns=ordered, steps=steps, vif=vif_rows,
        distributions=distributions, correlation=correlation, encoding=notes,
        rows_used=len(features), reference_categories=reference, warnings=warnings,
    )

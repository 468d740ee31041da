"""Stage 2, clean: derived features, the feature columns, kept rows (outlier rules), multicollinearity, the
train/test split, and checks for duplicates and leakage.

Every step is logged with the rows and columns it touched; the log is the report's appendix. Encoders are not
fitted here: `feature_encoder` builds the ColumnTransformer that the model stage fits inside each
cross-validation fold, so no test row leaks in.

One module per question: `derived` (features computed from a column), `columns` (which columns are features,
of which type), `rows` (which rows are kept), `collinearity` (VIF), `split` (train and test rows), `leakage`
(duplicates, twins, single-feature leaks) and `encoders` (the model's imputation and encoding). The names other
modules import are re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from reportgen.clean.collinearity import VIF_EXACT, correlation_matrix, drop_collinear, vif_table
from reportgen.clean.columns import (
    as_categories,
    candidate_columns,
    categorical_by_config,
    features_as_declared,
    known_after,
    no_feature_message,
    recoded_columns,
    scattered_columns,
    split_by_type,
    uninformative,
)
from reportgen.clean.derived import add_derived, derived_columns, with_references
from reportgen.clean.encoders import feature_encoder, most_frequent, native_min_rows
from reportgen.clean.leakage import (
    LEAKAGE_AUC,
    TWIN_SHARE_WARNING,
    duplicate_and_leakage_notices,
    duplicate_summary,
    leakage_flags,
    single_feature_auc,
    training_twins,
)
from reportgen.clean.rows import distribution, kept_rows, rows_within
from reportgen.clean.split import train_test
from reportgen.config import DatasetConfig, DerivedFeature
from reportgen.errors import ReportInputError
from reportgen.load import LoadedData
from reportgen.result import (
    Distribution,
    Duplicates,
    Leakage,
    Notice,
    NoticeKind,
    PreprocessingStep,
    StepKind,
    VifRow,
)

__all__ = [
    "LEAKAGE_AUC",
    "TWIN_SHARE_WARNING",
    "VIF_EXACT",
    "CleanData",
    "add_derived",
    "as_categories",
    "candidate_columns",
    "clean",
    "duplicate_summary",
    "feature_encoder",
    "native_min_rows",
    "rows_within",
    "single_feature_auc",
    "training_twins",
    "vif_table",
]


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
    logit_left_out: list[str] = field(default_factory=list)
    """Numeric features above the VIF threshold that only the logistic regression leaves out."""

    @property
    def features(self) -> list[str]:
        return self.columns


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
    features, declared_steps, declared_notices = features_as_declared(frame, columns, config)
    steps += declared_steps
    notices += declared_notices

    numeric, categorical = split_by_type(features, columns, categorical_by_config(columns, config))
    empty, constant = uninformative(features, columns, numeric)
    for step, notice, dropped in [(StepKind.EMPTY, NoticeKind.EMPTY, empty),
                                  (StepKind.CONSTANT, NoticeKind.CONSTANT, constant)]:
        if dropped:
            steps.append(PreprocessingStep(step, n_rows, n_rows, dropped))
            notices.append(Notice(notice, columns=dropped))
    numeric = [c for c in numeric if c not in empty + constant]
    categorical = [c for c in categorical if c not in empty + constant]
    recoded = recoded_columns(features, [c for c in features.columns if c in numeric or c in categorical],
                              keep=config.columns_named())
    if recoded:
        steps.append(PreprocessingStep(StepKind.RECODED, n_rows, n_rows, list(recoded), repeats=recoded))
        notices.append(Notice(NoticeKind.RECODED, columns=list(recoded), values=list(recoded.values())))
        numeric = [c for c in numeric if c not in recoded]
        categorical = [c for c in categorical if c not in recoded]
    for column in categorical:
        features[column] = as_categories(features[column])
    scattered = scattered_columns(features, categorical, config)
    if scattered:
        steps.append(PreprocessingStep(StepKind.SCATTERED, n_rows, n_rows, scattered))
        notices.append(Notice(NoticeKind.SCATTERED, columns=scattered))
        categorical = [c for c in categorical if c not in scattered]

    keep, row_steps = kept_rows(features, numeric, categorical, config)
    steps += row_steps
    distributions = [distribution(features[r.column], features.loc[keep, r.column], r) for r in config.outliers]
    features = features.loc[keep]
    outcome = data.outcome.loc[features.index]

    # An indicator of 'does not apply' is constant where its column has a value: no VIF to speak of.
    indicators = {f.name for f in derived if f.kind == "not_applicable"}
    vif_rows, collinear = drop_collinear(features[[c for c in numeric if c not in indicators]], config.vif.threshold,
                                         config.vif.add_constant)
    correlation = correlation_matrix(features[numeric])
    candidates = [c for c in features.columns if c in numeric or c in categorical]
    logit_left_out = collinear if config.vif.applies_to == "logit" else []
    if logit_left_out:
        steps.append(PreprocessingStep(StepKind.LOGIT_MULTICOLLINEARITY, len(features), len(features), collinear))
    elif collinear:
        steps.append(PreprocessingStep(StepKind.MULTICOLLINEARITY, len(features), len(features), collinear))
        numeric = [c for c in numeric if c not in collinear]

    if not numeric and not categorical:
        raise ReportInputError(no_feature_message(config, left_out, empty + constant + [*recoded] + scattered,
                                                     collinear))

    ordered = [c for c in features.columns if c in numeric or c in categorical]
    missing_counts = features[ordered].isna().sum()
    missing_counts = missing_counts[missing_counts > 0]
    steps.append(PreprocessingStep(StepKind.MISSING_VALUES, len(features), len(features), list(missing_counts.index),
                                   missing={str(c): int(n) for c, n in missing_counts.items()}))

    x_train, x_test, y_train, y_test = train_test(features[ordered], outcome, config)
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
        derived=derived, duplicates=duplicates, leakage=leakage, test_twins=twins, logit_left_out=logit_left_out,
    )

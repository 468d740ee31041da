"""Which rows are kept: the complete ones when the config asks, and those within its outlier rules, with the
distributions each rule leaves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reportgen.config import DatasetConfig, OutlierRule
from reportgen.errors import ReportInputError
from reportgen.result import Distribution, PreprocessingStep, StepKind

HISTOGRAM_BINS = 30


def kept_rows(features: pd.DataFrame, numeric: list[str], categorical: list[str],
              config: DatasetConfig) -> tuple[pd.Series, list[PreprocessingStep]]:
    """True for each row that stays (complete if `missing.drop_rows`, within every outlier rule), and a step for
    the incomplete rows and for each rule."""
    n_rows = len(features)
    steps: list[PreprocessingStep] = []
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
    return keep, steps


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

"""Stage 3c, explore: descriptive statistics of the kept rows, for the exploratory section.

Everything here describes the table (training and test rows together, after cleaning); nothing is
fitted and nothing feeds the models. The figures module draws these numbers and interpret writes
the sentences under them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reportgen.clean import CleanData, single_feature_auc
from reportgen.config import DatasetConfig
from reportgen.errors import ReportInputError
from reportgen.model import stratified_positions
from reportgen.result import BoxStats, Exploration, FeatureByClass, FeatureByGroup, GroupRow, MissingRow

BINS = 24
INTEGER_BINS = 30
"""Whole-number features with at most this many values get one bar per value."""
CLIP_QUANTILE = 0.99
SEPARATION_ROWS = 50_000
"""The separation of each feature (its ROC AUC alone) is measured on a stratified sample of at most this many rows."""
GROUP_FEATURES = 2
"""Box plots by group show this many key metrics."""
OTHER = "Other"
MISSING_GROUP = "(missing)"


def kept_rows(data: CleanData) -> tuple[pd.DataFrame, pd.Series]:
    """The features and outcome of every row kept after cleaning, training and test together, in table order."""
    features = pd.concat([data.x_train, data.x_test]).sort_index()
    return features, pd.concat([data.y_train, data.y_test]).loc[features.index]


def box(values: pd.Series, group: str) -> BoxStats:
    """The box as matplotlib computes it for drawing. Imported here: the analysis's other stages do
    not need matplotlib, and importing it while the run starts would delay them by a fifth of a second."""
    from matplotlib.cbook import boxplot_stats

    present = values.dropna().to_numpy(dtype=float)
    if not len(present):
        return BoxStats(group=group, rows=0, low=0.0, q1=0.0, median=0.0, q3=0.0, high=0.0, mean=0.0)
    stats = boxplot_stats(present, whis=1.5)[0]
    return BoxStats(group=group, rows=len(present), **{key: round(float(stats[name]), 6) for key, name in
                    [("low", "whislo"), ("q1", "q1"), ("median", "med"), ("q3", "q3"), ("high", "whishi"),
                     ("mean", "mean")]})


def bin_edges(values: np.ndarray) -> tuple[np.ndarray, bool]:
    """One bar per value for small whole numbers; otherwise even bins up to the 99th percentile, with
    larger values counted in the last bin (True when that happens)."""
    low, high = float(values.min()), float(values.max())
    if np.all(values % 1 == 0) and high - low < INTEGER_BINS:
        return np.arange(low - 0.5, high + 1.5), False
    top = float(np.quantile(values, CLIP_QUANTILE))
    clipped = top < high and top > low
    return np.histogram_bin_edges(values, bins=BINS, range=(low, top if clipped else high)), clipped


def class_shares(values: np.ndarray, edges: np.ndarray) -> list[float]:
    """Share of the values in each bin; values beyond the last edge count in the last bin."""
    if not len(values):
        return [0.0] * (len(edges) - 1)
    counts, _ = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)
    return [round(float(c), 6) for c in counts / len(values)]


def feature_by_class(values: pd.Series, outcome: pd.Series, label: str, separation: float,
                     names: tuple[str, str]) -> FeatureByClass:
    present = values.notna()
    numbers, classes = values[present].to_numpy(dtype=float), outcome[present].to_numpy()
    edges, clipped = bin_edges(numbers)
    return FeatureByClass(
        feature=str(values.name), label=label, separation=round(separation, 6),
        edges=[round(float(e), 6) for e in edges],
        negative=class_shares(numbers[classes == 0], edges), positive=class_shares(numbers[classes == 1], edges),
        boxes=[box(values[outcome == 0], names[0]), box(values[outcome == 1], names[1])], clipped=clipped)


def separations(features: pd.DataFrame, outcome: pd.Series, numeric: list[str], seed: int) -> dict[str, float]:
    """How well each numeric feature alone separates the outcomes (ROC AUC, direction-free)."""
    kept = stratified_positions(outcome, SEPARATION_ROWS, seed)
    x, y = (features, outcome) if kept is None else (features.iloc[kept], outcome.iloc[kept])
    return {c: single_feature_auc(x[c], y, False, seed) for c in numeric if x[c].notna().any()}


def group_column(config: DatasetConfig, categorical: list[str], table: pd.DataFrame) -> str | None:
    column = config.explore.group_by
    if column is None:
        return next((c for c in categorical if c in table.columns), None)
    if column not in table.columns:
        raise ReportInputError(f"explore.group_by names '{column}', which is not a column of {config.data.name}; "
                               f"name a categorical column such as {', '.join(categorical[:3]) or 'a country'}.")
    return column


def group_labels(values: pd.Series, groups: int) -> tuple[pd.Series, list[str]]:
    """Each row's group as text: the `groups` most frequent kept (and any as frequent as the last of them, so that
    a tie at the cut does not leave one out unsaid), the rest pooled as 'Other'."""
    text = values.astype("string").fillna(MISSING_GROUP).astype(str)
    counts = text.value_counts(sort=True)
    kept = int((counts >= counts.iloc[groups - 1]).sum()) if len(counts) >= groups else len(counts)
    top = list(counts.index[:kept]) if len(counts) > kept + 1 else list(counts.index)
    pooled = text.where(text.isin(top), OTHER)
    return pooled, top + ([OTHER] if len(top) < len(counts) else [])


def by_group(features: pd.DataFrame, outcome: pd.Series, groups: pd.Series, order: list[str], key: list[str],
             config: DatasetConfig) -> tuple[list[GroupRow], list[FeatureByGroup]]:
    rows = [GroupRow(group=g, rows=int((groups == g).sum()), share=round(float((groups == g).mean()), 6),
                     conversion_rate=round(float(outcome[groups == g].mean()), 6), pooled=g == OTHER) for g in order]
    boxes = [FeatureByGroup(feature=c, label=config.label(c), boxes=[box(features.loc[groups == g, c], g)
                                                                      for g in order]) for c in key]
    return rows, boxes


def missing_overview(table: pd.DataFrame, config: DatasetConfig) -> list[MissingRow]:
    counts = table.isna().sum()
    return [MissingRow(column=str(c), label=config.label(str(c)), missing=int(n), share=round(n / len(table), 6))
            for c, n in counts.sort_values(ascending=False, kind="stable").items() if n > 0]


def missing_together(table: pd.DataFrame) -> bool:
    """Whether the columns with missing values (two or more) miss the very same rows."""
    missing = table.isna()
    missing = missing.loc[:, missing.any()]
    return missing.shape[1] > 1 and bool(missing.eq(missing.iloc[:, 0], axis=0).all().all())


def explore(features: pd.DataFrame, outcome: pd.Series, table: pd.DataFrame, data: CleanData,
            config: DatasetConfig) -> Exploration:
    """Key metrics by outcome and by group, and missing values. `features` and `outcome` are the kept
    rows (see `kept_rows`); `table` is every row read with an outcome, as read."""
    separation = separations(features, outcome, data.numeric, config.seed)
    key = sorted(separation, key=lambda c: -separation[c])[:config.explore.features]
    names = (config.target.negative_name, config.target.positive_name)
    by_class = [feature_by_class(features[c], outcome, config.label(c), separation[c], names) for c in key]
    column = group_column(config, data.categorical, table)
    groups, by_group_boxes = [], []
    if column is not None:
        source = features[column] if column in features.columns else table.loc[features.index, column]
        labels, order = group_labels(source, config.explore.groups)
        groups, by_group_boxes = by_group(features, outcome, labels, order, key[:GROUP_FEATURES], config)
    return Exploration(rows=len(features), by_class=by_class, group_column=column, groups=groups,
                       by_group=by_group_boxes, missing=missing_overview(table, config), rows_read=len(table),
                       missing_together=missing_together(table))

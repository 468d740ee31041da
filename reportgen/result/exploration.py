"""Descriptive statistics of the kept rows: each feature by outcome and by group, and missing values."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    missing_together: bool = False
    """The columns in `missing` (two or more) miss the very same rows."""
    observations: dict[str, list[str]] = field(default_factory=dict)
    """Sentences under each figure, by figure name; written by interpret."""

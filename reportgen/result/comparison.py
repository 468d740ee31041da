"""What changed since a previous run of the same outcome (--compare-to)."""

from __future__ import annotations

from dataclasses import dataclass, field


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

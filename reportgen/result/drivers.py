"""What drives the outcome: each feature's importance and how it differs between the outcomes, and what the
drivers table leaves unsaid (where the logit and the segments read them differently)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from reportgen.result.logit import Coefficient


class ContrastKind(str, Enum):
    MEDIAN = "median"
    MEAN = "mean"
    """The medians tie: the means compared instead."""
    RATES = "rates"
    """A categorical feature: the positive share of its highest and lowest category."""
    FLAT = "flat"
    """A categorical feature whose categories hardly differ (fewer than two large enough to compare)."""
    STEP = "step"
    """A count with few values (customer-service calls): the positive share at or above the cut that best
    separates the outcomes and below it, where medians of 2 and 1 would hide where the share jumps."""


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
    cut: float | None = None
    """A step's cut: `top_rate` is the positive share at or above it, `bottom_rate` below it."""
    lowest: float | None = None
    """A step's smallest value, all the group below the cut holds when the cut is one above it."""
    top_rows: int | None = None
    """Rows in the top category, or at or above a step's cut (rates, step); None in older results."""
    bottom_rows: int | None = None
    """Rows in the bottom category, or below the cut."""
    missing_positive: float = 0.0
    """The share of positives and of negatives without a value (numeric): a model that reads blanks as such
    (gradient boosting) can lean on the difference."""
    missing_negative: float = 0.0


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
class DriverGroup:
    """Features not listed as drivers that move together, shuffled together: each shuffled alone leaves the others
    to tell the model the same, so a group can carry what none of its members measurably does."""

    features: list[str]
    labels: list[str]
    importance: float
    """Drop in the recommended model's test PR AUC when the group's columns are shuffled together (one shuffle of
    the rows for all of them, so they keep moving together)."""
    importance_low: float
    importance_high: float
    correlation_low: float
    """The smallest and largest absolute correlation between two of its features."""
    correlation_high: float
    above_zero: bool = False
    """`importance` and its whole 95% interval are above zero."""


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


def listed_drivers(drivers: list[Driver]) -> list[Driver]:
    """The drivers a report names, strongest first: those whose importance and its whole interval are
    above zero."""
    return [x for x in drivers if x.above_zero and x.importance > 0]

"""How far the recommended model's test figures hold: test rows copied from training (twins), the one feature it
leans on (dependence), and its margin over a random ranking (strength)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from reportgen.result.models import Metrics


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

"""Whom to act on: the targeting table's rows and the recommended action."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


@dataclass(kw_only=True)
class Outreach:
    """Contacting a set of test rows: how many, and the conversions expected and observed."""

    contacted: int
    expected_conversions: float
    conversions: int
    precision: float
    share_of_conversions: float
    profit: float | None = None
    expected_profit: float | None = None


@dataclass(kw_only=True)
class TargetingRow(Outreach):
    top_fraction: float
    lift: float
    recommended: bool = False
    """The rows the recommendation acts on (`Recommendation.contacted` of them)."""


class RuleKind(str, Enum):
    """How the recommendation picks the rows to act on."""

    PROFIT = "profit"
    """Every row whose probability pays for the contact: above cost / value (`Recommendation.cut`)."""
    THRESHOLD = "threshold"
    """The rows the recommended model flags at its decision threshold."""


@dataclass(kw_only=True)
class Recommendation(Outreach):
    rule: str
    """The rule in words; written by the narrative from `kind`, `cut` and `calibrated`."""
    fraction: float
    kind: RuleKind = RuleKind.THRESHOLD
    cut: float
    """The probability (profit: cost / value) or score (threshold) a row must exceed or reach."""
    calibrated: bool = True
    """The probabilities compared with the cut are calibrated; False when the model's own are used (profit)."""

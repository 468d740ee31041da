"""A published analysis's figures beside this run's."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PublishedRow:
    """One published figure beside this run's, for one of its models."""

    metric: str
    published: float
    model: str
    here: float
    """This run's test figure, on the test set's true class shares."""
    here_balanced: float | None = None
    """The same model's figure re-weighted to equal class shares, when the published test set had them."""


@dataclass
class Published:
    """Figures a published analysis of this data reported (from the config) and how this run's compare."""

    source: str
    method: str
    balanced_test: bool
    metrics: dict[str, float]
    model: str | None = None
    """This run's model that matches the published one, when the config names it."""
    rows: list[PublishedRow] = field(default_factory=list)
    comparison: str = ""
    """Written by interpret from the rows; the section comparing the two gives it."""
    brief: str = ""
    """The published figures beside the recommended model's comparable ones, in a sentence for question 4;
    written by interpret."""

"""The executive summary and the seven questions' answers, as the narrative wrote them."""

from __future__ import annotations

from dataclasses import dataclass, field

from reportgen.result.drivers import Driver


@dataclass
class Question:
    id: int
    question: str
    answer: str
    """The whole answer as one text: `short` followed by the `points`."""
    short: str = ""
    points: list[str] = field(default_factory=list)


@dataclass
class Summary:
    headline: str
    recommended_model: str
    recommended_label: str
    why_recommended: str
    drivers: list[Driver]
    action: str
    baseline_accuracy: float
    caveats: list[str] = field(default_factory=list)
    driver_notes: list[str] = field(default_factory=list)
    """Sentences under the drivers table: where the logit reads a driver in it the other way."""
    top_decile_share: float | None = None
    """Share of all positives held by the 10% of test rows scored highest."""
    action_heading: str = "Whom to contact"
    """The targeting section's heading, in the verbs of the recommended action."""
    action_column: str = "Contact the top"
    action_title: str = "Recommended action"
    """The summary's heading over the action: 'Recommended action', or what the ranking picks out when the report
    recommends no action."""
    chance_pr_auc: float | None = None
    """The PR AUC of a random ranking of the test rows (their share of positives), for the glossary."""
    targeting_lead: str = ""
    """The rule behind the recommended action, opening the targeting section."""

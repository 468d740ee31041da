"""The table the report is about: its size, its outcome, and the words the narrative describes them in."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class DatasetSummary:
    name: str
    title: str
    source: str
    rows_read: int
    rows_used: int
    target: str
    positive_label: str
    positive_name: str
    negative_name: str
    positive_noun: str
    negative_noun: str
    unit: str
    unit_singular: str
    positive_rate: float
    features: list[str]
    feature_labels: dict[str, str]
    """Display labels of every column of the table, used or dropped."""
    train_rows: int = 0
    test_rows: int = 0
    units: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    predicate: str = ""
    """What the rows of the outcome did or are, completing '14% of customers ...' ('left')."""
    action: str = "contact"
    """What the report recommends doing with the rows scored highest: contact, offer, retain, review or none."""

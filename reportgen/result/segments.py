"""k-means segments of the kept rows and their profiles."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SegmentProfile:
    name: str
    """Made by the narrative from `highs` and `lows`, distinct among the segments."""
    size: int
    share: float
    conversion_rate: float
    typical: dict[str, float | None]
    """Median of each feature in the segment, in the feature's own units (None when missing in all its rows)."""
    deviation: dict[str, float] = field(default_factory=dict)
    """Mean of each scaled feature in the segment minus its mean in the other segments' rows, in overall
    standard deviations."""
    highs: list[str] = field(default_factory=list)
    """Features whose deviation is at least `Segments.distinct_at` above (below) the other segments' mean,
    the most distinct first."""
    lows: list[str] = field(default_factory=list)


@dataclass
class Segments:
    """k-means segments of the kept rows on scaled numeric features; k chosen by silhouette score."""

    k: int
    silhouette: float
    """Silhouette score of the chosen k."""
    curve: dict[int, float]
    """Silhouette score of each k tried."""
    profiles: list[SegmentProfile]
    """Highest conversion rate first."""
    features: list[str] = field(default_factory=list)
    scaling: str = "rank"
    rows: int = 0
    """Rows assigned to a segment (all kept rows)."""
    fit_rows: int = 0
    """Rows k-means was fitted on (a random sample of large tables)."""
    silhouette_rows: int = 0
    """Rows each silhouette score was computed on."""
    distinct_at: float = 0.5
    """A feature counts as high or low in a segment (and enters its name) from this deviation on."""
    shown: list[str] = field(default_factory=list)
    """The features the profile table shows: those that set the segments apart most (at most six)."""
    observations: list[str] = field(default_factory=list)
    table_note: str = ""
    """What the profile table shows; written by the narrative."""
    method_text: str = ""
    """How the segments were formed; written by the narrative."""
    decimals: dict[str, int] = field(default_factory=dict)
    """Decimals the profile table prints for each shown feature; chosen by the narrative."""

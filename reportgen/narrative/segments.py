"""Observations of the segments section."""

from __future__ import annotations

from reportgen.narrative.words import pct
from reportgen.result import ReportResult

SILHOUETTE_WORDS = ((0.7, "strongly separated"), (0.5, "reasonably separated"),
                    (0.25, "weakly separated: read them as a convenient summary rather than natural groups"))
"""Kaufman and Rousseeuw's rule of thumb for the average silhouette; below the last, no substantial
structure."""


def segment_observations(result: ReportResult) -> list[str]:
    """How clear the segments are, which converts best and worst, and the largest."""
    segments = result.segments
    d = result.dataset
    tried = sorted(segments.curve)
    quality = next((words for floor, words in SILHOUETTE_WORDS if segments.silhouette >= floor),
                   "not clearly separated: read them as a convenient summary rather than natural groups")
    if segments.k == tried[-1] and len(tried) > 1:
        found = [(f"{segments.k} segments score best (silhouette {segments.silhouette:.2f}), but {segments.k} is the "
                  f"most tried (k from {tried[0]} to {tried[-1]}), so more segments might score higher still; "
                  f"they are {quality}.")]
    else:
        found = [(f"{segments.k} segments fit best (silhouette {segments.silhouette:.2f}, the highest for k from "
                  f"{tried[0]} to {tried[-1]}); they are {quality}.")]
    best, worst = segments.profiles[0], segments.profiles[-1]
    ratio = best.conversion_rate / d.positive_rate if d.positive_rate else 0.0
    found.append(f"'{best.name}' ({pct(best.share)} of {d.unit}) has the most {d.positive_noun}: "
                 f"{pct(best.conversion_rate)}, {ratio:.1f}× the overall {pct(d.positive_rate)}.")
    if worst is not best:
        found.append(f"'{worst.name}' ({pct(worst.share)}) has the fewest: {pct(worst.conversion_rate)}.")
    largest = max(segments.profiles, key=lambda p: p.size)
    if largest is not best and largest is not worst:
        found.append(f"The largest segment, '{largest.name}', holds {pct(largest.share, 0)} of {d.unit}; "
                     f"{pct(largest.conversion_rate)} of them are {d.positive_noun}.")
    return found

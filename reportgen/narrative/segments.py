"""The segments section in words: each segment's name, the observations, and how the table and the
segments were made."""

from __future__ import annotations

import dataclasses
import math

from reportgen.narrative.words import capitalised, in_sentence, pct
from reportgen.result import DatasetSummary, ReportResult, SegmentProfile, Segments

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
    most, least = ("higher", "lower") if len(segments.profiles) == 2 else ("highest", "lowest")
    found.append(f"'{best.name}' ({pct(best.share)} of {d.unit}) has the {most} share of {d.positive_noun}: "
                 f"{pct(best.conversion_rate)}, {ratio:.1f}× the overall {pct(d.positive_rate)}.")
    if worst is not best:
        found.append(f"'{worst.name}' ({pct(worst.share)}) has the {least}: {pct(worst.conversion_rate)}.")
    largest = max(segments.profiles, key=lambda p: p.size)
    if largest is not best and largest is not worst:
        found.append(f"The largest segment, '{largest.name}', holds {pct(largest.share, 0)} of {d.unit}; "
                     f"{pct(largest.conversion_rate)} of them {d.predicate}.")
    return found


NAMED_FEATURES = 2
"""A segment's name mentions at most this many features (more when needed to tell two apart)."""


def lower_first(label: str) -> str:
    """'Minutes watched' -> 'minutes watched'; 'US region' stays."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def name_candidates(profile: SegmentProfile, labels: dict[str, str]) -> list[str]:
    """Names for one segment, shortest first: its most distinct features, high or low."""
    deviation = profile.deviation
    distinct = [f for f in sorted(deviation, key=lambda f: -abs(deviation[f])) if f in profile.highs + profile.lows]
    if not distinct:
        return ["Close to typical on every measure"]
    words = [f"{'high' if f in profile.highs else 'low'} {lower_first(labels.get(f, f))}" for f in distinct]
    names = []
    if len(distinct) == len(deviation) > 1 and not (profile.highs and profile.lows):
        names.append(f"{'High' if profile.highs else 'Low'} on every measure")
    for count in range(min(NAMED_FEATURES, len(words)), len(words) + 1):
        names.append(capitalised(", ".join(words[:count])))
    return names


def segment_names(profiles: list[SegmentProfile], labels: dict[str, str]) -> list[str]:
    """A distinct name per segment, made from the features that stand out in it."""
    taken: list[str] = []
    for number, profile in enumerate(profiles, start=1):
        candidates = name_candidates(profile, labels)
        taken.append(next((n for n in candidates if n not in taken), f"{candidates[0]} ({number})"))
    return taken


def named_segments(segments: Segments | None, labels: dict[str, str]) -> Segments | None:
    """The segments with their names; the engine names them before the driver checks cite them."""
    if segments is None:
        return None
    names = segment_names(segments.profiles, labels)
    return dataclasses.replace(segments, profiles=[dataclasses.replace(p, name=name)
                                                   for p, name in zip(segments.profiles, names)])


def table_note(segments: Segments, d: DatasetSummary) -> str:
    """What the profile table shows."""
    if len(segments.shown) == len(segments.features):
        fewer = ""
    elif len(segments.shown) == 1:
        fewer = f" (the one of {len(segments.features)} features that sets the segments apart)"
    else:
        fewer = f" (the {len(segments.shown)} of {len(segments.features)} features that set the segments apart most)"
    return (f"\"{capitalised(d.positive_noun)}\": the share of the segment's {d.unit} who "
            f"{d.predicate}. "
            f"Feature columns{fewer}: the segment's median; bold where the segment sits well above the rest, italic "
            f"well below (half a standard deviation or more on the scale the segments were formed on). Names are "
            f"made from those differences.")


def method_text(segments: Segments, d: DatasetSummary) -> str:
    """How the segments were formed, on which features and rows."""
    features = (f"{len(segments.features)} numeric features" if len(segments.features) > 8 else
                ", ".join(in_sentence(d.feature_labels.get(f, f)) for f in segments.features))
    scaling = ("each replaced by normal scores of its ranks so a few heavy users do not decide the segments"
               if segments.scaling == "rank" else "each centred and scaled to unit variance")
    if segments.fit_rows < segments.rows:
        fitted = (f"fitted on {segments.fit_rows:,} of the {segments.rows:,} {d.unit} kept after cleaning (training "
                  f"and test together, a random sample), with every {d.unit_singular} then assigned to its nearest "
                  f"segment")
    else:
        fitted = f"fitted on all {segments.rows:,} {d.unit} kept after cleaning (training and test together)"
    return (f"k-means on {features}, {scaling}; {fitted}; silhouette scores on {segments.silhouette_rows:,} of "
            f"them. The segments "
            f"describe the data: the outcome plays no part in forming them, and they play no part in the models.")


def column_decimals(medians: list[float]) -> int:
    """Decimals that give the largest median two significant digits (216, 17, 1.9, 0.24), one more where
    that would print two different medians alike (prices of 1.69 and 1.74), and none for whole numbers."""
    if all(float(m).is_integer() for m in medians):
        return 0
    largest = max(abs(m) for m in medians)
    decimals = min(max(1 - math.floor(math.log10(largest)), 0), 4)
    if len({round(m, decimals) for m in medians}) < len(set(medians)):
        decimals += 1
    return decimals


def table_decimals(segments: Segments) -> dict[str, int]:
    """For each feature of the profile table, the decimals its medians are printed with."""
    decimals = {}
    for feature in segments.shown:
        medians = [p.typical[feature] for p in segments.profiles if p.typical.get(feature) is not None]
        decimals[feature] = column_decimals(medians) if medians else 0
    return decimals


def with_segment_words(result: ReportResult) -> Segments | None:
    segments = result.segments
    if segments is None:
        return None
    return dataclasses.replace(segments, observations=segment_observations(result),
                               table_note=table_note(segments, result.dataset),
                               method_text=method_text(segments, result.dataset),
                               decimals=table_decimals(segments))

"""Observations of the exploratory section."""

from __future__ import annotations

from reportgen.narrative.preparation import missing_kept_by
from reportgen.narrative.words import (
    in_sentence,
    join_words,
    label_of,
    numbers,
    pct,
    plural,
)
from reportgen.result import BoxStats, ReportResult

STRONG_CORRELATION = 0.5
TIED_NAMED = 4
"""Pairs tied for the strongest correlation named at most; the others are counted."""


def correlation_observations(result: ReportResult) -> list[str]:
    """The strongest correlation between numeric features, and how many pairs are strong."""
    corr = result.preprocessing.correlation
    names = list(corr)
    pairs = sorted(((abs(corr[a][b]), corr[a][b], a, b) for i, a in enumerate(names) for b in names[i + 1:]),
                   reverse=True)
    if not pairs:
        return []
    _, r, a, b = pairs[0]
    strong = sum(size >= STRONG_CORRELATION for size, *_ in pairs)
    if strong == 0:
        return [(f"No two numeric features correlate strongly: the largest correlation is {r:+.2f}, between "
                 f"{in_sentence(label_of(result, a))} and {in_sentence(label_of(result, b))}.")]
    tied = [pair for pair in pairs if f"{pair[0]:.2f}" == f"{pairs[0][0]:.2f}"]
    if len(tied) == 1:
        strongest = (f"The strongest correlation is {r:+.2f}, between {in_sentence(label_of(result, a))} and "
                     f"{in_sentence(label_of(result, b))}")
    else:
        named = [f"between {in_sentence(label_of(result, x))} and {in_sentence(label_of(result, y))} ({value:+.2f})"
                 for _, value, x, y in tied[:TIED_NAMED]]
        more = f", and {plural(len(tied) - TIED_NAMED, 'more pair')}" if len(tied) > TIED_NAMED else ""
        strongest = f"The strongest correlations, alike to two decimals, are those {join_words(named)}{more}"
    return [(f"{strongest}; {plural(strong, 'pair')} of features correlate at {STRONG_CORRELATION:g} or more, which "
             f"the multicollinearity check (appendix) takes into account.")]


def separation_observations(result: ReportResult) -> list[str]:
    """Which key metric separates the classes best and worst on its own, with its medians."""
    rows = result.explore.by_class
    if not rows:
        return []
    d = result.dataset
    best, worst = rows[0], rows[-1]
    negative, positive = best.boxes
    if positive.median == negative.median:
        median, = numbers(positive.median)
        high, low = numbers(positive.mean, negative.mean)
        contrast = (f"the median is {median} in both classes, but the mean is {high} for {d.positive_noun} "
                    f"against {low} for {d.negative_noun}")
    else:
        high, low = numbers(positive.median, negative.median)
        contrast = f"a median of {high} for {d.positive_noun} against {low} for {d.negative_noun}"
    digits = 2 if len(rows) < 2 or f"{best.separation:.2f}" != f"{worst.separation:.2f}" else 3
    among = f" of the {len(rows)} key metrics" if len(rows) > 2 else ""
    found = [(f"{best.label} separates {d.positive_noun} from {d.negative_noun} best{among} on its own (ROC AUC "
              f"{best.separation:.{digits}f}): {contrast}.")]
    if best.feature in result.settings.get("not_actionable", []):
        found.append(f"{best.label} is marked as not a lever: {d.notes.get(best.feature, 'see the configuration')}.")
    if len(rows) > 1:
        found.append(f"{worst.label} separates them least (ROC AUC {worst.separation:.{digits}f}; 0.5 is no "
                     f"separation).")
    return found


def clipping_observations(result: ReportResult) -> list[str]:
    """Said after the sentences on each key metric, as a note on how the histograms are drawn."""
    if any(r.clipped for r in result.explore.by_class):
        return ["Bars stop at the 99th percentile; larger values are counted in the last bar."]
    return []


def tail_that_differs(positive: BoxStats, negative: BoxStats) -> str:
    """Where the means part when the medians agree: above the median when most rows sit at its
    bottom (counts that are mostly zero), below it when they pile up at the top (scores at the
    maximum)."""
    if all(box.median <= box.q1 for box in (positive, negative)):
        return "a minority with larger values makes the difference"
    if all(box.median >= box.q3 for box in (positive, negative)):
        return "a minority with smaller values makes the difference"
    return "the values away from the median make the difference"


def box_observations(result: ReportResult) -> list[str]:
    """Key metrics whose medians differ between the classes, and those whose medians agree but means do not
    (the first key metric's medians are in `separation_observations`)."""
    d = result.dataset
    found = []
    for row in result.explore.by_class[1:]:
        negative, positive = row.boxes
        if positive.median == negative.median and positive.mean != negative.mean:
            median, = numbers(positive.median)
            high, low = numbers(positive.mean, negative.mean)
            found.append(f"{row.label}: the median is {median} in both classes, but the mean (the dot in each box) "
                         f"is {high} for {d.positive_noun} against {low} for {d.negative_noun}: "
                         f"{tail_that_differs(positive, negative)}.")
        elif positive.median != negative.median:
            higher = "higher" if positive.median > negative.median else "lower"
            high, low = numbers(positive.median, negative.median)
            found.append(f"{row.label}: median {high} for {d.positive_noun}, {higher} than {low} for "
                         f"{d.negative_noun}.")
    return found


def group_observations(result: ReportResult) -> list[str]:
    """How the conversion rate and the key metrics vary across the groups of the main categorical column."""
    explore = result.explore
    named = [g for g in explore.groups if not g.pooled]
    if len(named) < 2:
        return []
    d = result.dataset
    column = in_sentence(label_of(result, explore.group_column))
    low, high = min(named, key=lambda g: g.conversion_rate), max(named, key=lambda g: g.conversion_rate)
    found = [(f"Across the {len(named)} largest {column} groups, the share of {d.positive_noun} ranges from "
              f"{pct(low.conversion_rate)} ({low.group}) to {pct(high.conversion_rate)} ({high.group}); "
              f"the overall share is {pct(d.positive_rate)}.")]
    other = next((g for g in explore.groups if g.pooled), None)
    if other is not None:
        found.append(f"The remaining groups, pooled as '{other.group}', hold {pct(other.share, 0)} of {d.unit} and "
                     f"{pct(other.conversion_rate)} of them {d.predicate}.")
    for row in explore.by_group[:1]:
        boxes = [b for b, g in zip(row.boxes, explore.groups) if not g.pooled and b.rows]
        top, bottom = max(b.median for b in boxes), min(b.median for b in boxes)
        if top != bottom:
            high, low = numbers(top, bottom)
            highest = join_words([b.group for b in boxes if b.median == top])
            lowest = join_words([b.group for b in boxes if b.median == bottom])
            found.append(f"Median {in_sentence(row.label)} is highest in {highest} ({high}) and lowest in {lowest} "
                         f"({low}).")
    return found


def missing_observations(result: ReportResult) -> list[str]:
    explore = result.explore
    if not explore.missing:
        return [f"No column has a missing value in the {explore.rows_read:,} rows read."]
    worst = explore.missing[0]
    kept = missing_kept_by(result)
    except_in = f", except in {kept}, which takes them as they are" if kept else ""
    if len(explore.missing) == 1:
        which = f"Only {in_sentence(worst.label)} has missing values ({worst.missing:,} rows, {pct(worst.share)})"
    elif all(row.missing == worst.missing for row in explore.missing):
        which = (f"{len(explore.missing)} columns of the table each miss {worst.missing:,} rows ({pct(worst.share)})"
                 f"{', the same rows in all of them' if explore.missing_together else ''}")
    else:
        which = (f"{len(explore.missing)} columns of the table have missing values, most of all "
                 f"{in_sentence(worst.label)} ({worst.missing:,} rows, {pct(worst.share)})")
    return [(f"{which}. Missing feature values are "
             f"imputed inside the model pipeline{except_in} (see the preprocessing log).")]


def explore_observations(result: ReportResult) -> dict[str, list[str]]:
    """The sentences under each exploratory figure, by figure name."""
    return {"correlation": correlation_observations(result),
            "by_class": separation_observations(result) + box_observations(result) + clipping_observations(result),
            "groups": group_observations(result), "missing": missing_observations(result)}

"""Observations of the over-time section."""

from __future__ import annotations

from reportgen.narrative.words import join_words, pct, plural
from reportgen.result import ReportResult

TREND_EDGE = 3
"""Trend sentences compare the average of this many first periods with as many last ones."""


def period_average(values: list[float]) -> float:
    return sum(values) / len(values)


def trend_observations(result: ReportResult) -> list[str]:
    """How the rate and the volume moved, and what the forecast expects, or why there is none."""
    trends = result.trends
    d = result.dataset
    word = trends.frequency
    rated = [p for p in trends.points if p.rate is not None]
    found = []
    if len(rated) >= 2:
        edge = min(TREND_EDGE, len(rated) // 2)
        first = period_average([p.rate for p in rated[:edge]])
        last = period_average([p.rate for p in rated[-edge:]])
        span = f"the first {plural(edge, word)}" if edge > 1 else f"the first {word}"
        end = f"the last {plural(edge, word)}" if edge > 1 else f"the last {word}"
        direction = "rose" if last > first else "fell" if last < first else "held"
        found.append(f"The share of {d.positive_noun} {direction} from {pct(first)} in {span} to {pct(last)} in "
                     f"{end} ({len(trends.points)} {word}s from {trends.points[0].period}).")
        volume_first = period_average([p.rows for p in trends.points[:edge]])
        volume_last = period_average([p.rows for p in trends.points[-edge:]])
        found.append(f"Volume went from {volume_first:,.0f} to {volume_last:,.0f} {d.unit} a {word}.")
    if trends.forecast:
        last = trends.forecast[-1]
        found.append(f"Forecast for the {word} from {last.period}, by {trends.method}: {pct(last.rate)} "
                     f"{d.positive_noun} ({pct(trends.level, 0)} interval {pct(last.rate_low)} to "
                     f"{pct(last.rate_high)}) among about {last.rows:,.0f} {d.unit} ({last.rows_low:,.0f} to "
                     f"{last.rows_high:,.0f}).")
    else:
        found.append(f"No forecast: {trends.no_forecast}.")
    if trends.left_out:
        found.append(f"Left out: {join_words(trends.left_out)}.")
    return found

"""The over-time section in words: the forecasting model, what was left out, the caption and the observations."""

from __future__ import annotations

import dataclasses

from reportgen.narrative.words import join_words, pct, plural
from reportgen.result import DatasetSummary, ForecastModel, NoForecast, ReportResult, Trends

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


FORECAST_MODELS = {ForecastModel.DAMPED_TREND: "exponential smoothing with a damped trend, statsmodels ETS(A,Ad,N)",
                   ForecastModel.SIMPLE: "simple exponential smoothing, statsmodels ETS(A,N,N)"}


def left_out_text(trends: Trends) -> list[str]:
    """Undated rows, and a first or last period the data cover only in part."""
    found = [f"{trends.undated:,} rows without a readable date"] if trends.undated else []
    if trends.partial_first:
        found.append(f"the first {trends.frequency} ({trends.partial_first} on), as the data start on "
                     f"{trends.first_date}")
    if trends.partial_last:
        found.append(f"the last {trends.frequency} ({trends.partial_last} on), as the data end on {trends.last_date}")
    return found


def no_forecast_text(trends: Trends) -> str:
    if trends.no_forecast_kind == NoForecast.TOO_FEW_PERIODS:
        periods = len(trends.points)
        return (f"only {periods} complete {trends.frequency}{'s' if periods != 1 else ''} of data: too few for a "
                f"forecast (at least {trends.min_periods} needed, see trends.min_periods)")
    if trends.no_forecast_kind == NoForecast.NOT_FITTED:
        return "the forecasting model could not be fitted to this series"
    return ""


def trends_caption(trends: Trends, d: DatasetSummary) -> str:
    forecast = (f"; the forecast with its {pct(trends.level, 0)} prediction interval in orange" if trends.forecast
                else "")
    return (f"Share of {d.positive_noun} (top) and number of {d.unit} (bottom) per {trends.frequency}{forecast}.")


def with_trend_words(result: ReportResult) -> Trends | None:
    """The trends with their words: the forecasting model, what was left out and why there is no forecast, the
    figure's caption, then the observations that cite them."""
    trends = result.trends
    if trends is None:
        return None
    worded = dataclasses.replace(trends, method=FORECAST_MODELS.get(trends.forecast_model, ""),
                                 left_out=left_out_text(trends), no_forecast=no_forecast_text(trends),
                                 caption=trends_caption(trends, result.dataset))
    return dataclasses.replace(worded, observations=trend_observations(dataclasses.replace(result, trends=worded)))

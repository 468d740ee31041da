"""The over-time section in words: the forecasting model, what was left out, the caption and the observations."""

from __future__ import annotations

import dataclasses

from reportgen.narrative.words import join_words, pct, plural
from reportgen.result import (
    BacktestRow,
    DatasetSummary,
    ForecastMethod,
    ForecastModel,
    MethodStatus,
    NoForecast,
    ReportResult,
    Trends,
)

TREND_EDGE = 3
"""Trend sentences compare this many first periods with as many last ones (a whole season, when the series has
one: the first and last week of a daily series)."""


def period_average(values: list[float]) -> float:
    return sum(values) / len(values)


def pooled_share(points) -> float:
    """The share of positives among all the periods' rows together (not an average of the periods' shares, which
    would weigh a quiet day as much as a busy one)."""
    return sum(p.conversions for p in points) / sum(p.rows for p in points)


def trend_observations(result: ReportResult) -> list[str]:
    """How the rate and the volume moved, and what the forecast expects, or why there is none."""
    trends = result.trends
    d = result.dataset
    word = trends.frequency
    rated = [p for p in trends.points if p.rate is not None]
    found = []
    if len(rated) >= 2:
        edge = min(max(TREND_EDGE, trends.season), len(rated) // 2)
        first, last = pooled_share(rated[:edge]), pooled_share(rated[-edge:])
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
                   ForecastModel.SIMPLE: "simple exponential smoothing, statsmodels ETS(A,N,N)",
                   ForecastModel.SEASONAL: "exponential smoothing with a season, statsmodels ETS(A,N,A)",
                   ForecastModel.DAMPED_SEASONAL: "exponential smoothing with a damped trend and a season, statsmodels "
                                                  "ETS(A,Ad,A)"}
METHOD_NAMES = {ForecastMethod.EXPONENTIAL_SMOOTHING: "exponential smoothing",
                ForecastMethod.SEASONAL_NAIVE: "the seasonal naive forecast",
                ForecastMethod.LSTM: "the LSTM network"}
SEASON_NAMES = {"day": "a week", "week": "a year", "month": "a year", "quarter": "a year"}
STATUS_NOTES = {MethodStatus.NOT_INSTALLED: "not run: it needs PyTorch (pip install 'reportgen[deep]')",
                MethodStatus.TOO_SHORT: "not run: the series is too short for it at the first origin",
                MethodStatus.FAILED: "not scored: it could not be fitted at some origin"}


TABLE_NAMES = {ForecastMethod.EXPONENTIAL_SMOOTHING: "Exponential smoothing",
               ForecastMethod.SEASONAL_NAIVE: "Seasonal naive: the same period a season earlier",
               ForecastMethod.LSTM: "LSTM network"}


def method_label(row: BacktestRow, season: int) -> str:
    """The forecaster as the backtest table names it; the naive one says what it repeats."""
    if row.method == ForecastMethod.SEASONAL_NAIVE and not season:
        return "Naive: the last period repeated"
    return TABLE_NAMES[row.method]


def method_in_words(trends: Trends, method: ForecastMethod, model: ForecastModel | None) -> str:
    """The forecaster in a sentence: exponential smoothing in its form when `model` gives it, the naive one as what
    it repeats."""
    if method == ForecastMethod.EXPONENTIAL_SMOOTHING:
        return FORECAST_MODELS.get(model, METHOD_NAMES[method])
    if method == ForecastMethod.SEASONAL_NAIVE and not trends.season:
        return "the naive forecast (the last period repeated)"
    return METHOD_NAMES[method]


def backtest_sentence(trends: Trends) -> str:
    """How the backtest was run, in one sentence."""
    word = trends.frequency
    season = (f"; a season is {SEASON_NAMES[word]} ({trends.season} {word}s)" if trends.season
              else "; no season is modelled (too few periods before the first origin for two seasons)")
    forecasts = next((r.forecasts for r in trends.backtest if r.forecasts), 0)
    return (f"Each forecaster was refitted at each of the last {plural(trends.origins, word)} (the origins) on "
            f"the {word}s before it, and forecast the {word}s from it up to the horizon: {forecasts} forecasts "
            f"per series{season}. MASE divides the mean absolute error by that of {naive_rule(trends)} on the "
            f"{word}s before the first origin: below 1, better than that rule.")


def scored(trends: Trends) -> list[BacktestRow]:
    return [r for r in trends.backtest if r.status == MethodStatus.SCORED]


def series_choice(trends: Trends, series: str, method: ForecastMethod | None, attribute: str, unit: str) -> str:
    """Why this series is forecast by its method: the lowest backtest error (the others' are in the table), and
    whether that beats the naive forecast; or forced."""
    if method is None:
        return ""
    name = method_in_words(trends, method, None)
    if trends.forced:
        return f"The {series} is forecast by {name}, as trends.method asks."
    chosen = next(r for r in trends.backtest if r.method == method)
    mase = chosen.rate_mase if series == "share" else chosen.volume_mase
    caveat = (f"; its MASE of {mase:.2f} says it did no better than {naive_rule(trends)} did on the earlier "
              f"{trends.frequency}s" if mase is not None and mase >= 1 else "")
    return (f"The {series} is forecast by {name}, which erred least in the backtest: by "
            f"{error_text(getattr(chosen, attribute), series, unit)} on average{caveat}.")


def naive_rule(trends: Trends) -> str:
    """The forecast MASE scales by, in words."""
    if trends.season:
        return f"taking the value {SEASON_NAMES[trends.frequency]} earlier"
    return f"taking the previous {trends.frequency}'s value"


def error_text(value: float, series: str, unit: str) -> str:
    """An error of the share in percentage points, of the volume in rows a period."""
    return f"{value * 100:.2f} percentage points" if series == "share" else f"{value:,.1f} {unit}"


def lstm_note(trends: Trends, unit: str) -> str:
    """What became of the LSTM when it forecasts neither series: why it did not run, or that it lost, by how much."""
    row = next((r for r in trends.backtest if r.method == ForecastMethod.LSTM), None)
    if row is None or ForecastMethod.LSTM in (trends.rate_method, trends.volume_method):
        return ""
    if row.status != MethodStatus.SCORED:
        return f"The LSTM network was {STATUS_NOTES[row.status]}."
    return (f"The LSTM network lost on both series: it erred by {error_text(row.rate_mae, 'share', unit)} on the "
            f"share and {error_text(row.volume_mae, 'volume', unit)} on the volume.")


def choice_text(trends: Trends, unit: str) -> str:
    if not trends.backtest:
        return ""
    sentences = [series_choice(trends, "share", trends.rate_method, "rate_mae", unit),
                 series_choice(trends, "volume", trends.volume_method, "volume_mae", unit), lstm_note(trends, unit)]
    return " ".join(s for s in sentences if s)


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


def forecast_method_text(trends: Trends) -> str:
    """The forecasters in words: one when both series share it, else each series' own."""
    if trends.rate_method is None or trends.volume_method is None:
        return FORECAST_MODELS.get(trends.forecast_model, "")
    share = method_in_words(trends, trends.rate_method, trends.forecast_model)
    volume = method_in_words(trends, trends.volume_method, trends.volume_model)
    return share if share == volume else f"{share} for the share and {volume} for the volume"


def with_trend_words(result: ReportResult) -> Trends | None:
    """The trends with their words: the forecasting model, what was left out and why there is no forecast, the
    figure's caption, then the observations that cite them."""
    trends = result.trends
    if trends is None:
        return None
    backtest = [dataclasses.replace(row, label=method_label(row, trends.season), note=STATUS_NOTES.get(row.status, ""))
                for row in trends.backtest]
    trends = dataclasses.replace(trends, backtest=backtest)
    unit = f"{result.dataset.unit} a {trends.frequency}"
    worded = dataclasses.replace(trends, method=forecast_method_text(trends), choice=choice_text(trends, unit),
                                 backtest_text=backtest_sentence(trends) if trends.backtest else "",
                                 left_out=left_out_text(trends), no_forecast=no_forecast_text(trends),
                                 caption=trends_caption(trends, result.dataset))
    return dataclasses.replace(worded, observations=trend_observations(dataclasses.replace(result, trends=worded)))

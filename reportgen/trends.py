"""Stage 3e, trends: conversion rate and volume per period of a date column, with a short forecast.

Runs only when the config declares (or inference finds) a date column. The rows are the kept rows,
training and test together. The forecasters of `trends.methods` (exponential smoothing, a seasonal naive
benchmark, an LSTM) compete in a rolling-origin backtest on each series (`reportgen.forecast`); the best, or
the one `trends.method` forces, forecasts it with its prediction interval. There is no forecast, with a
reason, when the series is too short.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from reportgen.config import DatasetConfig, TrendSpec
from reportgen.errors import ReportInputError
from reportgen.forecast import (
    Forecast,
    NotAvailable,
    SeriesScores,
    backtest_origins,
    chosen_method,
    forecaster,
    scored_methods,
    seasonal_fits,
)
from reportgen.load import parse_dates
from reportgen.result import BacktestRow, ForecastMethod, ForecastPoint, MethodStatus, NoForecast, TrendPoint, Trends

PERIOD_CODES = {"quarter": "Q", "month": "M", "week": "W", "day": "D"}
COVERED_SHARE = 0.9
"""A first or last period the data cover less than this share of is left out as incomplete."""
AUTO_PERIODS = 2
"""'auto' takes the longest period that gives this many times `min_periods` complete periods."""


def periods_of(dates: pd.Series, frequency: str) -> pd.Series:
    return dates.dt.to_period(PERIOD_CODES[frequency])


def covered(period: pd.Period, first: pd.Timestamp, last: pd.Timestamp) -> float:
    """The share of the period's days that lie between the first and the last date."""
    start, end = period.start_time.normalize(), period.end_time.normalize()
    days = (end - start).days + 1
    return ((min(end, last) - max(start, first)).days + 1) / days


def complete_range(dates: pd.Series, frequency: str) -> tuple[pd.PeriodIndex, str, str]:
    """Every period from the first date's to the last date's, without a first or last period the
    data cover only in part (a period cut by the export would look like a drop); returns the periods
    and the first day of the first and of the last period left out ('' when kept)."""
    first, last = dates.min().normalize(), dates.max().normalize()
    span = pd.period_range(first, last, freq=PERIOD_CODES[frequency])
    partial_first = partial_last = ""
    if len(span) and covered(span[0], first, last) < COVERED_SHARE:
        partial_first = str(span[0].start_time.date())
        span = span[1:]
    if len(span) and covered(span[-1], first, last) < COVERED_SHARE:
        partial_last = str(span[-1].start_time.date())
        span = span[:-1]
    return span, partial_first, partial_last


def chosen_frequency(dates: pd.Series, config: DatasetConfig) -> str:
    """The configured frequency, or the longest period that gives twice `min_periods` complete periods
    (the one that gives the most, if none does)."""
    wanted = config.trends.frequency
    if wanted != "auto":
        return wanted
    counts = {frequency: len(complete_range(dates, frequency)[0]) for frequency in PERIOD_CODES}
    enough = [f for f in PERIOD_CODES if counts[f] >= AUTO_PERIODS * config.trends.min_periods]
    return enough[0] if enough else max(counts, key=counts.get)


SEASONS = {"day": 7, "week": 52, "month": 12, "quarter": 4}
"""Periods in a season: a week of days, a year of weeks, months or quarters."""


def season_length(frequency: str, before_first_origin: int) -> int:
    """The season, when the periods before the backtest's first origin hold as many as exponential smoothing
    needs to fit one (`seasonal_fits`), so that every origin models it alike; else 0."""
    season = SEASONS[frequency]
    return season if seasonal_fits(before_first_origin, season) else 0


def backtest_row(method: ForecastMethod, rate: SeriesScores, volume: SeriesScores) -> BacktestRow:
    status = rate.status if rate.status != MethodStatus.SCORED else volume.status

    def rounded(value):
        return None if value is None else round(float(value), 6)

    return BacktestRow(method=method, status=status, rate_mae=rounded(rate.mae), rate_mase=rounded(rate.mase),
                       volume_mae=rounded(volume.mae), volume_mase=rounded(volume.mase),
                       forecasts=len(rate.errors) if status == MethodStatus.SCORED else 0)


def final_forecast(method: ForecastMethod, values: np.ndarray, season: int, spec: TrendSpec, seed: int,
                   label: str, forced: bool) -> Forecast:
    """The chosen forecaster fitted on the whole series; a forced one that cannot run is the user's to change."""
    try:
        found = forecaster(method)(values, spec.horizon, season, spec.level, seed, spec.lstm, label)
    except NotAvailable as missing:
        if forced:
            raise ReportInputError(f"trends.method '{method.value}' cannot forecast this table's {label}: {missing}; "
                                   f"choose another method or remove trends.method.") from None
        raise ValueError(str(missing)) from None
    if not (np.isfinite(found.mean).all() and np.isfinite(found.low).all() and np.isfinite(found.high).all()):
        raise ValueError("the forecast is not finite")
    return found


def forecast_points(span: pd.PeriodIndex, rate: Forecast, volume: Forecast) -> list[ForecastPoint]:
    future = [span[-1] + step for step in range(1, len(rate.mean) + 1)]
    return [ForecastPoint(period=str(p.start_time.date()),
                          rate=round(float(np.clip(rate.mean[i], 0, 1)), 6),
                          rate_low=round(float(np.clip(rate.low[i], 0, 1)), 6),
                          rate_high=round(float(np.clip(rate.high[i], 0, 1)), 6),
                          rows=round(max(float(volume.mean[i]), 0.0), 2),
                          rows_low=round(max(float(volume.low[i]), 0.0), 2),
                          rows_high=round(max(float(volume.high[i]), 0.0), 2))
            for i, p in enumerate(future)]


def with_forecast(trends: Trends, span: pd.PeriodIndex, rates: pd.Series, counts: pd.Series,
                  config: DatasetConfig) -> Trends:
    """The backtest of each forecaster on both series, the chosen (or forced) forecaster's forecast, and the
    LSTM's training on the whole series when it ran."""
    spec = config.trends
    series = {"share": rates.interpolate(limit_direction="both").to_numpy(float),
              "volume": counts.to_numpy(float)}
    methods = [ForecastMethod(m) for m in spec.methods]
    origins = backtest_origins(len(span), spec.backtest)
    season = season_length(trends.frequency, len(span) - len(origins))
    scores = {label: scored_methods(methods, values, origins, spec.horizon, season, spec.level, config.seed,
                                    spec.lstm, label) if origins else {}
              for label, values in series.items()}
    forced = ForecastMethod(spec.method) if spec.method else None
    chosen = {label: forced or (chosen_method(found) if origins else methods[0]) for label, found in scores.items()}
    trends = dataclasses.replace(
        trends, season=season, origins=len(origins), forced=forced is not None,
        backtest=[backtest_row(m, scores["share"][m], scores["volume"][m]) for m in methods] if origins else [],
        rate_method=chosen["share"], volume_method=chosen["volume"])
    if None in chosen.values():
        trends.no_forecast_kind = NoForecast.NOT_FITTED
        return trends
    try:
        final = {label: final_forecast(chosen[label], values, season, spec, config.seed, label, forced is not None)
                 for label, values in series.items()}
    except (ValueError, np.linalg.LinAlgError):
        trends.no_forecast_kind = NoForecast.NOT_FITTED
        return trends
    trends.forecast = forecast_points(span, final["share"], final["volume"])
    trends.forecast_model, trends.volume_model = final["share"].model, final["volume"].model
    trends.histories = [lstm_history(label, final[label], chosen[label], values, season, spec, config.seed,
                                     scores[label][ForecastMethod.LSTM].status)
                        for label, values in series.items() if ForecastMethod.LSTM in scores[label]]
    trends.histories = [h for h in trends.histories if h is not None]
    return trends


def lstm_history(label: str, final: Forecast, method: ForecastMethod, values: np.ndarray, season: int,
                 spec: TrendSpec, seed: int, status: MethodStatus):
    """The LSTM's training on the whole series: the final forecast's, or a fit of its own when another
    forecaster was chosen (so that its training shows however the backtest went)."""
    if method == ForecastMethod.LSTM:
        return final.history
    if status != MethodStatus.SCORED:
        return None
    return forecaster(ForecastMethod.LSTM)(values, spec.horizon, season, spec.level, seed, spec.lstm,
                                           label).history


def find_trends(table: pd.DataFrame, outcome: pd.Series, config: DatasetConfig) -> Trends | None:
    """Trends of the rows in `outcome` (the kept rows) over the date column of `table` (the table as
    read); None when the config has no date column."""
    column = config.trend_column()
    if column is None or not config.trends.enabled:
        return None
    if column not in table.columns:
        raise ReportInputError(f"trends.column names '{column}', which is not a column of {config.data.name}.")
    dates = parse_dates(table.loc[outcome.index, column])
    dated = dates.notna()
    if not dated.any():
        if config.trends.column is None:
            return None
        raise ReportInputError(f"trends.column '{column}': no value reads as a date; name another column or set "
                               f"'trends.enabled: false'.")
    dates, converted = dates[dated], outcome[dated]
    frequency = chosen_frequency(dates, config)
    span, partial_first, partial_last = complete_range(dates, frequency)
    periods = periods_of(dates, frequency)
    counts = periods.value_counts().reindex(span, fill_value=0)
    conversions = converted.groupby(periods).sum().reindex(span, fill_value=0)
    rates = (conversions / counts.replace(0, np.nan)).astype(float)
    points = [TrendPoint(period=str(p.start_time.date()), rows=int(counts[p]), conversions=int(conversions[p]),
                         rate=None if np.isnan(rates[p]) else round(float(rates[p]), 6)) for p in span]
    trends = Trends(column=column, label=config.label(column), frequency=frequency, points=points,
                    level=config.trends.level, first_date=str(dates.min().date()), last_date=str(dates.max().date()),
                    min_periods=config.trends.min_periods, undated=int((~dated).sum()), partial_first=partial_first,
                    partial_last=partial_last)
    if len(span) < config.trends.min_periods or rates.notna().sum() < config.trends.min_periods:
        trends.no_forecast_kind = NoForecast.TOO_FEW_PERIODS
        return trends
    return with_forecast(trends, span, rates, counts, config)

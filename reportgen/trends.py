"""Stage 3e, trends: conversion rate and volume per period of a date column, with a short forecast.

Runs only when the config declares (or inference finds) a date column. The rows are the kept rows,
training and test together; the forecast is a statsmodels exponential-smoothing model of each
series, with its prediction interval, and is left out with a reason when the series is too short.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from reportgen.config import DatasetConfig
from reportgen.errors import ReportInputError
from reportgen.load import parse_dates
from reportgen.result import ForecastModel, ForecastPoint, NoForecast, TrendPoint, Trends

PERIOD_CODES = {"quarter": "Q", "month": "M", "week": "W", "day": "D"}
TREND_PERIODS = 12
"""From this many periods on, the forecast models a (damped) trend; below, only a level."""
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


def forecast_series(values: pd.Series, horizon: int, level: float) -> pd.DataFrame:
    """Mean and prediction interval of the next `horizon` values (columns mean, pi_lower, pi_upper)."""
    # Imported here: only a dated table needs it, and loading it costs every run a tenth of a second.
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    trend = "add" if len(values) >= TREND_PERIODS else None
    model = ETSModel(values.reset_index(drop=True).astype(float), error="add", trend=trend,
                     damped_trend=trend is not None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = model.fit(disp=False)
        frame = fitted.get_prediction(start=len(values), end=len(values) + horizon - 1).summary_frame(alpha=1 - level)
    return frame


def forecast_model(periods: int) -> ForecastModel:
    return ForecastModel.DAMPED_TREND if periods >= TREND_PERIODS else ForecastModel.SIMPLE


def forecast_points(span: pd.PeriodIndex, rates: pd.Series, counts: pd.Series, spec) -> list[ForecastPoint]:
    rate = forecast_series(rates.interpolate(limit_direction="both"), spec.horizon, spec.level)
    volume = forecast_series(counts, spec.horizon, spec.level)
    if not (np.isfinite(rate.to_numpy()).all() and np.isfinite(volume.to_numpy()).all()):
        raise ValueError("the forecast is not finite")
    future = [span[-1] + step for step in range(1, spec.horizon + 1)]
    return [ForecastPoint(period=str(p.start_time.date()),
                          rate=round(float(np.clip(r["mean"], 0, 1)), 6),
                          rate_low=round(float(np.clip(r["pi_lower"], 0, 1)), 6),
                          rate_high=round(float(np.clip(r["pi_upper"], 0, 1)), 6),
                          rows=round(max(float(v["mean"]), 0.0), 2), rows_low=round(max(float(v["pi_lower"]), 0.0), 2),
                          rows_high=round(max(float(v["pi_upper"]), 0.0), 2))
            for p, (_, r), (_, v) in zip(future, rate.iterrows(), volume.iterrows())]


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
    try:
        trends.forecast = forecast_points(span, rates, counts, config.trends)
    except (ValueError, np.linalg.LinAlgError):
        trends.no_forecast_kind = NoForecast.NOT_FITTED
        return trends
    trends.forecast_model = forecast_model(len(span))
    return trends

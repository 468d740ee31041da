"""Conversion rate and volume over time, with a forecast."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass
class TrendPoint:
    period: str
    """First day of the period (ISO date)."""
    rows: int
    conversions: int
    rate: float | None
    """None for a period without rows."""


@dataclass
class ForecastPoint:
    period: str
    rate: float
    rate_low: float
    rate_high: float
    rows: float
    rows_low: float
    rows_high: float


class ForecastModel(str, Enum):
    SIMPLE = "simple"
    """Simple exponential smoothing, ETS(A,N,N)."""
    DAMPED_TREND = "damped_trend"
    """Exponential smoothing with a damped trend, ETS(A,Ad,N)."""


class NoForecast(str, Enum):
    TOO_FEW_PERIODS = "too_few_periods"
    NOT_FITTED = "not_fitted"


@dataclass
class Trends:
    """Conversion rate and volume per period of a date column, with a forecast when the series is long enough."""

    column: str
    label: str
    frequency: str
    """day, week, month or quarter."""
    points: list[TrendPoint]
    forecast: list[ForecastPoint] = field(default_factory=list)
    method: str = ""
    """The forecasting model in words; written by the narrative from `forecast_model`."""
    level: float = 0.95
    first_date: str = ""
    last_date: str = ""
    left_out: list[str] = field(default_factory=list)
    """Why rows or periods were left out (undated rows, incomplete first or last period); written by the
    narrative from `undated`, `partial_first` and `partial_last`."""
    no_forecast: str = ""
    """Why there is no forecast, when there is none; written by the narrative from `no_forecast_kind`."""
    observations: list[str] = field(default_factory=list)
    forecast_model: ForecastModel | None = None
    no_forecast_kind: NoForecast | None = None
    min_periods: int = 0
    """Complete periods a forecast needs."""
    undated: int = 0
    """Kept rows without a readable date."""
    partial_first: str = ""
    """The first (last) period's first day (ISO), when it was left out as covered only in part."""
    partial_last: str = ""
    caption: str = ""
    """The trends figure's caption; written by the narrative."""

"""Conversion rate and volume over time, with a forecast."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from reportgen.result.training import TrainingHistory


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
    """The form of exponential smoothing fitted to a series."""

    SIMPLE = "simple"
    """Simple exponential smoothing, ETS(A,N,N)."""
    DAMPED_TREND = "damped_trend"
    """Exponential smoothing with a damped trend, ETS(A,Ad,N)."""
    SEASONAL = "seasonal"
    """Exponential smoothing with a seasonal component, ETS(A,N,A)."""
    DAMPED_SEASONAL = "damped_seasonal"
    """Exponential smoothing with a damped trend and a seasonal component, ETS(A,Ad,A)."""


class ForecastMethod(str, Enum):
    """The forecasters that compete in the backtest."""

    EXPONENTIAL_SMOOTHING = "exponential_smoothing"
    SEASONAL_NAIVE = "seasonal_naive"
    """Each period forecast by the same period one season earlier (the last value, without a season)."""
    LSTM = "lstm"
    """A small recurrent network (PyTorch) on windows of the past periods."""


class MethodStatus(str, Enum):
    SCORED = "scored"
    NOT_INSTALLED = "not_installed"
    """The LSTM needs PyTorch: `pip install 'reportgen[deep]'`."""
    TOO_SHORT = "too_short"
    """The series is too short for this method at the backtest's first origin."""
    FAILED = "failed"
    """The method could not be fitted at some origin."""


@dataclass
class BacktestRow:
    """One forecaster's errors in the rolling-origin backtest: at each of the last periods (the origins), refitted
    on the periods before it and scored on the periods it forecast."""

    method: ForecastMethod
    status: MethodStatus
    rate_mae: float | None = None
    """Mean absolute error of the share of positives (a share: 0.01 is one percentage point)."""
    rate_mase: float | None = None
    """The same, scaled by the in-sample error of the seasonal naive forecast (below 1: better than it)."""
    volume_mae: float | None = None
    """Mean absolute error of the rows per period."""
    volume_mase: float | None = None
    forecasts: int = 0
    """Forecast values each series' errors average over."""
    label: str = ""
    """The method in words; written by the narrative."""
    note: str = ""
    """Why it has no scores, when it has none; written by the narrative."""


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
    season: int = 0
    """Periods in a season (7 days, 52 weeks, 12 months, 4 quarters); 0 when the series is too short to use one."""
    origins: int = 0
    """Forecast origins of the backtest (the last periods, each forecast from those before it)."""
    backtest: list[BacktestRow] = field(default_factory=list)
    rate_method: ForecastMethod | None = None
    """The forecaster of the share of positives: the backtest's best, or the one `trends.method` forces."""
    volume_method: ForecastMethod | None = None
    forced: bool = False
    """Whether `trends.method` chose the forecaster rather than the backtest."""
    volume_model: ForecastModel | None = None
    """The exponential smoothing form of the volume's forecast, when that is its method (`forecast_model`: the
    share's)."""
    histories: list[TrainingHistory] = field(default_factory=list)
    """The LSTM's training on each series, when it ran (the final fits)."""
    choice: str = ""
    """Which forecaster was chosen for each series and why; written by the narrative."""
    backtest_text: str = ""
    """How the backtest was run; written by the narrative."""

"""The forecasters: one function per `ForecastMethod`, each fitted on the series it is given."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from reportgen.config import LstmSpec
from reportgen.forecast.lstm import lstm_forecast
from reportgen.forecast.output import Forecast, NotAvailable, z_of
from reportgen.result import ForecastMethod, ForecastModel

TREND_PERIODS = 12
"""From this many periods on, exponential smoothing models a (damped) trend; below, only a level."""


def seasonal_fits(length: int, season: int) -> bool:
    """Whether a series this long gives exponential smoothing a seasonal component to fit: two seasons and two
    periods more."""
    return season > 1 and length >= 2 * season + 2


def smoothing_model(length: int, season: int) -> ForecastModel:
    """The form of exponential smoothing a series of this length supports: a seasonal component
    (`seasonal_fits`), a damped trend from `TREND_PERIODS` periods."""
    seasonal = seasonal_fits(length, season)
    trend = length >= TREND_PERIODS
    if seasonal:
        return ForecastModel.DAMPED_SEASONAL if trend else ForecastModel.SEASONAL
    return ForecastModel.DAMPED_TREND if trend else ForecastModel.SIMPLE


def exponential_smoothing(values: np.ndarray, horizon: int, season: int, level: float, seed: int,
                          lstm: LstmSpec, label: str) -> Forecast:
    """statsmodels' ETS with additive errors, in the form `smoothing_model` allows, and its prediction interval."""
    # Imported here: only a dated table needs it, and loading it costs every run a tenth of a second.
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    form = smoothing_model(len(values), season)
    trended = form in (ForecastModel.DAMPED_TREND, ForecastModel.DAMPED_SEASONAL)
    seasonal = form in (ForecastModel.SEASONAL, ForecastModel.DAMPED_SEASONAL)
    model = ETSModel(pd.Series(values, dtype=float), error="add", trend="add" if trended else None,
                     damped_trend=trended, seasonal="add" if seasonal else None,
                     seasonal_periods=season if seasonal else None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = model.fit(disp=False)
        frame = fitted.get_prediction(start=len(values), end=len(values) + horizon - 1).summary_frame(
            alpha=1 - level)
    return Forecast(frame["mean"].to_numpy(), frame["pi_lower"].to_numpy(), frame["pi_upper"].to_numpy(), model=form)


def seasonal_naive(values: np.ndarray, horizon: int, season: int, level: float, seed: int,
                   lstm: LstmSpec, label: str) -> Forecast:
    """Each period as the same period one season earlier (as the last period, without a season), with the
    interval of the seasonal differences' spread, widening with each season ahead."""
    lag = season if season > 1 else 1
    if len(values) < lag + 2:
        raise NotAvailable(f"needs {lag + 2} periods")
    steps = np.arange(horizon)
    mean = values[len(values) - lag + steps % lag]
    spread = float(np.std(values[lag:] - values[:-lag], ddof=1))
    width = z_of(level) * spread * np.sqrt(steps // lag + 1)
    return Forecast(mean.astype(float), mean - width, mean + width)


FORECASTERS = {ForecastMethod.EXPONENTIAL_SMOOTHING: exponential_smoothing,
               ForecastMethod.SEASONAL_NAIVE: seasonal_naive,
               ForecastMethod.LSTM: lstm_forecast}


def forecaster(method: ForecastMethod):
    return FORECASTERS[method]

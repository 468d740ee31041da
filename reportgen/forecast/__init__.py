"""Forecasts of one series per period (the share of positives, the volume), by forecasters that compete in a
rolling-origin backtest: exponential smoothing, a seasonal naive benchmark and a small LSTM.

Each forecaster is a function of the series before an origin, the horizon, the season length, the interval's
level and the seed, returning a `Forecast`; `backtest` scores them and `chosen_method` picks one.
"""

from reportgen.forecast.backtest import SeriesScores, backtest_origins, chosen_method, scored_methods
from reportgen.forecast.forecasters import forecaster, seasonal_fits
from reportgen.forecast.output import Forecast, NotAvailable

__all__ = ["Forecast", "NotAvailable", "SeriesScores", "backtest_origins", "chosen_method", "forecaster",
           "scored_methods", "seasonal_fits"]

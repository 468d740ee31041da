"""The rolling-origin backtest: each of the last periods is an origin; every forecaster is refitted on the
periods before it and forecasts the periods from it (up to the horizon, within the data). Its errors over all
origins give its mean absolute error and the same scaled by the in-sample error of the seasonal naive
forecast before the first origin (MASE: below 1, better than repeating last season)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from reportgen.config import LstmSpec
from reportgen.forecast.forecasters import NotAvailable, forecaster
from reportgen.result import ForecastMethod, MethodStatus

MIN_TRAINING = 4
"""Periods before the first origin, at the least."""


def backtest_origins(length: int, wanted: int) -> list[int]:
    """The origins (positions of the first forecast period), the last `wanted` periods that leave
    `MIN_TRAINING` before them."""
    first = max(MIN_TRAINING, length - wanted)
    return list(range(first, length))


def naive_scale(values: np.ndarray, season: int) -> float | None:
    """Mean absolute error of the seasonal naive forecast inside `values` (the naive one without a season)."""
    lag = season if season > 1 else 1
    if len(values) <= lag:
        return None
    scale = float(np.mean(np.abs(values[lag:] - values[:-lag])))
    return scale if scale > 0 else None


@dataclass
class SeriesScores:
    """One forecaster's backtest on one series."""

    status: MethodStatus
    mae: float | None = None
    mase: float | None = None
    errors: list[float] = field(default_factory=list)
    """Each forecast's absolute error, origin by origin, step by step."""


def scores_of(method: ForecastMethod, values: np.ndarray, origins: list[int], horizon: int, season: int,
              level: float, seed: int, lstm: LstmSpec, label: str) -> SeriesScores:
    forecast = forecaster(method)
    errors = []
    for origin in origins:
        steps = min(horizon, len(values) - origin)
        try:
            found = forecast(values[:origin], steps, season, level, seed, lstm, label)
        except NotAvailable as missing:
            return SeriesScores(MethodStatus.TOO_SHORT if missing.installed else MethodStatus.NOT_INSTALLED)
        except (ValueError, np.linalg.LinAlgError):
            return SeriesScores(MethodStatus.FAILED)
        if not np.isfinite(found.mean).all():
            return SeriesScores(MethodStatus.FAILED)
        errors.extend(np.abs(found.mean - values[origin:origin + steps]).tolist())
    mae = float(np.mean(errors))
    scale = naive_scale(values[:origins[0]], season)
    return SeriesScores(MethodStatus.SCORED, mae, None if scale is None else mae / scale, errors)


def scored_methods(methods: list[ForecastMethod], values: np.ndarray, origins: list[int], horizon: int,
                   season: int, level: float, seed: int, lstm: LstmSpec, label: str) -> dict[ForecastMethod,
                                                                                               SeriesScores]:
    return {method: scores_of(method, values, origins, horizon, season, level, seed, lstm, label)
            for method in methods}


def chosen_method(scores: dict[ForecastMethod, SeriesScores]) -> ForecastMethod | None:
    """The scored forecaster with the lowest mean absolute error (the scale is the same for all on one series);
    a tie goes to the one listed first."""
    scored = [(round(s.mae, 10), position, method) for position, (method, s) in enumerate(scores.items())
              if s.status == MethodStatus.SCORED]
    return min(scored)[2] if scored else None

"""What a forecaster returns (`Forecast`) or raises when it cannot forecast a series (`NotAvailable`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from reportgen.result import ForecastModel, TrainingHistory


class NotAvailable(Exception):
    """A forecaster that cannot forecast this series: too short for it, or its library is missing."""

    def __init__(self, reason: str, installed: bool = True):
        super().__init__(reason)
        self.installed = installed


@dataclass
class Forecast:
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    model: ForecastModel | None = None
    """Exponential smoothing's form, for that method."""
    history: TrainingHistory | None = None
    """The LSTM's training, for that method."""


def z_of(level: float) -> float:
    return float(norm.ppf((1 + level) / 2))

"""Calibrated probabilities and the targeting table: whom to contact, how many, what to expect.

Probabilities are calibrated with an isotonic map fitted on the recommended model's out-of-fold
training scores, then applied to the test rows; the table is read off the test rows. Whether it
adds up those probabilities or the model's own is decided on the training rows (`reportgen.calibration`).
"""

from __future__ import annotations

import math

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss

from reportgen.config import DatasetConfig
from reportgen.result import Calibration, Curve, Outreach, Recommendation, RuleKind, TargetingRow

FRACTIONS = [0.05, 0.10, 0.20, 0.30, 0.50]
CALIBRATION_BINS = 10


def fit_calibrator(oof_scores: np.ndarray, y_train: np.ndarray) -> IsotonicRegression:
    return IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(oof_scores, y_train)


def reliability(y: np.ndarray, probabilities: np.ndarray) -> Curve:
    observed, predicted = calibration_curve(y, probabilities, n_bins=CALIBRATION_BINS, strategy="quantile")
    return Curve(x=[round(float(v), 5) for v in predicted], y=[round(float(v), 5) for v in observed])


def calibration_summary(model: str, y_test: np.ndarray, raw: np.ndarray, calibrated: np.ndarray,
                        raw_is_probability: bool) -> Calibration:
    return Calibration(
        model=model,
        method="isotonic regression on out-of-fold training scores",
        brier_raw=round(float(brier_score_loss(y_test, raw)), 6) if raw_is_probability else None,
        brier_calibrated=round(float(brier_score_loss(y_test, calibrated)), 6),
        curve_raw=reliability(y_test, raw) if raw_is_probability else None,
        curve_calibrated=reliability(y_test, calibrated),
    )


def ranked(scores: np.ndarray) -> np.ndarray:
    """Row order from the highest score; ties keep file order so runs are reproducible."""
    return np.argsort(-np.asarray(scores), kind="mergesort")


def top_count(fraction: float, rows: int) -> int:
    """How many of `rows` the top `fraction` holds: rounded up, at least one."""
    return max(1, math.ceil(fraction * rows))


def with_profit(outreach: Outreach, config: DatasetConfig) -> Outreach:
    """Observed and expected profit (value × conversions − cost × contacts) when money is given."""
    if config.value.given:
        value, cost = config.value.value_per_conversion, config.value.cost_per_contact
        outreach.profit = round(value * outreach.conversions - cost * outreach.contacted, 2)
        outreach.expected_profit = round(value * outreach.expected_conversions - cost * outreach.contacted, 2)
    return outreach


def targeting_table(y: np.ndarray, scores: np.ndarray, calibrated: np.ndarray, config: DatasetConfig,
                    recommended: int = 0) -> list[TargetingRow]:
    """A row per share of `FRACTIONS` of the test rows scored highest. With `recommended`, how many rows the
    recommendation acts on (the top ones: its rule keeps every row above a cut on the score or on a probability
    that rises with it), that row is in the table too, in order of size and marked; a share of that size is
    marked instead."""
    order = ranked(scores)
    y, calibrated = np.asarray(y)[order], np.asarray(calibrated)[order]
    base_rate = float(y.mean())
    positives = int(y.sum())
    sizes = [(fraction, top_count(fraction, len(y))) for fraction in FRACTIONS]
    if recommended and all(contacted != recommended for _, contacted in sizes):
        sizes = sorted([*sizes, (round(recommended / len(y), 6), recommended)], key=lambda size: size[1])
    rows = []
    for fraction, contacted in sizes:
        observed = int(y[:contacted].sum())
        precision = observed / contacted
        row = TargetingRow(
            top_fraction=fraction,
            contacted=contacted,
            expected_conversions=round(float(calibrated[:contacted].sum()), 2),
            conversions=observed,
            precision=round(precision, 6),
            lift=round(precision / base_rate, 4) if base_rate else 0.0,
            share_of_conversions=round(observed / positives, 6) if positives else 0.0,
            recommended=contacted == recommended,
        )
        rows.append(with_profit(row, config))
    return rows


def gains_curve(y: np.ndarray, scores: np.ndarray) -> Curve:
    """Share of all conversions reached against the share of rows contacted, best scores first."""
    y = np.asarray(y)[ranked(scores)]
    reached = np.concatenate([[0.0], np.cumsum(y) / max(y.sum(), 1)])
    contacted = np.linspace(0, 1, len(reached))
    return Curve.thinned(contacted, reached, max_points=101, digits=4)


def recommendation(y: np.ndarray, scores: np.ndarray, calibrated: np.ndarray, threshold: float,
                   config: DatasetConfig, probabilities_calibrated: bool = True) -> Recommendation:
    """How many to contact: where money is given, everyone whose probability (`calibrated`: calibrated,
    or the model's own when `probabilities_calibrated` is False) pays for the contact (p × value > cost);
    otherwise the rows the tuned threshold flags."""
    y, scores, calibrated = np.asarray(y), np.asarray(scores), np.asarray(calibrated)
    if config.value.given:
        kind, cut = RuleKind.PROFIT, config.value.cost_per_contact / config.value.value_per_conversion
        chosen = calibrated > cut
    else:
        kind, cut = RuleKind.THRESHOLD, threshold
        chosen = scores >= threshold
    contacted = int(chosen.sum())
    observed = int(y[chosen].sum())
    expected = float(calibrated[chosen].sum())
    found = Recommendation(
        rule="",
        kind=kind,
        cut=cut,
        calibrated=probabilities_calibrated,
        contacted=contacted,
        fraction=round(contacted / len(y), 6),
        expected_conversions=round(expected, 2),
        conversions=observed,
        precision=round(observed / contacted, 6) if contacted else 0.0,
        share_of_conversions=round(observed / int(y.sum()), 6) if y.sum() else 0.0,
    )
    return with_profit(found, config)

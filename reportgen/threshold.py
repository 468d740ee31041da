"""Decision thresholds chosen on out-of-fold training scores, never on the test rows.

A row is flagged when its score is at or above the threshold. The estimators' own cut (flag
above 0.5 probability, or above a zero margin) is expressed as the next number above it.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve

from reportgen.config import DatasetConfig
from reportgen.result import Curve, ThresholdKind, ThresholdResult


def above(cut: float) -> float:
    """The smallest threshold that flags exactly the scores strictly above `cut`."""
    return float(np.nextafter(cut, np.inf))


def objective_curve(y: np.ndarray, scores: np.ndarray, metric: str, value: float | None, cost: float | None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """The objective (F1, or profit per row) at every distinct threshold of the scores."""
    precision, recall, thresholds = precision_recall_curve(y, scores)
    precision, recall = precision[:-1], recall[:-1]
    if metric == "profit":
        positives = float(np.sum(y))
        true_positives = recall * positives
        flagged = np.divide(true_positives, precision, out=np.zeros_like(true_positives), where=precision > 0)
        objective = (value * true_positives - cost * flagged) / len(y)
    else:
        total = precision + recall
        objective = np.divide(2 * precision * recall, total, out=np.zeros_like(total), where=total > 0)
    return thresholds, objective


def choose_threshold(y: np.ndarray, oof_scores: np.ndarray, default_cut: float, config: DatasetConfig,
                     model: str) -> ThresholdResult:
    spec = config.threshold
    thresholds, objective = objective_curve(np.asarray(y), np.asarray(oof_scores), spec.metric,
                                            config.value.value_per_conversion, config.value.cost_per_contact)
    curve = Curve.thinned(thresholds, objective, digits=6)
    if spec.method == "fixed":
        value = spec.value if spec.value is not None else above(default_cut)
        kind = ThresholdKind.FIXED if spec.value is not None else ThresholdKind.ESTIMATOR_CUT
    else:
        value = float(thresholds[int(np.argmax(objective))])
        kind = ThresholdKind.TUNED
    return ThresholdResult(model=model, value=value, metric=spec.metric, method="", curve=curve, kind=kind,
                           default_cut=default_cut, folds=config.search.cv)


def flags(scores: np.ndarray, threshold: float) -> np.ndarray:
    return (np.asarray(scores) >= threshold).astype(int)

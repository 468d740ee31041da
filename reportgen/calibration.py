"""Whether the targeting uses calibrated probabilities or the model's own, decided without the test rows.

The isotonic map is fitted on the recommended model's out-of-fold training scores. To judge it on
rows it was not fitted on, the same scores are calibrated by cross-validation (each fold mapped by
an isotonic fit on the other folds) and their Brier score is compared with the raw scores'. A map
that does not lower it is not used. Scores that are not probabilities (a support vector machine's
margin) always need the map. The test rows only report both Brier scores, for information.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import brier_score_loss
from sklearn.model_selection import StratifiedKFold

from reportgen.targeting import fit_calibrator


@dataclass
class CalibrationChoice:
    calibrator: IsotonicRegression
    """Fitted on all the out-of-fold training scores."""
    used: bool
    brier_raw: float | None
    """Brier score of the out-of-fold scores; None when they are not probabilities."""
    brier_calibrated: float
    """Brier score of the out-of-fold scores calibrated by cross-validation."""
    folds: int

    def probabilities(self, scores: np.ndarray) -> np.ndarray:
        """The probabilities the targeting adds up: calibrated when the map is used, else the model's own."""
        return self.calibrator.predict(scores) if self.used else np.asarray(scores, dtype=float)

    def facts(self) -> dict:
        """The choice as fields of `result.Calibration`."""
        return {"used": self.used, "brier_oof_raw": self.brier_raw, "brier_oof_calibrated": self.brier_calibrated,
                "folds": self.folds}


def cross_calibrated(scores: np.ndarray, labels: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """Each score mapped by an isotonic fit on the other folds' scores and labels."""
    calibrated = np.empty(len(scores), dtype=float)
    for fit, held_out in StratifiedKFold(folds, shuffle=True, random_state=seed).split(scores, labels):
        calibrated[held_out] = fit_calibrator(scores[fit], labels[fit]).predict(scores[held_out])
    return calibrated


def choose_calibration(oof_scores: np.ndarray, oof_labels: np.ndarray, raw_is_probability: bool, folds: int,
                       seed: int) -> CalibrationChoice:
    """The isotonic map, and whether it beats the raw scores on the training rows (lower Brier score)."""
    scores, labels = np.asarray(oof_scores, dtype=float), np.asarray(oof_labels)
    folds = max(2, min(folds, int(labels.sum()), int(len(labels) - labels.sum())))
    calibrated = round(float(brier_score_loss(labels, cross_calibrated(scores, labels, folds, seed))), 6)
    raw = round(float(brier_score_loss(labels, scores)), 6) if raw_is_probability else None
    return CalibrationChoice(calibrator=fit_calibrator(scores, labels), used=raw is None or calibrated < raw,
                             brier_raw=raw, brier_calibrated=calibrated, folds=folds)

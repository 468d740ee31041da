"""The test rows that copy a training row, and the models' test figures read again without them.

A test row whose features equal a training row's tests memory as much as prediction: a model that
has seen its twin (k-nearest neighbours, deep trees) scores it from memory. Each model's test scores
are read a second time on the test rows without a twin; nothing is refitted, resampled or tuned.
"""

from __future__ import annotations

import numpy as np

from reportgen.clean import TWIN_SHARE_WARNING
from reportgen.evaluate import metrics_for
from reportgen.result import Twins, WithoutTwins
from reportgen.targeting import FRACTIONS, ranked, top_count
from reportgen.threshold import flags


def top_precision(y: np.ndarray, scores: np.ndarray, fraction: float) -> float:
    """Share of positives among the `fraction` of rows scored highest, counted as the targeting table counts."""
    ordered = np.asarray(y)[ranked(scores)]
    return float(ordered[:top_count(fraction, len(ordered))].mean())


def without_twins(model: str, y: np.ndarray, scores: np.ndarray, threshold: float, twins: np.ndarray,
                  fraction: float) -> WithoutTwins:
    """One model's test figures on the rows where `twins` is False, beside its top-fraction precision on all."""
    y, scores = np.asarray(y), np.asarray(scores)
    kept_y, kept_scores = y[~twins], scores[~twins]
    return WithoutTwins(model=model, test=metrics_for(kept_y, kept_scores, flags(kept_scores, threshold)),
                        top_precision=round(top_precision(kept_y, kept_scores, fraction), 6),
                        top_precision_all=round(top_precision(y, scores, fraction), 6))


def twins_reading(twins: np.ndarray, y_test, models: list[tuple[str, np.ndarray, float]]) -> Twins:
    """How many test rows have a twin in training, and each model (name, test scores, threshold) read
    without them: only when some have one and the others hold both classes."""
    twins, y = np.asarray(twins, dtype=bool), np.asarray(y_test)
    positives = int(y[~twins].sum())
    readable = twins.any() and 0 < positives < int((~twins).sum())
    fraction = FRACTIONS[0]
    return Twins(
        test_rows=len(y),
        with_twin=int(twins.sum()),
        share=round(float(twins.mean()), 6) if len(y) else 0.0,
        positives_without=positives,
        caveat_from=TWIN_SHARE_WARNING,
        top_fraction=fraction,
        models=[without_twins(name, y, scores, threshold, twins, fraction) for name, scores, threshold in models]
        if readable else [],
    )

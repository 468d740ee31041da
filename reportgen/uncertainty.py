"""95% bootstrap intervals for test-set metrics.

Every resample of the test rows is expressed as a vector of multiplicities (how many times each
row is drawn), so all resamples are scored at once with weighted counts over one sorting of the
scores; looping over scikit-learn's metric functions a thousand times per model would cost
seconds. `tests/test_uncertainty.py` checks each weighted formula against scikit-learn with
`sample_weight`.
"""

from __future__ import annotations

import numpy as np

RESAMPLES = 1000
LEVEL = 0.95


def resample_weights(n_rows: int, resamples: int, seed: int) -> np.ndarray:
    """(resamples, n_rows) multiplicities of a stratified-free ordinary bootstrap."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_rows, np.full(n_rows, 1.0 / n_rows), size=resamples).astype(float)


def threshold_metrics(y: np.ndarray, predicted: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    positive, flagged = y == 1, predicted == 1
    tp = weights @ (positive & flagged)
    fp = weights @ (~positive & flagged)
    fn = weights @ (positive & ~flagged)
    total = weights.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(tp + fp > 0, tp / (tp + fp), 0.0)
        recall = np.where(tp + fn > 0, tp / (tp + fn), 0.0)
        f1 = np.where(2 * tp + fp + fn > 0, 2 * tp / (2 * tp + fp + fn), 0.0)
    accuracy = (total - fp - fn) / total
    return {"accuracy": accuracy, "precision": precision, "recall": recall, "f1": f1}


def ranking_metrics(y: np.ndarray, scores: np.ndarray, weights: np.ndarray) -> dict[str, np.ndarray]:
    """Weighted ROC AUC and average precision for every row of `weights`, ties handled as
    scikit-learn does (tied scores form one threshold)."""
    order = np.argsort(-scores, kind="mergesort")
    s, positive = scores[order], (y[order] == 1).astype(float)
    w = weights[:, order]
    pos_w, neg_w = w * positive, w * (1 - positive)
    # Group tied scores: cumulative counts are taken at the last row of each tie group.
    last_of_group = np.r_[s[1:] != s[:-1], True]
    cum_pos = np.cumsum(pos_w, axis=1)[:, last_of_group]
    cum_neg = np.cumsum(neg_w, axis=1)[:, last_of_group]
    total_pos, total_neg = cum_pos[:, -1:], cum_neg[:, -1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        tpr = np.where(total_pos > 0, cum_pos / total_pos, 0.0)
        fpr = np.where(total_neg > 0, cum_neg / total_neg, 0.0)
        tpr = np.hstack([np.zeros((len(w), 1)), tpr])
        fpr = np.hstack([np.zeros((len(w), 1)), fpr])
        roc_auc = np.sum(np.diff(fpr, axis=1) * (tpr[:, 1:] + tpr[:, :-1]) / 2, axis=1)
        precision = np.where(cum_pos + cum_neg > 0, cum_pos / (cum_pos + cum_neg), 0.0)
        recall_step = np.diff(np.hstack([np.zeros((len(w), 1)), cum_pos]), axis=1)
        average_precision = np.where(total_pos[:, 0] > 0,
                                     np.sum(recall_step * precision, axis=1) / total_pos[:, 0], 0.0)
    return {"roc_auc": roc_auc, "pr_auc": average_precision}


def intervals(
    y: np.ndarray, scores: np.ndarray, predicted: np.ndarray, seed: int, resamples: int = RESAMPLES
) -> dict[str, list[float]]:
    """{metric: [low, high]} percentile intervals over bootstrap resamples of the test rows."""
    y, scores, predicted = np.asarray(y), np.asarray(scores, dtype=float), np.asarray(predicted)
    weights = resample_weights(len(y), resamples, seed)
    values = {**threshold_metrics(y, predicted, weights), **ranking_metrics(y, scores, weights)}
    tail = (1 - LEVEL) / 2 * 100
    return {name: [round(float(np.percentile(v, tail)), 4), round(float(np.percentile(v, 100 - tail)), 4)]
            for name, v in values.items()}

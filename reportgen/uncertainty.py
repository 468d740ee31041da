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


BATCH_CELLS = 4_000_000
"""Resamples are scored in batches of at most this many (resample, row) cells, so that memory
stays near 100 MB however many test rows there are."""


def resample_weights(n_rows: int, resamples: int, seed: int | np.random.Generator) -> np.ndarray:
    """(resamples, n_rows) multiplicities of an ordinary bootstrap: each resample draws n_rows
    rows with replacement, and a row's weight is how often it was drawn."""
    drawn = np.random.default_rng(seed).integers(0, n_rows, size=(resamples, n_rows))
    offsets = np.arange(resamples)[:, None] * n_rows
    return np.bincount((drawn + offsets).ravel(), minlength=resamples * n_rows).reshape(resamples, n_rows).astype(float)


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
    scikit-learn does (tied scores form one threshold).

    Rows are sorted once by score, from the highest. Both metrics are sums over the positive
    rows: AP of each positive's weight times the precision at its group of tied scores, ROC AUC of
    its weight times the negatives it outranks (half of those tied with it). So only one
    cumulative sum runs over all rows; the rest works on the positives' columns."""
    order = np.argsort(-scores, kind="mergesort")
    s, positive = scores[order], y[order] == 1
    new_group = np.r_[False, s[1:] != s[:-1]]
    ends = np.flatnonzero(np.r_[new_group[1:], True])
    w = weights[:, order]
    w_pos = w[:, positive]
    if w_pos.shape[1] == 0:
        zeros = np.zeros(len(w))
        return {"roc_auc": zeros, "pr_auc": zeros}
    cum_all = np.cumsum(w, axis=1, out=w)
    group = np.cumsum(new_group)[positive]
    first = np.searchsorted(group, group, side="left")
    last = np.searchsorted(group, group, side="right") - 1
    cum_pos_rows = np.cumsum(w_pos, axis=1)
    cum_pos_end = cum_pos_rows[:, last]
    cum_pos_before = np.where(first > 0, cum_pos_rows[:, first - 1], 0.0)
    cum_all_end = cum_all[:, ends[group]]
    cum_all_before = np.where(group > 0, cum_all[:, ends[np.maximum(group - 1, 0)]], 0.0)
    cum_neg_end = cum_all_end - cum_pos_end
    tied_neg = cum_neg_end - (cum_all_before - cum_pos_before)
    total_pos = cum_pos_rows[:, -1]
    total_neg = cum_all[:, -1] - total_pos
    outranked = (total_neg[:, None] - cum_neg_end) + tied_neg / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        roc_auc = np.where((total_pos > 0) & (total_neg > 0),
                           np.sum(w_pos * outranked, axis=1) / (total_pos * total_neg), 0.0)
        precision = np.divide(cum_pos_end, cum_all_end, out=np.zeros_like(cum_pos_end), where=cum_all_end > 0)
        average_precision = np.where(total_pos > 0, np.sum(w_pos * precision, axis=1) / total_pos, 0.0)
    return {"roc_auc": roc_auc, "pr_auc": average_precision}


def intervals(
    y: np.ndarray, scores: np.ndarray, predicted: np.ndarray, seed: int, resamples: int = RESAMPLES
) -> dict[str, list[float]]:
    """{metric: [low, high]} percentile intervals over bootstrap resamples of the test rows."""
    y, scores, predicted = np.asarray(y), np.asarray(scores, dtype=float), np.asarray(predicted)
    rng = np.random.default_rng(seed)
    batch = max(1, BATCH_CELLS // max(len(y), 1))
    parts: dict[str, list[np.ndarray]] = {}
    for start in range(0, resamples, batch):
        weights = resample_weights(len(y), min(batch, resamples - start), rng)
        for name, found in {**threshold_metrics(y, predicted, weights), **ranking_metrics(y, scores, weights)}.items():
            parts.setdefault(name, []).append(found)
    values = {name: np.concatenate(found) for name, found in parts.items()}
    tail = (1 - LEVEL) / 2 * 100
    return {name: [round(float(np.percentile(v, tail)), 4), round(float(np.percentile(v, 100 - tail)), 4)]
            for name, v in values.items()}


IMPORTANCE_RESAMPLES = 200
"""Resamples behind each driver's interval: every shuffled copy is scored on each of them, and 200
keep the interval's cost near a fifth of a second on the bundled test rows."""


def importance_intervals(y: np.ndarray, scores: list[np.ndarray], repeats: int, seed: int,
                         resamples: int = IMPORTANCE_RESAMPLES) -> np.ndarray:
    """(columns, 2) 95% percentile intervals of permutation importances over bootstrap resamples of
    the test rows. `scores` holds the unshuffled rows' scores, then each column's `repeats` shuffled
    copies' in turn (as `evaluate.permutation_drops` makes them); in each resample a column's
    importance is the drop in average precision, averaged over its copies.

    The spread of the repeats alone reflects only the shuffles: it narrows to nothing as repeats are
    added, however few test rows there are. Resampling the rows adds the uncertainty of measuring on
    this test set."""
    y = np.asarray(y)
    weights = resample_weights(len(y), resamples, np.random.default_rng(seed))
    precision = np.array([ranking_metrics(y, np.asarray(s, dtype=float), weights)["pr_auc"] for s in scores])
    drops = precision[0] - precision[1:].reshape(-1, repeats, resamples).mean(axis=1)
    tail = (1 - LEVEL) / 2 * 100
    return np.percentile(drops, [tail, 100 - tail], axis=1).T

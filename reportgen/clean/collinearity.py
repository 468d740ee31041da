"""Multicollinearity: each numeric feature's variance inflation factor (VIF), the features dropped until none
exceeds the threshold, and the correlation matrix."""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.outliers_influence import variance_inflation_factor

from reportgen.result import VifRow

VIF_EXACT = 1e6
"""The VIF shown for a column that other columns reproduce exactly: its true VIF is infinite, and inverting a
singular matrix gives arbitrary (even negative) numbers in its place."""


def vif_table(frame: pd.DataFrame, add_constant: bool) -> dict[str, float]:
    """VIF of each column; with `add_constant` the textbook (centred) one, else the uncentred
    VIF of a regression through the origin. Both are unchanged when a column is rescaled, so each
    is divided by its root mean square first: counts in the millions beside shares below one would
    otherwise make the design matrix needlessly ill-conditioned."""
    matrix = frame.dropna().to_numpy(dtype=float)
    scale = np.sqrt((matrix ** 2).mean(axis=0)) if len(matrix) else np.ones(matrix.shape[1])
    matrix = matrix / np.where(scale > 0, scale, 1.0)
    if add_constant:
        matrix = np.column_stack([np.ones(len(matrix)), matrix])
    offset = 1 if add_constant else 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        try:
            values = vif_from_gram(matrix, offset)
        except np.linalg.LinAlgError:
            values = [variance_inflation_factor(matrix, i + offset, standardize=False) for i in range(frame.shape[1])]
    return {c: float(v) if np.isfinite(v) and 0 < v < VIF_EXACT else VIF_EXACT for c, v in zip(frame.columns, values)}


def vif_from_gram(matrix: np.ndarray, offset: int) -> np.ndarray:
    """Every column's VIF from one inverse of the Gram matrix instead of one regression per column:
    a column's residual sum of squares on the others is 1 / (X'X)^-1_jj, so 1 / (1 - R^2) is
    X'X_jj (X'X)^-1_jj, centred when a constant leads the matrix. With as many columns as rows
    every column is explained exactly (infinite VIF). Hundreds of columns then take
    milliseconds rather than minutes."""
    columns = matrix[:, offset:]
    if offset:
        columns = columns - columns.mean(axis=0)
    if columns.shape[1] >= len(columns) - offset:
        return np.full(columns.shape[1], np.inf)
    gram = columns.T @ columns
    return np.diag(gram) * np.diag(np.linalg.inv(gram))


def drop_collinear(frame: pd.DataFrame, threshold: float, add_constant: bool) -> tuple[list[VifRow], list[str]]:
    """Drop the feature with the highest VIF above the threshold, recompute, repeat.

    Returns each feature's VIF as first computed (the table readers expect) and the
    features dropped, in order.
    """
    first = vif_table(frame, add_constant) if frame.shape[1] > 1 else {c: 1.0 for c in frame.columns}
    kept = list(frame.columns)
    dropped: list[str] = []
    current = first
    while len(kept) > 1:
        current = vif_table(frame[kept], add_constant)
        worst = max(reversed(kept), key=current.get)  # of equals, the later column: often derived from the others
        if current[worst] <= threshold:
            break
        dropped.append(worst)
        kept.remove(worst)
    final = current if len(kept) > 1 else {c: 1.0 for c in kept}
    rows = [VifRow(feature=c, vif=round(first[c], 4), dropped=c in dropped,
                   vif_kept=None if c in dropped else round(float(final[c]), 4)) for c in frame.columns]
    return rows, dropped


def correlation_matrix(frame: pd.DataFrame) -> dict[str, dict[str, float]]:
    corr = frame.corr(numeric_only=True).fillna(0.0).round(4)
    return {c: {r: float(corr.loc[r, c]) for r in corr.index} for c in corr.columns}

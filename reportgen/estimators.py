"""Estimators of our own, declared beside scikit-learn's in the registry: statsmodels' Logit on the design
columns it can separate, as a scikit-learn classifier, and the copy of a fitted model a saved file can hold."""

from __future__ import annotations

import copy
import warnings

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from statsmodels.discrete.discrete_model import Logit
from statsmodels.tools.sm_exceptions import PerfectSeparationError
from statsmodels.tools.tools import add_constant

REDUNDANT_RESIDUAL = 1e-3
"""A design column whose residual on the columns kept before it is below this share of its own
centred norm (R² above 0.999999, VIF above 10⁶) repeats them: it is left out of the fit. This also
catches a column rounded from a multiple of another (charges = round(minutes × rate, 2))."""
FIT_ERRORS = (np.linalg.LinAlgError, PerfectSeparationError, ValueError, OverflowError, FloatingPointError)


def column_spreads(design: np.ndarray, factor: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's centred norm, or its plain norm where it is constant (the intercept), and
    which columns are constant. The norms come from the QR factor R, as |x - mean|² = |x|² - n mean²."""
    constant = np.ptp(design, axis=0) == 0
    norms = np.linalg.norm(factor, axis=0)
    centred = np.sqrt(np.maximum(norms**2 - len(design) * design.mean(axis=0) ** 2, 0))
    return np.where(constant, norms, centred), constant


def independent_columns(design: np.ndarray, intercept: bool) -> tuple[np.ndarray, np.ndarray]:
    """Which design columns the logit can separate, and what each of the others repeats.

    Greedy in column order: a column is kept when its residual on the columns kept before it is at
    least REDUNDANT_RESIDUAL of its centred norm; a constant column other than the intercept is never
    kept. One Householder QR (design = QR, Q with orthonormal columns) carries every residual and
    regression over to the p × p factor R, so the Gram-Schmidt steps run on R: O(n p²) in all,
    instead of one least-squares fit on n rows per column.

    Returns the kept mask and `parts`, where `parts[j, k]` is kept column k's share in left-out
    column j (|coefficient| × spread of k / spread of j, spreads as in `column_spreads`); zero rows
    for kept columns and for a constant the kept columns do not make up (no intercept)."""
    columns = design.shape[1]
    factor = np.linalg.qr(design, mode="r")
    spreads, constant = column_spreads(design, factor)
    kept = np.zeros(columns, dtype=bool)
    repeats = np.zeros(columns, dtype=bool)
    basis = np.zeros((factor.shape[0], 0))
    for j in range(columns):
        residual = factor[:, j]
        for _ in range(2):
            residual = residual - basis @ (basis.T @ residual)
        size = np.linalg.norm(residual)
        repeats[j] = size <= REDUNDANT_RESIDUAL * spreads[j]
        if intercept and j == 0:
            kept[j] = size > 0
        else:
            kept[j] = not constant[j] and not repeats[j]
        if kept[j]:
            basis = np.column_stack([basis, residual / size])
    parts = np.zeros((columns, columns))
    for j in np.flatnonzero(~kept & repeats):
        before = np.flatnonzero(kept[:j])
        if before.size and spreads[j] > 0:
            weights = np.linalg.lstsq(factor[:, before], factor[:, j], rcond=None)[0]
            parts[j, before] = np.abs(weights) * spreads[before] / spreads[j]
    return kept, parts


class StatsmodelsLogit(ClassifierMixin, BaseEstimator):
    """statsmodels' Logit on the design columns it can separate.

    Fitted attributes: `kept_` (which design columns, intercept first, entered the fit), `parts_`
    (see `independent_columns`), `coef_` (full length, 0 for left-out columns), `result_`
    (statsmodels' result, None when the fit failed) and `failed_` (statsmodels' error when it
    could not fit at all, else ''). A failed fit predicts the training share of positives for every
    row, so cross-validation carries on.

    `maxiter` is statsmodels' own default for Newton's method. Converging fits take 5 to 10 steps; where a
    column separates the outcome (audiobooks' completion, caravan's coded columns) the coefficients drift
    without converging, and 200 steps instead of 35 tripled the family's time for the same cross-validated
    and test PR AUC to four decimals. The report reads such a fit as not converged either way."""

    def __init__(self, fit_intercept: bool = True, maxiter: int = 35):
        self.fit_intercept = fit_intercept
        self.maxiter = maxiter

    def _design(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return add_constant(x, has_constant="add") if self.fit_intercept else x

    def fit(self, x, y):
        y = np.asarray(y, dtype=float)
        design = self._design(x)
        self.kept_, self.parts_ = independent_columns(design, self.fit_intercept)
        self.coef_ = np.zeros(design.shape[1])
        self.failed_ = ""
        exog = design if self.kept_.all() else design[:, self.kept_]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                self.result_ = statsmodels_fit(y, exog, self.maxiter)
                self.coef_[self.kept_] = np.asarray(self.result_.params, dtype=float)
            except FIT_ERRORS as error:
                self.result_ = None
                self.failed_ = first_line(error)
        if not np.all(np.isfinite(self.coef_)):
            self.result_, self.failed_ = None, "the estimated coefficients are not finite"
        if self.failed_:
            self.coef_ = prior_coefficients(y, design.shape[1], self.fit_intercept)
        self.fit_warnings_ = sorted({first_line(w.message) for w in caught})
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = np.asarray(x).shape[1]
        self.n_samples_fit_ = len(y)
        return self

    def predict_proba(self, x) -> np.ndarray:
        positive = expit(self._design(x) @ self.coef_)
        return np.column_stack([1 - positive, positive])

    def predict(self, x) -> np.ndarray:
        return (self.predict_proba(x)[:, 1] > 0.5).astype(int)


def statsmodels_fit(y: np.ndarray, exog: np.ndarray, maxiter: int):
    """Newton's method, or BFGS where Newton's Hessian cannot be inverted."""
    try:
        return Logit(y, exog).fit(disp=0, maxiter=maxiter)
    except np.linalg.LinAlgError:
        return Logit(y, exog).fit(disp=0, method="bfgs", maxiter=maxiter)


def first_line(message) -> str:
    return (str(message).strip().splitlines() or [type(message).__name__])[0]


def prior_coefficients(y: np.ndarray, columns: int, intercept: bool) -> np.ndarray:
    """Coefficients that give every row the training share of positives (0.5 without an intercept)."""
    coef = np.zeros(columns)
    if intercept and len(y):
        share = np.clip(y.mean(), 1e-6, 1 - 1e-6)
        coef[0] = np.log(share / (1 - share))
    return coef


def nested_estimators(item):
    """The estimators an estimator holds in its attributes (pipeline steps, ensemble members, ...)."""
    stack = list(vars(item).values())
    while stack:
        value = stack.pop()
        if isinstance(value, (list, tuple)):
            stack.extend(value)
        elif hasattr(value, "get_params"):
            yield value


def without_inference(estimator):
    """A deep copy in which every StatsmodelsLogit, however deeply nested (pipelines, frozen
    ensemble members), keeps its coefficients but not statsmodels' result object and the
    training data it holds: what a saved model needs, and all skops can store."""
    copied = copy.deepcopy(estimator)
    pending, seen = [copied], set()
    while pending:
        item = pending.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, StatsmodelsLogit) and hasattr(item, "result_"):
            del item.result_
        pending.extend(nested_estimators(item))
    return copied

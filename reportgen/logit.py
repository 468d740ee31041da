"""The statsmodels logit as a scikit-learn classifier, and its summary as plain data.

Wrapping statsmodels' `Logit` lets the logit share the other models' pipeline, cross-validation and
evaluation, while the report still gets statsmodels' full inference (standard errors,
z, p-values, pseudo R², LLR test).
"""

from __future__ import annotations

import copy
import re
import warnings

import numpy as np
from scipy.special import expit
from sklearn.base import BaseEstimator, ClassifierMixin
from statsmodels.discrete.discrete_model import Logit
from statsmodels.tools.tools import add_constant

from reportgen.result import Coefficient, LogitResult


class StatsmodelsLogit(ClassifierMixin, BaseEstimator):
    def __init__(self, fit_intercept: bool = True, maxiter: int = 200):
        self.fit_intercept = fit_intercept
        self.maxiter = maxiter

    def _design(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        return add_constant(x, has_constant="add") if self.fit_intercept else x

    def fit(self, x, y):
        y = np.asarray(y, dtype=float)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                self.result_ = Logit(y, self._design(x)).fit(disp=0, maxiter=self.maxiter)
            except np.linalg.LinAlgError:
                self.result_ = Logit(y, self._design(x)).fit(disp=0, method="bfgs", maxiter=self.maxiter)
        self.fit_warnings_ = sorted({str(w.message).splitlines()[0] for w in caught})
        self.coef_ = np.asarray(self.result_.params, dtype=float)
        self.classes_ = np.array([0, 1])
        self.n_features_in_ = np.asarray(x).shape[1]
        return self

    def predict_proba(self, x) -> np.ndarray:
        positive = expit(self._design(x) @ self.coef_)
        return np.column_stack([1 - positive, positive])

    def predict(self, x) -> np.ndarray:
        return (self.predict_proba(x)[:, 1] > 0.5).astype(int)


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


def readable_term(name: str, categorical: list[str], numeric: list[str] = ()) -> str:
    """'student_country_US' -> 'student_country = US' for one-hot columns; numeric names pass as they are."""
    if name in numeric:
        return name
    for column in sorted(categorical, key=len, reverse=True):
        if name.startswith(column + "_"):
            level = name[len(column) + 1:]
            return f"{column} = {'other' if level == 'infrequent_sklearn' else level}"
    return name


def _finite(value: float) -> float | None:
    """None where statsmodels could not estimate a value (e.g. under perfect separation)."""
    return float(value) if np.isfinite(value) else None


def logit_equation(intercept: float | None, terms: list[Coefficient], positive_name: str) -> str:
    parts = [f"{intercept:.4g}"] if intercept is not None else []
    for term in terms:
        sign = "-" if term.coef < 0 else "+"
        magnitude = f"{abs(term.coef):.4g} × [{term.label}]"
        parts.append(f"{sign} {magnitude}" if parts else (f"-{magnitude}" if term.coef < 0 else magnitude))
    right = " ".join(parts) if parts else "0"
    return f"log(p / (1 - p)) = {right},  where p = P({positive_name})"


def without_timestamp(summary: str) -> str:
    """statsmodels stamps its summary with the date and time of the call; a report's numbers and
    text must not change from one run to the next, so the stamp is blanked."""
    lines = []
    for line in summary.splitlines():
        for label in ("Date:", "Time:"):
            if line.startswith(label):
                half = len(line) // 2
                line = label.ljust(half) + line[half:]
        lines.append(line)
    return "\n".join(lines)


def separation_notes(result) -> list[str]:
    extra = result.summary().extra_txt or ""
    return [re.sub(r"\s+", " ", note).strip() for note in extra.split("\n\n") if "separation" in note.lower()]


def separated_share(raw: list[str]) -> float | None:
    """The share statsmodels reports as perfectly predicted, from its (quasi-)separation note."""
    for message in raw:
        match = re.search(r"fraction ([0-9.]+) of observations can be\s+perfectly predicted", message)
        if match:
            return float(match.group(1))
        if "complete separation" in message.lower():
            return 1.0
    return None


def plain_fit_notes(raw: list[str], converged: bool) -> list[str]:
    """statsmodels' and NumPy's messages from the fit, as sentences a reader of the report can use.

    Arithmetic warnings ('overflow encountered in exp') only restate that the fit ran into large
    coefficients, and the convergence message is replaced by one sentence of ours."""
    notes = []
    for message in raw:
        if "encountered in" in message or "failed to converge" in message:
            continue
        share = re.search(r"fraction ([0-9.]+) of observations can be\s+perfectly predicted", message)
        if share:
            notes.append(f"The logit's terms predict {float(share.group(1)):.0%} of the training rows perfectly "
                         "(quasi-separation), so some of its coefficients and p-values are not reliable.")
        elif "separation" in message.lower():
            notes.append("The logit's terms separate the outcomes perfectly (complete separation), so its "
                         "coefficients and p-values are not reliable.")
        else:
            notes.append(f"The logit's fit reported: {message}")
    if not converged:
        notes.append("The logit's maximum-likelihood fit did not converge; treat its p-values with caution.")
    return list(dict.fromkeys(notes))


def display_label(term: str, labels: dict[str, str]) -> str:
    """'student_country = US' -> 'Country = US' with the config's display labels."""
    column, _, level = term.partition(" = ")
    name = labels.get(column, column)
    return f"{name} = {level}" if level else name


def summarise_logit(
    model: StatsmodelsLogit,
    feature_names: list[str],
    categorical: list[str],
    alpha: float,
    positive_name: str,
    labels: dict[str, str] | None = None,
    numeric: list[str] = (),
) -> LogitResult:
    result = model.result_
    names = (["const"] if model.fit_intercept else []) + list(feature_names)
    conf = np.asarray(result.conf_int(alpha=alpha))
    spread = np.asarray(result.model.exog, dtype=float).std(axis=0)
    rows = []
    for i, name in enumerate(names):
        pvalue = _finite(result.pvalues[i])
        feature = name if name == "const" else readable_term(name, categorical, numeric)
        rows.append(Coefficient(
            feature=feature,
            label=display_label(feature, labels or {}),
            coef=float(result.params[i]),
            std_err=_finite(result.bse[i]),
            z=_finite(result.tvalues[i]),
            pvalue=pvalue,
            ci_low=_finite(conf[i, 0]),
            ci_high=_finite(conf[i, 1]),
            odds_ratio=float(np.exp(np.clip(result.params[i], -700, 700))),
            significant=pvalue is not None and pvalue < alpha,
            step=1.0 if " = " in feature or name == "const" or not spread[i] else round(float(spread[i]), 6),
        ))
    intercept = rows.pop(0).coef if model.fit_intercept else None
    significant = [row for row in rows if row.significant]
    converged = bool(result.mle_retvals.get("converged", True))
    raw_notes = model.fit_warnings_ + separation_notes(result)
    notes = plain_fit_notes(raw_notes, converged)
    return LogitResult(
        llr_pvalue=_finite(result.llr_pvalue),
        llr=_finite(result.llr),
        pseudo_r2=_finite(result.prsquared),
        log_likelihood=_finite(result.llf),
        log_likelihood_null=_finite(result.llnull),
        n_observations=int(result.nobs),
        intercept=intercept,
        alpha=alpha,
        coefficients=rows,
        equation=logit_equation(intercept, significant, positive_name),
        converged=converged,
        summary_text=without_timestamp(result.summary(
            yname=positive_name, xname=[n if n == "const" else readable_term(n, categorical, numeric) for n in names]
        ).as_text()),
        warnings=notes,
        separated_share=separated_share(raw_notes),
        interval_level=round(1 - alpha, 6),
    )

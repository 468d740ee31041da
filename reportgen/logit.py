"""The logit's summary as plain data: its terms, tests and equation, and the terms it leaves out.

The logit itself (`estimators.StatsmodelsLogit`) shares the other models' pipeline, cross-validation and
evaluation; this module reads statsmodels' full inference from it (standard errors, z, p-values, pseudo R², LLR
test).
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.base import clone

from reportgen.estimators import StatsmodelsLogit
from reportgen.result import Coefficient, FitNote, FitNoteKind, LogitResult, RedundantTerm

NAMED_PART = 0.01
"""A kept term is named as repeated by a left-out one when its part in the left-out column is at
least this share of that column's spread."""
NAMED_REPEATS = 3


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


def fit_notes(raw: list[str]) -> list[FitNote]:
    """statsmodels' and NumPy's messages from the fit, as facts: separation with its share, other messages as
    they are. Arithmetic warnings ('overflow encountered in exp') only restate that the fit ran into large
    coefficients, and the convergence message is `LogitResult.converged`, so both are left out."""
    notes = []
    for message in raw:
        if "encountered in" in message or "failed to converge" in message:
            continue
        share = re.search(r"fraction ([0-9.]+) of observations can be\s+perfectly predicted", message)
        if share:
            notes.append(FitNote(FitNoteKind.QUASI_SEPARATION, share=float(share.group(1))))
        elif "separation" in message.lower():
            notes.append(FitNote(FitNoteKind.COMPLETE_SEPARATION))
        else:
            notes.append(FitNote(FitNoteKind.REPORTED, message=message))
    return notes


def display_label(term: str, labels: dict[str, str]) -> str:
    """'student_country = US' -> 'Country = US' with the config's display labels."""
    column, _, level = term.partition(" = ")
    name = labels.get(column, column)
    return f"{name} = {level}" if level else name


def term_names(model: StatsmodelsLogit, feature_names: list[str], categorical: list[str],
               numeric: list[str]) -> list[str]:
    """The readable name of every design column: 'const' for the intercept, then the features."""
    names = (["const"] if model.fit_intercept else []) + list(feature_names)
    return [name if name == "const" else readable_term(name, categorical, numeric) for name in names]


def repeated_label(feature: str, labels: dict[str, str]) -> str:
    return "the intercept" if feature == "const" else display_label(feature, labels)


def redundant_terms(model: StatsmodelsLogit, features: list[str], labels: dict[str, str]) -> list[RedundantTerm]:
    """The design columns left out of the fit, each with the kept terms that make up most of it."""
    found = []
    for j in np.flatnonzero(~model.kept_):
        parts = model.parts_[j]
        named = [k for k in np.argsort(-parts, kind="stable") if parts[k] >= NAMED_PART]
        found.append(RedundantTerm(
            feature=features[j],
            label=display_label(features[j], labels),
            repeats=[repeated_label(features[k], labels) for k in named[:NAMED_REPEATS]],
            more=max(len(named) - NAMED_REPEATS, 0),
        ))
    return found


def coefficient_rows(result, features: list[str], labels: dict[str, str], alpha: float) -> list[Coefficient]:
    """One row per fitted term (the intercept first, when there is one), from statsmodels' result."""
    conf = np.asarray(result.conf_int(alpha=alpha))
    spread = np.asarray(result.model.exog, dtype=float).std(axis=0)
    rows = []
    for i, feature in enumerate(features):
        pvalue = _finite(result.pvalues[i])
        rows.append(Coefficient(
            feature=feature,
            label=display_label(feature, labels),
            coef=float(result.params[i]),
            std_err=_finite(result.bse[i]),
            z=_finite(result.tvalues[i]),
            pvalue=pvalue,
            ci_low=_finite(conf[i, 0]),
            ci_high=_finite(conf[i, 1]),
            odds_ratio=float(np.exp(np.clip(result.params[i], -700, 700))),
            significant=pvalue is not None and pvalue < alpha,
            step=1.0 if " = " in feature or feature == "const" or not spread[i] else round(float(spread[i]), 6),
        ))
    return rows


def failed_logit(model: StatsmodelsLogit, alpha: float, redundant: list[RedundantTerm]) -> LogitResult:
    """A logit statsmodels could not fit: the error and the left-out terms, and no number from a fit."""
    return LogitResult(
        llr_pvalue=None,
        llr=None,
        pseudo_r2=None,
        log_likelihood=None,
        log_likelihood_null=None,
        n_observations=model.n_samples_fit_,
        intercept=None,
        alpha=alpha,
        coefficients=[],
        equation="",
        converged=False,
        summary_text="",
        fit_notes=fit_notes(model.fit_warnings_),
        separated_share=separated_share(model.fit_warnings_),
        interval_level=round(1 - alpha, 6),
        redundant=redundant,
        failure=model.failed_,
    )


def significant_terms(logit: LogitResult) -> list[Coefficient]:
    """The terms significant at the logit's alpha; none when its fit did not converge, whose p-values
    are not estimates."""
    return [c for c in logit.coefficients if c.significant] if logit.converged else []


def inference_logit(pipeline, x_train, y_train) -> StatsmodelsLogit:
    """The logit whose coefficients and tests the report reads: the tuned pipeline's own when it was fitted on the
    training rows as they are; refitted on them with the same settings when its imbalance strategy resampled them,
    since copies of rows would shrink every standard error and inflate the likelihood-ratio statistic."""
    if pipeline.named_steps.get("sample", "passthrough") == "passthrough":
        return pipeline.named_steps["model"]
    return clone(pipeline.named_steps["model"]).fit(pipeline[:-2].transform(x_train), np.asarray(y_train))


def summarise_logit(
    model: StatsmodelsLogit,
    feature_names: list[str],
    categorical: list[str],
    alpha: float,
    positive_name: str,
    labels: dict[str, str] | None = None,
    numeric: list[str] = (),
) -> LogitResult:
    """The fitted terms, the test and the equation; terms left out as redundant are listed apart.
    A fit that did not converge has no equation: its coefficients are where it stopped, not estimates."""
    labels = labels or {}
    features = term_names(model, feature_names, categorical, numeric)
    redundant = redundant_terms(model, features, labels)
    result = model.result_
    if result is None:
        return failed_logit(model, alpha, redundant)
    fitted = [feature for feature, kept in zip(features, model.kept_) if kept]
    rows = coefficient_rows(result, fitted, labels, alpha)
    intercept = rows.pop(0).coef if model.fit_intercept else None
    converged = bool(result.mle_retvals.get("converged", True))
    raw_notes = model.fit_warnings_ + separation_notes(result)
    significant = [row for row in rows if row.significant]
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
        equation=logit_equation(intercept, significant, positive_name) if converged else "",
        converged=converged,
        summary_text=without_timestamp(result.summary(yname=positive_name, xname=fitted).as_text()),
        fit_notes=fit_notes(raw_notes),
        separated_share=separated_share(raw_notes),
        interval_level=round(1 - alpha, 6),
        redundant=redundant,
    )

"""The logistic regression: its coefficients, the terms it left out, and what the fit reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass
class Coefficient:
    feature: str
    label: str
    coef: float
    std_err: float | None
    z: float | None
    pvalue: float | None
    ci_low: float | None
    ci_high: float | None
    odds_ratio: float
    significant: bool
    step: float = 1.0
    """A typical change of the term: its training standard deviation (numeric) or 1 (category)."""


@dataclass
class RedundantTerm:
    """A design column left out of the logit because it is (almost) a linear combination of the
    terms kept before it."""

    feature: str
    label: str
    repeats: list[str]
    """Display labels of the kept terms with the largest parts in it, at most three; 'the
    intercept' for the constant. Empty when no kept term has a noticeable part (a constant column)."""
    more: int = 0
    """Further kept terms with a noticeable part, beyond those in `repeats`."""


class FitNoteKind(str, Enum):
    QUASI_SEPARATION = "quasi_separation"
    COMPLETE_SEPARATION = "complete_separation"
    REPORTED = "reported"
    """Another message of the fit, kept in statsmodels' (or NumPy's) words."""


@dataclass
class FitNote:
    """What statsmodels or NumPy reported while fitting the logit, as a fact."""

    kind: FitNoteKind
    share: float | None = None
    """Share of training rows predicted perfectly (quasi-separation)."""
    message: str = ""
    """The library's message (reported)."""


@dataclass
class LogitResult:
    llr_pvalue: float | None
    llr: float | None
    pseudo_r2: float | None
    log_likelihood: float | None
    log_likelihood_null: float | None
    n_observations: int
    intercept: float | None
    alpha: float
    coefficients: list[Coefficient]
    equation: str
    converged: bool
    summary_text: str
    separated_share: float | None = None
    """Share of training rows the logit's terms predict perfectly (quasi-separation); 1.0 for
    complete separation; None when statsmodels reports neither."""
    warnings: list[str] = field(default_factory=list)
    """Written by the narrative from `fit_notes`, `failure` and `converged`."""
    rows_note: str = ""
    """Which rows the coefficients come from, when the compared logistic regression was fitted on resampled
    ones; written by the narrative."""
    interval_level: float = 0.95
    """Confidence level of the coefficient intervals: 1 - alpha."""
    redundant: list[RedundantTerm] = field(default_factory=list)
    """Terms left out of the fit because they repeat kept ones; `coefficients` holds the kept ones."""
    failure: str = ""
    """statsmodels' error when it could not fit the logit at all (then there are no coefficients
    and no test); empty when it fitted."""
    fit_notes: list[FitNote] = field(default_factory=list)
    """What the fit reported, in order; `warnings` words them (with `failure` and `converged`)."""

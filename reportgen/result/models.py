"""The compared models: their search, scores and test metrics, the imbalance strategies, the decision threshold,
the calibration, the majority-class baseline and the decision tree's splits."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

import numpy as np


@dataclass
class Metrics:
    accuracy: float
    precision: float
    recall: float
    f1: float
    roc_auc: float
    pr_auc: float
    confusion_matrix: list[list[int]]


@dataclass
class Curve:
    x: list[float]
    y: list[float]

    @classmethod
    def thinned(cls, x, y, max_points: int = 200, digits: int = 5) -> "Curve":
        """At most `max_points` evenly spaced points, always keeping both ends."""
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        if len(x) > max_points:
            keep = np.unique(np.linspace(0, len(x) - 1, max_points).round().astype(int))
            x, y = x[keep], y[keep]
        return cls(x=[round(float(v), digits) for v in x], y=[round(float(v), digits) for v in y])


@dataclass
class Importance:
    feature: str
    importance: float


@dataclass
class CvScore:
    metric: str
    mean: float
    std: float


class ThresholdKind(str, Enum):
    TUNED = "tuned"
    """Maximises the metric on out-of-fold training scores."""
    FIXED = "fixed"
    """Set by the config."""
    ESTIMATOR_CUT = "estimator_cut"
    """The estimator's own cut: above 0.5 probability, or above a zero margin."""


@dataclass
class ThresholdResult:
    model: str
    value: float
    """A row is flagged when its score is at or above this value."""
    metric: str
    method: str
    """How the threshold was chosen, in words; written by the narrative from `kind`."""
    curve: Curve
    """The objective (F1, or profit per row) against the threshold, on out-of-fold training scores."""
    kind: ThresholdKind = ThresholdKind.TUNED
    default_cut: float = 0.5
    """Where the estimator's own predict() cuts: 0.5 for probabilities, 0 for margins."""
    folds: int = 0
    """Folds of the cross-validation that made the out-of-fold scores (tuned)."""


class ScoresSource(str, Enum):
    """Where a model's out-of-fold training scores came from."""

    CROSS_VALIDATION = "cross_validation"
    SAMPLE_FITTED_FOLDS = "sample_fitted_folds"
    """Cross-validation on all training rows, each fold's model fitted on the family's sample of its training
    part: a family fitted on a sample is scored on as many rows as the others."""
    OUT_OF_BAG = "out_of_bag"
    MEMBERS = "members"
    """The average of an ensemble's members' scores."""


@dataclass
class GridEdge:
    """A tuned parameter whose best value is the largest or smallest of the searched range."""

    parameter: str
    value: int | float
    largest: bool


@dataclass
class ImbalanceCell:
    """A model's cross-validated score with one imbalance strategy of the run (None where not compared)."""

    strategy: str
    mean: float | None
    chosen: bool = False


@dataclass
class ModelResult:
    name: str
    label: str
    params: dict[str, object]
    cv: CvScore
    train: Metrics
    """On the training rows the model was fitted on."""
    test: Metrics
    roc_curve: Curve
    pr_curve: Curve
    candidates: int
    feature_importance: list[Importance] = field(default_factory=list)
    importance_kind: str = ""
    grid_edges: list[str] = field(default_factory=list)
    """Tuned parameters whose best value sits at the end of the searched range; written by the narrative
    from `search_edges`."""
    strategy: str = "none"
    threshold: float = 0.5
    test_ci: dict[str, list[float]] = field(default_factory=dict)
    """95% bootstrap interval [low, high] of each test metric."""
    tuning_rows: int = 0
    """Training rows the search compared candidates on."""
    fit_rows: int = 0
    """Training rows the chosen model was fitted on: all of them, or a stratified sample for
    methods whose cost grows faster than the rows."""
    scored_by: str = ""
    """Where its out-of-fold training scores (threshold, calibration, ensembles) came from; written by the
    narrative from `scores_from`."""
    search_settings: dict[str, object] = field(default_factory=dict)
    """Settings its search and strategy comparison used in place of the final model's (e.g. 40 trees
    instead of 100: candidates rank the same long before their scores settle)."""
    scored_along: str = ""
    """The parameter whose every value the search scored from one fit; empty if none."""
    overfit: bool = False
    """Its training F1 exceeds its test F1 by more than the over-fitting gap."""
    scores_from: ScoresSource = ScoresSource.CROSS_VALIDATION
    """`scored_by` as a fact (cross-validation over the run's `search.cv` folds)."""
    scored_along_from: int | float | None = None
    """The value of `scored_along` whose one fit scored the others (the largest tried)."""
    search_edges: list[GridEdge] = field(default_factory=list)
    strategies: list[ImbalanceCell] = field(default_factory=list)
    """Its score with each imbalance strategy the run compared, one per column of the imbalance table (the
    strategies of `ReportResult.imbalance` in order); empty for a model not compared (the ensemble)."""
    columns_left_out: list[str] = field(default_factory=list)
    """Features this model did not see: the columns the VIF screen left out of the logistic regression."""
    missing_as_is: bool = False
    """It took missing numeric values as they are (learning at each split which side they go), not filled in."""
    categories_as_codes: bool = False
    """It got one column of codes per categorical (rarer categories sharing one), not the one-hot columns."""
    searched_on: str = ""
    """The rows and settings its search used, in words; written by the narrative."""
    tuned_settings: str = ""
    """Its settings as the models table shows them ('max_depth=no limit, max_iter=400'); written by the narrative
    from `params`."""


@dataclass
class Baseline:
    """Always predicting the majority class, on the test rows."""

    accuracy: float
    precision: float
    recall: float
    f1: float
    roc_auc: float
    pr_auc: float


@dataclass
class ImbalanceRow:
    model: str
    strategy: str
    metric: str
    mean: float
    std: float
    chosen: bool


@dataclass
class Calibration:
    model: str
    method: str
    brier_raw: float | None
    brier_calibrated: float
    curve_raw: Curve | None
    curve_calibrated: Curve
    used: bool = True
    """Whether the targeting (and `reportgen score`) uses the calibrated probabilities; False when
    calibrating did not lower the Brier score of the out-of-fold training scores, decided without the test rows."""
    brier_oof_raw: float | None = None
    """Brier score of the model's out-of-fold training scores; None when they are not probabilities."""
    brier_oof_calibrated: float | None = None
    """Brier score of the same scores calibrated by cross-validation (each fold mapped by an isotonic fit
    on the others)."""
    folds: int = 0
    """Folds of that cross-validation; 0 in results from before the choice was made."""
    text: str = ""
    """Which probabilities the targeting uses, and why; written by interpret."""
    brief: str = ""
    """The same in a sentence without the Brier scores, for the targeting page, which points to `text`'s section."""


@dataclass
class TreeSummary:
    """What the tuned decision tree splits on (the course's question 3)."""

    depth: int
    leaves: int
    root_feature: str
    root_threshold: float
    split_features: list[Importance]
    rules: str
    node_rows: list[int] = field(default_factory=list)
    """Training rows reaching each node, by node id, as they are (not weighted or resampled); empty in results
    from before it was recorded."""
    node_rates: list[float] = field(default_factory=list)
    """The share of those rows with the positive outcome. The tree's own class mix is weighted when it was
    trained with class weights or resampled rows, and would call the rarer class the majority."""
    rules_note: str = ""
    """How to read the rules' 'class' beside the tree's own threshold; written by the narrative."""

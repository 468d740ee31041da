"""What the model stage hands on: a tuned, fitted model with how it was chosen and scored."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline

from reportgen.model.pipeline import MODEL_STEP, PROBABILITY_CUT, positive_scores
from reportgen.model.search import StrategyScore
from reportgen.result import GridEdge, ScoresSource


@dataclass
class FittedModel:
    name: str
    label: str
    pipeline: Pipeline
    params: dict[str, object]
    strategy: str
    cv_mean: float
    cv_std: float
    candidates: int
    fit_seconds: float
    grid_edges: list[GridEdge]
    oof_scores: np.ndarray
    """Out-of-fold scores of the chosen configuration on every training row (on the rows it was fitted on when
    they come from out-of-bag trees)."""
    oof_labels: np.ndarray
    """The outcome of those rows."""
    fit_positions: np.ndarray
    """Where the rows it was fitted on sit among the training rows: all of them, or the family's sample."""
    default_threshold: float
    """Where the estimator's own predict() cuts its scores: 0.5 for probabilities, 0 for margins."""
    strategies: list[StrategyScore] = field(default_factory=list)
    tuning_rows: int = 0
    fit_rows: int = 0
    importance: str = ""
    """'impurity' where the estimator exposes feature_importances_."""
    scored_by: ScoresSource = ScoresSource.CROSS_VALIDATION
    """How the out-of-fold scores were made: k-fold cross-validation, out-of-bag trees, or an ensemble's members."""
    search_settings: dict[str, object] = field(default_factory=dict)
    """What the search and the strategy comparison set differently from the final model (fewer trees)."""
    scored_along: str = ""
    """The parameter whose every value the search scored from one fit (`search_along`); empty if none."""
    scored_along_from: int | float | None = None
    """The value of `scored_along` whose fit scored the others: the largest tried."""
    measured: object = None
    """What `tune_all`'s `measure` returned for this model, computed in the worker that tuned it."""
    members: list[str] = field(default_factory=list)
    """The models an ensemble averages, by name; empty for the others."""
    columns_left_out: list[str] = field(default_factory=list)
    """Features this model does not see (the logit's VIF screen); an ensemble's, those none of its members sees."""
    missing_as_is: bool = False
    """It gets missing numeric values as they are, not filled in (`model.pipeline.keeps_missing`)."""
    categories_as_codes: bool = False
    """It gets its own column of codes per categorical, not the shared encoding (`model.pipeline.gets_codes`)."""

    @property
    def estimator(self):
        return self.pipeline.named_steps[MODEL_STEP]

    @property
    def gives_probabilities(self) -> bool:
        """Whether its scores are class-1 probabilities (not an SVM's margins)."""
        return self.default_threshold == PROBABILITY_CUT

    def transformed_feature_names(self) -> list[str]:
        return [str(n) for n in self.pipeline.named_steps["encode"].get_feature_names_out()]

    def scores(self, x: pd.DataFrame) -> np.ndarray:
        return positive_scores(self.pipeline, x)

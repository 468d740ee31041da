"""Stage 3, model: tune each family by cross-validation on the training rows only.

For every configured family:
1. search its grid with `search.tuning_cv` folds (on a stratified subsample when the family declares
   `tuning_rows`, raised to its `tuning_share` of a large table's rows; k-nearest neighbours score every
   k from one neighbour query per fold, and a tree every depth from one grown to the largest);
2. compare the imbalance strategies at the tuned settings on the same rows, on as many folds shuffled
   anew (the search's own folds would favour the plain strategy, whose settings were chosen on
   them), each applied inside the folds only (imbalanced-learn pipelines); keep the best;
3. score the chosen configuration out of fold on all training rows with `search.cv` folds: these
   scores give its cross-validated score, tune the decision threshold, calibrate probabilities and
   judge ensembles, all without the test set;
4. refit the chosen configuration on all training rows.

The modules: `pipeline` (encoder, scaler, resampler and estimator in one Pipeline), `rows` (the rows
encoded once, or sampled), `search` (folds, grid search, strategies, out-of-fold scores), `shortcuts`
(one fit answering for several), `fitted` (`FittedModel`), `ensemble` (soft voting) and `fit` (every
family tuned side by side, then the ensemble). The names below are the stage's interface.
"""

from reportgen.model.ensemble import soft_voting
from reportgen.model.fit import Measure, fit_models, tune, tune_all
from reportgen.model.fitted import FittedModel
from reportgen.model.pipeline import (
    encoder_for,
    estimator_pipeline,
    gets_codes,
    keeps_missing,
    model_pipeline,
    native_mask,
    positive_scores,
    sampler,
)
from reportgen.model.rows import EncodedRows, encoded_rows, stratified_positions, tuning_size
from reportgen.model.search import (
    SearchOutcome,
    StrategyScore,
    cv_splitter,
    grid_edges,
    grid_search,
    strategies_for,
)
from reportgen.model.shortcuts import one_fit_answers

__all__ = [
    "EncodedRows",
    "FittedModel",
    "Measure",
    "SearchOutcome",
    "StrategyScore",
    "cv_splitter",
    "encoded_rows",
    "encoder_for",
    "estimator_pipeline",
    "fit_models",
    "gets_codes",
    "grid_edges",
    "grid_search",
    "keeps_missing",
    "model_pipeline",
    "native_mask",
    "one_fit_answers",
    "positive_scores",
    "sampler",
    "soft_voting",
    "strategies_for",
    "stratified_positions",
    "tune",
    "tune_all",
    "tuning_size",
]

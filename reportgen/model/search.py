"""How a family's settings and imbalance strategy are chosen on the training rows: stratified folds,
the grid search, the strategies compared, and the out-of-fold scores that judge them."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.metrics import accuracy_score, average_precision_score, balanced_accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, ParameterGrid, StratifiedKFold, cross_val_predict

from reportgen.config import DatasetConfig
from reportgen.model.pipeline import default_cut
from reportgen.model.rows import EncodedRows
from reportgen.model.shortcuts import scores_along
from reportgen.registry import ModelFamily
from reportgen.result import GridEdge

TIE_DECIMALS = 4
"""Cross-validated scores equal to this many decimals tie, and the tie goes to the earlier choice."""


@dataclass
class StrategyScore:
    strategy: str
    mean: float
    std: float


@dataclass
class SearchOutcome:
    best_params: dict[str, object]
    """Pipeline parameters (`model__...`) of the best candidate."""
    mean: float
    std: float
    """Mean and spread across folds of the best candidate's score."""
    candidates: int


def cv_splitter(config: DatasetConfig, folds: int | None = None, fresh: bool = False) -> StratifiedKFold:
    """Stratified folds shuffled by the seed; `fresh` ones by the next seed, so that a comparison made
    after a search is not scored on the folds the search chose its settings on (unshuffled folds
    are the same either way)."""
    folds = folds or config.search.cv
    if config.search.shuffle:
        return StratifiedKFold(folds, shuffle=True, random_state=config.seed + fresh)
    return StratifiedKFold(folds)


def fold_score(metric: str, y: np.ndarray, scores: np.ndarray, cut: float) -> float:
    """The search metric from scores, as scikit-learn's scorer of that name computes it."""
    if metric == "average_precision":
        return average_precision_score(y, scores)
    if metric == "roc_auc":
        return roc_auc_score(y, scores)
    predicted = (scores > cut).astype(int)
    if metric == "f1":
        return f1_score(y, predicted, zero_division=0)
    if metric == "balanced_accuracy":
        return balanced_accuracy_score(y, predicted)
    return accuracy_score(y, predicted)


def fold_scores(scores: np.ndarray, x: pd.DataFrame, y: pd.Series, config: DatasetConfig, cut: float,
                folds: int | None = None, fresh: bool = False) -> list[float]:
    """The search metric on each cross-validation fold of out-of-fold scores."""
    y_values = np.asarray(y)
    return [fold_score(config.search.scoring, y_values[test], scores[test], cut)
            for _, test in cv_splitter(config, folds, fresh).split(x, y)]


def out_of_fold(pipeline: Pipeline, x, y, config: DatasetConfig, folds: int | None = None, fresh: bool = False,
                fitted_on: np.ndarray | None = None) -> tuple[np.ndarray, float, float]:
    """Out-of-fold scores and the mean and spread of the per-fold search metric. With `fitted_on` (positions of
    a sample of the rows), each fold's model is fitted on the sample's rows in that fold's training part and
    scores every row of its held-out part: a family that fits on a sample is scored on all rows, on the same
    folds as the others, not on its sample's fewer and noisier ones."""
    method = "predict_proba" if hasattr(pipeline, "predict_proba") else "decision_function"
    folds_of = cv_splitter(config, folds, fresh).split(x, y)
    if fitted_on is not None:
        folds_of = [(np.intersect1d(train, fitted_on, assume_unique=True), test) for train, test in folds_of]
    predicted = cross_val_predict(pipeline, x, y, cv=folds_of, method=method, n_jobs=config.search.n_jobs)
    scores = predicted[:, 1] if predicted.ndim == 2 else predicted
    per_fold = fold_scores(scores, x, y, config, default_cut(pipeline), folds, fresh)
    return scores, float(np.mean(per_fold)), float(np.std(per_fold))


def grid_search(pipeline: Pipeline, grid: dict[str, list], rows: EncodedRows, config: DatasetConfig,
                along: str | None = None) -> SearchOutcome:
    """The grid searched on `search.tuning_cv` folds, as scikit-learn's GridSearchCV searches it; with
    `along`, every value of that parameter is scored from one fit per fold (`scores_along`)."""
    if along is not None:
        return search_along(pipeline, grid, along, rows, config)
    search = GridSearchCV(pipeline, grid, scoring=config.search.scoring,
                          cv=cv_splitter(config, config.search.tuning_cv),
                          n_jobs=config.search.n_jobs, refit=False, error_score="raise").fit(rows.x, rows.y)
    results, at = search.cv_results_, search.best_index_
    return SearchOutcome(search.best_params_, float(results["mean_test_score"][at]),
                         float(results["std_test_score"][at]), len(results["params"]))


def search_along(pipeline: Pipeline, grid: dict[str, list], along: str, rows: EncodedRows,
                 config: DatasetConfig) -> SearchOutcome:
    """The grid searched with one fit per fold and setting of the other parameters, at the largest
    value of `along`, every value of which is scored from that fit (`scores_along`: equal to separate
    fits up to ties). Candidates are ranked in GridSearchCV's order, so equal means go its way."""
    candidates = list(ParameterGrid(grid))
    largest = max(grid[along])
    fold_scores_of: dict[int, list[float]] = {i: [] for i in range(len(candidates))}
    cut = default_cut(pipeline)
    for train, test in cv_splitter(config, config.search.tuning_cv).split(rows.x, rows.y):
        scored: dict[tuple, dict[object, np.ndarray]] = {}
        for i, params in enumerate(candidates):
            others = tuple(sorted((k, repr(v)) for k, v in params.items() if k != along))
            if others not in scored:
                model = clone(pipeline).set_params(**{**params, along: largest}).fit(rows.x[train], rows.y[train])
                scored[others] = dict(scores_along(model, rows.x[test], rows.y[train], grid[along]))
            fold_scores_of[i].append(fold_score(config.search.scoring, rows.y[test],
                                                scored[others][params[along]], cut))
    means = [float(np.mean(fold_scores_of[i])) for i in range(len(candidates))]
    best = int(np.argmax(means))
    return SearchOutcome(candidates[best], means[best], float(np.std(fold_scores_of[best])), len(candidates))


def fold_training_rows(rows: int, folds: int) -> int:
    """The training rows of the smallest fold of a k-fold split of `rows`."""
    return rows - -(-rows // folds)


def within_rows(grid: dict[str, list], bounded: tuple[str, ...], rows: int) -> dict[str, list]:
    """The grid with the values of `bounded` parameters above `rows` brought down to `rows` (once)."""
    return {key: list(dict.fromkeys(min(v, rows) for v in values)) if key in bounded else values
            for key, values in grid.items()}


def grid_edges(grid: dict[str, list], best: dict[str, object]) -> list[GridEdge]:
    """Numeric parameters tuned to the smallest or largest value tried: the search may be too narrow. None
    beside numbers is scikit-learn's "no limit" (a tree's max_depth), above every number and never an edge."""
    edges = []
    for key, values in grid.items():
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        value = best.get(key)
        if len(numbers) + (None in values) < 2 or value not in numbers:
            continue
        largest = value == max(numbers) and None not in values
        if largest or value == min(numbers):
            edges.append(GridEdge(parameter=key, value=plain_number(value), largest=largest))
    return edges


def plain_number(value: float) -> float:
    """A NumPy number as Python's own, so results.json holds it."""
    return value.item() if isinstance(value, np.generic) else value


def strategies_for(family: ModelFamily, config: DatasetConfig) -> list[str]:
    """The configured strategies that apply to the family; plain data for a family without class
    weights when class weights are all the config asks for. With shortcuts on, random
    over-sampling is left to families without class weights: balanced weights count each buyer as
    duplicating it would, in expectation, without fitting on the duplicated rows."""
    weighted = family.supports_class_weight and "class_weight" in config.imbalance.strategies
    usable = [s for s in config.imbalance.strategies
              if (s != "class_weight" or family.supports_class_weight)
              and not (s == "random_over" and weighted and config.search.subsample)]
    return usable or ["none"]


def compared_strategies(pipelines: dict[str, Pipeline], rows: EncodedRows,
                        config: DatasetConfig) -> list[StrategyScore]:
    """Each strategy's pipeline scored on the search's rows, on as many folds shuffled anew (the
    search's own folds would favour the plain strategy, whose settings were chosen on them)."""
    compared = []
    for strategy, pipeline in pipelines.items():
        _, mean, std = out_of_fold(pipeline, rows.x, rows.y, config, folds=config.search.tuning_cv, fresh=True)
        compared.append(StrategyScore(strategy, round(mean, 6), round(std, 6)))
    return compared


def best_strategy(compared: list[StrategyScore]) -> str:
    """The best-scoring strategy; ties (to `TIE_DECIMALS`) go to the one configured first."""
    return max(compared, key=lambda s: round(s.mean, TIE_DECIMALS)).strategy

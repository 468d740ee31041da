"""One fit answering for several: k-nearest neighbours score every k from one neighbour query, a
tree every depth from one tree grown to the largest, boosting every number of iterations from the
longest run's first ones, and a bagged forest's out-of-bag trees stand in for cross-validation."""

from __future__ import annotations

import warnings
from collections.abc import Iterator

import numpy as np
from imblearn.pipeline import Pipeline
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import ParameterGrid
from sklearn.neighbors import KNeighborsClassifier
from sklearn.tree import DecisionTreeClassifier

from reportgen.model.pipeline import MODEL_STEP, model_step_params

OUT_OF_BAG_INCOMPLETE = "do not have OOB scores"
"""Part of scikit-learn's warning that some rows fell in every tree's bootstrap sample."""


def one_fit_answers(pipeline: Pipeline, grid: dict[str, list], along: str) -> bool:
    """Whether one fit at the largest value of `along` answers for its other values in every
    candidate: several whole positive values, no resampling, and neither neighbours weighted by a
    function of their own, a tree that draws features, splits at random, grows best-first or is
    pruned, nor boosting that stops early (each of which makes the smaller fits differ)."""
    values = grid.get(along, [])
    if len(values) < 2 or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        return False
    if pipeline.named_steps.get("sample", "passthrough") != "passthrough":
        return False
    for params in ParameterGrid(grid):
        model = clone(pipeline).set_params(**params).named_steps[MODEL_STEP]
        if isinstance(model, KNeighborsClassifier) and model.weights not in ("uniform", "distance"):
            return False
        if isinstance(model, DecisionTreeClassifier) and (
                model.splitter != "best" or model.max_features is not None or model.max_leaf_nodes is not None
                or model.ccp_alpha != 0):
            return False
        if isinstance(model, HistGradientBoostingClassifier) and (
                model.early_stopping is not False or not along.endswith("max_iter")):
            return False
        if not isinstance(model, (KNeighborsClassifier, DecisionTreeClassifier, HistGradientBoostingClassifier)):
            return False
    return True


def scores_along(pipeline: Pipeline, x: np.ndarray, y_fit: np.ndarray,
                 values: list) -> Iterator[tuple[object, np.ndarray]]:
    """(value, positive-class scores) for each value of the family's `scored_along` parameter, from
    `pipeline` fitted at the largest value on rows labelled `y_fit` (not resampled).

    k-nearest neighbours: each k votes over the first k of one neighbour query, weighted as
    scikit-learn's classifier weighs them. A decision tree grown to the largest depth answers for a
    shallower one with its nodes at that depth, as splits are chosen top-down, each from its node's
    rows alone. Boosting run for the most iterations answers for fewer with its first ones, as each
    iteration fits the errors of those before it. These match separate fits except where candidates
    tie (neighbours at the same distance, splits of equal gain), which each may resolve its own way."""
    model = pipeline.named_steps[MODEL_STEP]
    x = pipeline[:-1].transform(x)
    if isinstance(model, KNeighborsClassifier):
        yield from _neighbour_votes(model, x, y_fit, values)
    elif isinstance(model, DecisionTreeClassifier):
        yield from _shallower_trees(model, x, values)
    elif isinstance(model, HistGradientBoostingClassifier):
        yield from _fewer_iterations(model, x, values)
    else:
        raise TypeError(f"no scores along a parameter for {type(model).__name__}")


def _neighbour_votes(model: KNeighborsClassifier, x: np.ndarray, y_fit: np.ndarray, ks: list):
    distances, neighbours = model.kneighbors(x, n_neighbors=max(ks))
    positive = (y_fit[neighbours] == model.classes_[-1]).astype(float)
    if model.weights == "distance":
        with np.errstate(divide="ignore"):
            weights = 1.0 / distances
        exact = np.isinf(weights)  # rows that coincide with training rows take only those
        on_a_row = exact.any(axis=1)
        weights[on_a_row] = exact[on_a_row]
    else:
        weights = np.ones_like(distances)
    for k in ks:
        yield k, (weights[:, :k] * positive[:, :k]).sum(axis=1) / weights[:, :k].sum(axis=1)


def _shallower_trees(model: DecisionTreeClassifier, x: np.ndarray, depths: list):
    path = model.decision_path(x)  # each row's nodes, root first (a parent's id is below its children's)
    steps = np.diff(path.indptr) - 1
    positive = len(model.classes_) - 1
    for depth in depths:
        nodes = path.indices[path.indptr[:-1] + np.minimum(depth, steps)]
        counts = model.tree_.value[nodes, 0, :]
        yield depth, counts[:, positive] / counts.sum(axis=1)


def _fewer_iterations(model: HistGradientBoostingClassifier, x: np.ndarray, iterations: list):
    wanted = set(iterations)
    for done, probabilities in enumerate(model.staged_predict_proba(x), start=1):
        if done in wanted:
            yield done, probabilities[:, 1]


def out_of_bag_scores(pipeline: Pipeline, x, y) -> np.ndarray | None:
    """Fit the bagged `pipeline` on all its rows with out-of-bag scoring on, and return each row's
    positive-class score from the trees that did not draw it: out-of-fold scores from one fit.
    None when some row was drawn by every tree (scikit-learn warns; that row has no such score)."""
    with warnings.catch_warnings(record=True) as raised:
        warnings.simplefilter("always", UserWarning)
        pipeline.set_params(**model_step_params({"oob_score": True})).fit(x, y)
    if any(OUT_OF_BAG_INCOMPLETE in str(w.message) for w in raised):
        return None
    return pipeline.named_steps[MODEL_STEP].oob_decision_function_[:, 1]

"""Stage 3, model: tune each family by cross-validation on the training rows only.

For every configured family:
1. search its grid with `search.tuning_cv` folds (on a stratified subsample when the family declares
   `tuning_rows`; k-nearest neighbours score every k from one neighbour query per fold, and a tree
   every depth from one grown to the largest);
2. compare the imbalance strategies at the tuned settings on the same rows, on as many folds shuffled
   anew (the search's own folds would favour the plain strategy, whose settings were chosen on
   them), each applied inside the folds only (imbalanced-learn pipelines); keep the best;
3. score the chosen configuration out of fold on all training rows with `search.cv` folds: these
   scores give its cross-validated score, tune the decision threshold, calibrate probabilities and
   judge ensembles, all without the test set;
4. refit the chosen configuration on all training rows.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE, SMOTENC, RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from joblib import Parallel, delayed
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import VotingClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import accuracy_score, average_precision_score, balanced_accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import GridSearchCV, ParameterGrid, StratifiedKFold, cross_val_predict, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from reportgen.clean import CleanData, feature_encoder
from reportgen.config import DatasetConfig, ModelSpec
from reportgen.registry import FAMILIES, ModelFamily
from reportgen.result import GridEdge, ScoresSource


@dataclass
class StrategyScore:
    strategy: str
    mean: float
    std: float


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
    """Out-of-fold scores of the chosen configuration on the rows it was fitted on."""
    oof_labels: np.ndarray
    """The outcome of those rows: all training rows, or the family's stratified sample of them."""
    fit_positions: np.ndarray
    """Where those rows sit among the training rows."""
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

    @property
    def estimator(self):
        return self.pipeline.named_steps["model"]

    def transformed_feature_names(self) -> list[str]:
        return [str(n) for n in self.pipeline.named_steps["encode"].get_feature_names_out()]

    def scores(self, x: pd.DataFrame) -> np.ndarray:
        return positive_scores(self.pipeline, x)


def positive_scores(pipeline, x: pd.DataFrame) -> np.ndarray:
    """Class-1 probabilities where the model gives them, else its decision function (SVM)."""
    if hasattr(pipeline, "predict_proba"):
        return pipeline.predict_proba(x)[:, 1]
    return pipeline.decision_function(x)


def scaler(kind: str):
    if kind == "standard":
        return StandardScaler()
    if kind == "minmax_symmetric":
        return MinMaxScaler(feature_range=(-1, 1))
    return "passthrough"


def sampler(strategy: str, seed: int, categorical_mask: list[bool] | None = None):
    """The resampler for a strategy; SMOTE-NC where columns hold category codes, which must not
    be interpolated."""
    if strategy == "random_over":
        return RandomOverSampler(random_state=seed)
    if strategy == "random_under":
        return RandomUnderSampler(random_state=seed)
    if strategy == "smote":
        if categorical_mask and any(categorical_mask):
            return SMOTENC(categorical_features=categorical_mask, random_state=seed)
        return SMOTE(random_state=seed)
    return "passthrough"


def encoder_for(family: ModelFamily, clean: CleanData, config: DatasetConfig) -> ColumnTransformer:
    """The family's encoder: the logit may leave categoricals out, or drop a reference level so
    its intercept is identifiable; a model that splits on categories gets their codes; the
    others share one encoder."""
    variant, categorical, reference = encoder_variant(family, clean, config)
    return feature_encoder(clean.numeric, categorical, config, reference, order=clean.features,
                           native=variant == "native")


def encoder_variant(family: ModelFamily, clean: CleanData,
                    config: DatasetConfig) -> tuple[str, list[str], dict[str, str] | None]:
    """(name, categorical columns, reference categories) of the encoding a family gets."""
    if family.name == "logistic_regression":
        categorical = clean.categorical if config.logit.categoricals else []
        return "logit", categorical, clean.reference_categories if config.logit.intercept else None
    if family.native_categorical and clean.categorical:
        return "native", clean.categorical, None
    return "shared", clean.categorical, None


def native_mask(family: ModelFamily, clean: CleanData) -> list[bool] | None:
    """Which encoded columns hold category codes, for a family that splits on categories itself."""
    if not (family.native_categorical and clean.categorical):
        return None
    return [column in clean.categorical for column in clean.features]


def estimator_pipeline(spec: ModelSpec, family: ModelFamily, clean: CleanData, config: DatasetConfig,
                       strategy: str = "none") -> Pipeline:
    """Scale, resample and model: everything after encoding, all refit inside every fold."""
    estimator = family.make(config.seed)
    if spec.params:
        estimator.set_params(**spec.params)
    if strategy == "class_weight":
        estimator.set_params(class_weight=family.balanced_weights)
    if family.name == "logistic_regression":
        estimator.set_params(fit_intercept=config.logit.intercept)
    mask = native_mask(family, clean)
    if mask is not None:
        estimator.set_params(categorical_features=mask)
    return Pipeline([
        ("scale", scaler(spec.scaler or family.scaler)),
        ("sample", sampler(strategy, config.seed, mask)),
        ("model", estimator),
    ])


def model_pipeline(spec: ModelSpec, family: ModelFamily, clean: CleanData, config: DatasetConfig,
                   strategy: str = "none") -> Pipeline:
    """The whole model, raw feature frame in: what is refit on all training rows and saved."""
    steps = estimator_pipeline(spec, family, clean, config, strategy).steps
    return Pipeline([("encode", encoder_for(family, clean, config)), *steps])


@dataclass
class EncodedRows:
    """The training rows encoded once, for the searches.

    Encoding learns no more than category lists and fill values, never the outcome, so it is
    learned once from all training rows; scaling, resampling and the model, which learn from the
    values and the outcome, are refit inside every fold. Encoding once per family instead of once
    per fit removes most of a small model's search time."""
    x: np.ndarray
    y: np.ndarray
    positions: np.ndarray
    """Where these rows sit among the training rows."""


def encoded_rows(family: ModelFamily, clean: CleanData, config: DatasetConfig) -> EncodedRows:
    encoder = encoder_for(family, clean, config)
    return EncodedRows(np.asarray(encoder.fit_transform(clean.x_train), dtype=float),
                       clean.y_train.to_numpy(), np.arange(len(clean.y_train)))


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


def out_of_fold(pipeline: Pipeline, x, y, config: DatasetConfig,
                folds: int | None = None, fresh: bool = False) -> tuple[np.ndarray, float, float]:
    """Out-of-fold scores and the mean and spread of the per-fold search metric."""
    method = "predict_proba" if hasattr(pipeline, "predict_proba") else "decision_function"
    predicted = cross_val_predict(pipeline, x, y, cv=cv_splitter(config, folds, fresh), method=method,
                                  n_jobs=config.search.n_jobs)
    scores = predicted[:, 1] if predicted.ndim == 2 else predicted
    per_fold = fold_scores(scores, x, y, config, 0.5 if method == "predict_proba" else 0.0, folds, fresh)
    return scores, float(np.mean(per_fold)), float(np.std(per_fold))


def stratified_positions(y, size: int | None, seed: int) -> np.ndarray | None:
    """Positions of a stratified sample of `size` rows, in their original order; None when all
    rows fit."""
    if not size or len(y) <= size:
        return None
    kept, _ = train_test_split(np.arange(len(y)), train_size=size, random_state=seed, stratify=y)
    return np.sort(kept)


def sample_rows(rows: EncodedRows, size: int | None, seed: int) -> EncodedRows:
    """The rows, or a stratified subsample of them when a family caps its tuning or fitting cost."""
    kept = stratified_positions(rows.y, size, seed)
    if kept is None:
        return rows
    return EncodedRows(rows.x[kept], rows.y[kept], rows.positions[kept])


@dataclass
class SearchOutcome:
    best_params: dict[str, object]
    """Pipeline parameters (`model__...`) of the best candidate."""
    mean: float
    std: float
    """Mean and spread across folds of the best candidate's score."""
    candidates: int


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
    cut = 0.5 if hasattr(pipeline, "predict_proba") else 0.0
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


def one_fit_answers(pipeline: Pipeline, grid: dict[str, list], along: str) -> bool:
    """Whether one fit at the largest value of `along` answers for its other values in every
    candidate: several whole positive values, no resampling, and neither neighbours weighted by a
    function of their own nor a tree that draws features, splits at random, grows best-first or is
    pruned (each of which makes the smaller fits differ)."""
    values = grid.get(along, [])
    if len(values) < 2 or not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        return False
    if pipeline.named_steps.get("sample", "passthrough") != "passthrough":
        return False
    for params in ParameterGrid(grid):
        model = clone(pipeline).set_params(**params).named_steps["model"]
        if isinstance(model, KNeighborsClassifier) and model.weights not in ("uniform", "distance"):
            return False
        if isinstance(model, DecisionTreeClassifier) and (
                model.splitter != "best" or model.max_features is not None or model.max_leaf_nodes is not None
                or model.ccp_alpha != 0):
            return False
        if not isinstance(model, (KNeighborsClassifier, DecisionTreeClassifier)):
            return False
    return True


def scores_along(pipeline: Pipeline, x: np.ndarray, y_fit: np.ndarray,
                 values: list) -> Iterator[tuple[object, np.ndarray]]:
    """(value, positive-class scores) for each value of the family's `scored_along` parameter, from
    `pipeline` fitted at the largest value on rows labelled `y_fit` (not resampled).

    k-nearest neighbours: each k votes over the first k of one neighbour query, weighted as
    scikit-learn's classifier weighs them. A decision tree grown to the largest depth answers for a
    shallower one with its nodes at that depth, as splits are chosen top-down, each from its node's
    rows alone. Both match separate fits except where candidates tie (neighbours at the same
    distance, splits of equal gain), which each may resolve its own way."""
    model = pipeline.named_steps["model"]
    x = pipeline[:-1].transform(x)
    if isinstance(model, KNeighborsClassifier):
        yield from _neighbour_votes(model, x, y_fit, values)
    elif isinstance(model, DecisionTreeClassifier):
        yield from _shallower_trees(model, x, values)
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


def grid_edges(grid: dict[str, list], best: dict[str, object]) -> list[GridEdge]:
    """Numeric parameters tuned to the smallest or largest value tried: the search may be too narrow."""
    edges = []
    for key, values in grid.items():
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        value = best.get(key)
        if len(numbers) < 2 or value not in numbers:
            continue
        if value in (max(numbers), min(numbers)):
            edges.append(GridEdge(parameter=key, value=plain_number(value), largest=value == max(numbers)))
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


def fold_training_rows(rows: int, folds: int) -> int:
    """The training rows of the smallest fold of a k-fold split of `rows`."""
    return rows - -(-rows // folds)


def within_rows(grid: dict[str, list], bounded: tuple[str, ...], rows: int) -> dict[str, list]:
    """The grid with the values of `bounded` parameters above `rows` brought down to `rows` (once)."""
    return {key: list(dict.fromkeys(min(v, rows) for v in values)) if key in bounded else values
            for key, values in grid.items()}


def tune(spec: ModelSpec, clean: CleanData, config: DatasetConfig, encoded: EncodedRows | None = None) -> FittedModel:
    family = FAMILIES[spec.name]
    grid = family.grid if spec.grid is None else spec.grid
    tuning_size = spec.tuning_rows if spec.tuning_rows is not None else family.tuning_rows
    fit_size = spec.fit_rows if spec.fit_rows is not None else family.fit_rows
    shortcuts = config.search.subsample
    if not shortcuts:
        tuning_size = fit_size = None
    search_params = {f"model__{key}": value for key, value in family.search_params.items()} if shortcuts else {}
    started = time.perf_counter()
    fit_on = sample_rows(encoded if encoded is not None else encoded_rows(family, clean, config),
                         fit_size, config.seed)
    rows = sample_rows(fit_on, tuning_size, config.seed)
    grid = within_rows(grid, family.at_most_rows, min(fold_training_rows(len(rows.y), config.search.tuning_cv),
                                                      fold_training_rows(len(fit_on.y), config.search.cv)))
    pipeline = estimator_pipeline(spec, family, clean, config).set_params(**search_params)
    candidates = {f"model__{key}": values for key, values in grid.items()}
    along = f"model__{family.scored_along}" if shortcuts and family.scored_along else None
    along = along if along and one_fit_answers(pipeline, candidates, along) else None
    search = grid_search(pipeline, candidates, rows, config, along=along)
    best_params = {k.removeprefix("model__"): v for k, v in search.best_params.items()}

    def configured(strategy: str) -> Pipeline:
        return estimator_pipeline(spec, family, clean, config, strategy).set_params(**search.best_params)

    compared: list[StrategyScore] = []
    strategies = strategies_for(family, config)
    for strategy in strategies if len(strategies) > 1 else []:
        _, mean, std = out_of_fold(configured(strategy).set_params(**search_params), rows.x, rows.y, config,
                                   folds=config.search.tuning_cv, fresh=True)
        compared.append(StrategyScore(strategy, round(mean, 6), round(std, 6)))
    chosen = max(compared, key=lambda s: round(s.mean, 4)).strategy if compared else strategies[0]
    final = model_pipeline(spec, family, clean, config, chosen).set_params(**search.best_params)
    x_fit, y_fit = clean.x_train.iloc[fit_on.positions], clean.y_train.iloc[fit_on.positions]
    bagged = family.out_of_bag and shortcuts and chosen in ("none", "class_weight")
    if bagged:
        with warnings.catch_warnings(record=True) as raised:
            warnings.simplefilter("always", UserWarning)
            final.set_params(model__oob_score=True).fit(x_fit, y_fit)
        oof = final.named_steps["model"].oob_decision_function_[:, 1]
        bagged = not any("do not have OOB scores" in str(w.message) for w in raised)
    if bagged:
        per_fold = fold_scores(oof, fit_on.x, fit_on.y, config, 0.5)
        mean, std = float(np.mean(per_fold)), float(np.std(per_fold))
    else:
        oof, mean, std = out_of_fold(configured(chosen), fit_on.x, fit_on.y, config)
        final.set_params(**({"model__oob_score": False} if family.out_of_bag else {})).fit(x_fit, y_fit)
    return FittedModel(
        name=family.name,
        label=family.label,
        pipeline=final,
        params={**spec.params, **best_params},
        strategy=chosen,
        cv_mean=float(mean),
        cv_std=float(std),
        candidates=search.candidates,
        fit_seconds=round(time.perf_counter() - started, 3),
        grid_edges=grid_edges(grid, best_params),
        oof_scores=oof,
        oof_labels=fit_on.y,
        fit_positions=fit_on.positions,
        default_threshold=0.5 if hasattr(final, "predict_proba") else 0.0,
        strategies=compared,
        tuning_rows=len(rows.y),
        fit_rows=len(fit_on.y),
        importance=family.importance,
        scored_by=ScoresSource.OUT_OF_BAG if bagged else ScoresSource.CROSS_VALIDATION,
        search_settings=dict(family.search_params) if shortcuts else {},
        scored_along=family.scored_along if along else "",
        scored_along_from=plain_number(max(grid[family.scored_along])) if along else None,
    )


def _tune_quietly(spec: ModelSpec, clean: CleanData, config: DatasetConfig, encoded: EncodedRows) -> FittedModel:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
        return tune(spec, clean, config, encoded)


Measure = Callable[[FittedModel, CleanData, DatasetConfig], object]
"""A later stage's work on one tuned model (its test evaluation), run where it was tuned."""


def tune_all(clean: CleanData, config: DatasetConfig,
             on_tuned: Callable[[FittedModel], None] | None = None,
             measure: Measure | None = None) -> list[FittedModel]:
    """Tune the families side by side, one per worker, costliest first; each search then runs
    its folds in its own worker. Many small searches keep the cores busier this way than one
    search at a time with its folds spread over the cores.

    `measure`, if given, runs on each tuned model in the same worker, while the other families
    are still tuning, and its result is kept in `FittedModel.measured`.

    The workers are joblib's active backend: n_jobs processes of this machine (`reportgen.runtime.workers`),
    or a Dask cluster's (`reportgen.runtime.backends.search_backend`), which takes every family at once."""
    by_variant: dict[str, EncodedRows] = {}

    def encoded_for(family: ModelFamily) -> EncodedRows:
        """Each encoding made once, as the first family that needs it is sent: the first families
        start tuning while the rows of the others are encoded."""
        variant = encoder_variant(family, clean, config)[0]
        if variant not in by_variant:
            by_variant[variant] = encoded_rows(family, clean, config)
        return by_variant[variant]

    on_cluster = config.search.backend == "dask"
    workers = len(config.models) if on_cluster else max(1, min(config.search.n_jobs, len(config.models)))
    serial = config.one_job_each() if workers > 1 or on_cluster else config
    order = sorted(range(len(config.models)), key=lambda i: -FAMILIES[config.models[i].name].relative_cost)
    # One family sent per free worker: each task carries the training rows, pickled in this process
    # on the way, so on a large table tasks queued ahead would hold copies of them here.
    tuned = Parallel(n_jobs=workers, return_as="generator_unordered", batch_size=1, pre_dispatch="n_jobs")(
        delayed(_tune_at)(i, config.models[i], clean, serial, encoded_for(FAMILIES[config.models[i].name]), measure)
        for i in order)
    by_position = {}
    for position, fitted in tuned:
        by_position[position] = fitted
        if on_tuned is not None:
            on_tuned(fitted)
    return [by_position[i] for i in range(len(config.models))]


def _tune_at(position: int, spec: ModelSpec, clean: CleanData, config: DatasetConfig,
             encoded: EncodedRows, measure: Measure | None) -> tuple[int, FittedModel]:
    fitted = _tune_quietly(spec, clean, config, encoded)
    if measure is not None:
        fitted.measured = measure(fitted, clean, config)
    return position, fitted


ENSEMBLE_SIZES = (2, 3)


def soft_voting(fitted: list[FittedModel], clean: CleanData, config: DatasetConfig) -> FittedModel | None:
    """Average the probabilities of the best two or three probabilistic models fitted on all rows.

    The members are the tuned, fitted pipelines (frozen, not refitted); the ensemble's
    out-of-fold scores are the average of theirs, on the same folds, so its cross-validated
    score is comparable with theirs and decides, like theirs, whether it is recommended.
    """
    everyone = len(clean.y_train)
    candidates = sorted((f for f in fitted if f.default_threshold == 0.5 and len(f.oof_labels) == everyone),
                        key=lambda f: -f.cv_mean)
    if len(candidates) < 2:
        return None
    started = time.perf_counter()
    tried = []
    for size in ENSEMBLE_SIZES:
        if size > len(candidates):
            break
        members = candidates[:size]
        oof = np.mean([m.oof_scores for m in members], axis=0)
        per_fold = fold_scores(oof, clean.x_train, clean.y_train, config, 0.5)
        tried.append((float(np.mean(per_fold)), float(np.std(per_fold)), members, oof))
    mean, std, members, oof = max(tried, key=lambda t: round(t[0], 4))
    voting = VotingClassifier([(m.name, FrozenEstimator(m.pipeline)) for m in members], voting="soft")
    voting.fit(clean.x_train, clean.y_train)
    return FittedModel(
        name="ensemble",
        label="Soft-voting ensemble",
        pipeline=voting,
        params={"members": ", ".join(m.name for m in members), "voting": "soft (mean probability)"},
        strategy="each member's own",
        cv_mean=mean,
        cv_std=std,
        candidates=len(tried),
        fit_seconds=round(time.perf_counter() - started, 3),
        grid_edges=[],
        oof_scores=oof,
        oof_labels=clean.y_train.to_numpy(),
        fit_positions=np.arange(everyone),
        default_threshold=0.5,
        tuning_rows=everyone,
        fit_rows=everyone,
        scored_by=ScoresSource.MEMBERS,
        members=[m.name for m in members],
    )


def fit_models(clean: CleanData, config: DatasetConfig,
               on_tuned: Callable[[FittedModel], None] | None = None,
               measure: Measure | None = None) -> list[FittedModel]:
    """The tuned families, then the ensemble when there is one (which `measure` does not see)."""
    fitted = tune_all(clean, config, on_tuned, measure)
    if config.ensemble:
        ensemble = soft_voting(fitted, clean, config)
        if ensemble is not None:
            fitted.append(ensemble)
    return fitted


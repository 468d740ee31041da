"""Stage 3, model: build each family's pipeline and tune it by cross-validation on the
training rows only. The test rows are not seen here."""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from reportgen.clean import CleanData, feature_encoder
from reportgen.config import DatasetConfig, ModelSpec
from reportgen.registry import FAMILIES, ModelFamily


@dataclass
class FittedModel:
    name: str
    label: str
    pipeline: Pipeline
    params: dict[str, object]
    cv_mean: float
    cv_std: float
    candidates: int
    fit_seconds: float
    grid_edges: list[str]

    @property
    def estimator(self):
        return self.pipeline.named_steps["model"]

    def transformed_feature_names(self) -> list[str]:
        return [str(n) for n in self.pipeline[:-1].get_feature_names_out()]


def scaler(kind: str):
    if kind == "standard":
        return StandardScaler()
    if kind == "minmax_symmetric":
        return MinMaxScaler(feature_range=(-1, 1))
    return "passthrough"


def model_pipeline(spec: ModelSpec, family: ModelFamily, clean: CleanData, config: DatasetConfig) -> Pipeline:
    estimator = family.make(config.seed)
    if spec.params:
        estimator.set_params(**spec.params)
    categorical = clean.categorical
    reference = None
    if family.name == "logistic_regression":
        estimator.set_params(fit_intercept=config.logit.intercept)
        if not config.logit.categoricals:
            categorical = []
        if config.logit.intercept:
            reference = clean.reference_categories
    encoder = feature_encoder(clean.numeric, categorical, config, reference)
    return Pipeline([
        ("encode", encoder),
        ("scale", scaler(spec.scaler or family.scaler)),
        ("model", estimator),
    ])


def cv_splitter(config: DatasetConfig) -> StratifiedKFold:
    if config.search.shuffle:
        return StratifiedKFold(config.search.cv, shuffle=True, random_state=config.seed)
    return StratifiedKFold(config.search.cv)


def tune(spec: ModelSpec, clean: CleanData, config: DatasetConfig) -> FittedModel:
    family = FAMILIES[spec.name]
    grid = family.grid if spec.grid is None else spec.grid
    search = GridSearchCV(
        model_pipeline(spec, family, clean, config),
        {f"model__{key}": values for key, values in grid.items()},
        scoring=config.search.scoring,
        cv=cv_splitter(config),
        n_jobs=config.search.n_jobs,
        refit=True,
        error_score="raise",
    )
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(clean.x_train, clean.y_train)
    best = search.best_index_
    best_params = {k.removeprefix("model__"): v for k, v in search.best_params_.items()}
    return FittedModel(
        name=family.name,
        label=family.label,
        pipeline=search.best_estimator_,
        params={**spec.params, **best_params},
        cv_mean=float(search.cv_results_["mean_test_score"][best]),
        cv_std=float(search.cv_results_["std_test_score"][best]),
        candidates=len(search.cv_results_["params"]),
        fit_seconds=round(time.perf_counter() - started, 3),
        grid_edges=grid_edges(grid, best_params),
    )


def grid_edges(grid: dict[str, list], best: dict[str, object]) -> list[str]:
    """Numeric parameters tuned to the smallest or largest value tried: the search may be too narrow."""
    edges = []
    for key, values in grid.items():
        numbers = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
        value = best.get(key)
        if len(numbers) < 2 or value not in numbers:
            continue
        if value == max(numbers):
            edges.append(f"{key} = {value} (largest tried)")
        elif value == min(numbers):
            edges.append(f"{key} = {value} (smallest tried)")
    return edges


def fit_models(clean: CleanData, config: DatasetConfig) -> list[FittedModel]:
    return [tune(spec, clean, config) for spec in config.models]

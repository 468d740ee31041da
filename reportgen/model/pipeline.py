"""What a family fits: its encoder, scaler, resampler and estimator in one imbalanced-learn Pipeline,
and where that pipeline's scores are cut by default."""

from __future__ import annotations

import numpy as np
import pandas as pd
from imblearn.over_sampling import SMOTE, SMOTENC, RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.compose import ColumnTransformer
from sklearn.preprocessing import MinMaxScaler, StandardScaler

from reportgen.clean import CleanData, feature_encoder
from reportgen.config import DatasetConfig, ModelSpec
from reportgen.registry import ModelFamily

PROBABILITY_CUT = 0.5
"""Where predict() cuts class-1 probabilities."""
MARGIN_CUT = 0.0
"""Where predict() cuts a decision function's margins (SVM)."""
RESAMPLING_STRATEGIES = ("random_over", "random_under", "smote")
"""The imbalance strategies that change the rows a model is fitted on (`sampler`); "none" and
"class_weight" fit on the rows as they are."""
MODEL_STEP = "model"
"""The estimator's step in every pipeline; its parameters are set as `model__<name>`."""


def positive_scores(pipeline, x: pd.DataFrame) -> np.ndarray:
    """Class-1 probabilities where the model gives them, else its decision function (SVM)."""
    if hasattr(pipeline, "predict_proba"):
        return pipeline.predict_proba(x)[:, 1]
    return pipeline.decision_function(x)


def default_cut(pipeline) -> float:
    """Where the pipeline's own predict() cuts the scores `positive_scores` returns."""
    return PROBABILITY_CUT if hasattr(pipeline, "predict_proba") else MARGIN_CUT


def model_step_param(name: str) -> str:
    """An estimator parameter as the pipeline names it."""
    return f"{MODEL_STEP}__{name}"


def model_step_params(params: dict[str, object]) -> dict[str, object]:
    return {model_step_param(key): value for key, value in params.items()}


def estimator_params(params: dict[str, object]) -> dict[str, object]:
    """Pipeline parameters of the estimator step under the estimator's own names."""
    return {key.removeprefix(f"{MODEL_STEP}__"): value for key, value in params.items()}


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
    left_out = columns_left_out(family, clean)
    return feature_encoder([c for c in clean.numeric if c not in left_out], categorical, config, reference,
                           order=clean.features, native=variant == "native", rows=len(clean.x_train),
                           impute_numeric=not keeps_missing(family, config))


def keeps_missing(family: ModelFamily, config: DatasetConfig) -> bool:
    """Whether the family gets missing numeric values as they are: when it handles them itself, unless SMOTE,
    which interpolates between rows and cannot between blanks, is among the strategies it may be fitted with."""
    return family.native_missing and "smote" not in config.imbalance.strategies


def columns_left_out(family: ModelFamily, clean: CleanData) -> list[str]:
    """The features a family does not see: for the logistic regression, the columns the VIF screen left out
    of it (`vif.applies_to: logit`); every other family sees every feature."""
    return list(clean.logit_left_out) if family.name == "logistic_regression" else []


def encoder_variant(family: ModelFamily, clean: CleanData,
                    config: DatasetConfig) -> tuple[str, list[str], dict[str, str] | None]:
    """(name, categorical columns, reference categories) of the encoding a family gets."""
    if family.name == "logistic_regression":
        categorical = clean.categorical if config.logit.categoricals else []
        return "logit", categorical, clean.reference_categories if config.logit.intercept else None
    if gets_codes(family, config) and clean.categorical:
        return "native", clean.categorical, None
    return "shared", clean.categorical, None


def gets_codes(family: ModelFamily, config: DatasetConfig) -> bool:
    """Whether the family gets its own column of codes per categorical: where it splits on categories itself, or
    where it would otherwise get one-hot columns (with `encoding.categorical: ordinal`, every family gets the
    config's codes, as the `students-course` preset's forest replays the course's)."""
    return family.native_categorical or (family.category_codes and config.encoding.categorical == "onehot")


def native_mask(family: ModelFamily, clean: CleanData, config: DatasetConfig) -> list[bool] | None:
    """Which encoded columns hold category codes, for a family that gets its own (`gets_codes`)."""
    if not (gets_codes(family, config) and clean.categorical):
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
    mask = native_mask(family, clean, config)
    if mask is not None and family.native_categorical:
        estimator.set_params(categorical_features=mask)
    return Pipeline([
        ("scale", scaler(spec.scaler or family.scaler)),
        ("sample", sampler(strategy, config.seed, mask)),
        (MODEL_STEP, estimator),
    ])


def model_pipeline(spec: ModelSpec, family: ModelFamily, clean: CleanData, config: DatasetConfig,
                   strategy: str = "none") -> Pipeline:
    """The whole model, raw feature frame in: what is refit on all training rows and saved."""
    steps = estimator_pipeline(spec, family, clean, config, strategy).steps
    return Pipeline([("encode", encoder_for(family, clean, config)), *steps])

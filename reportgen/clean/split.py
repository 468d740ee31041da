"""The train/test split: stratified on the outcome unless the config says otherwise, once enough rows of each
outcome remain for the cross-validation."""

from __future__ import annotations

import pandas as pd
from sklearn.model_selection import train_test_split

from reportgen.config import DatasetConfig
from reportgen.errors import ReportInputError


def check_enough_for_folds(outcome: pd.Series, config: DatasetConfig) -> None:
    """Raise unless each outcome has at least two rows per fold of the larger of the two cross-validations."""
    positives = int(outcome.sum())
    folds, key = ((config.search.tuning_cv, "search.tuning_cv") if config.search.tuning_cv > config.search.cv
                  else (config.search.cv, "search.cv"))
    if positives < folds * 2 or len(outcome) - positives < folds * 2:
        raise ReportInputError(
            f"only {positives} positive and {len(outcome) - positives} negative rows remain; "
            f"{folds}-fold cross-validation needs at least {folds * 2} of each. "
            f"Add rows, or lower '{key}' in a config (2 at least)."
        )


def train_test(features: pd.DataFrame, outcome: pd.Series,
               config: DatasetConfig) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """x_train, x_test, y_train, y_test (`split.test_size`, `split.stratify`, seeded by `seed`)."""
    check_enough_for_folds(outcome, config)
    return train_test_split(
        features,
        outcome,
        test_size=config.split.test_size,
        random_state=config.seed,
        stratify=outcome if config.split.stratify else None,
    )

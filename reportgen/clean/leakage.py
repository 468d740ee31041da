"""What could leak the outcome into the model or the test set into training: features that alone rank the
outcome almost perfectly, and rows whose features repeat (test rows with a twin among the training rows)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

from reportgen.config import DatasetConfig
from reportgen.result import Duplicates, Leakage, Notice, NoticeKind

LEAKAGE_AUC = 0.97
"""A feature whose values alone rank the outcome this well (ROC AUC) is flagged as probable leakage."""
TWIN_SHARE_WARNING = 0.1
"""Warn when at least this share of the test rows has an identical row among the training rows."""


def single_feature_auc(values: pd.Series, y: pd.Series, categorical: bool, seed: int) -> float:
    """How well one feature alone separates the outcomes (ROC AUC, direction-free). A numeric column
    is ranked by its values, missing ones as a level of their own; a categorical one by its categories'
    outcome rates, each half of the rows scored with rates from the other half."""
    if categorical:
        text = values.astype(str).to_numpy()
        scores = np.full(len(values), float(y.mean()))
        y_values = y.to_numpy()
        for fit, score in StratifiedKFold(2, shuffle=True, random_state=seed).split(text, y_values):
            rates = pd.Series(y_values[fit]).groupby(text[fit]).mean()
            scores[score] = pd.Series(text[score]).map(rates).fillna(y_values[fit].mean()).to_numpy()
    else:
        numbers = values.astype(float)
        scores = numbers.fillna(numbers.min() - 1 if numbers.notna().any() else 0).to_numpy()
    auc = roc_auc_score(y, scores)
    return float(max(auc, 1 - auc))


def leakage_flags(x: pd.DataFrame, y: pd.Series, categorical: list[str], config: DatasetConfig) -> list[Leakage]:
    found = []
    for column in x.columns:
        auc = single_feature_auc(x[column], y, column in categorical, config.seed)
        if auc >= LEAKAGE_AUC:
            found.append(Leakage(feature=column, label=config.label(column), auc=round(auc, 4)))
    return found


def duplicate_summary(features: pd.DataFrame, outcome: pd.Series, test_index: pd.Index) -> Duplicates:
    """Rows whose features repeat an earlier row's exactly, those among them with both outcomes, and
    test rows with an identical row in training."""
    keys = pd.util.hash_pandas_object(features, index=False)
    repeated = keys.duplicated(keep="first")
    outcomes = outcome.groupby(keys).nunique()
    in_test = keys.index.isin(test_index)
    return Duplicates(
        rows=int(repeated.sum()),
        conflicting=int(keys[keys.duplicated(keep=False)].map(outcomes).gt(1).sum()),
        test_rows_in_training=int(keys[in_test].isin(set(keys[~in_test])).sum()),
        test_rows=int(in_test.sum()),
    )


def training_twins(features: pd.DataFrame, train_index: pd.Index, test_index: pd.Index) -> np.ndarray:
    """For each test row, in `test_index`'s order, whether a training row has the same features
    (the rows `Duplicates.test_rows_in_training` counts)."""
    keys = pd.util.hash_pandas_object(features, index=False)
    return keys.loc[test_index].isin(set(keys.loc[train_index])).to_numpy()


def duplicate_and_leakage_notices(duplicates: Duplicates, leakage: list[Leakage]) -> list[Notice]:
    """A notice when many test rows have a twin in training (`TWIN_SHARE_WARNING`), and one per probable leak."""
    found = []
    if duplicates.test_rows and duplicates.test_rows_in_training / duplicates.test_rows >= TWIN_SHARE_WARNING:
        found.append(Notice(NoticeKind.TWINS))
    return found + [Notice(NoticeKind.LEAKAGE, columns=[flag.feature]) for flag in leakage]

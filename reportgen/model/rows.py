"""Which training rows a family is searched and fitted on: all of them encoded once, or a stratified
sample of them when the family caps its cost."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split

from reportgen.clean import CleanData
from reportgen.config import DatasetConfig, ModelSpec
from reportgen.model.pipeline import encoder_for
from reportgen.registry import ModelFamily


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


def tuning_size(spec: ModelSpec, family: ModelFamily, rows: int) -> int | None:
    """How many of `rows` training rows the family's search compares candidates on: the spec's number if it
    gives one, else the family's, raised to its share of the rows. A fixed sample keeps the search's cost flat
    as tables grow, but a large table's patterns (rarer combinations, finer splits) only show in a search on
    rows in proportion to it."""
    if spec.tuning_rows is not None:
        return spec.tuning_rows
    if family.tuning_rows is None:
        return None
    return max(family.tuning_rows, math.ceil(family.tuning_share * rows))


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

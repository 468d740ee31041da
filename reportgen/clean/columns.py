"""Which columns are features, and of which type: the config's choices, its declared values, and the columns
dropped as empty, constant or scattered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from reportgen.config import DatasetConfig
from reportgen.errors import ReportInputError
from reportgen.result import Notice, NoticeKind, PreprocessingStep, StepKind


def source_columns(config: DatasetConfig) -> set[str]:
    """Text and date columns: never features themselves, they enter through their derived features."""
    return {c for c, kind in config.types.items() if kind in ("text", "date")}


def candidate_columns(frame: pd.DataFrame, config: DatasetConfig) -> list[str]:
    """The feature candidates in the table's order (derived features beside their source): the
    config's `features`, or every column that is not the target, an id, excluded or a text/date source."""
    named = [*config.id_columns, *config.exclude, *config.categorical, *config.not_actionable, *config.levers,
             *config.types, *(config.features or [])]
    unknown = [c for c in dict.fromkeys(named) if c not in frame.columns]
    if unknown:
        raise ReportInputError(
            f"config names columns that are not in {config.data.name}: {', '.join(map(str, unknown))}"
        )
    sources = source_columns(config)
    after = known_after(frame, config)
    if config.features is not None:
        wrong = [c for c in config.features if c in sources or c == config.target.column]
        if wrong:
            raise ReportInputError(f"'features' lists {', '.join(wrong)}: the target, text and date columns are not "
                                   f"features (list a text or date column's derived features instead).")
        chosen = set(config.features) - after
        return [c for c in frame.columns if c in chosen]
    left_out = {config.target.column, *config.id_columns, *config.exclude, *sources, *after}
    return [c for c in frame.columns if c not in left_out]


def known_after(frame: pd.DataFrame, config: DatasetConfig) -> set[str]:
    """The columns the config declares known only after the outcome (`known_before_outcome: false`), and the
    features derived from them; `frame` holds the table's columns and the derived features."""
    unknown = [c for c in config.known_before_outcome if c not in frame.columns]
    if unknown:
        raise ReportInputError(f"'known_before_outcome' names {', '.join(map(str, unknown))}: not a column of "
                               f"{config.data.name} nor a derived feature; check the spelling.")
    after = {c for c, known in config.known_before_outcome.items() if not known}
    return after | {f.name for f in config.derived if f.column in after}


def split_by_type(frame: pd.DataFrame, columns: list[str], declared: list[str]) -> tuple[list[str], list[str]]:
    numeric = [c for c in columns if c not in declared and pd.api.types.is_numeric_dtype(frame[c])]
    categorical = [c for c in columns if c not in numeric]
    return numeric, categorical


def categorical_by_config(columns: list[str], config: DatasetConfig) -> list[str]:
    """Columns the config makes categorical: declared so, or a derived month or weekday."""
    def derived_categorical(column: str) -> bool:
        feature = config.derived_feature(column)
        return feature is not None and feature.categorical

    return [c for c in columns if config.column_type(c) == "categorical" or derived_categorical(c)]


def uninformative(features: pd.DataFrame, columns: list[str], numeric: list[str]) -> tuple[list[str], list[str]]:
    """Empty columns, and constant ones: a single value; for a category, missing counts as a value."""
    empty = [c for c in columns if features[c].isna().all()]
    constant = [c for c in columns if c not in empty and features[c].nunique(dropna=c in numeric) <= 1]
    return empty, constant


RECODING_VALUES = 0.5
"""Columns are compared for a one-to-one recoding only when they hold at most this share of the rows as distinct
values (each value in two rows on average): two columns with a distinct value in (nearly) every row map one-to-one
without saying the same thing, while columns whose values repeat do so only when one recodes the other."""


def recoded_columns(features: pd.DataFrame, columns: list[str], keep: list[str] = ()) -> dict[str, str]:
    """Each column whose values map one-to-one onto an earlier column's, to that column: the two group the rows
    alike (orange juice's STORE is StoreID with 7 written 0; a plan's code beside its name). Missing counts as a
    value. A column in `keep` (one the config names: a lever, an outlier rule's column) is never the one dropped."""
    most = max(2, int(RECODING_VALUES * len(features)))
    codes = {}
    for column in columns:
        code, uniques = pd.factorize(features[column], use_na_sentinel=False)
        if 2 <= len(uniques) <= most:
            codes[column] = (code.astype(np.int64), len(uniques))
    repeats: dict[str, str] = {}
    kept: list[str] = []
    for column in (c for c in columns if c in codes):
        code, count = codes[column]
        match = None if column in keep else next(
            (e for e in kept if codes[e][1] == count and np.unique(codes[e][0] * count + code).size == count), None)
        if match is None:
            kept.append(column)
        else:
            repeats[column] = match
    return repeats


def features_as_declared(frame: pd.DataFrame, columns: list[str],
                         config: DatasetConfig) -> tuple[pd.DataFrame, list[PreprocessingStep], list[Notice]]:
    """The feature columns with the config's declarations applied: its `missing.fill` values in place, and the
    columns it declares numeric as numbers (values that are not numbers, and infinities, made missing); a step
    for each change and a notice for each value made missing."""
    features = frame[columns].copy()
    n_rows = len(features)
    steps: list[PreprocessingStep] = []
    notices: list[Notice] = []
    for column, value in config.missing.fill.items():
        if column not in features.columns:
            raise ReportInputError(f"'missing.fill' names column '{column}', which is not a feature.")
        filled = int(features[column].isna().sum())
        features[column] = features[column].fillna(value)
        steps.append(PreprocessingStep(StepKind.DECLARED_FILL, n_rows, n_rows, [column], count=filled,
                                       value=str(value)))

    for column in [c for c in columns if config.column_type(c) == "numeric"]:
        features[column], bad = declared_numbers(features[column])
        if bad:
            steps.append(PreprocessingStep(StepKind.NOT_NUMBERS, n_rows, n_rows, [column], examples=bad[:5]))
            notices.append(Notice(NoticeKind.NOT_NUMBERS, columns=[column], values=bad[:5]))
        infinite = np.isinf(features[column].to_numpy(dtype=float))
        if infinite.any():
            features[column] = features[column].mask(infinite)
            steps.append(PreprocessingStep(StepKind.INFINITE, n_rows, n_rows, [column], count=int(infinite.sum())))
            notices.append(Notice(NoticeKind.INFINITE, columns=[column], count=int(infinite.sum())))
    return features, steps, notices


def declared_numbers(values: pd.Series) -> tuple[pd.Series, list[str]]:
    """A column declared numeric, as numbers; the values that are not numbers become missing."""
    if pd.api.types.is_numeric_dtype(values):
        return values, []
    numbers = pd.to_numeric(values.astype("string").str.strip(), errors="coerce").astype(float)
    bad = values[numbers.isna() & values.notna()]
    return numbers, sorted(map(str, bad.unique()))


def as_categories(values: pd.Series) -> pd.Series:
    """Category labels as text, as scoring reads them: 3 and 3.0 are both '3'; missing stays missing."""
    if not pd.api.types.is_numeric_dtype(values):
        return values
    text = values.map(lambda v: str(int(v)) if float(v).is_integer() else str(v), na_action="ignore")
    return text.astype(object)


def scattered_columns(features: pd.DataFrame, categorical: list[str], config: DatasetConfig) -> list[str]:
    """One-hot encoded columns whose most frequent category is rare: it is the logit's reference category, which
    must not be grouped away as 'other' in any cross-validation fold (twice the grouping share keeps it clear)."""
    share = config.encoding.min_frequency
    if config.encoding.categorical != "onehot" or not share:
        return []
    return [c for c in categorical if features[c].dropna().astype(str).value_counts().max() < 2 * share * len(features)]


def no_feature_message(config: DatasetConfig, left_out: list[str], uninformative: list[str],
                       collinear: list[str]) -> str:
    """Why nothing is left to model on: every column besides the target and what became of it."""
    reasons = [f"{', '.join(map(str, columns))} ({why})" for columns, why in
               [(left_out, "identifiers, excluded, or empty or constant"),
                (uninformative, "empty, constant or scattered"),
                (collinear, "collinear")] if columns]
    found = f"; the other columns were left out: {'; '.join(reasons)}" if reasons else ""
    return (f"no usable feature is left in {Path(config.data).name} besides the target '{config.target.column}'"
            f"{found}. Add columns that vary between rows, or declare their types in a config.")

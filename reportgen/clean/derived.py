"""Derived features: a text's length or word count, a date's age in days, year, month or weekday, and whether
a number is one that means 'does not apply'. Each is computed beside its source column, here and again when
new rows are scored."""

from __future__ import annotations

import numpy as np
import pandas as pd

from reportgen.config import TEXT_KINDS, DatasetConfig, DerivedFeature
from reportgen.errors import ReportInputError
from reportgen.load import latest_date, parse_dates
from reportgen.result import DerivedColumn


def derived_values(frame: pd.DataFrame, feature: DerivedFeature) -> pd.Series:
    """One derived feature: a text's length or word count, a date's age in days, year, month or weekday, or
    whether a number is one that means 'does not apply'. A missing source gives a missing value, never 0, but for
    that indicator: a blank is not a 'does not apply'."""
    source = frame[feature.column]
    if feature.kind == "not_applicable":
        return numbers_of(source).isin(feature.values).astype(float)
    if feature.kind in TEXT_KINDS:
        text = source.astype("string")
        counts = text.str.len() if feature.kind == "length" else text.str.split().str.len()
        return counts.astype("Float64").astype(float)
    dates = parse_dates(source)
    if feature.kind == "age_days":
        return (pd.Timestamp(feature.reference) - dates).dt.days.astype(float)
    if feature.kind == "year":
        return dates.dt.year.astype(float)
    names = dates.dt.month_name() if feature.kind == "month" else dates.dt.day_name()
    return names.str[:3].astype(object).where(dates.notna(), np.nan)


def with_references(config: DatasetConfig, frame: pd.DataFrame) -> list[DerivedFeature]:
    """The derived features with every age's reference date set (the latest date in its column)."""
    return [f.model_copy(update={"reference": latest_date(frame[f.column])})
            if f.kind == "age_days" and f.reference is None else f for f in config.derived]


def numbers_of(values: pd.Series) -> pd.Series:
    return values if pd.api.types.is_numeric_dtype(values) else pd.to_numeric(values, errors="coerce")


def without_not_applicable(values: pd.Series, feature: DerivedFeature) -> pd.Series:
    """A numeric column with its 'does not apply' values missing: they are no quantity to average."""
    return numbers_of(values).mask(lambda v: v.isin(feature.values))


def add_derived(frame: pd.DataFrame, derived: list[DerivedFeature]) -> pd.DataFrame:
    """The frame with each derived feature inserted right after its source column; a column with values that
    mean 'does not apply' has them missing."""
    clash = [f.name for f in derived if f.name in frame.columns]
    if clash:
        raise ReportInputError(f"derived feature name(s) {', '.join(clash)} already name a column of the table; "
                               f"choose another 'name'.")
    columns: dict[str, pd.Series] = {}
    for column in frame.columns:
        columns[column] = frame[column]
        for feature in derived:
            if feature.column == column:
                columns[feature.name] = derived_values(frame, feature)
                if feature.kind == "not_applicable":
                    columns[column] = without_not_applicable(columns[column], feature)
    return pd.DataFrame(columns, index=frame.index)


def derived_columns(derived: list[DerivedFeature]) -> list[DerivedColumn]:
    return [DerivedColumn(name=f.name, kind=f.kind, column=f.column,
                          reference=str(f.reference) if f.reference is not None else None, values=list(f.values or []))
            for f in derived]

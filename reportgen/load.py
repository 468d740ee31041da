"""Stage 1, load: read the table as the config says and turn the outcome into 0/1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reportgen.config import DatasetConfig
from reportgen.errors import ReportInputError


@dataclass
class LoadedData:
    frame: pd.DataFrame
    """The table as read; never modified afterwards."""
    outcome: pd.Series
    """1 where the target equals the positive label, 0 elsewhere; missing target rows dropped."""
    rows_read: int
    positive_label: str
    warnings: list[str]


def read_table(config: DatasetConfig) -> pd.DataFrame:
    path = Path(config.data)
    if not path.exists():
        raise ReportInputError(f"data file not found: {path}. Check the path or the config's 'data' key.")
    if not path.is_file():
        raise ReportInputError(f"{path} is a folder, not a CSV file; give the path of the file.")
    read = config.read
    try:
        frame = pd.read_csv(
            path,
            sep=read.delimiter,
            encoding=read.encoding,
            keep_default_na=read.keep_default_na,
            na_values=read.na_values or None,
            low_memory=False,
        )
    except pd.errors.EmptyDataError:
        raise ReportInputError(f"{path} is empty; give a CSV with a header row and data rows.") from None
    except UnicodeDecodeError:
        raise ReportInputError(
            f"{path} is not readable as {read.encoding} text; set 'read.encoding' in the config "
            "(for example latin-1) or check that it is a CSV file."
        ) from None
    except (pd.errors.ParserError, ValueError) as exc:
        reason = str(exc).splitlines()[0]
        raise ReportInputError(f"{path} could not be parsed as CSV ({reason}).") from None
    if frame.empty:
        raise ReportInputError(f"{path} has a header but no data rows; add rows and retry.")
    return frame


TRUE_WORDS = {"true", "yes", "y", "on", "1"}
FALSE_WORDS = {"false", "no", "n", "off", "0"}


def _positive_matches(column: pd.Series, positive: object) -> pd.Series:
    """Compare labels as text so that 1, '1' and 1.0 all name the same class.

    A boolean positive (YAML reads an unquoted `yes` as True) matches the words that YAML
    would have turned into that boolean.
    """
    def as_text(value: object) -> str:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value).strip()

    labels = column.map(as_text)
    if isinstance(positive, bool):
        return labels.str.lower().isin(TRUE_WORDS if positive else FALSE_WORDS)
    return labels == as_text(positive)


def outcome_from(frame: pd.DataFrame, config: DatasetConfig, source: str) -> tuple[pd.Series, list[str]]:
    target = config.target.column
    if target not in frame.columns:
        columns = ", ".join(map(str, frame.columns[:12]))
        raise ReportInputError(
            f"target column '{target}' is not in {source}; its columns are: {columns}"
        )
    labels = frame[target]
    warnings = []
    missing = int(labels.isna().sum())
    if missing == len(labels):
        raise ReportInputError(f"target column '{target}' in {source} is empty in every row.")
    if missing:
        warnings.append(f"{missing} rows have no value for '{target}' and were left out.")
    labels = labels.dropna()
    outcome = _positive_matches(labels, config.target.positive).astype(int)
    found = sorted(map(str, labels.unique()))[:10]
    if outcome.sum() == 0:
        raise ReportInputError(
            f"positive label '{config.target.positive}' never occurs in '{target}'; "
            f"labels found: {', '.join(found)}. Pass --positive LABEL."
        )
    if outcome.sum() == len(outcome):
        raise ReportInputError(
            f"every row of '{target}' is '{config.target.positive}'; a report needs both outcomes."
        )
    return outcome.rename(target), warnings


def load(config: DatasetConfig) -> LoadedData:
    frame = read_table(config)
    outcome, warnings = outcome_from(frame, config, str(config.data))
    return LoadedData(
        frame=frame,
        outcome=outcome,
        rows_read=len(frame),
        positive_label=str(config.target.positive),
        warnings=warnings,
    )

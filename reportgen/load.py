"""Stage 1, load: read the table as the config says and turn the outcome into 0/1."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from reportgen.config import DatasetConfig, ReadSpec
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
    return read_csv_file(Path(config.data), config.read, hint="the config's 'data' key")


def read_csv_file(path: Path, read: ReadSpec, hint: str = "the path", **options) -> pd.DataFrame:
    """Read a CSV as the `read` options say: the one reader behind training, inference and scoring."""
    if not path.exists():
        raise ReportInputError(f"data file not found: {path}. Check {hint}.")
    if not path.is_file():
        raise ReportInputError(f"{path} is a folder, not a CSV file; give the path of the file.")
    if is_binary(path):
        raise ReportInputError(f"{path} is not a text CSV file (it holds binary data, as a spreadsheet, archive or "
                               f"compressed file does); export the table as CSV and give that file.")
    try:
        frame = pd.read_csv(path, **csv_options(path, read), low_memory=False, **options)
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


def is_binary(path: Path) -> bool:
    """NUL bytes never occur in a text CSV in a one-byte or UTF-8 encoding, and always in the first
    kilobytes of a spreadsheet, archive or compressed file."""
    with path.open("rb") as handle:
        return b"\x00" in handle.read(8192)


def fallback_encoding(path: Path) -> str | None:
    """The encoding to read a file that is not UTF-8 with: Windows' Western European code page,
    or latin-1 (which decodes every byte) when the file uses bytes cp1252 leaves undefined."""
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    try:
        raw.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def csv_options(path: Path, read: ReadSpec) -> dict:
    """pandas.read_csv arguments for the read options: header or names, and missing markers per column."""
    options = {"sep": read.delimiter, "encoding": read.encoding, "keep_default_na": read.keep_default_na,
               "na_values": read.na_values or None, "decimal": read.decimal, "thousands": read.thousands}
    if read.columns or read.missing_markers:
        found = file_columns(path, read, options)
        if read.columns and len(read.columns) != len(found):
            raise ReportInputError(f"{path} has {len(found)} columns but 'read.columns' names {len(read.columns)}; "
                                   f"name every column, in the file's order.")
        names = read.columns or found
        unknown = [c for c in read.missing_markers if c not in names]
        if unknown:
            raise ReportInputError(f"'read.missing_markers' names {', '.join(unknown)}, not a column of {path.name}; "
                                   f"its columns are: {', '.join(map(str, names[:12]))}")
        if read.missing_markers:
            options["na_values"] = {c: [*read.na_values, *read.missing_markers.get(c, [])] for c in names}
        if read.columns:
            options.update(names=read.columns, header=0 if read.header else None)
    return options


def file_columns(path: Path, read: ReadSpec, options: dict) -> list[str]:
    """The header's names, or as many positions as the first row has fields when there is no header."""
    try:
        first = pd.read_csv(path, sep=options["sep"], encoding=options["encoding"], header=0 if read.header else None,
                            nrows=0 if read.header else 1, dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError:
        raise ReportInputError(f"{path} is empty; give a CSV with data rows.") from None
    return [str(c) for c in first.columns]


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
    distinct = labels.map(str).str.strip().unique()
    found = sorted(distinct)[:10]
    more = f" and {len(distinct) - 10} more" if len(distinct) > 10 else ""
    if len(distinct) == 1:
        raise ReportInputError(
            f"every row of '{target}' is '{distinct[0]}'; a report needs both outcomes; check that "
            f"{source} holds the whole table."
        )
    if outcome.sum() == 0 and "positive" not in config.target.model_fields_set:
        raise ReportInputError(
            f"target column '{target}' holds the labels {', '.join(found)}{more}; name the one that counts as "
            f"converting with --positive LABEL (or 'target.positive' in a config)."
        )
    if outcome.sum() == 0:
        raise ReportInputError(
            f"positive label '{config.target.positive}' never occurs in '{target}'; "
            f"labels found: {', '.join(found)}{more}. Pass --positive LABEL."
        )
    if len(distinct) > 2:
        warnings.append(f"'{target}' has {len(distinct)} labels; rows labelled '{config.target.positive}' count as "
                        f"positive and the other {len(distinct) - 1} labels as negative.")
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

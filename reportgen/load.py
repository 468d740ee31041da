"""Stage 1, load: read the table as the config says and turn the outcome into 0/1.

A table is a CSV file, or a Parquet file (read with pyarrow) when its name ends in .parquet or .pq.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reportgen.config import DatasetConfig, ReadSpec, TargetSpec
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


PARQUET_SUFFIXES = (".parquet", ".pq")


def is_parquet(path: str | Path) -> bool:
    return Path(path).suffix.lower() in PARQUET_SUFFIXES


def read_table(config: DatasetConfig) -> pd.DataFrame:
    return read_table_file(Path(config.data), config.read, hint="the config's 'data' key")


def read_table_file(path: Path, read: ReadSpec, hint: str = "the path", as_text: bool = False) -> pd.DataFrame:
    """Read a CSV or Parquet table as the `read` options say: the one reader behind training, inference and
    scoring. `as_text` reads a CSV's every column as text (scoring turns bad cells into row problems)."""
    if is_parquet(path):
        return with_value_labels(read_parquet_file(path, read, hint), read, path)
    return with_value_labels(read_csv_file(path, read, hint, **({"dtype": str} if as_text else {})), read, path)


def with_value_labels(frame: pd.DataFrame, read: ReadSpec, path: Path) -> pd.DataFrame:
    """The codes `read.value_labels` names replaced by their names ('EG' -> 'Egypt'; a code 1 or 1.0 matches
    '1'), so every part of the report, and the scoring of new rows, speaks of the names. The column becomes text:
    codes left unnamed keep their spelling."""
    unknown = [c for c in read.value_labels if c not in frame.columns]
    if unknown:
        raise ReportInputError(f"'read.value_labels' names {', '.join(unknown)}, not a column of {path.name}; "
                               f"use the column names of the file.")
    for column, names in read.value_labels.items():
        frame[column] = frame[column].map(
            lambda value, names=names: names.get(label_text(value), label_text(value)) if pd.notna(value) else None)
    return frame


def check_exists(path: Path, hint: str) -> None:
    if not path.exists():
        raise ReportInputError(f"data file not found: {path}. Check {hint}.")


def read_parquet_file(path: Path, read: ReadSpec, hint: str = "the path") -> pd.DataFrame:
    """Read a Parquet file, or a folder of them (as Dask and Spark write a table), with pyarrow; typed columns
    come out as the same table read from CSV would give them.

    Of the `read` options, `columns` (new names, in the file's order) and the missing-value markers
    (`keep_default_na`, `na_values`, `missing_markers`) apply; the others describe CSV text."""
    import pyarrow

    check_exists(path, hint)
    try:
        frame = pd.read_parquet(path, engine="pyarrow")
    except (pyarrow.ArrowException, OSError, ValueError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ReportInputError(f"{path} could not be read as Parquet ({reason}); give a Parquet file, or a CSV "
                               f"file with a name that does not end in .parquet.") from None
    frame.columns = column_names(path, read, [str(c) for c in frame.columns])
    if frame.empty:
        raise ReportInputError(f"{path} has no data rows; add rows and retry.")
    frame = frame.reset_index(drop=True)
    return with_markers_missing(with_csv_types(frame), read)


def with_csv_types(frame: pd.DataFrame) -> pd.DataFrame:
    """Parquet's column types as pandas reads the same values from CSV: categories as their values, nullable
    integers and booleans as NumPy numbers (floats where a value is missing), so that inference and cleaning
    treat a Parquet table as they treat its CSV export. Timestamps stay timestamps (dates are parsed anyway)."""
    text = pd.read_csv(io.StringIO("text\nvalue"))["text"].dtype
    columns = {}
    for name, values in frame.items():
        if isinstance(values.dtype, pd.CategoricalDtype) or (isinstance(values.dtype, pd.StringDtype)
                                                              and values.dtype != text):
            values = values.astype(object).where(values.notna(), np.nan).infer_objects()
        if isinstance(values.dtype, pd.api.extensions.ExtensionDtype) and values.dtype.kind in "biuf":
            missing = values.isna().any()
            if values.dtype.kind == "b" and missing:
                values = values.astype(object).where(values.notna(), np.nan)
            else:
                values = values.to_numpy(dtype=float if missing else values.dtype.numpy_dtype, na_value=np.nan)
        columns[name] = values
    return pd.DataFrame(columns, index=frame.index)


def with_markers_missing(frame: pd.DataFrame, read: ReadSpec) -> pd.DataFrame:
    """The missing-value markers a CSV reader applies, applied to typed values: pandas' defaults ('NA', 'n/a',
    '', ...) unless `keep_default_na` is false, `na_values` and `missing_markers`; a number marker ('8.91')
    matches numbers, any marker matches text."""
    from pandas._libs.parsers import STR_NA_VALUES

    defaults = sorted(STR_NA_VALUES) if read.keep_default_na else []
    for column in frame.columns:
        markers = [*read.na_values, *read.missing_markers.get(column, [])]
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values):
            marked = values.isin(pd.to_numeric(pd.Series(markers, dtype=object), errors="coerce").dropna())
        else:
            marked = values.notna() & values.astype(str).isin([*defaults, *markers])
        if marked.any():
            frame[column] = values.where(~marked)
    return frame


def read_csv_file(path: Path, read: ReadSpec, hint: str = "the path", **options) -> pd.DataFrame:
    """Read a CSV as the `read` options say."""
    check_exists(path, hint)
    if not path.is_file():
        raise ReportInputError(f"{path} is a folder, not a CSV file; give the path of the file.")
    if is_binary(path):
        raise ReportInputError(f"{path} is not a text CSV file (it holds binary data, as a spreadsheet, archive or "
                               f"compressed file does); export the table as CSV (or Parquet, named .parquet) "
                               f"and give that file.")
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
        names = column_names(path, read, file_columns(path, read, options))
        if read.missing_markers:
            options["na_values"] = {c: [*read.na_values, *read.missing_markers.get(c, [])] for c in names}
        if read.columns:
            options.update(names=read.columns, header=0 if read.header else None)
    return options


def column_names(path: Path, read: ReadSpec, found: list[str]) -> list[str]:
    """The table's column names once `read.columns` renames them; checks that the read options fit them."""
    if read.columns and len(read.columns) != len(found):
        raise ReportInputError(f"{path} has {len(found)} columns but 'read.columns' names {len(read.columns)}; "
                               f"name every column, in the file's order.")
    names = read.columns or found
    unknown = [c for c in read.missing_markers if c not in names]
    if unknown:
        raise ReportInputError(f"'read.missing_markers' names {', '.join(unknown)}, not a column of {path.name}; "
                               f"its columns are: {', '.join(map(str, names[:12]))}")
    return names


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


def label_text(value: object) -> str:
    """A label as text, so that 1, '1' and 1.0 all name the same class."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def spelled_positive(labels: pd.Series, target: TargetSpec) -> str | None:
    """The outcome label as the data spell it, where the config's differs or is left to the default: a yes/no
    target (True/False, TRUE/FALSE, yes/no, 1/0) needs no positive label, its 'yes' is the outcome; a positive
    label given in another case ('yes' for 'Yes') names the one label it matches. None where the config's
    label stands as it is."""
    spelled = list(labels.dropna().map(label_text).unique())
    wanted = label_text(target.positive)
    if isinstance(target.positive, bool) or wanted in spelled:
        return None
    if "positive" in target.model_fields_set:
        matches = [label for label in spelled if label.lower() == wanted.lower()]
        return matches[0] if len(matches) == 1 else None
    yes = [label for label in spelled if label.lower() in TRUE_WORDS]
    no = [label for label in spelled if label.lower() in FALSE_WORDS]
    return yes[0] if len(spelled) == 2 and len(yes) == 1 and len(no) == 1 else None


def _positive_matches(column: pd.Series, positive: object) -> pd.Series:
    """Compare labels as text (`label_text`).

    A boolean positive (YAML reads an unquoted `yes` as True) matches the words that YAML
    would have turned into that boolean.
    """
    as_text = label_text
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


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates as naive timestamps (UTC where a zone is given); what does not parse is missing.
    ISO 8601 first, as most exports write it; otherwise each value's own format (month first)."""
    present = values.notna()
    parsed = pd.to_datetime(values, errors="coerce", format="ISO8601", utc=True)
    if (parsed.isna() & present).any():
        parsed = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    return parsed.dt.tz_localize(None)


def latest_date(values: pd.Series):
    parsed = parse_dates(values).dropna()
    return parsed.max().date() if len(parsed) else None

"""The saved model and `reportgen score`: apply a run's recommended model to new rows.

A run saves the recommended pipeline (preprocessing included) and its calibrator with skops,
which rebuilds objects without unpickling code, plus `model.json` with what scoring needs to
know (features, reading options, threshold, whether probabilities are calibrated). A run whose
report used the model's own probabilities saves no calibrator, so scores match the report's.
Loading accepts only types from scikit-learn, imbalanced-learn, NumPy and reportgen itself.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import json
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from reportgen import __version__
from reportgen.clean import add_derived, as_categories
from reportgen.config import DatasetConfig, DerivedFeature, ReadSpec
from reportgen.errors import ReportInputError
from reportgen.estimators import without_inference
from reportgen.load import read_table_file


class _Refused(importlib.abc.MetaPathFinder):
    def __init__(self, package: str) -> None:
        self.package = package

    def find_spec(self, name, path=None, target=None):
        if name == self.package or name.startswith(self.package + "."):
            raise ModuleNotFoundError(f"{name} is kept out of this import", name=name)
        return None


@contextlib.contextmanager
def kept_out(package: str):
    """Imports inside find `package` missing, unless it is imported already.

    skops lists the estimators it trusts with scikit-learn's `all_estimators`, which imports every
    scikit-learn module, the array-API adapter for PyTorch included, and that imports PyTorch when it is
    installed (the LSTM forecaster's extra): 1.6 s of one core to save or load a model, against 0.5 s
    without it, for the same list of trusted types. A run that used PyTorch already pays nothing more."""
    refused = _Refused(package) if package not in sys.modules else None
    if refused is not None:
        sys.meta_path.insert(0, refused)
    try:
        yield
    finally:
        if refused is not None:
            sys.meta_path.remove(refused)


with kept_out("torch"):
    import skops.io as sio

MODEL_FILE = "model.skops"
META_FILE = "model.json"
TRUSTED_PREFIXES = ("sklearn.", "imblearn.", "numpy.", "reportgen.", "builtins.", "scipy.")
TRUSTED_TYPES = ("functools.partial",)
"""Gradient boosting's category handling keeps a partial of scikit-learn's check_array; skops
lists the wrapped function as a type of its own, so it is vetted by the prefixes above."""


@dataclass
class ScoringModel:
    pipeline: object
    calibrator: object
    """None when the run's report used the model's own probabilities."""
    meta: dict

    def probabilities(self, features: pd.DataFrame) -> np.ndarray:
        pipeline = self.pipeline
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
            scores = pipeline.predict_proba(features)[:, 1] if hasattr(pipeline, "predict_proba") \
                else pipeline.decision_function(features)
        return (scores if self.calibrator is None else self.calibrator.predict(scores)), scores


def model_metadata(config: DatasetConfig, model: str, label: str, threshold: float, numeric: list[str],
                   categorical: list[str], derived: list[DerivedFeature] | None = None) -> dict:
    return {
        "reportgen_version": __version__,
        "dataset": config.name,
        "model": model,
        "label": label,
        "threshold": threshold,
        "target": config.target.column,
        "positive_label": str(config.target.positive),
        "numeric": numeric,
        "categorical": categorical,
        "id_columns": config.id_columns,
        "read": config.read.model_dump(mode="json"),
        "fill": {k: v for k, v in config.missing.fill.items()},
        "derived": [f.model_dump(mode="json") for f in derived or []],
    }


def save_model(folder: Path, pipeline, calibrator, meta: dict) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    sio.dump({"pipeline": without_inference(pipeline), "calibrator": calibrator}, folder / MODEL_FILE)
    meta = {**meta, "calibrated": calibrator is not None}
    (folder / META_FILE).write_text(json.dumps(meta, indent=2), encoding="utf-8")


def load_model(run_dir: str | Path) -> ScoringModel:
    run_dir = Path(run_dir)
    model_path, meta_path = run_dir / MODEL_FILE, run_dir / META_FILE
    if not model_path.is_file() or not meta_path.is_file():
        raise ReportInputError(f"{run_dir} holds no saved model ({MODEL_FILE}, {META_FILE}); "
                               f"give the --out folder of a `reportgen run`.")
    untrusted = sio.get_untrusted_types(file=model_path)
    refused = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES) and t not in TRUSTED_TYPES]
    if refused:
        raise ReportInputError(f"{model_path} contains types reportgen does not load: {', '.join(refused)}; "
                               f"re-run the report to save a fresh model.")
    bundle = sio.load(model_path, trusted=untrusted)
    return ScoringModel(pipeline=bundle["pipeline"], calibrator=bundle["calibrator"],
                        meta=json.loads(meta_path.read_text(encoding="utf-8")))


def read_rows(path: Path, meta: dict) -> pd.DataFrame:
    """Read a CSV's every column as text, so one bad cell is a row problem, not a failed file; a Parquet
    file's columns keep their types."""
    return read_table_file(path, ReadSpec.model_validate(meta["read"]), as_text=True)


def features_and_problems(frame: pd.DataFrame, meta: dict) -> tuple[pd.DataFrame, pd.Series]:
    """The feature frame in training types, and a reason for each row that cannot be scored."""
    derived = [DerivedFeature.model_validate(f) for f in meta.get("derived", [])]
    needed = meta["numeric"] + meta["categorical"]
    missing = [c for c in dict.fromkeys([*(f.column for f in derived), *needed])
               if c not in frame.columns and not any(f.name == c for f in derived)]
    if missing:
        raise ReportInputError(f"the data lacks columns the model needs: {', '.join(missing)}")
    features = add_derived(frame, derived)[needed].copy()
    for column, value in meta["fill"].items():
        if column in features:
            typed = pd.api.types.is_numeric_dtype(features[column]) and not isinstance(value, (str, bool))
            features[column] = features[column].fillna(value if typed else str(value))
    reasons = pd.Series("", index=frame.index)
    for column in meta["categorical"]:
        features[column] = as_categories(features[column])
    for column in meta["numeric"]:
        if pd.api.types.is_numeric_dtype(features[column]):
            continue
        text = features[column]
        values = pd.to_numeric(text.str.strip(), errors="coerce")
        bad = (text.notna() & text.str.strip().ne("") & values.isna()) | np.isinf(values.fillna(0))
        reasons[bad] = reasons[bad] + column + ": '" + text[bad] + "' is not a finite number; "
        features[column] = values.where(~bad)
    return features, reasons.str.rstrip("; ")


def score_file(run_dir: str | Path, data: str | Path, out: str | Path) -> dict:
    """Write one output row per input row: the row number, id columns, probability, rank, flag, reason."""
    model = load_model(run_dir)
    meta = model.meta
    frame = read_rows(Path(data), meta)
    features, reasons = features_and_problems(frame, meta)
    scored = reasons.eq("")
    output = pd.DataFrame({"row": np.arange(1, len(frame) + 1)}, index=frame.index)
    for column in meta["id_columns"]:
        if column in frame:
            output[column] = frame[column]
    probability = pd.Series(np.nan, index=frame.index)
    flagged = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    if scored.any():
        calibrated, raw = model.probabilities(features[scored])
        probability[scored] = calibrated
        flagged[scored] = (raw >= meta["threshold"]).astype(int)
    output["probability"] = probability.round(6)
    output["rank"] = probability.rank(ascending=False, method="first").astype("Int64")
    output["flagged"] = flagged
    output["reason"] = reasons
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".scores-", suffix=".csv", dir=out.parent)
    os.close(handle)
    try:
        output.to_csv(temporary, index=False)
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return {"rows": len(output), "scored": int(scored.sum()), "problems": int((~scored).sum()),
            "flagged": int(flagged.fillna(0).sum()), "model": meta["label"]}

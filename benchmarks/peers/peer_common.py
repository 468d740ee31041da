"""What every peer runner shares: reading its command line and split, and printing its one JSON line.

Imported by the runners in their own environments, so it needs only pandas and scikit-learn, which every
AutoML tool brings. Usage of a runner: python RUNNER TRAIN.csv TEST.csv SEED TARGET POSITIVE
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass
from importlib.metadata import version

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score


@dataclass(frozen=True)
class Split:
    train: pd.DataFrame
    test: pd.DataFrame
    seed: int
    target: str
    """Holds 1 for the positive label and 0 for every other, in both frames, so each tool's positive class is 1."""


def outcome(labels: pd.Series, positive: str) -> pd.Series:
    return (labels.astype(str) == positive).astype(int)


def read_split(argv: list[str] | None = None) -> Split:
    """The split named on the command line (TRAIN.csv TEST.csv SEED TARGET POSITIVE). Blank cells are missing and
    nothing else is ('NA' is Namibia in the students table)."""
    train_path, test_path, seed, target, positive = (argv if argv is not None else sys.argv)[1:6]
    frames = [pd.read_csv(path, keep_default_na=False, na_values=[""]) for path in (train_path, test_path)]
    for frame in frames:
        frame[target] = outcome(frame[target], positive)
    return Split(frames[0], frames[1], int(seed), target)


def print_result(distribution: str, split: Split, model: str, fit_seconds: float, script_started: float,
                 probabilities: np.ndarray, labels: np.ndarray, details: dict | None = None) -> None:
    """One JSON line: test PR AUC (average precision of the positive class), F1 at the tool's own predicted labels,
    ROC AUC, the tool's fit seconds and the whole script's, the best model's name, and any tool's own `details`."""
    y = split.test[split.target].to_numpy()
    labels = np.asarray(labels).astype(int)
    print(json.dumps({
        "tool": f"{distribution} {version(distribution)}", "seed": split.seed, "model": model,
        "fit_seconds": round(fit_seconds, 1), "script_seconds": round(time.perf_counter() - script_started, 1),
        "f1": round(float(f1_score(y, labels)), 4), "roc_auc": round(float(roc_auc_score(y, probabilities)), 4),
        "pr_auc": round(float(average_precision_score(y, probabilities)), 4),
        "test_rows": len(y), "test_positives": int(y.sum()), **(details or {}),
    }))

"""What the sampling shortcuts cost in quality on a large table.

Run by hand: `python benchmarks/bench_shortcuts.py [--rows 1000000]`. On the bundled rows
resampled with jitter (as `bench_scale.py` builds them), each family that samples its rows is
tuned and fitted with its default sample and with smaller and larger ones, and scored on the same
held-out rows. If the test PR AUC has stopped rising by the default size, the shortcut costs
little. The imbalance strategies are left out (no resampling), so that only the sample size
changes. It asserts nothing.

A resampled table holds jittered copies of every bundled row, and copies of one row would land
on both sides of the split: a method that memorises rows (neighbours, deep trees) would look
better the more rows it is fitted on. So the bundled rows are first split in two, stratified;
only training rows copied from the first part and test rows copied from the second are kept.
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from bench_scale import jittered_table
from sklearn.metrics import average_precision_score, roc_auc_score
from sklearn.model_selection import train_test_split

from reportgen import resolve_config
from reportgen.clean import clean
from reportgen.config import ModelSpec
from reportgen.infer import infer
from reportgen.load import load
from reportgen.model import tune
from reportgen.registry import FAMILIES
from reportgen.resources import bundled_path

ORIGIN = "bundled_row"

SIZES = {
    # family: (which sample, sizes tried); the registry's default is among them
    "svm": ("fit_rows", [1000, 2000, 4000, 8000]),
    "knn": ("fit_rows", [1000, 2000, 4000, 8000, 16000]),
    "decision_tree": ("tuning_rows", [5000, 20000, 80000]),
    "random_forest": ("tuning_rows", [2000, 4000, 8000]),
    "gradient_boosting": ("tuning_rows", [3000, 6000, 12000]),
}


def without_twins(data, origin: np.ndarray, seed: int):
    """The cleaned rows, keeping training rows copied from one stratified half of the bundled rows
    and test rows copied from the other."""
    bundled = pd.read_csv(bundled_path("data", "ml_datasource.csv"), keep_default_na=False, na_values=[""])
    first, _ = train_test_split(np.arange(len(bundled)), test_size=0.2, random_state=seed,
                                stratify=bundled["purchased"])
    in_first = np.isin(origin, first)
    train, test = in_first[data.x_train.index], ~in_first[data.x_test.index]
    return dataclasses.replace(data, x_train=data.x_train[train], y_train=data.y_train[train],
                               x_test=data.x_test[test], y_test=data.y_test[test])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--families", nargs="*", default=list(SIZES), choices=list(SIZES))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "students.csv"
        table = jittered_table(args.rows, origin=ORIGIN)
        table.drop(columns=ORIGIN).to_csv(path, index=False)
        config = resolve_config(preset="students").model_copy(update={"data": path})
        config = infer(config).config
        config = config.model_copy(update={"imbalance": config.imbalance.model_copy(update={"strategies": ["none"]})})
        data = without_twins(clean(load(config), config), table[ORIGIN].to_numpy(), config.seed)
    print(f"{args.rows:,} rows: {len(data.y_train):,} training, {len(data.y_test):,} test, none copied from the "
          f"same bundled row; no resampling\n")
    print(f"{'family':<18} {'sample':<12} {'rows':>8} {'default':>8} {'seconds':>8} {'test PR AUC':>12} {'ROC AUC':>8}")
    for name in args.families:
        which, sizes = SIZES[name]
        default = getattr(FAMILIES[name], which)
        for size in sizes:
            started = time.perf_counter()
            fitted = tune(ModelSpec(name=name, **{which: size}), data, config)
            seconds = time.perf_counter() - started
            scores = fitted.scores(data.x_test)
            print(f"{name:<18} {which:<12} {size:>8,} {'yes' if size == default else '':>8} {seconds:>8.1f} "
                  f"{average_precision_score(data.y_test, scores):>12.4f} {roc_auc_score(data.y_test, scores):>8.4f}",
                  flush=True)


if __name__ == "__main__":
    main()

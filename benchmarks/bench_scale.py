"""Time the default report on a large table: the bundled rows resampled with jitter.

Run by hand: `python benchmarks/bench_scale.py [--rows 1000000] [--no-pdf]`. It writes the table to
a temporary folder, runs the `students` preset on it and prints each stage's seconds, each
family's search seconds, the rows each model was searched and fitted on, and the peak memory of
the process and its workers. It asserts nothing; the targets (issue 7) are 10 minutes and 4 GiB
for a million rows on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from reportgen import resolve_config, run_report
from reportgen.resources import bundled_path

JITTER = 0.05
"""Relative noise on each numeric value, so that resampled rows are not exact copies."""


def jittered_table(rows: int, seed: int = 365, origin: str | None = None) -> pd.DataFrame:
    """`rows` bundled rows drawn with replacement, numbers jittered; with `origin`, a column of
    that name holds the position of the bundled row each was copied from."""
    source = pd.read_csv(bundled_path("data", "ml_datasource.csv"), keep_default_na=False, na_values=[""])
    rng = np.random.default_rng(seed)
    drawn = source.sample(n=rows, replace=True, random_state=seed)
    table = drawn.reset_index(drop=True)
    for column in table.columns.drop(["student_country", "purchased"]):
        values = table[column].to_numpy(dtype=float)
        noisy = np.clip(values * (1 + rng.normal(0, JITTER, len(values))), 0, None)
        table[column] = noisy.round() if source[column].dtype.kind == "i" else noisy.round(1)
    if origin:
        table[origin] = drawn.index.to_numpy()
    return table


def peak_memory_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-pdf", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = Path(folder) / "students.csv"
        jittered_table(args.rows).to_csv(path, index=False)
        print(f"wrote {args.rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        config = resolve_config(preset="students")
        config = config.model_copy(update={"data": path})
        started = time.perf_counter()
        result = run_report(config, Path(folder) / "out", pdf=not args.no_pdf,
                            progress=lambda line: print(line, flush=True))
        total = time.perf_counter() - started
    print(f"\n{args.rows:,} rows: {total:.0f} s on {os.cpu_count()} cores; peak memory {peak_memory_mib():,.0f} MiB "
          f"(targets for 1,000,000 rows: 600 s, 4,096 MiB)")
    for stage, seconds in result.run.stage_seconds.items():
        print(f"  {stage:<10} {seconds:8.1f} s")
    for model in result.models:
        print(f"  {model.name:<20} search {result.run.model_seconds[model.name]:7.1f} s, searched on "
              f"{model.tuning_rows:>9,} rows, fitted on {model.fit_rows:>9,}; test PR AUC {model.test.pr_auc:.3f}")


if __name__ == "__main__":
    main()

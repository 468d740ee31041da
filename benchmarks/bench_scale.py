"""Time the default report on a large table: the bundled rows resampled with jitter.

Run by hand: `python benchmarks/bench_scale.py [--rows 1000000] [--no-pdf] [--backend dask]`. It
writes the table to a temporary folder, runs the `students` preset on it and prints each stage's
seconds, each family's search seconds, the rows each model was searched and fitted on, and two peaks
of memory: the main process's own, and the whole process tree's (the main process plus its joblib
workers, or the local Dask cluster's), sampled by a thread. It asserts nothing; the targets (issue 7)
are 10 minutes and 4 GiB for a million rows on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

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


def main_process_peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def tree_rss_bytes(process: psutil.Process) -> int:
    """Resident memory of the process and all its descendants, now. Pages that processes share (libraries,
    memory-mapped arrays) count once per process, so the sum is an upper bound."""
    total = 0
    for member in [process, *process.children(recursive=True)]:
        try:
            total += member.memory_info().rss
        except psutil.Error:  # a worker that ended between the listing and the reading
            pass
    return total


@dataclass
class Peak:
    bytes: int = 0

    @property
    def mib(self) -> float:
        return self.bytes / 2**20


@contextmanager
def sampled_tree_peak(interval: float = 0.2) -> Iterator[Peak]:
    """A thread samples the process tree's resident memory every `interval` seconds until the block ends;
    the Peak it yields holds the highest sum seen."""
    peak, stop = Peak(), threading.Event()

    def sample() -> None:
        process = psutil.Process()
        while True:
            peak.bytes = max(peak.bytes, tree_rss_bytes(process))
            if stop.wait(interval):
                return

    thread = threading.Thread(target=sample, name="tree-peak", daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        stop.set()
        thread.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--backend", choices=["loky", "dask"], default="loky",
                        help="Where the model searches run; dask starts a local cluster.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = Path(folder) / "students.csv"
        jittered_table(args.rows).to_csv(path, index=False)
        print(f"wrote {args.rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        config = resolve_config(preset="students", backend=args.backend).model_copy(update={"data": path})
        started = time.perf_counter()
        with sampled_tree_peak() as tree:
            result = run_report(config, Path(folder) / "out", pdf=not args.no_pdf,
                                progress=lambda line: print(line, flush=True))
        total = time.perf_counter() - started
    print(f"\n{args.rows:,} rows: {total:.0f} s on {os.cpu_count()} cores, searches on {result.run.backend}; "
          f"peak memory {tree.mib:,.0f} MiB for the process tree (main process and workers, summed RSS), "
          f"{main_process_peak_mib():,.0f} MiB for the main process alone "
          f"(targets for 1,000,000 rows: 600 s, 4,096 MiB)")
    for stage, seconds in result.run.stage_seconds.items():
        print(f"  {stage:<10} {seconds:8.1f} s")
    for model in result.models:
        print(f"  {model.name:<20} search {result.run.model_seconds[model.name]:7.1f} s, searched on "
              f"{model.tuning_rows:>9,} rows, fitted on {model.fit_rows:>9,}; test PR AUC {model.test.pr_auc:.3f}")


if __name__ == "__main__":
    main()

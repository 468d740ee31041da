"""Time the default report on a large table: the bundled rows resampled with jitter.

Run by hand: `python benchmarks/bench_scale.py [--rows 1000000] [--no-pdf] [--backend dask]`. It
writes the table to a temporary folder, runs `reportgen run TABLE --preset students` on it as a
command (so the workers start as they do for a user) and prints the wall time, each stage's
seconds, each family's search seconds, the rows each model was searched and fitted on, and the
peaks of memory of the command's process tree (the main process plus its workers, or the local
Dask cluster's), sampled from this process. It asserts nothing; the targets (issue 7) are 10
minutes and 4 GiB for a million rows on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import psutil

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


def tree_memory(process: psutil.Process) -> tuple[int, int, int]:
    """(summed RSS, summed PSS, main process RSS) of the process and its descendants, now, in bytes.

    RSS counts a page that processes share (libraries, and with forked workers most of the main
    process's memory) once per process, so its sum is an upper bound; PSS divides each shared page
    among the processes that share it, so its sum is the memory the run actually holds."""
    rss = pss = 0
    members = [process, *process.children(recursive=True)]
    for member in members:
        try:
            info = member.memory_full_info()
        except psutil.Error:  # a worker that ended between the listing and the reading
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    try:
        main_rss = process.memory_info().rss
    except psutil.Error:
        main_rss = 0
    return rss, pss, main_rss


@dataclass
class Peaks:
    rss: int = 0
    pss: int = 0
    main: int = 0


def mib(count: int) -> float:
    return count / 2**20


def run_sampled(command: list[str], interval: float = 0.2) -> Peaks:
    """Run the command, printing its output, while this process samples the memory of its process tree."""
    peaks = Peaks()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    observed = psutil.Process(child.pid)
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            rss, pss, main = tree_memory(observed)
            peaks.rss, peaks.pss, peaks.main = max(peaks.rss, rss), max(peaks.pss, pss), max(peaks.main, main)
            stop.wait(interval)

    sampler = threading.Thread(target=sample, name="tree-peak", daemon=True)
    sampler.start()
    for line in child.stdout:
        print(line, end="", flush=True)
    child.wait()
    stop.set()
    sampler.join()
    if child.returncode:
        raise SystemExit(f"reportgen exited with {child.returncode}")
    return peaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-pdf", action="store_true")
    parser.add_argument("--backend", choices=["local", "loky", "dask"], default="local",
                        help="Where the model searches run; dask starts a local cluster.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        path = Path(folder) / "students.csv"
        jittered_table(args.rows).to_csv(path, index=False)
        print(f"wrote {args.rows:,} rows in {time.perf_counter() - started:.1f} s", flush=True)
        out = Path(folder) / "out"
        command = [sys.executable, "-m", "reportgen", "run", str(path), "--preset", "students", "--out", str(out),
                   "--backend", args.backend, *(["--no-pdf"] if args.no_pdf else [])]
        started = time.perf_counter()
        peaks = run_sampled(command)
        total = time.perf_counter() - started
        result = json.loads((out / "results.json").read_text(encoding="utf-8"))
    run = result["run"]
    print(f"\n{args.rows:,} rows: {total:.0f} s on {os.cpu_count()} cores (command to prompt), searches on "
          f"{run['backend']}; peak memory of the process tree {mib(peaks.pss):,.0f} MiB (summed PSS: shared pages "
          f"divided among the processes), {mib(peaks.rss):,.0f} MiB summed RSS (shared pages counted in every "
          f"process), {mib(peaks.main):,.0f} MiB for the main process (targets for 1,000,000 rows: 600 s, 4,096 MiB)")
    for stage, seconds in run["stage_seconds"].items():
        print(f"  {stage:<10} {seconds:8.1f} s")
    for model in result["models"]:
        print(f"  {model['name']:<20} search {run['model_seconds'][model['name']]:7.1f} s, searched on "
              f"{model['tuning_rows']:>9,} rows, fitted on {model['fit_rows']:>9,}; "
              f"test PR AUC {model['test']['pr_auc']:.3f}")


if __name__ == "__main__":
    main()

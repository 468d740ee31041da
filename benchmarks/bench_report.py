"""Time a full default report (bundled data, preset 'students'), stage by stage.

Run by hand (`make benchmark` or `python benchmarks/bench_report.py [--preset NAME] [--repeat N]`);
it prints figures and asserts nothing. The first budget is 60 s for the whole run on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time

from reportgen import resolve_config, run_report

BUDGET_SECONDS = 60.0


def peak_memory_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, workers) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--preset", default="students")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    config = resolve_config(preset=args.preset)
    totals = []
    for attempt in range(1, args.repeat + 1):
        with tempfile.TemporaryDirectory() as out:
            started = time.perf_counter()
            result = run_report(config, out)
            totals.append(time.perf_counter() - started)
        print(f"run {attempt}: {totals[-1]:.1f} s")
        for stage, seconds in result.run.stage_seconds.items():
            print(f"  {stage:<10} {seconds:7.2f} s")
        for model in result.models:
            seconds = result.run.model_seconds[model.name]
            print(f"  search {model.name:<20} {seconds:6.2f} s  ({model.candidates} candidates)")
    best = result.best
    print(f"preset {args.preset}: median {statistics.median(totals):.1f} s over {len(totals)} run(s) "
          f"on {os.cpu_count()} cores; budget {BUDGET_SECONDS:.0f} s; peak memory {peak_memory_mib():.0f} MiB")
    print(f"recommended {best.name}: test F1 {best.test.f1:.3f}, PR AUC {best.test.pr_auc:.3f}, "
          f"ROC AUC {best.test.roc_auc:.3f}")


if __name__ == "__main__":
    main()

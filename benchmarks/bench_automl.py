"""reportgen against PyCaret on the bundled data: quality and wall time, side by side.

Both are scored on the same test rows: the course's preparation (outlier rules, practice_exams_started
dropped) and `train_test_split(test_size=0.2, random_state=SEED, stratify=purchased)` over the kept
rows in file order, for seeds 365, 1, 2, 3, 4. reportgen runs its whole default report (PDF
included) with `--seed SEED`; PyCaret 3.3.2 runs `compare_models` with its defaults in its own
environment and predicts with its best model refit on the training part. The two run back to back.

Set up PyCaret once (its pins clash with reportgen's, so it lives in its own environment):

    python3.11 -m venv ../bench-envs/pycaret
    ../bench-envs/pycaret/bin/pip install pycaret==3.3.2 six

Run by hand: `python benchmarks/bench_automl.py [--pycaret-python PATH] [--seeds 365 1 2 3 4]`.
It prints figures and asserts nothing; it is not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "ml_datasource.csv"
PEER = Path(__file__).resolve().parent / "peers" / "pycaret_run.py"
DEFAULT_PYCARET = ROOT.parent / "bench-envs" / "pycaret" / "bin" / "python"


def course_split(seed: int, folder: Path) -> tuple[Path, Path]:
    frame = pd.read_csv(DATA, keep_default_na=False, na_values=[""])
    kept = frame[(frame.minutes_watched <= 1000) & (frame.courses_started <= 10)
                 & (frame.practice_exams_started <= 10) & (frame.minutes_spent_on_exams <= 40)]
    kept = kept.drop(columns="practice_exams_started")
    train, test = train_test_split(kept, test_size=0.2, random_state=seed, stratify=kept.purchased)
    paths = folder / f"train-{seed}.csv", folder / f"test-{seed}.csv"
    train.to_csv(paths[0], index=False)
    test.to_csv(paths[1], index=False)
    return paths


def run_pycaret(python: Path, train: Path, test: Path, seed: int) -> dict:
    started = time.perf_counter()
    completed = subprocess.run([str(python), str(PEER), str(train), str(test), str(seed)],
                               capture_output=True, text=True, check=True, cwd=train.parent)  # its logs.log
    found = json.loads(completed.stdout.strip().splitlines()[-1])
    return {**found, "wall_seconds": round(time.perf_counter() - started, 1)}


def run_reportgen(seed: int, folder: Path) -> dict:
    out = folder / f"reportgen-{seed}"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "reportgen", "run", "--seed", str(seed), "--out", str(out)],
                   capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    results = json.loads((out / "results.json").read_text())
    best = next(m for m in results["models"] if m["name"] == results["best_model"])
    test = best["test"]
    (tn, fp), (fn, tp) = test["confusion_matrix"]
    return {"tool": "reportgen", "seed": seed, "model": best["label"], "wall_seconds": round(wall, 1),
            "f1": test["f1"], "roc_auc": test["roc_auc"], "pr_auc": test["pr_auc"],
            "test_rows": tn + fp + fn + tp, "test_positives": tp + fn}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pycaret-python", type=Path, default=DEFAULT_PYCARET)
    parser.add_argument("--seeds", type=int, nargs="+", default=[365, 1, 2, 3, 4])
    parser.add_argument("--skip-peers", action="store_true", help="Time reportgen only.")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for seed in args.seeds:
            train, test = course_split(seed, folder)
            ours = run_reportgen(seed, folder)
            rows.append(ours)
            print(json.dumps(ours), flush=True)
            if not args.skip_peers:
                peer = run_pycaret(args.pycaret_python, train, test, seed)
                rows.append(peer)
                print(json.dumps(peer), flush=True)
    print()
    print(f"{'tool':<14}{'seed':>6}  {'best model':<28}{'wall s':>8}{'F1':>8}{'ROC AUC':>9}{'PR AUC':>8}")
    for row in rows:
        print(f"{row['tool']:<14}{row['seed']:>6}  {row['model']:<28}{row['wall_seconds']:>8.1f}{row['f1']:>8.3f}"
              f"{row['roc_auc']:>9.3f}{row['pr_auc']:>8.3f}")
    print()
    tools = list(dict.fromkeys(row["tool"] for row in rows))
    means = {}
    for tool in tools:
        mine = [r for r in rows if r["tool"] == tool]
        means[tool] = {k: statistics.mean(r[k] for r in mine) for k in ("wall_seconds", "f1", "roc_auc", "pr_auc")}
        m = means[tool]
        print(f"mean {tool:<14} wall {m['wall_seconds']:6.1f} s  F1 {m['f1']:.4f}  ROC AUC {m['roc_auc']:.4f}  "
              f"PR AUC {m['pr_auc']:.4f}  over seeds {', '.join(map(str, args.seeds))}")
    if len(tools) == 2:
        ours, peer = means[tools[0]], means[tools[1]]
        print(f"time ratio reportgen / {tools[1]}: {ours['wall_seconds'] / peer['wall_seconds']:.2f} "
              f"(target <= 0.50); F1 {ours['f1'] - peer['f1']:+.4f}, PR AUC {ours['pr_auc'] - peer['pr_auc']:+.4f} "
              f"(targets >= 0)")


if __name__ == "__main__":
    main()

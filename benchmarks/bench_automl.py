r"""reportgen against PyCaret, AutoGluon and FLAML: quality and wall time on the same test rows, side by side.

Tables (`--tables`):
- `students`: the bundled table with the course's preparation (outlier rules, practice_exams_started dropped),
  as `reportgen run` (the `students` preset) prepares it;
- `mlc_churn` (target `churn`, positive `yes`) and `orange_juice` (`Purchase`, positive `MM`) from the nearest
  `shared/datasets/` above this file (or `--datasets`), run bare (`reportgen run TABLE --target ... --positive
  ...`) with every row kept; their first column, `rownames`, R's row number, is left out for every tool (the
  files are sorted, so a row number would carry the outcome; reportgen leaves an identifier out by itself);
- `large`: the bundled rows drawn with replacement to 100,000 rows, each number jittered by 5% (counts
  rounded; `bench_scale.jittered_table`, drawn with seed 365 whatever `--seeds` says), written to a temporary
  folder and run with `--preset students`, so it is prepared as `students` is.
Each split is `train_test_split(test_size=0.2, random_state=SEED, stratify=outcome)` over the prepared rows in
file order, as reportgen splits them, for each of `--seeds` (default 365 1 2 3 4). reportgen runs its whole
default report (PDF included) with `--seed SEED` on the whole table and splits it itself; the script checks that
reportgen's test rows and positives number what the peers get. Each peer gets the training and test parts as
CSV files and runs in its own environment (their pins clash with reportgen's and each other's), through a
runner in `benchmarks/peers/` (`python RUNNER TRAIN.csv TEST.csv SEED TARGET POSITIVE`, one JSON line out):
- PyCaret 3.3.2: `compare_models` with its defaults (ranked by accuracy), its best model refit on the training
  part;
- AutoGluon 1.6.3: `TabularPredictor(...).fit(train, presets="medium_quality")`, no time limit, its default
  metric (accuracy); it takes no seed;
- FLAML 2.8.0: `AutoML().fit(..., task="classification", metric="ap", time_budget=60, seed=SEED)`.
PR AUC is the test average precision of the positive class, F1 is at each tool's own predicted labels
(reportgen's at its decision threshold), and wall seconds are each command's, imports included. The tools run
one after another; a tool whose environment is missing is skipped with a line giving its setup command.

Set up the peers once, each in its own environment beside the checkout (Python 3.11; sizes and install times on
this 2-core machine):

    python3.11 -m venv ../bench-envs/pycaret
    ../bench-envs/pycaret/bin/pip install pycaret==3.3.2 six
    python3.11 -m venv ../bench-envs/autogluon      # 2.7 GiB, under 2 minutes
    ../bench-envs/autogluon/bin/pip install torch==2.13.0+cpu --extra-index-url https://download.pytorch.org/whl/cpu
    ../bench-envs/autogluon/bin/pip install 'autogluon.tabular[all]==1.6.3'
    python3.11 -m venv ../bench-envs/flaml          # 0.4 GiB, under half a minute
    ../bench-envs/flaml/bin/pip install flaml==2.8.0 lightgbm==4.7.0 xgboost-cpu==2.1.4 \
        scikit-learn==1.9.1 pandas==3.1.1

AutoGluon's `[all]` brings the models its presets train (LightGBM, CatBoost, XGBoost, its PyTorch and fastai
networks) and with them torch; installing torch's CPU build first keeps pip from taking PyPI's CUDA build and its
nvidia packages (torch is 0.75 GiB of the 2.7). FLAML's `[automl]` extra would pull `xgboost`, whose Linux wheel
carries CUDA and NCCL (0.8 GiB more), so its parts are listed with `xgboost-cpu` instead.

Run by hand: `python benchmarks/bench_automl.py [--tables students mlc_churn orange_juice large] [--seeds 365 1 2 3 4]
[--tools reportgen pycaret autogluon flaml]`. All of it takes hours: on `students`, one seed took reportgen 22 s,
FLAML 62 s and AutoGluon 12 minutes while a test suite shared the 2 cores, 55 s alone. It prints each result as
it comes, a table per table and seed, then the means over the seeds as a Markdown table for the README. It
asserts nothing; it is not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pandas as pd
from bench_scale import jittered_table
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parents[1]
STUDENTS = ROOT / "data" / "ml_datasource.csv"
PEERS_DIR = Path(__file__).resolve().parent / "peers"
DEFAULT_ENVS = ROOT.parent / "bench-envs"
SHARED = next((folder / "shared" / "datasets" for folder in Path(__file__).resolve().parents
               if (folder / "shared" / "datasets" / "mlc_churn.csv").is_file()), Path("shared/datasets"))
LARGE_ROWS = 100_000
LARGE_SEED = 365
ROW_NUMBER = "rownames"
SHARED_TABLES = {"mlc_churn": ("churn", "yes"), "orange_juice": ("Purchase", "MM")}
TOOLS = ["reportgen", "pycaret", "autogluon", "flaml"]


@dataclass(frozen=True)
class Peer:
    runner: str
    installs: tuple[str, ...]
    """The arguments of each `pip install` its environment needs, in order, as in the setup commands above."""

    def setup_command(self, env: Path) -> str:
        return " && ".join([f"python3.11 -m venv {env}", *(f"{env}/bin/pip install {i}" for i in self.installs)])


PEERS = {
    "pycaret": Peer("pycaret_run.py", ("pycaret==3.3.2 six",)),
    "autogluon": Peer("autogluon_run.py", (
        "torch==2.13.0+cpu --extra-index-url https://download.pytorch.org/whl/cpu",
        "'autogluon.tabular[all]==1.6.3'")),
    "flaml": Peer("flaml_run.py", (
        "flaml==2.8.0 lightgbm==4.7.0 xgboost-cpu==2.1.4 scikit-learn==1.9.1 pandas==3.1.1",)),
}


@dataclass(frozen=True)
class Table:
    name: str
    target: str
    positive: str
    rows: pd.DataFrame
    """The prepared rows in file order, which every tool's split is drawn from."""
    reportgen_args: list[str]
    """What `reportgen run` needs before `--seed` and `--out` to read and prepare the same table."""


def course_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The students preset's outlier rules; practice_exams_started leaves, as reportgen's VIF step drops it."""
    kept = frame[(frame.minutes_watched <= 1000) & (frame.courses_started <= 10)
                 & (frame.practice_exams_started <= 10) & (frame.minutes_spent_on_exams <= 40)]
    return kept.drop(columns="practice_exams_started")


def read_students(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def students_table(folder: Path, datasets: Path) -> Table:
    return Table("students", "purchased", "1", course_rows(read_students(STUDENTS)), [])


def large_table(folder: Path, datasets: Path) -> Table:
    path = folder / "large.csv"
    jittered_table(LARGE_ROWS, seed=LARGE_SEED).to_csv(path, index=False)
    return Table("large", "purchased", "1", course_rows(read_students(path)), [str(path), "--preset", "students"])


def shared_table(name: str) -> Callable[[Path, Path], Table]:
    target, positive = SHARED_TABLES[name]

    def build(folder: Path, datasets: Path) -> Table:
        rows = pd.read_csv(datasets / f"{name}.csv").drop(columns=ROW_NUMBER)
        path = folder / f"{name}.csv"
        rows.to_csv(path, index=False)
        return Table(name, target, positive, rows, [str(path), "--target", target, "--positive", positive])

    return build


TABLES = {"students": students_table, "mlc_churn": shared_table("mlc_churn"),
          "orange_juice": shared_table("orange_juice"), "large": large_table}


def split_files(table: Table, seed: int, folder: Path) -> tuple[Path, Path]:
    outcome = (table.rows[table.target].astype(str) == table.positive).astype(int)
    train, test = train_test_split(table.rows, test_size=0.2, random_state=seed, stratify=outcome)
    paths = folder / f"{table.name}-train-{seed}.csv", folder / f"{table.name}-test-{seed}.csv"
    train.to_csv(paths[0], index=False)
    test.to_csv(paths[1], index=False)
    return paths


def timed_run(command: list[str], cwd: Path, what: str) -> tuple[str, float]:
    """The command's stdout and wall seconds; its stderr's end in the error when it fails."""
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    if completed.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return completed.stdout, time.perf_counter() - started


def run_peer(name: str, python: Path, table: Table, train: Path, test: Path, seed: int) -> dict:
    stdout, wall = timed_run(
        [str(python), str(PEERS_DIR / PEERS[name].runner), str(train), str(test), str(seed), table.target,
         table.positive],
        cwd=train.parent, what=f"{name} on {table.name}, seed {seed}")  # PyCaret writes logs.log where it runs
    found = json.loads(stdout.strip().splitlines()[-1])
    return {**found, "tool": name, "version": found["tool"], "wall_seconds": round(wall, 1)}


def run_reportgen(table: Table, seed: int, folder: Path, test: Path) -> dict:
    out = folder / f"reportgen-{table.name}-{seed}"
    _, wall = timed_run([sys.executable, "-m", "reportgen", "run", *table.reportgen_args, "--seed", str(seed),
                         "--out", str(out), "--quiet"], cwd=folder, what=f"reportgen on {table.name}, seed {seed}")
    results = json.loads((out / "results.json").read_text())
    best = next(m for m in results["models"] if m["name"] == results["best_model"])
    scores = best["test"]
    (tn, fp), (fn, tp) = scores["confusion_matrix"]
    ours = (results["dataset"]["rows_used"], tn + fp + fn + tp, tp + fn)
    test_outcome = pd.read_csv(test, usecols=[table.target], keep_default_na=False)[table.target]
    theirs = (len(table.rows), len(test_outcome), int((test_outcome.astype(str) == table.positive).sum()))
    if ours != theirs:
        raise RuntimeError(f"reportgen's rows, test rows and test positives on {table.name} are {ours}, the "
                           f"peers' {theirs}: the splits differ")
    return {"tool": "reportgen", "version": f"reportgen {version('reportgen')}", "seed": seed, "model": best["label"],
            "wall_seconds": round(wall, 1), "f1": scores["f1"], "roc_auc": scores["roc_auc"],
            "pr_auc": scores["pr_auc"], "test_rows": ours[1], "test_positives": ours[2]}


def available_tools(tools: list[str], envs: Path) -> dict[str, Path | None]:
    """Each tool that can run -> its Python (None for reportgen, which runs here); a line for each skipped."""
    found: dict[str, Path | None] = {}
    for tool in tools:
        if tool == "reportgen":
            found[tool] = None
            continue
        python = envs / tool / "bin" / "python"
        if python.is_file():
            found[tool] = python
        else:
            print(f"skipping {tool}: no environment at {envs / tool}; set it up with: "
                  f"{PEERS[tool].setup_command(envs / tool)}", flush=True)
    return found


def print_seed_table(table: str, seed: int, rows: list[dict]) -> None:
    print(f"\n{table}, seed {seed} ({rows[0]['test_rows']} test rows, {rows[0]['test_positives']} positive)")
    print(f"{'tool':<12}{'PR AUC':>8}{'F1':>8}{'ROC AUC':>9}{'wall s':>9}  best model")
    for row in rows:
        print(f"{row['tool']:<12}{row['pr_auc']:>8.3f}{row['f1']:>8.3f}{row['roc_auc']:>9.3f}"
              f"{row['wall_seconds']:>9.1f}  {row['model']}")


def means_markdown(results: list[dict]) -> str:
    """Per table and tool, the means over the seeds run: a Markdown table."""
    lines = ["| table | tool | seeds | PR AUC | F1 | ROC AUC | wall s |", "|---|---|---:|---:|---:|---:|---:|"]
    for table in dict.fromkeys(r["table"] for r in results):
        for tool in dict.fromkeys(r["version"] for r in results if r["table"] == table):
            mine = [r for r in results if r["table"] == table and r["version"] == tool]
            mean = {k: statistics.mean(r[k] for r in mine) for k in ("pr_auc", "f1", "roc_auc", "wall_seconds")}
            lines.append(f"| {table} | {tool} | {len(mine)} | {mean['pr_auc']:.3f} | {mean['f1']:.3f} | "
                         f"{mean['roc_auc']:.3f} | {mean['wall_seconds']:.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tables", nargs="+", choices=list(TABLES), default=list(TABLES),
                        help="The tables to run (default: all four).")
    parser.add_argument("--seeds", type=int, nargs="+", default=[365, 1, 2, 3, 4],
                        help="The split seeds (default: 365 1 2 3 4).")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=TOOLS, help="The tools to run (default: all).")
    parser.add_argument("--envs", type=Path, default=DEFAULT_ENVS,
                        help=f"The folder of the peers' environments, one per tool (default: {DEFAULT_ENVS}).")
    parser.add_argument("--datasets", type=Path, default=SHARED,
                        help=f"The folder holding mlc_churn.csv and orange_juice.csv (default: {SHARED}).")
    args = parser.parse_args()
    tools = available_tools(args.tools, args.envs)
    if not tools:
        parser.exit(2, "bench_automl.py: none of the tools asked for can run here\n")
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-automl-") as tmp:
        folder = Path(tmp)
        for name in args.tables:
            table = TABLES[name](folder, args.datasets)
            for seed in args.seeds:
                train, test = split_files(table, seed, folder)
                rows = []
                for tool, python in tools.items():
                    row = (run_reportgen(table, seed, folder, test) if python is None
                           else run_peer(tool, python, table, train, test, seed))
                    rows.append({**row, "table": name})
                    print(json.dumps(rows[-1]), flush=True)
                print_seed_table(name, seed, rows)
                results.extend(rows)
    print(f"\nMeans over seeds {', '.join(map(str, args.seeds))}:\n")
    print(means_markdown(results))


if __name__ == "__main__":
    main()

r"""reportgen against PyCaret, AutoGluon and FLAML: quality and wall time on the same test rows, side by side.

Tables (`--tables`), each read and prepared by reportgen itself (`reportgen.load` and `reportgen.clean` with the
arguments `reportgen run` gets), so every tool sees the rows reportgen keeps:
- `students`, `audiobooks` and `tiktok`: the seed tables with their presets (outlier rules, incomplete rows
  dropped, audiobooks' filled-in review score read as missing);
- `mlc_churn` (target `churn`, positive `yes`) and `orange_juice` (`Purchase`, positive `MM`) from the nearest
  `shared/datasets/` above this file (or `--datasets`), run bare with every row kept;
- `caravan`: an insurer's 5,822 customers, 85 coded columns (socio-demographic shares by postcode and product
  counts) and whether they bought caravan insurance (`Purchase`, 6% `Yes`), run bare: a public table from the
  CoIL 2000 challenge, shipped in the `ISLP` wheel (fetched once with the command below, never installed);
  29 of its columns have a VIF above 5;
- `large`: the bundled rows drawn with replacement to 100,000 rows, each number jittered by 5% (counts
  rounded; `bench_scale.jittered_table`, drawn with seed 365 whatever `--seeds` says), written to a temporary
  folder and run with `--preset students`.
The peers get every column reportgen does not leave out as an identifier or row number (mlc_churn's and
orange_juice's `rownames`, R's row number, would carry the outcome: the files are sorted), the raw source of a
derived feature (tiktok's transcription text) and the columns reportgen's VIF step drops; the outcome as 1
(positive) or 0. Each split is reportgen's own for `--seed SEED` (its training and test rows, taken from its
cleaning stage), for each of `--seeds` (default 365 1 2 3 4). reportgen runs its whole default report (PDF
included) with `--seed SEED` on the whole table and splits it itself; the script checks that reportgen's test
rows and positives number what the peers get. Each peer gets the training and test parts as
CSV files and runs in its own environment (their pins clash with reportgen's and each other's), through a
runner in `benchmarks/peers/` (`python RUNNER TRAIN.csv TEST.csv SEED TARGET POSITIVE`, one JSON line out):
- PyCaret 3.3.2: `compare_models` with its defaults (ranked by accuracy), its best model refit on the training
  part;
- AutoGluon 1.6.3: `TabularPredictor(..., eval_metric="average_precision").fit(train, presets="medium_quality")`,
  no time limit; it takes no seed;
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

    pip download ISLP==0.6.0 --no-deps -d ../bench-envs/data/islp   # the caravan table, 16 MB
    unzip -j -o ../bench-envs/data/islp/islp-0.6.0-py3-none-any.whl ISLP/data/Caravan.csv -d ../bench-envs/data

AutoGluon's `[all]` brings the models its presets train (LightGBM, CatBoost, XGBoost, its PyTorch and fastai
networks) and with them torch; installing torch's CPU build first keeps pip from taking PyPI's CUDA build and its
nvidia packages (torch is 0.75 GiB of the 2.7). FLAML's `[automl]` extra would pull `xgboost`, whose Linux wheel
carries CUDA and NCCL (0.8 GiB more), so its parts are listed with `xgboost-cpu` instead.

Run by hand: `python benchmarks/bench_automl.py [--tables students audiobooks tiktok mlc_churn orange_juice caravan
large] [--seeds 365 1 2 3 4] [--tools reportgen pycaret autogluon flaml] [--previous FILE ...]`. `--previous` sets
results printed by an earlier run (its JSON lines; other lines are skipped) beside this run's in the means, for the
tables and seeds asked: measure the peers once, then reportgen after each change. The README's table came from
`benchmarks/results/automl-2026-12-06.jsonl`, which `--previous` reads.
The six tables up to caravan with all three tools and five seeds took 75 minutes alone on this 2-core machine
(AutoGluon 43 to 136 s a seed on students and tiktok); beside other work it takes far longer: on `students`,
AutoGluon took 12 minutes for one seed while a test suite shared the cores, 55 s alone. AutoGluon did not
finish `large` in 33 minutes. It prints each result as
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

ROOT = Path(__file__).resolve().parents[1]
PEERS_DIR = Path(__file__).resolve().parent / "peers"
DEFAULT_ENVS = ROOT.parent / "bench-envs"
SHARED = next((folder / "shared" / "datasets" for folder in Path(__file__).resolve().parents
               if (folder / "shared" / "datasets" / "mlc_churn.csv").is_file()), Path("shared/datasets"))
LARGE_ROWS = 100_000
LARGE_SEED = 365
SHARED_TABLES = {"mlc_churn": ("churn", "yes"), "orange_juice": ("Purchase", "MM")}
CARAVAN = ("ISLP==0.6.0", "ISLP/data/Caravan.csv")
"""The insurance table's source: the wheel of the Python companion to 'An Introduction to Statistical Learning',
which ships it, and the file's path inside the wheel."""
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
    reportgen_args: list[str]
    """What `reportgen run` needs before `--seed` and `--out` to read and prepare the table."""
    rows: pd.DataFrame
    """The rows reportgen keeps, in file order, with every column but the ones it leaves out as identifiers; the
    outcome column holds 1 for the positive label and 0 for any other."""
    target: str

    def split_files(self, seed: int, folder: Path) -> tuple[Path, Path]:
        """The training and test rows reportgen draws with this seed, as CSV files for the peers."""
        train_index, test_index = reportgen_split(self.reportgen_args, seed)
        paths = folder / f"{self.name}-train-{seed}.csv", folder / f"{self.name}-test-{seed}.csv"
        self.rows.loc[train_index].to_csv(paths[0], index=False)
        self.rows.loc[test_index].to_csv(paths[1], index=False)
        return paths


def reportgen_config(args: list[str], seed: int = 365):
    """The config `reportgen run ARGS --seed SEED` works with (a table path first, then --preset, --target and
    --positive, the only options this script passes), completed by the engine's column inference."""
    from reportgen.config import resolve_config
    from reportgen.infer import infer
    options = dict(zip(args[1::2], args[2::2])) if args and not args[0].startswith("--") else dict(
        zip(args[::2], args[1::2]))
    data = Path(args[0]) if args and not args[0].startswith("--") else None
    return infer(resolve_config(data, target=options.get("--target"), positive=options.get("--positive"),
                                preset=options.get("--preset"), seed=seed)).config


def reportgen_split(args: list[str], seed: int) -> tuple[pd.Index, pd.Index]:
    """The training and test rows' labels in the table as read, as reportgen's cleaning stage splits them."""
    from reportgen.clean import clean
    from reportgen.load import load
    config = reportgen_config(args, seed)
    cleaned = clean(load(config), config)
    return cleaned.x_train.index, cleaned.x_test.index


def prepared_table(name: str, args: list[str]) -> Table:
    """The table reportgen reads with ARGS, as the peers get it: the rows reportgen keeps (its outlier rules and
    dropped incomplete rows) and the columns it does not leave out (identifiers, row numbers); a derived
    feature's source column stays as it is, for each tool to make of it what it can."""
    from reportgen.clean import clean
    from reportgen.load import load
    from reportgen.result import StepKind
    config = reportgen_config(args)
    data = load(config)
    cleaned = clean(data, config)
    left_out = {c for step in cleaned.steps if step.kind == StepKind.EXCLUDED for c in step.columns}
    target = config.target.column
    kept = data.frame.index.intersection(cleaned.x_train.index.union(cleaned.x_test.index), sort=False)
    rows = data.frame.loc[kept, [c for c in data.frame.columns if c not in left_out or c == target]].copy()
    rows[target] = data.outcome.loc[kept].astype(int)
    return Table(name, args, rows, target)


def preset_table(preset: str) -> Callable[[Path, Path], Table]:
    return lambda folder, datasets: prepared_table(preset, ["--preset", preset])


def shared_table(name: str) -> Callable[[Path, Path], Table]:
    target, positive = SHARED_TABLES[name]
    return lambda folder, datasets: prepared_table(
        name, [str(datasets / f"{name}.csv"), "--target", target, "--positive", positive])


def caravan_table(folder: Path, datasets: Path) -> Table:
    path = DEFAULT_ENVS / "data" / Path(CARAVAN[1]).name
    if not path.is_file():
        raise SystemExit(f"no {path}: fetch it once with {caravan_setup(path)}")
    return prepared_table("caravan", [str(path), "--target", "Purchase", "--positive", "Yes"])


def caravan_setup(path: Path) -> str:
    wheel = path.parent / "islp"
    return (f"pip download {CARAVAN[0]} --no-deps -d {wheel} && unzip -j -o {wheel}/islp-0.6.0-py3-none-any.whl "
            f"{CARAVAN[1]} -d {path.parent}")


def large_table(folder: Path, datasets: Path) -> Table:
    path = folder / "large.csv"
    jittered_table(LARGE_ROWS, seed=LARGE_SEED).to_csv(path, index=False)
    return prepared_table("large", [str(path), "--preset", "students"])


TABLES = {"students": preset_table("students"), "audiobooks": preset_table("audiobooks"),
          "tiktok": preset_table("tiktok"), "mlc_churn": shared_table("mlc_churn"),
          "orange_juice": shared_table("orange_juice"), "caravan": caravan_table, "large": large_table}


def timed_run(command: list[str], cwd: Path, what: str) -> tuple[str, float]:
    """The command's stdout and wall seconds; its stderr's end in the error when it fails."""
    started = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, cwd=cwd)
    if completed.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {completed.returncode}):\n{completed.stderr[-3000:]}")
    return completed.stdout, time.perf_counter() - started


def run_peer(name: str, python: Path, table: Table, train: Path, test: Path, seed: int) -> dict:
    stdout, wall = timed_run(
        [str(python), str(PEERS_DIR / PEERS[name].runner), str(train), str(test), str(seed), table.target, "1"],
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
    test_outcome = pd.read_csv(test, usecols=[table.target])[table.target]
    theirs = (len(table.rows), len(test_outcome), int(test_outcome.sum()))
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


def previous_results(paths: list[Path]) -> list[dict]:
    """The result lines (JSON objects) in earlier runs' output."""
    return [json.loads(line) for path in paths for line in path.read_text().splitlines() if line.startswith("{")]


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
                        help="The tables to run (default: all seven).")
    parser.add_argument("--seeds", type=int, nargs="+", default=[365, 1, 2, 3, 4],
                        help="The split seeds (default: 365 1 2 3 4).")
    parser.add_argument("--tools", nargs="+", choices=TOOLS, default=TOOLS, help="The tools to run (default: all).")
    parser.add_argument("--envs", type=Path, default=DEFAULT_ENVS,
                        help=f"The folder of the peers' environments, one per tool (default: {DEFAULT_ENVS}).")
    parser.add_argument("--previous", type=Path, nargs="+", default=[],
                        help="Output of earlier runs whose result lines join this run's means (same tables, seeds).")
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
                train, test = table.split_files(seed, folder)
                rows = []
                for tool, python in tools.items():
                    row = (run_reportgen(table, seed, folder, test) if python is None
                           else run_peer(tool, python, table, train, test, seed))
                    rows.append({**row, "table": name})
                    print(json.dumps(rows[-1]), flush=True)
                print_seed_table(name, seed, rows)
                results.extend(rows)
    results += [row for row in previous_results(args.previous)
                if row["table"] in args.tables and row["seed"] in args.seeds]
    print(f"\nMeans over seeds {', '.join(map(str, args.seeds))}:\n")
    print(means_markdown(results))


if __name__ == "__main__":
    main()

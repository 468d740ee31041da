"""Rebuild the stored results the fast tests read (`tests/data/results/*.json`) from the current engine.

    make stored-results        (or: .venv/bin/python tests/data/refresh_results.py)

Refresh them, and commit the files this writes, after a change to the result's fields (one added, renamed
or removed in `reportgen.result`) or to numbers the tests assert (a change to a stage that moves the
synthetic fit's figures): the slow test `test_stored_results.py` fails on a stale file's fields until then.
A change to the narrative's words needs no refresh, as the fixtures word the stored facts anew (`interpret`).

Each result is built with its config's fixed seed and a fixed run block (no clock, version or machine in it),
so that a refresh changes a file only where the engine's numbers or fields changed:

- `synthetic.json`: the 400-row synthetic table of `tests/conftest.py`, as its `report_result` fixture
  builds it (under a second);
- `students.json`: the bundled student-purchase table as `reportgen run --no-pdf` reports it: every model
  family, the segments, twins, the model refitted without the feature it leans on, and every figure
  (about 10 s).
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from conftest import (  # noqa: E402
    STORED_RESULTS,
    finished_as_run,
    fixed_run_info,
    synthetic_frame,
    synthetic_spec,
    write_dataset,
)

from reportgen.config import load_config, resolve_config  # noqa: E402
from reportgen.engine import analyse, run_report  # noqa: E402
from reportgen.result import ReportResult, RunInfo, to_json  # noqa: E402

BACKEND = "2 worker processes on this machine, forked from the main process"
"""The run block's backend, the same whatever machine refreshes the files: it says where a run ran, not what
it found."""


def synthetic_result(folder: Path) -> ReportResult:
    config = load_config(write_dataset(folder, synthetic_frame(), synthetic_spec()))
    return finished_as_run(analyse(config).result)


def students_result(folder: Path) -> ReportResult:
    result = run_report(resolve_config(preset="students"), folder / "students", pdf=False)
    return dataclasses.replace(result, run=fixed_run(result.run))


def fixed_run(run: RunInfo) -> RunInfo:
    """The run block of the tests' runs (`fixed_run_info`) with this run's stages and models, each timed at
    one second."""
    stages, models = dict.fromkeys(run.stage_seconds, 1.0), dict.fromkeys(run.model_seconds, 1.0)
    return dataclasses.replace(fixed_run_info(), seconds=float(len(stages)), stage_seconds=stages, model_seconds=models,
                               backend=BACKEND)


BUILDERS: dict[str, Callable[[Path], ReportResult]] = {"synthetic": synthetic_result, "students": students_result}
"""Each stored result's name (its file's stem) and how the current engine builds it."""


def write_results(out: Path) -> list[Path]:
    """Build every stored result and write it to out as `to_json` gives it; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in BUILDERS.items():
        with tempfile.TemporaryDirectory(prefix="reportgen-stored-") as folder:
            result = build(Path(folder))
        path = out / f"{name}.json"
        path.write_text(to_json(result), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=STORED_RESULTS,
                        help=f"folder to write the results to (default: {STORED_RESULTS.relative_to(TESTS.parent)})")
    for path in write_results(parser.parse_args(argv).out):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""tests/data/results/: the stored results the fast tests read load as they were written, and have the
fields the current engine gives (`tests/data/refresh_results.py` rebuilds them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import STORED_RESULTS, stored_result_names

from reportgen.result import load_result, to_json

REFRESH = Path(__file__).resolve().parent / "data" / "refresh_results.py"


def key_paths(value, path: str = "") -> set[str]:
    """Every dict key in a JSON value as its path from the top ('models[].test.accuracy'); the items of a
    list share one path."""
    if isinstance(value, dict):
        return {f"{path}.{key}" for key in value}.union(
            *(key_paths(item, f"{path}.{key}") for key, item in value.items()))
    if isinstance(value, list):
        return set().union(*(key_paths(item, f"{path}[]") for item in value))
    return set()


def test_results_are_stored():
    assert {"synthetic", "students"} <= set(stored_result_names())


@pytest.mark.parametrize("name", stored_result_names())
def test_a_stored_result_loads_and_writes_back_unchanged(name):
    path = STORED_RESULTS / f"{name}.json"
    assert to_json(load_result(path)) == path.read_text(encoding="utf-8")


def test_key_paths_name_nested_keys_once():
    assert key_paths({"a": [{"b": 1}, {"c": {"d": 2}}], "e": None}) == {".a", ".a[].b", ".a[].c", ".a[].c.d", ".e"}


@pytest.fixture(scope="module")
def refreshed_results(tmp_path_factory) -> Path:
    """The stored results as the current engine builds them, written to a folder of their own."""
    out = tmp_path_factory.mktemp("refreshed")
    completed = subprocess.run([sys.executable, str(REFRESH), "--out", str(out)], capture_output=True, text=True,
                               timeout=900)
    assert completed.returncode == 0, completed.stderr
    return out


@pytest.mark.parametrize("name", stored_result_names())
def test_a_stored_result_has_the_fields_the_engine_gives(refreshed_results, name):
    stored = key_paths(json.loads((STORED_RESULTS / f"{name}.json").read_text(encoding="utf-8")))
    current = key_paths(json.loads((refreshed_results / f"{name}.json").read_text(encoding="utf-8")))
    assert stored == current, (
        f"tests/data/results/{name}.json is stale: keys only in the stored file {sorted(stored - current)}, "
        f"only in the engine's result {sorted(current - stored)}. Run `make stored-results` and commit the files.")

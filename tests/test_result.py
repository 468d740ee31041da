"""reportgen/result/: results.json round-trips into an equal ReportResult, and the package exports every part."""

from __future__ import annotations

import ast
import dataclasses
import json
from pathlib import Path

import pytest
from pydantic import ValidationError

import reportgen.result
from reportgen.result import ReportResult, load_result, to_json

DOCUMENTED_KEYS = {"dataset", "preprocessing", "logit", "models", "best_model", "tree", "drivers", "driver_rows",
                   "driver_checks", "driver_groups",
                   "families_left_out", "columns_seen",
                   "summary", "questions", "warnings", "settings", "figures", "run", "baseline", "imbalance",
                   "threshold", "calibration", "twins", "targeting", "gains", "recommendation", "theme", "published",
                   "comparison", "explore", "segments", "trends", "dependence", "strength", "training_histories"}


def test_to_json_loads_back_into_an_equal_result(report_result, tmp_path):
    path = tmp_path / "results.json"
    path.write_text(to_json(report_result), encoding="utf-8")
    loaded = load_result(path)
    assert isinstance(loaded, ReportResult)
    assert loaded == report_result
    assert loaded.best.name == report_result.best_model
    assert to_json(loaded) == to_json(report_result)


def test_round_trip_without_run_block_or_tree(analysis, tmp_path):
    result = dataclasses.replace(analysis.result, tree=None)
    path = tmp_path / "results.json"
    path.write_text(to_json(result), encoding="utf-8")
    loaded = load_result(path)
    assert loaded == result
    assert loaded.run is None and loaded.tree is None


def test_json_has_the_documented_top_level_keys_and_is_strict(report_result):
    data = json.loads(to_json(report_result))
    assert set(data) == DOCUMENTED_KEYS
    assert len(data["questions"]) == 7
    assert "NaN" not in to_json(report_result)
    assert data["run"]["stage_seconds"] == {"load": 0.1, "model": 1.0}
    assert data["settings"]["seed"] == 365


def test_load_result_rejects_a_file_of_the_wrong_shape(report_result, tmp_path):
    data = json.loads(to_json(report_result))
    data["models"][0]["test"]["accuracy"] = "high"
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ValidationError):
        load_result(path)


def test_a_results_file_from_before_the_descriptive_sections_still_loads(report_result, tmp_path):
    data = json.loads(to_json(report_result))
    for key in ("explore", "segments", "trends"):
        del data[key]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_result(path)
    assert loaded.explore is None and loaded.segments is None and loaded.trends is None
    assert loaded.dataset == report_result.dataset


def test_segment_curve_keys_come_back_as_numbers_of_segments(report_result, tmp_path):
    path = tmp_path / "results.json"
    path.write_text(to_json(report_result), encoding="utf-8")
    assert json.loads(path.read_text())["segments"]["curve"]
    loaded = load_result(path)
    assert loaded.segments == report_result.segments
    assert all(isinstance(k, int) for k in loaded.segments.curve)


def defined_names(path: Path) -> set[str]:
    """The public names a module defines at its top level (classes, functions, constants)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            found.add(node.name)
        elif isinstance(node, ast.Assign):
            found |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return {name for name in found if not name.startswith("_")}


def test_the_package_exports_every_public_name_of_its_modules():
    package = Path(reportgen.result.__file__).parent
    defined = set().union(*(defined_names(path) for path in package.glob("*.py") if path.name != "__init__.py"))
    assert defined == set(reportgen.result.__all__)

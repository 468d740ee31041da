"""reportgen/init.py and `reportgen init`: the inferred config as commented YAML, which loads back
into the same config and reproduces the bare run's numbers."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import messy_frame

from reportgen.config import load_config, resolve_config
from reportgen.infer import infer
from reportgen.init import init_config

NUMBERS = ("models", "logit", "best_model", "tree", "drivers", "baseline", "imbalance", "threshold", "calibration",
           "targeting", "gains", "recommendation", "settings", "questions", "summary")


@pytest.fixture(scope="module")
def table(tmp_path_factory):
    folder = tmp_path_factory.mktemp("init")
    messy_frame().to_csv(folder / "churn.csv", index=False)
    return folder / "churn.csv"


@pytest.fixture(scope="module")
def written(table):
    text = init_config(table, "churned", "yes")
    (table.parent / "churn.yaml").write_text(text, encoding="utf-8")
    return text


def test_the_written_config_loads_back_into_the_inferred_one(table, written):
    inferred = infer(resolve_config(table, target="churned", positive="yes")).config
    loaded = load_config(table.parent / "churn.yaml")
    assert loaded == inferred.model_copy(update={"data": table.resolve()})


def test_each_inferred_decision_is_commented_where_it_is_declared(written):
    lines = written.splitlines()

    def line_of(entry: str) -> str:
        return next(line for line in lines if line.strip().startswith(entry))

    assert "a distinct text in every row" in line_of("- customer_id")
    assert "the same value (EU) in every row" in line_of("- region")
    assert "missing in every row" in line_of("- legacy_score")
    assert "numbers stored as text" in line_of("age: numeric")
    assert "free text" in line_of("feedback: text")
    assert "categories: the 19 most frequent kept" in line_of("city: categorical")
    assert "PROBABLE LEAKAGE" in line_of("refund_issued: categorical")
    assert "PROBABLE LEAKAGE" not in line_of("plan: categorical")


def test_the_file_is_plain_yaml_with_the_person_only_keys_as_comments(written):
    data = yaml.safe_load(written)
    assert data["target"] == {"column": "churned", "positive": "yes", "positive_name": "Left",
                              "negative_name": "Stayed", "positive_noun": "customers who leave",
                              "negative_noun": "customers who stay", "predicate": "left"}
    assert (data["unit"], data["title"], data["theme"], data["action"]) == (
        "customers", "Which customers will leave?", {"subtitle": "Churn report"}, "retain")
    assert data["read"] == {"missing_markers": {"age": [" ", "?"]}}
    assert not {"units", "notes", "not_actionable", "outliers"} & set(data)
    assert re.search(r"^# units: ", written, flags=re.MULTILINE)


def test_running_with_the_written_config_reproduces_the_bare_runs_numbers(messy_runs):
    bare, configured = messy_runs["bare"], messy_runs["configured"]
    for key in NUMBERS:
        assert configured[key] == bare[key], key
    assert configured["dataset"] == bare["dataset"]
    kept = ["steps", "vif", "correlation", "encoding", "duplicates", "leakage", "distributions"]
    assert {k: configured["preprocessing"][k] for k in kept} == {k: bare["preprocessing"][k] for k in kept}


def test_the_configured_run_reports_the_decisions_as_declared(messy_runs):
    bare, configured = messy_runs["bare"], messy_runs["configured"]
    assert [c["column"] for c in configured["preprocessing"]["columns"]] == [
        c["column"] for c in bare["preprocessing"]["columns"]]
    assert not any(c["inferred"] for c in configured["preprocessing"]["columns"])
    assert any("Probable leakage" in w for w in configured["warnings"])
    assert not any("row identifier" in w for w in configured["warnings"])

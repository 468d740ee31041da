"""`--compare-to`: the changes since a previous report, checked against the two results.json files
recomputed independently, on the bundled students table and on a 70% sample of it."""

from __future__ import annotations

import dataclasses
import json
import math
import re

import pandas as pd
import pytest
import yaml
from conftest import run_cli
from pypdf import PdfReader
from scipy.stats import norm
from statsmodels.stats.proportion import proportion_confint

from reportgen.compare import ReportFacts, driver_changes, rate_change, read_previous, segment_shifts
from reportgen.config import load_config
from reportgen.errors import ReportInputError
from reportgen.resources import bundled_path
from reportgen.result import load_result

FAST = {
    "models": [{"name": "logistic_regression"}, {"name": "decision_tree", "grid": {"max_depth": [3, 5]}}],
    "search": {"cv": 3, "n_jobs": 1},
    "imbalance": {"strategies": ["none"]},
    "ensemble": False,
}


def students_config(folder, csv, **overrides) -> str:
    """The students preset, with two quick models, reading `csv`; returns the config's file name."""
    spec = yaml.safe_load(bundled_path("data", "presets", "students.yaml").read_text(encoding="utf-8"))
    spec.update({**FAST, "data": str(csv), **overrides})
    name = f"{csv.stem}.yaml"
    (folder / name).write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return name


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """A run on the bundled table, then one on 70% of its rows (and another seed) that compares with it."""
    folder = tmp_path_factory.mktemp("compare")
    table = pd.read_csv(bundled_path("data", "ml_datasource.csv"), dtype=str, keep_default_na=False)
    table.sample(frac=0.7, random_state=3).to_csv(folder / "later.csv", index=False)
    first = students_config(folder, bundled_path("data", "ml_datasource.csv"))
    later = students_config(folder, folder / "later.csv")
    before = run_cli("run", "--config", first, "--out", "before", "--no-pdf", cwd=folder)
    assert before.returncode == 0, before.stderr
    after = run_cli("run", "--config", later, "--out", "after", "--seed", "7", "--compare-to", "before/results.json",
                    cwd=folder)
    assert after.returncode == 0, after.stderr
    results = {run: json.loads((folder / run / "results.json").read_text(encoding="utf-8"))
               for run in ("before", "after")}
    return {"folder": folder, **results, "stdout": after.stdout, "later": later}


def test_volume_and_rate_match_the_two_files(compared):
    before, after = compared["before"]["dataset"], compared["after"]["dataset"]
    c = compared["after"]["comparison"]
    assert (c["rows_before"], c["rows_after"]) == (before["rows_used"], after["rows_used"])
    assert c["rows_after"] < 0.75 * c["rows_before"]
    rate = c["rate"]
    x1, n1 = round(after["positive_rate"] * after["rows_used"]), after["rows_used"]
    x2, n2 = round(before["positive_rate"] * before["rows_used"]), before["rows_used"]
    assert (rate["positives_after"], rate["positives_before"]) == (x1, x2)
    pooled = (x1 + x2) / (n1 + n2)
    z = (x1 / n1 - x2 / n2) / math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    assert rate["z"] == pytest.approx(z, abs=1e-3)
    assert rate["pvalue"] == pytest.approx(2 * norm.sf(abs(z)), abs=1e-5)
    assert rate["significant"] == (rate["pvalue"] < 0.05)
    assert rate["difference"] == pytest.approx(x1 / n1 - x2 / n2, abs=1e-5)
    # Newcombe's interval from the two Wilson intervals
    (l1, u1), (l2, u2) = proportion_confint(x1, n1, method="wilson"), proportion_confint(x2, n2, method="wilson")
    d = x1 / n1 - x2 / n2
    low, high = d - math.hypot(x1 / n1 - l1, u2 - x2 / n2), d + math.hypot(u1 - x1 / n1, x2 / n2 - l2)
    assert rate["interval"] == pytest.approx([low, high], abs=1e-5)


def test_segment_shifts_match_the_two_files(compared):
    before, after, c = compared["before"], compared["after"], compared["after"]["comparison"]
    then = {p["name"]: p for p in before["segments"]["profiles"]}
    now = {p["name"]: p for p in after["segments"]["profiles"]}
    assert {s["name"] for s in c["segments"]} == then.keys() & now.keys()
    for shift in c["segments"]:
        old, new = then[shift["name"]], now[shift["name"]]
        assert (shift["share_before"], shift["share_after"]) == (old["share"], new["share"])
        assert ((shift["conversion_before"], shift["conversion_after"])
                == (old["conversion_rate"], new["conversion_rate"]))
    changes = [abs(s["conversion_after"] - s["conversion_before"]) for s in c["segments"]]
    assert changes == sorted(changes, reverse=True)
    if c["segments"]:
        assert c["segments"][0]["name"] in c["segments_text"]


def test_model_quality_and_drivers_match_the_two_files(compared):
    before, after, c = compared["before"], compared["after"], compared["after"]["comparison"]
    assert (c["recommended_before"], c["recommended_after"]) == (before["best_model"], after["best_model"])
    then = {m["name"]: m for m in before["models"]}
    now = {m["name"]: m for m in after["models"]}
    assert c["models"][0]["name"] == after["best_model"]
    for m in c["models"]:
        assert ((m["f1_before"], m["pr_auc_before"])
                == (then[m["name"]]["test"]["f1"], then[m["name"]]["test"]["pr_auc"]))
        assert (m["f1_after"], m["pr_auc_after"]) == (now[m["name"]]["test"]["f1"], now[m["name"]]["test"]["pr_auc"])
        assert m["pr_auc_interval"] == now[m["name"]]["test_ci"]["pr_auc"]
    ranks_then = [d["feature"] for d in before["drivers"]]
    ranks_now = [d["feature"] for d in after["drivers"]]
    top_then, top_now = set(ranks_then[:5]), set(ranks_now[:5])
    assert {d["feature"] for d in c["drivers"]} == top_then | top_now
    for d in c["drivers"]:
        assert d["rank_before"] == ranks_then.index(d["feature"]) + 1
        assert d["rank_after"] == ranks_now.index(d["feature"]) + 1
        assert d["actionable"] == (d["feature"] != "days_on_platform")
    assert set(c["entered"]) == top_now - top_then and set(c["left"]) == top_then - top_now
    assert [d["feature"] for d in c["drivers"] if d["entered"]] == c["entered"]
    assert [d["feature"] for d in c["drivers"] if d["left"]] == c["left"]
    labels = {m["name"]: m["label"] for m in before["models"] + after["models"]}
    assert (c["recommended_before_label"], c["recommended_after_label"]) == (labels[before["best_model"]],
                                                                              labels[after["best_model"]])
    assert "seed" in c["settings_changed"] and "seed" in " ".join(c["caveats"])


def test_the_changes_page_and_the_command_line_say_what_changed(compared):
    c = compared["after"]["comparison"]
    assert c["headline"] in compared["stdout"]
    assert f"{c['rows_after']:,}" in c["volume_text"] and f"{c['rows_before']:,}" in c["volume_text"]
    pdf = PdfReader(compared["folder"] / "after" / "report.pdf")
    pages = [" ".join(page.extract_text().split()) for page in pdf.pages[:5]]
    page = next(p for p in pages if p.startswith("Changes since the previous report") or
                "Changes since the previous report Since" in p)
    for sentence in (c["headline"], c["volume_text"], c["rate_text"], c["model_text"], c["drivers_text"],
                     c["segments_text"]):
        assert " ".join(sentence.split()) in page
    for shift in (c["segments"] or [])[:3]:
        assert f"{shift['name']} {100 * shift['share_before']:.1f}% {100 * shift['share_after']:.1f}%" in page
    assert c["segments_shown"] == min(3, len(c["segments"] or []))
    if c["segments_table_note"]:
        assert c["segments_table_note"] in page
    assert "Previous report: ml_datasource.csv" in page, "the whole section fits on one page"
    assert f"{100 * c['rate']['after']:.1f}%" in page and f"{100 * c['rate']['before']:.1f}%" in page
    assert load_result(compared["folder"] / "after" / "results.json").comparison.rate.z == c["rate"]["z"]


@pytest.mark.parametrize("problem, message", [
    ("missing", "no such file"),
    ("other outcome", "reports on the outcome 'churned', this run on 'purchased'"),
])
def test_bad_previous_reports_are_one_clear_error_and_write_nothing(compared, problem, message):
    folder = compared["folder"]
    previous = folder / f"{problem.replace(' ', '-')}.json"
    if problem == "other outcome":
        other = dict(compared["before"], dataset={**compared["before"]["dataset"], "target": "churned"})
        previous.write_text(json.dumps(other), encoding="utf-8")
    out = folder / f"out-{problem.replace(' ', '-')}"
    completed = run_cli("run", "--config", compared["later"], "--out", str(out), "--compare-to", str(previous),
                        cwd=folder)
    assert completed.returncode == 2
    assert completed.stderr.startswith("reportgen: error: --compare-to") and completed.stderr.count("\n") == 1
    assert message in completed.stderr and "Traceback" not in completed.stderr
    assert not out.exists()


@pytest.mark.parametrize("content, message", [
    ("purchased,minutes\n1,2\n", "not a reportgen results.json (not JSON"),
    ("[1, 2]", "not a reportgen results.json (it holds no object)"),
    (json.dumps({"models": []}), "not a reportgen results.json (dataset: field required)"),
    (json.dumps({"dataset": {"name": "s", "target": "y", "positive_label": "1", "rows_used": "many",
                             "positive_rate": 0.1}, "models": [], "best_model": "x"}),
     "(dataset.rows_used: input should be a valid integer"),
])
def test_files_that_are_not_results_are_refused_with_the_key_at_fault(tmp_path, content, message):
    (tmp_path / "results.json").write_text(content, encoding="utf-8")
    with pytest.raises(ReportInputError, match=re.escape(message)):
        read_previous(tmp_path / "results.json")


def test_an_older_results_json_with_fewer_fields_still_compares(compared, tmp_path):
    older = json.loads(json.dumps(compared["before"]))
    for key in ("run", "settings", "preprocessing", "summary", "questions", "targeting", "calibration"):
        older.pop(key)
    for model in older["models"]:
        model.pop("test_ci")
    older["dataset"].pop("features")
    older["a_field_from_elsewhere"] = {"x": 1}
    (tmp_path / "results.json").write_text(json.dumps(older), encoding="utf-8")
    previous = read_previous(tmp_path)
    assert previous.run is None and previous.model(previous.best_model).test_ci == {}
    assert previous.dataset.rows_used == compared["before"]["dataset"]["rows_used"]


def test_a_report_counting_another_label_as_converting_is_refused(compared, tmp_path):
    other = dict(compared["before"], dataset={**compared["before"]["dataset"], "positive_label": "0"})
    (tmp_path / "results.json").write_text(json.dumps(other), encoding="utf-8")
    config = load_config(compared["folder"] / compared["later"])
    with pytest.raises(ReportInputError, match="counts '0' as converting, this run '1'"):
        read_previous(tmp_path / "results.json", config)


def test_rate_change_without_variation_makes_no_test():
    change = rate_change(100, 0.0, 200, 0.0, 0.05)
    assert change.pvalue is None and change.z is None and not change.significant and change.difference == 0


def test_driver_changes_follow_both_rankings():
    from reportgen.compare import DriverFacts

    before = [DriverFacts(feature=f, label=f.upper(), importance=w) for f, w in zip("abcdefg", [7, 6, 5, 4, 3, 2, 1])]
    after = [DriverFacts(feature=f, label=f.upper(), importance=w) for f, w in zip("bagcdef", [7, 6, 5, 4, 3, 2, 1])]
    changes = {d.feature: (d.rank_before, d.rank_after) for d in driver_changes(before, after)}
    assert changes == {"a": (1, 2), "b": (2, 1), "c": (3, 4), "d": (4, 5), "e": (5, 6), "g": (7, 3)}


def test_segment_shifts_match_segments_by_name_and_need_both_runs():
    def segments(*profiles):
        return ReportFacts.model_validate({
            "dataset": {"name": "s", "target": "y", "positive_label": "1", "rows_used": 10, "positive_rate": 0.1},
            "models": [], "best_model": "", "segments": {"k": 2, "silhouette": 0.4, "curve": [], "profiles": [
                {"name": n, "size": 5, "share": s, "conversion_rate": r} for n, s, r in profiles]}}).segments

    then = segments(("Bingers", 0.3, 0.2), ("Browsers", 0.6, 0.05), ("Lurkers", 0.1, 0.01))
    now = segments(("Lurkers", 0.2, 0.02), ("Bingers", 0.4, 0.25), ("Newcomers", 0.4, 0.01))
    shifts = segment_shifts(then, now)
    assert [(s.name, s.share_before, s.share_after, s.conversion_before, s.conversion_after) for s in shifts] == [
        ("Bingers", 0.3, 0.4, 0.2, 0.25), ("Lurkers", 0.1, 0.2, 0.01, 0.02)], "largest change in conversion first"
    assert segment_shifts(None, now) is None and segment_shifts(then, None) is None
    assert segments(("Bingers", "a third", 0.2)) is None, "segments of an unknown shape are skipped"


def test_the_previous_report_is_named_with_what_is_known_of_it(compared):
    from reportgen.narrative.changes import previous_text

    c = load_result(compared["folder"] / "after" / "results.json").comparison
    assert c.previous_text == previous_text(c)
    assert previous_text(dataclasses.replace(c, previous_started_at="2024-01-02T03:04:05+00:00",
                                             previous_version="0.9")) == (
        f"Previous report: {c.previous_source}, run 2024-01-02T03:04:05+00:00 with reportgen 0.9.")
    assert previous_text(dataclasses.replace(c, previous_source="", previous_started_at=None,
                                             previous_version=None)) == "Previous report: unknown source."

"""End to end on the bundled data: the real CLI, the PDF opened with pypdf, results.json checked
against computations made here independently of the package."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
import subprocess
import sys

import pandas as pd
import pytest
from pypdf import PdfReader
from sklearn.model_selection import train_test_split

from reportgen.engine import StageClock
from reportgen.narrative.questions import QUESTIONS
from reportgen.resources import bundled_path
from reportgen.result import load_result

BUNDLED = bundled_path("data", "ml_datasource.csv")
MODEL_NAMES = {"logistic_regression", "knn", "svm", "decision_tree", "random_forest", "gradient_boosting", "ensemble"}
METRIC_KEYS = {"accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "confusion_matrix"}


def reportgen_command() -> list[str]:
    return [sys.executable, "-m", "reportgen"]


@pytest.fixture(scope="module")
def default_run(built_report):
    """`reportgen run` with no arguments, as `make report` does, from an unrelated folder."""
    built = built_report("default")
    return {
        "completed": built.completed,
        "out": built.out,
        "digest_before": built.input_digest_before,
        "results": json.loads((built.out / "results.json").read_text()) if built.completed.returncode == 0 else None,
    }


@pytest.fixture(scope="module")
def independent_split():
    """The split the issue specifies, computed here with pandas and scikit-learn alone."""
    frame = pd.read_csv(BUNDLED, keep_default_na=False, na_values=[""])
    kept = frame[(frame.minutes_watched <= 1000) & (frame.courses_started <= 10)
                 & (frame.practice_exams_started <= 10) & (frame.minutes_spent_on_exams <= 40)]
    train, test = train_test_split(kept, test_size=0.2, random_state=365, stratify=kept.purchased)
    return kept, train, test


def test_run_succeeds_and_writes_every_output(default_run):
    completed = default_run["completed"]
    assert completed.returncode == 0, completed.stderr
    assert "Traceback" not in completed.stderr
    out = default_run["out"]
    for name in ("report.pdf", "report.html", "results.json"):
        assert (out / name).stat().st_size > 1000
    assert len(list((out / "figures").glob("*.png"))) >= 8
    assert not list(out.parent.glob(".reportgen-*")), "the staging folder was left behind"
    assert not (out / ".print-figures").exists(), "the PDF's JPEG figures were left behind"


def test_input_file_is_not_modified(default_run):
    assert hashlib.sha256(BUNDLED.read_bytes()).hexdigest() == default_run["digest_before"]


def test_pdf_is_a4_with_page_numbers_and_the_seven_questions(default_run):
    reader = PdfReader(default_run["out"] / "report.pdf")
    assert len(reader.pages) >= 10
    first = reader.pages[0].mediabox
    assert (round(float(first.width)), round(float(first.height))) == (595, 842)
    text = "\n".join(page.extract_text() for page in reader.pages)
    flat = re.sub(r"\s+", " ", text)
    for question in QUESTIONS:
        assert question in flat, question
    assert f"Page 2 of {len(reader.pages)}" in flat
    for heading in ("Executive summary", "How well the models predict", "The logistic regression",
                    "The decision tree", "Appendix"):
        assert heading in flat
    images = sum(len(page.images) for page in reader.pages)
    assert images >= 8


def test_pdf_states_this_runs_numbers(default_run):
    results = default_run["results"]
    flat = re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in PdfReader(default_run["out"] / "report.pdf").pages))
    best = next(m for m in results["models"] if m["name"] == results["best_model"])
    assert f"{best['test']['pr_auc']:.3f}" in flat
    assert results["summary"]["headline"][:60] in flat
    assert f"{results['dataset']['rows_used']:,}" in flat


def test_results_json_has_the_documented_shape(default_run):
    results = default_run["results"]
    assert {"dataset", "preprocessing", "logit", "models", "best_model", "questions", "warnings"} <= set(results)
    assert {"name", "rows_read", "rows_used", "target", "positive_label", "positive_rate", "features"} <= set(
        results["dataset"])
    assert {"steps", "vif", "warnings"} <= set(results["preprocessing"])
    assert {"llr_pvalue", "pseudo_r2", "intercept", "coefficients", "equation"} <= set(results["logit"])
    for coefficient in results["logit"]["coefficients"]:
        assert {"feature", "coef", "std_err", "z", "pvalue", "significant"} <= set(coefficient)
    assert {m["name"] for m in results["models"]} == MODEL_NAMES
    for model in results["models"]:
        assert {"name", "params", "train", "test"} <= set(model)
        assert METRIC_KEYS <= set(model["train"]) and METRIC_KEYS <= set(model["test"])
    assert any(m["feature_importance"] for m in results["models"] if m["name"] == "random_forest")
    assert [q["id"] for q in results["questions"]] == list(range(1, 8))
    assert all(len(q["answer"]) > 80 for q in results["questions"])


def test_results_json_loads_back_into_the_result_type(default_run):
    result = load_result(default_run["out"] / "results.json")
    assert result.best.name == default_run["results"]["best_model"]
    assert len(result.questions) == 7


def test_rows_and_split_match_an_independent_computation(default_run, independent_split):
    kept, train, test = independent_split
    dataset = default_run["results"]["dataset"]
    assert dataset["rows_read"] == 17761
    assert dataset["rows_used"] == len(kept) == 17626
    assert dataset["positive_rate"] == pytest.approx(kept.purchased.mean(), abs=1e-6)
    assert (dataset["train_rows"], dataset["test_rows"]) == (len(train), len(test))
    for model in default_run["results"]["models"]:
        (tn, fp), (fn, tp) = model["test"]["confusion_matrix"]
        assert tn + fp + fn + tp == len(test)
        assert tp + fn == test.purchased.sum() == 325


def test_metrics_agree_with_their_confusion_matrices(default_run):
    for model in default_run["results"]["models"]:
        m = model["test"]
        (tn, fp), (fn, tp) = m["confusion_matrix"]
        assert m["accuracy"] == pytest.approx((tp + tn) / (tn + fp + fn + tp), abs=1e-6)
        assert m["precision"] == pytest.approx(tp / (tp + fp), abs=1e-6)
        assert m["recall"] == pytest.approx(tp / (tp + fn), abs=1e-6)
        assert m["f1"] == pytest.approx(2 * tp / (2 * tp + fp + fn), abs=1e-6)


def test_namibia_is_a_country_not_a_missing_value(default_run):
    steps = default_run["results"]["preprocessing"]["steps"]
    missing = next(s for s in steps if s["name"] == "Missing values")
    assert "student_country" not in missing["columns"]


def test_course_outlier_rules_apply_and_the_vif_screen_leaves_the_logit_only(default_run):
    pre = default_run["results"]["preprocessing"]
    rules = [s for s in pre["steps"] if s["name"] == "Outlier rule"]
    assert [s["columns"][0] for s in rules] == ["minutes_watched", "courses_started", "practice_exams_started",
                                                 "minutes_spent_on_exams"]
    assert rules[-1]["rows_after"] == 17626
    dropped = [v["feature"] for v in pre["vif"] if v["dropped"]]
    assert dropped == ["practice_exams_started"]
    results = default_run["results"]
    assert "practice_exams_started" in results["dataset"]["features"]
    left_out = {m["name"]: m["columns_left_out"] for m in results["models"]}
    assert left_out.pop("logistic_regression") == ["practice_exams_started"]
    assert all(v == [] for v in left_out.values())
    logit_terms = {c["feature"] for c in results["logit"]["coefficients"]}
    assert not any(t.startswith("practice_exams_started") for t in logit_terms)
    assert "Practice exams started" in results["columns_seen"] and "VIF 9.7" in results["columns_seen"]


def test_sound_preset_keeps_the_intercept_and_no_ordinal_country_term(default_run):
    logit = default_run["results"]["logit"]
    assert logit["intercept"] is not None
    assert logit["llr_pvalue"] < 0.001
    features = [c["feature"] for c in logit["coefficients"]]
    assert "student_country" not in features
    assert any(f.startswith("student_country = ") for f in features)
    for coefficient in logit["coefficients"]:
        in_equation = f"[{coefficient['label']}]" in logit["equation"]
        assert in_equation == coefficient["significant"]


def test_recommended_model_is_chosen_by_cross_validation_not_the_test_set(default_run):
    models = default_run["results"]["models"]
    best = max(models, key=lambda m: round(m["cv"]["mean"], 4))
    assert default_run["results"]["best_model"] == best["name"]
    assert all(m["cv"]["metric"] == "average_precision" for m in models)


def test_best_model_beats_the_majority_baseline_on_pr_auc(default_run):
    results = default_run["results"]
    best = next(m for m in results["models"] if m["name"] == results["best_model"])
    assert best["test"]["pr_auc"] > 5 * results["dataset"]["positive_rate"]
    assert results["summary"]["baseline_accuracy"] == pytest.approx(1 - 325 / 3526, abs=1e-6)


def test_html_embeds_every_figure(default_run):
    out = default_run["out"]
    html = (out / "report.html").read_text()
    sources = re.findall(r'<img src="([^"]+)"', html)
    assert len(sources) >= 8
    assert all(source.startswith("data:image/png;base64,") for source in sources)
    assert len(list((out / "figures").glob("*.png"))) == len(default_run["results"]["figures"])


def test_evaluation_additions_are_consistent(default_run):
    results = default_run["results"]
    for model in results["models"]:
        for metric, (low, high) in model["test_ci"].items():
            assert low <= model["test"][metric] <= high, (model["name"], metric)
        rows = [r for r in results["imbalance"] if r["model"] == model["name"]]
        if model["name"] == "ensemble":
            assert not rows and model["strategy"] == "each member's own"
            continue
        assert sum(r["chosen"] for r in rows) == 1
        chosen = next(r for r in rows if r["chosen"])
        assert chosen["strategy"] == model["strategy"]
        assert round(chosen["mean"], 4) == max(round(r["mean"], 4) for r in rows)
    compared = {name: {r["strategy"] for r in results["imbalance"] if r["model"] == name}
                for name in ("random_forest", "knn")}
    assert compared["random_forest"] == {"none", "class_weight"}
    assert compared["knn"] == {"none", "random_over"}
    assert results["baseline"]["accuracy"] == pytest.approx(1 - 325 / 3526, abs=1e-6)
    assert results["threshold"]["model"] == results["best_model"]
    assert {"value", "metric", "method"} <= set(results["threshold"])
    assert "out-of-fold" in results["threshold"]["method"]
    for row in results["targeting"]:
        assert row["contacted"] == math.ceil(row["top_fraction"] * 3526 - 1e-9)
        assert row["conversions"] <= min(325, row["contacted"])
        assert row["share_of_conversions"] == pytest.approx(row["conversions"] / 325, abs=1e-6)
        assert row["lift"] == pytest.approx(row["precision"] / (325 / 3526), abs=1e-3)


def test_each_model_says_which_rows_it_was_searched_and_fitted_on(default_run):
    models = {m["name"]: m for m in default_run["results"]["models"]}
    train_rows = 14100
    for name in ("knn", "svm"):
        assert models[name]["fit_rows"] == models[name]["tuning_rows"] == 4000
        assert sum(map(sum, models[name]["train"]["confusion_matrix"])) == 4000
    for name in ("logistic_regression", "decision_tree", "random_forest", "gradient_boosting", "ensemble"):
        assert models[name]["fit_rows"] == train_rows
    assert models["random_forest"]["tuning_rows"] == 4000 and models["gradient_boosting"]["tuning_rows"] == 6000
    forest = models["random_forest"]
    weighted_or_not = forest["strategy"] in ("none", "class_weight")
    assert forest["scored_by"] == ("out-of-bag trees" if weighted_or_not else "5-fold cross-validation")
    assert models["gradient_boosting"]["scored_by"] == "5-fold cross-validation"
    assert forest["search_settings"] == {"n_estimators": 40} and forest["params"].get("n_estimators") is None
    assert (models["knn"]["scored_along_from"], models["decision_tree"]["scored_along_from"],
            models["gradient_boosting"]["scored_along_from"]) == (100, 10, 400)
    assert models["knn"]["searched_on"] == "4,000 rows, n neighbors all scored from one fit at 100"
    assert models["gradient_boosting"]["searched_on"] == "6,000 rows, max iter all scored from one fit at 400"
    assert models["random_forest"]["searched_on"] == "4,000 rows, n estimators 40"
    assert all(not m["search_settings"] for name, m in models.items() if name != "random_forest")
    assert {name: m["scored_along"] for name, m in models.items() if m["scored_along"]} == {
        "knn": "n_neighbors", "decision_tree": "max_depth", "gradient_boosting": "max_iter"}
    html = (default_run["out"] / "report.html").read_text(encoding="utf-8")
    assert "4,000 rows, n estimators 40</td>" in html


def test_saved_model_scores_the_whole_table(default_run, tmp_path):
    out = default_run["out"]
    assert (out / "model.skops").is_file() and (out / "model.json").is_file()
    completed = subprocess.run(reportgen_command() + ["score", str(out), str(BUNDLED), "--out",
                                                      str(tmp_path / "scores.csv")],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    scores = pd.read_csv(tmp_path / "scores.csv")
    assert len(scores) == 17761
    assert scores["reason"].isna().all()
    assert scores["probability"].between(0, 1).all()
    assert sorted(scores["rank"]) == list(range(1, 17762))


def test_same_data_and_settings_give_identical_results(synthetic_config_path, tmp_path):
    """Two runs differ only in their `run` block; the input file is untouched."""
    from reportgen import load_config, run_report

    config = load_config(synthetic_config_path)
    before = config.data.read_bytes()
    first = json.loads(json.dumps(dataclasses.asdict(run_report(config, tmp_path / "a", pdf=False))))
    second = json.loads(json.dumps(dataclasses.asdict(run_report(config, tmp_path / "b", pdf=False))))
    first.pop("run"), second.pop("run")
    assert first == second
    assert config.data.read_bytes() == before
    saved = json.loads((tmp_path / "a" / "results.json").read_text())
    saved.pop("run")
    assert saved == first


def test_progress_names_each_stage_and_each_tuned_family(synthetic_config_path, tmp_path):
    from reportgen.config import load_config
    from reportgen.engine import run_report

    lines: list[str] = []
    config = load_config(synthetic_config_path)
    run_report(config, tmp_path / "out", pdf=False, progress=lines.append)
    stages = [line.split("] ", 1)[1].split(":")[0] for line in lines if not line.split("] ", 1)[1].startswith(" ")]
    # The evaluate stage resumes after explore, which runs while the workers measure the models.
    assert stages == ["load", "clean", "model", "evaluate", "explore", "evaluate", "interpret", "figures", "html",
                      "save model"]
    tuned = [line for line in lines if line.endswith(" s") and "tuned in" in line]
    assert len(tuned) == len(config.models)


def test_progress_stays_off_stderr_when_it_is_not_a_terminal(synthetic_config_path, tmp_path):
    completed = subprocess.run(reportgen_command() + ["run", "--config", str(synthetic_config_path), "--out",
                                                      str(tmp_path / "out"), "--no-pdf"],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert not any(line.startswith("[") and " s] " in line for line in completed.stderr.splitlines())


def test_stage_clock_starts_work_with_its_stage_once():
    started = []
    clock = StageClock()
    clock.on_start["evaluate"] = lambda: started.append(sorted(clock.seconds))
    with clock.stage("model"):
        pass
    with clock.stage("evaluate"):
        pass
    with clock.stage("evaluate"):
        pass
    assert started == [["model"]]
    assert set(clock.seconds) == {"model", "evaluate"}

"""The `students-course` preset replays the course's method; its published answers must hold, and
its logit and tree must equal fits made here directly with statsmodels and scikit-learn."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
import statsmodels.api as sm
from pypdf import PdfReader
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import OrdinalEncoder
from sklearn.tree import DecisionTreeClassifier

from reportgen.resources import bundled_path

BUNDLED = bundled_path("data", "ml_datasource.csv")


@pytest.fixture(scope="module")
def course_run(built_report):
    built = built_report("students-course")
    assert built.completed.returncode == 0, built.completed.stderr
    return built.out, json.loads((built.out / "results.json").read_text())


@pytest.fixture(scope="module")
def course_data():
    """The course's preparation, written out here independently."""
    frame = pd.read_csv(BUNDLED)
    frame["student_country"] = frame["student_country"].fillna("NAM")
    frame = frame[(frame.minutes_watched <= 1000) & (frame.courses_started <= 10)
                  & (frame.practice_exams_started <= 10) & (frame.minutes_spent_on_exams <= 40)]
    frame = frame.drop(columns="practice_exams_started")
    x = frame.drop(columns="purchased")
    y = frame["purchased"]
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=365, stratify=y)
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=170)
    x_train, x_test = x_train.copy(), x_test.copy()
    x_train["student_country"] = encoder.fit_transform(x_train[["student_country"]]).ravel()
    x_test["student_country"] = encoder.transform(x_test[["student_country"]]).ravel()
    return x_train, x_test, y_train, y_test


def test_published_llr_pvalue_is_zero_at_three_decimals(course_run):
    _, results = course_run
    assert f"{results['logit']['llr_pvalue']:.3f}" == "0.000"
    assert results["logit"]["intercept"] is None


def test_practice_exams_passed_is_the_only_insignificant_term_with_p_0_270(course_run):
    _, results = course_run
    insignificant = [c for c in results["logit"]["coefficients"] if not c["significant"]]
    assert [c["feature"] for c in insignificant] == ["practice_exams_passed"]
    assert round(insignificant[0]["pvalue"], 3) == 0.270
    assert "[Practice exams passed]" not in results["logit"]["equation"]
    assert "[Minutes watched]" in results["logit"]["equation"]


def test_logit_equals_a_direct_statsmodels_fit(course_run, course_data):
    _, results = course_run
    x_train, _, y_train, _ = course_data
    direct = sm.Logit(y_train, x_train).fit(disp=0)
    ours = {c["feature"]: c for c in results["logit"]["coefficients"]}
    for name, coef in direct.params.items():
        assert ours[name]["coef"] == pytest.approx(coef, rel=1e-6)
        assert ours[name]["pvalue"] == pytest.approx(direct.pvalues[name], rel=1e-5, abs=1e-12)
    assert results["logit"]["pseudo_r2"] == pytest.approx(direct.prsquared, rel=1e-8)


def test_tree_decides_on_days_on_platform_and_minutes_watched_only(course_run):
    _, results = course_run
    assert {s["feature"] for s in results["tree"]["split_features"]} == {"days_on_platform", "minutes_watched"}
    answer = next(q for q in results["questions"] if q["id"] == 3)["answer"]
    assert "Days on platform" in answer and "Minutes watched" in answer and " only" in answer


def test_tree_equals_a_direct_scikit_learn_fit(course_run, course_data):
    _, results = course_run
    x_train, x_test, y_train, y_test = course_data
    alpha = next(m for m in results["models"] if m["name"] == "decision_tree")["params"]["ccp_alpha"]
    tree = DecisionTreeClassifier(random_state=365, ccp_alpha=alpha).fit(x_train, y_train)
    predicted = tree.predict(x_test)
    tn = int(((predicted == 0) & (y_test == 0)).sum())
    fp = int(((predicted == 1) & (y_test == 0)).sum())
    fn = int(((predicted == 0) & (y_test == 1)).sum())
    tp = int(((predicted == 1) & (y_test == 1)).sum())
    ours = next(m for m in results["models"] if m["name"] == "decision_tree")
    assert ours["test"]["confusion_matrix"] == [[tn, fp], [fn, tp]]


def test_test_accuracy_is_about_0_96_for_every_model(course_run):
    _, results = course_run
    for model in results["models"]:
        assert 0.95 <= model["test"]["accuracy"] <= 0.97, model["name"]
        assert model["cv"]["metric"] == "accuracy"


def test_course_grids_are_searched(course_run):
    _, results = course_run
    params = {m["name"]: m["params"] for m in results["models"]}
    assert set(params["knn"]) == {"n_neighbors", "weights"}
    assert set(params["svm"]) == {"kernel", "C", "gamma"}
    assert params["random_forest"]["ccp_alpha"] == 0.0001
    candidates = {m["name"]: m["candidates"] for m in results["models"]}
    assert candidates["knn"] == 100 and candidates["svm"] == 60 and candidates["decision_tree"] == 6


def test_course_report_pdf_has_the_answers(course_run):
    out, results = course_run
    flat = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(out / "report.pdf").pages))
    assert "p = 0.270" in flat
    assert "without an intercept" in flat


def test_course_searches_use_every_training_row_and_the_plain_forest(course_run):
    _, results = course_run
    assert all(m["tuning_rows"] == 14100 for m in results["models"])
    forest = next(m for m in results["models"] if m["name"] == "random_forest")
    assert forest["params"]["max_samples"] is None and forest["params"]["n_estimators"] == 100


def test_forest_equals_a_direct_scikit_learn_fit(course_run, course_data):
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.metrics import confusion_matrix

    _, results = course_run
    x_train, x_test, y_train, y_test = course_data
    forest = RandomForestClassifier(ccp_alpha=0.0001, random_state=365).fit(x_train, y_train)
    ours = next(m for m in results["models"] if m["name"] == "random_forest")
    assert ours["test"]["confusion_matrix"] == confusion_matrix(y_test, forest.predict(x_test)).tolist()

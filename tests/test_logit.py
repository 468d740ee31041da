"""reportgen/logit.py: the statsmodels logit wrapper, its summary, equation and term names."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml
from statsmodels.discrete.discrete_model import Logit

from reportgen.config import load_config
from reportgen.engine import analyse
from reportgen.estimators import StatsmodelsLogit, without_inference
from reportgen.logit import readable_term, summarise_logit
from reportgen.narrative.logit import fit_warnings
from reportgen.result import load_result, to_json

FEATURES = ["strong", "weak", "noise"]


@pytest.fixture(scope="module")
def design() -> tuple[np.ndarray, np.ndarray]:
    """One clearly significant, one borderline and one pure-noise feature."""
    rng = np.random.default_rng(42)
    x = rng.normal(size=(500, 3)) + np.array([1.0, 0.0, 2.0])
    y = (rng.random(500) < 1 / (1 + np.exp(-(-0.5 + 1.2 * x[:, 0] + 0.12 * x[:, 1])))).astype(int)
    return x, y


def direct_fit(x, y, intercept: bool):
    exog = sm.add_constant(x, has_constant="add") if intercept else x
    return sm.Logit(y, exog).fit(disp=0)


@pytest.mark.parametrize("intercept", [True, False])
def test_wrapper_gives_statsmodels_params(design, intercept):
    x, y = design
    model = StatsmodelsLogit(fit_intercept=intercept).fit(x, y)
    reference = direct_fit(x, y, intercept)
    assert len(model.result_.params) == 3 + intercept
    np.testing.assert_allclose(model.result_.params, reference.params, rtol=1e-8)
    np.testing.assert_allclose(model.result_.bse, reference.bse, rtol=1e-6)
    np.testing.assert_allclose(model.predict_proba(x)[:, 1], reference.predict(), rtol=1e-8)
    np.testing.assert_array_equal(model.predict(x), (reference.predict() > 0.5).astype(int))


def test_wrapper_accepts_dataframes_and_is_a_classifier(design):
    x, y = design
    model = StatsmodelsLogit().fit(pd.DataFrame(x, columns=FEATURES), pd.Series(y))
    assert list(model.classes_) == [0, 1]
    assert model.n_features_in_ == 3
    assert model.predict_proba(x).shape == (500, 2)
    np.testing.assert_allclose(model.predict_proba(x).sum(axis=1), 1.0)


@pytest.mark.parametrize("alpha", [0.05, 0.5])
def test_summary_marks_terms_significant_at_alpha(design, alpha):
    x, y = design
    model = StatsmodelsLogit().fit(x, y)
    reference = direct_fit(x, y, intercept=True)
    summary = summarise_logit(model, FEATURES, [], alpha, "Bought")
    assert [c.feature for c in summary.coefficients] == FEATURES
    assert summary.intercept == pytest.approx(reference.params[0])
    for coefficient, p, coef in zip(summary.coefficients, reference.pvalues[1:], reference.params[1:]):
        assert coefficient.pvalue == pytest.approx(p)
        assert coefficient.coef == pytest.approx(coef)
        assert coefficient.significant == (p < alpha)
        assert coefficient.odds_ratio == pytest.approx(np.exp(coef))
    assert summary.llr_pvalue == pytest.approx(reference.llr_pvalue)
    assert summary.pseudo_r2 == pytest.approx(reference.prsquared)
    assert summary.n_observations == 500
    assert summary.converged


def test_design_has_terms_on_both_sides_of_each_alpha(design):
    """Guards the premise of the tests above: alpha 0.05 and 0.5 mark different terms."""
    x, y = design
    pvalues = direct_fit(x, y, intercept=True).pvalues[1:]
    assert pvalues[0] < 0.05
    assert 0.05 < pvalues[1] < 0.5
    assert pvalues[2] > 0.5


def test_equation_contains_only_significant_terms(design):
    x, y = design
    summary = summarise_logit(StatsmodelsLogit().fit(x, y), FEATURES, [], 0.05, "Bought")
    for coefficient in summary.coefficients:
        assert (f"[{coefficient.feature}]" in summary.equation) == coefficient.significant
    strong = summary.coefficients[0]
    assert f"{abs(strong.coef):.4g} × [strong]" in summary.equation
    assert summary.equation.startswith(f"log(p / (1 - p)) = {summary.intercept:.4g}")
    assert summary.equation.endswith("where p = P(Bought)")


def test_equation_without_intercept(design):
    x, y = design
    model = StatsmodelsLogit(fit_intercept=False).fit(x, y)
    summary = summarise_logit(model, FEATURES, [], 0.05, "Bought")
    assert summary.intercept is None
    assert len(summary.coefficients) == 3
    first = next(c for c in summary.coefficients if c.significant)
    assert summary.equation.startswith(f"log(p / (1 - p)) = {'-' if first.coef < 0 else ''}{abs(first.coef):.4g}")


def test_equation_with_no_significant_term_is_the_intercept():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 1))
    y = rng.integers(0, 2, 200)
    summary = summarise_logit(StatsmodelsLogit().fit(x, y), ["noise"], [], 0.001, "Yes")
    assert not summary.coefficients[0].significant
    assert summary.equation == f"log(p / (1 - p)) = {summary.intercept:.4g},  where p = P(Yes)"


@pytest.mark.parametrize(
    ("name", "categorical", "expected"),
    [
        ("country_US", ["country"], "country = US"),
        ("country_infrequent_sklearn", ["country"], "country = other"),
        ("student_country_NA", ["country", "student_country"], "student_country = NA"),
        ("minutes", ["country"], "minutes"),
        ("country", ["country"], "country"),
    ],
)
def test_readable_term(name, categorical, expected):
    assert readable_term(name, categorical) == expected


def test_numeric_feature_sharing_a_categoricals_prefix_keeps_its_name(tmp_path):
    rng = np.random.default_rng(3)
    rows = 300
    plan = rng.choice(["basic", "pro"], rows)
    plan_days = rng.integers(1, 100, rows)
    x = rng.normal(size=rows)
    y = (rng.random(rows) < 1 / (1 + np.exp(-(0.8 * x + 0.02 * plan_days - 1 + (plan == "pro"))))).astype(int)
    pd.DataFrame({"plan": plan, "plan_days": plan_days, "x": x, "y": y}).to_csv(tmp_path / "p.csv", index=False)
    (tmp_path / "p.yaml").write_text(yaml.safe_dump({
        "name": "p", "data": "p.csv", "target": {"column": "y"}, "categorical": ["plan"],
        "search": {"cv": 3, "n_jobs": 1},
        "models": [{"name": "logistic_regression"}, {"name": "decision_tree", "grid": {"max_depth": [2, 3]}}],
    }), encoding="utf-8")
    result = analyse(load_config(tmp_path / "p.yaml")).result
    terms = [c.feature for c in result.logit.coefficients]
    assert "plan_days" in terms
    assert "plan = days" not in terms


def test_fit_messages_become_facts_and_the_narrative_plain_sentences():
    from reportgen.logit import fit_notes
    from reportgen.result import FitNote, FitNoteKind

    raw = [
        "Maximum Likelihood optimization failed to converge. Check mle_retvals",
        "divide by zero encountered in log",
        "overflow encountered in exp",
        "Possibly complete quasi-separation: A fraction 0.41 of observations can be perfectly predicted. "
        "This might indicate that there is complete quasi-separation.",
        "Inverting hessian failed, no bse or cov_params available",
    ]
    notes = fit_notes(raw)
    assert notes == [FitNote(FitNoteKind.QUASI_SEPARATION, share=0.41),
                     FitNote(FitNoteKind.REPORTED, message="Inverting hessian failed, no bse or cov_params available")]
    logit = summarise_logit(StatsmodelsLogit().fit(*design_for_words()), ["x"], [], 0.05, "Yes")
    stopped = dataclasses.replace(logit, fit_notes=notes, converged=False)
    assert fit_warnings(stopped) == [
        ("The logit's terms predict 41% of the training rows perfectly (quasi-separation), so some of its "
         "coefficients and p-values are not reliable."),
        "The logit's fit reported: Inverting hessian failed, no bse or cov_params available",
        ("The logit's maximum-likelihood fit did not converge, so the report gives no equation and does not use its "
         "coefficients; their p-values are not reliable."),
    ]
    assert fit_warnings(dataclasses.replace(logit, fit_notes=[], converged=True)) == []
    assert fit_warnings(dataclasses.replace(logit, fit_notes=[], converged=False, failure="Singular matrix")) == [
        ("statsmodels could not fit the logit (Singular matrix), so the report gives no coefficient, equation or "
         "test for it.")]


def design_for_words() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(200, 1))
    return x, (rng.random(200) < 1 / (1 + np.exp(-x[:, 0]))).astype(int)


REDUNDANT_NAMES = ["a", "b", "c", "flag_yes", "copy_yes", "internet_No", "security_No internet service",
                   "tv_No internet service", "minutes", "charges"]
REDUNDANT_CATEGORICAL = ["flag", "copy", "internet", "security", "tv"]


@pytest.fixture(scope="module")
def redundant_design() -> tuple[np.ndarray, np.ndarray]:
    """Two numeric features, an exact combination of them (c = 3a + 2b), a flag and its copy, a
    'No internet service' level repeated in three columns, and charges = round(minutes × 0.17, 2)."""
    rng = np.random.default_rng(7)
    rows = 400
    a, b = rng.normal(size=rows), rng.normal(2.0, 1.0, size=rows)
    flag = (rng.random(rows) < 0.4).astype(float)
    offline = (rng.random(rows) < 0.25).astype(float)
    minutes = rng.uniform(0, 300, rows)
    x = np.column_stack([a, b, 3 * a + 2 * b, flag, flag, offline, offline, offline, minutes,
                         np.round(minutes * 0.17, 2)])
    y = (rng.random(rows) < 1 / (1 + np.exp(-(0.8 * a - 0.5 * b + flag - offline + 0.004 * minutes)))).astype(int)
    return x, y


def test_redundant_columns_are_left_out_and_named(redundant_design):
    x, y = redundant_design
    model = StatsmodelsLogit().fit(x, y)
    summary = summarise_logit(model, REDUNDANT_NAMES, REDUNDANT_CATEGORICAL, 0.05, "Bought")
    assert [c.feature for c in summary.coefficients] == ["a", "b", "flag = yes", "internet = No", "minutes"]
    assert all(c.pvalue is not None and np.isfinite(c.pvalue) and c.std_err is not None
               for c in summary.coefficients)
    assert summary.converged and not summary.failure and summary.equation
    repeats = {t.feature: t.repeats for t in summary.redundant}
    assert repeats == {"c": ["a", "b"], "copy = yes": ["flag = yes"],
                       "security = No internet service": ["internet = No"],
                       "tv = No internet service": ["internet = No"], "charges": ["minutes"]}
    assert list(model.kept_) == [True, True, True, False, True, False, True, False, False, True, False]
    assert np.all(model.coef_[~model.kept_] == 0)


def test_the_fit_equals_statsmodels_on_the_kept_columns(redundant_design):
    x, y = redundant_design
    model = StatsmodelsLogit().fit(x, y)
    kept = sm.add_constant(x, has_constant="add")[:, model.kept_]
    reference = sm.Logit(y, kept).fit(disp=0)
    np.testing.assert_allclose(model.result_.params, reference.params, rtol=1e-8)
    np.testing.assert_allclose(model.predict_proba(x)[:, 1], reference.predict(kept), rtol=1e-8)


def test_a_constant_repeats_the_intercept_and_without_one_repeats_nothing():
    rng = np.random.default_rng(1)
    a = rng.normal(size=200)
    y = (rng.random(200) < 1 / (1 + np.exp(-a))).astype(int)
    with_constant = summarise_logit(StatsmodelsLogit().fit(np.column_stack([a, np.full(200, 5.0)]), y),
                                    ["a", "five"], [], 0.05, "Yes")
    assert [(t.feature, t.repeats) for t in with_constant.redundant] == [("five", ["the intercept"])]
    no_intercept = StatsmodelsLogit(fit_intercept=False).fit(np.column_stack([a, 2 * a, np.full(200, 5.0)]), y)
    summary = summarise_logit(no_intercept, ["a", "twice", "five"], [], 0.05, "Yes")
    assert [(t.feature, t.repeats) for t in summary.redundant] == [("twice", ["a"]), ("five", [])]
    assert summary.intercept is None and [c.feature for c in summary.coefficients] == ["a"]


def test_rank_deficient_folds_do_not_raise():
    """Fewer rows than columns, a level absent from some folds, duplicated columns: every fold fits."""
    from sklearn.model_selection import cross_val_score

    rng = np.random.default_rng(5)
    wide = rng.normal(size=(12, 20))
    model = StatsmodelsLogit().fit(wide, np.r_[np.zeros(6), np.ones(6)])
    assert np.all(np.isfinite(model.predict_proba(wide)))
    rows = 120
    rare = np.zeros(rows)
    rare[:3] = 1
    a = rng.normal(size=rows)
    x = np.column_stack([a, a, rare, rare, np.round(a * 3, 12)])
    y = (rng.random(rows) < 1 / (1 + np.exp(-a))).astype(int)
    scores = cross_val_score(StatsmodelsLogit(), x, y, cv=5, scoring="roc_auc")
    assert np.all(np.isfinite(scores))


@pytest.fixture(scope="module")
def separated() -> tuple[np.ndarray, np.ndarray]:
    """Every flagged row is a positive: quasi-separation, so the fit cannot converge."""
    rng = np.random.default_rng(11)
    x = np.column_stack([rng.normal(size=300), rng.random(300) < 0.3]).astype(float)
    y = np.where(x[:, 1] == 1, 1, (rng.random(300) < 1 / (1 + np.exp(-x[:, 0]))).astype(int))
    return x, y


def test_a_fit_that_does_not_converge_has_no_equation(separated):
    x, y = separated
    summary = summarise_logit(StatsmodelsLogit().fit(x, y), ["x", "flag"], [], 0.05, "Yes")
    assert not summary.converged and not summary.failure
    assert summary.equation == ""
    assert summary.separated_share is not None and 0 < summary.separated_share < 1
    assert any("did not converge, so the report gives no equation" in note for note in fit_warnings(summary))


def test_a_failed_fit_invents_no_number(monkeypatch, design):
    def singular(self, *args, **kwargs):
        raise np.linalg.LinAlgError("Singular matrix")

    monkeypatch.setattr(Logit, "fit", singular)
    x, y = design
    model = StatsmodelsLogit().fit(x, y)
    assert model.failed_ == "Singular matrix" and model.result_ is None
    np.testing.assert_allclose(model.predict_proba(x)[:, 1], y.mean())
    summary = summarise_logit(model, FEATURES, [], 0.05, "Bought")
    assert summary.failure == "Singular matrix"
    assert (summary.coefficients, summary.equation, summary.summary_text) == ([], "", "")
    assert summary.llr_pvalue is summary.llr is summary.pseudo_r2 is summary.intercept is None
    assert summary.n_observations == len(y) and not summary.converged
    assert not hasattr(without_inference(model), "result_")


def test_left_out_terms_survive_results_json(redundant_design, report_result, tmp_path):
    x, y = redundant_design
    summary = summarise_logit(StatsmodelsLogit().fit(x, y), REDUNDANT_NAMES, REDUNDANT_CATEGORICAL, 0.05, "Bought")
    path = tmp_path / "results.json"
    path.write_text(to_json(dataclasses.replace(report_result, logit=summary)), encoding="utf-8")
    assert load_result(path).logit == summary
    old = json.loads(to_json(report_result))
    for key in ("redundant", "failure"):
        del old["logit"][key]
    path.write_text(json.dumps(old), encoding="utf-8")
    assert load_result(path).logit.redundant == []


def test_a_logit_fitted_on_resampled_rows_is_read_from_a_fit_on_the_rows_as_they_are():
    from imblearn.over_sampling import RandomOverSampler
    from imblearn.pipeline import Pipeline
    from sklearn.preprocessing import FunctionTransformer

    from reportgen.logit import inference_logit

    rng = np.random.default_rng(3)
    x = pd.DataFrame({"a": rng.normal(size=400), "b": rng.normal(size=400)})
    y = pd.Series((x["a"] + rng.normal(size=400) > 1.2).astype(int))
    plain = Pipeline([("encode", FunctionTransformer()), ("scale", "passthrough"), ("sample", "passthrough"),
                      ("model", StatsmodelsLogit())]).fit(x, y)
    assert inference_logit(plain, x, y) is plain.named_steps["model"]
    resampled = Pipeline([("encode", FunctionTransformer()), ("scale", "passthrough"),
                          ("sample", RandomOverSampler(random_state=0)), ("model", StatsmodelsLogit())]).fit(x, y)
    assert resampled.named_steps["model"].n_samples_fit_ > 400
    read = inference_logit(resampled, x, y)
    assert read.n_samples_fit_ == 400 and int(read.result_.nobs) == 400
    independent = StatsmodelsLogit().fit(x.to_numpy(), y.to_numpy())
    np.testing.assert_allclose(read.coef_, independent.coef_)

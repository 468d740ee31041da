"""reportgen/logit.py: the statsmodels logit wrapper, its summary, equation and term names."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
import yaml

from reportgen.config import load_config
from reportgen.engine import analyse
from reportgen.logit import StatsmodelsLogit, readable_term, summarise_logit

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


def test_fit_messages_become_plain_sentences():
    from reportgen.logit import plain_fit_notes

    raw = [
        "Maximum Likelihood optimization failed to converge. Check mle_retvals",
        "divide by zero encountered in log",
        "overflow encountered in exp",
        "Possibly complete quasi-separation: A fraction 0.41 of observations can be perfectly predicted. "
        "This might indicate that there is complete quasi-separation.",
        "Inverting hessian failed, no bse or cov_params available",
    ]
    notes = plain_fit_notes(raw, converged=False)
    assert notes == [
        "The logit's terms predict 41% of the training rows perfectly (quasi-separation), so some of its "
        "coefficients and p-values are not reliable.",
        "The logit's fit reported: Inverting hessian failed, no bse or cov_params available",
        "The logit's maximum-likelihood fit did not converge; treat its p-values with caution.",
    ]
    assert plain_fit_notes([], converged=True) == []

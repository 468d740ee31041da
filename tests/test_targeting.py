import dataclasses
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import brier_score_loss

from reportgen.narrative.models import recommendation_rule
from reportgen.result import RuleKind
from reportgen.targeting import (
    FRACTIONS,
    calibration_summary,
    fit_calibrator,
    gains_curve,
    recommendation,
    targeting_table,
)


@pytest.fixture
def result(stored_synthetic_result):
    return stored_synthetic_result


@pytest.fixture
def sample():
    rng = np.random.default_rng(8)
    y = (rng.random(1000) < 0.1).astype(int)
    scores = rng.normal(size=1000) + 2 * y
    return y, scores


@pytest.fixture
def config(make_config):
    return make_config(pd.DataFrame({"x": range(20), "y": [0, 1] * 10}))


def test_targeting_rows_count_what_the_top_scores_hold(sample, config):
    y, scores = sample
    calibrated = 1 / (1 + np.exp(-scores))
    rows = targeting_table(y, scores, calibrated, config)
    assert [r.top_fraction for r in rows] == FRACTIONS
    order = np.argsort(-scores)
    for row in rows:
        top = order[: math.ceil(row.top_fraction * len(y))]
        assert row.contacted == len(top)
        assert row.conversions == y[top].sum()
        assert row.expected_conversions == pytest.approx(calibrated[top].sum(), abs=0.01)
        assert row.precision == pytest.approx(y[top].mean(), abs=1e-6)
        assert row.lift == pytest.approx(y[top].mean() / y.mean(), abs=1e-3)
        assert row.share_of_conversions == pytest.approx(y[top].sum() / y.sum(), abs=1e-6)
        assert row.profit is None


@pytest.mark.parametrize("value", [{}, {"value_per_conversion": 100, "cost_per_contact": 20}])
def test_the_recommended_rows_are_a_marked_row_of_the_table_with_the_recommendations_figures(sample, make_config,
                                                                                           value):
    y, scores = sample
    config = make_config(pd.DataFrame({"x": range(20), "y": [0, 1] * 10}), value=value)
    calibrated = fit_calibrator(scores, y).predict(scores)
    found = recommendation(y, scores, calibrated, threshold=1.2, config=config)
    rows = targeting_table(y, scores, calibrated, config, found.contacted)
    marked = [row for row in rows if row.recommended]
    assert len(marked) == 1 and len(rows) == len(FRACTIONS) + 1
    assert [row.contacted for row in rows] == sorted(row.contacted for row in rows)
    row = marked[0]
    assert row.top_fraction == pytest.approx(found.fraction)
    for figure in ("contacted", "conversions", "expected_conversions", "precision", "share_of_conversions",
                   "profit", "expected_profit"):
        assert getattr(row, figure) == getattr(found, figure), figure
    tenth = targeting_table(y, scores, calibrated, config, recommended=100)
    assert [row.top_fraction for row in tenth] == FRACTIONS
    assert [row.top_fraction for row in tenth if row.recommended] == [0.1]


def test_money_turns_into_profit_and_the_break_even_rule(sample, make_config):
    y, scores = sample
    config = make_config(pd.DataFrame({"x": range(20), "y": [0, 1] * 10}),
                         value={"value_per_conversion": 100, "cost_per_contact": 20})
    calibrated = fit_calibrator(scores, y).predict(scores)
    row = targeting_table(y, scores, calibrated, config)[1]
    assert row.profit == 100 * row.conversions - 20 * row.contacted
    found = recommendation(y, scores, calibrated, threshold=0.0, config=config)
    chosen = calibrated > 0.2
    assert found.contacted == chosen.sum() and found.conversions == y[chosen].sum()
    assert found.profit == 100 * y[chosen].sum() - 20 * chosen.sum()
    assert (found.kind, found.cut, found.calibrated) == (RuleKind.PROFIT, 0.2, True)


def test_the_rule_says_how_the_recommendation_picks_rows(result):
    rec, d = result.recommendation, result.dataset

    def acting(action: str, unit: str, **value):
        return dataclasses.replace(result, dataset=dataclasses.replace(d, action=action, unit=unit), settings={
            **result.settings, "value": {**result.settings["value"], **value}})

    flagged = dataclasses.replace(rec, kind=RuleKind.THRESHOLD, cut=0.4132)
    assert recommendation_rule(flagged, acting("contact", "students")) == (
        "contact the students the model flags at its decision threshold (0.413)")
    assert recommendation_rule(flagged, acting("retain", "customers")) == (
        "reach out to the customers the model flags at its decision threshold (0.413)")
    assert recommendation_rule(flagged, acting("none", "rows")) == (
        "pick the rows the model flags at its decision threshold (0.413)")
    paying = dataclasses.replace(rec, kind=RuleKind.PROFIT, cut=0.2, calibrated=False)
    assert recommendation_rule(paying, acting("contact", "users", value_per_conversion=100, cost_per_contact=20)) == (
        "contact the users whose model's probability exceeds cost / value = 0.200 (20 / 100)")
    assert rec.rule == recommendation_rule(rec, result)


def test_calibrator_is_monotone_and_brier_is_sklearns(sample):
    y, scores = sample
    calibrator = fit_calibrator(scores, y)
    grid = np.linspace(scores.min(), scores.max(), 50)
    assert np.all(np.diff(calibrator.predict(grid)) >= 0)
    raw = 1 / (1 + np.exp(-scores))
    found = calibration_summary("m", y, raw, calibrator.predict(scores), raw_is_probability=True)
    assert found.brier_raw == pytest.approx(brier_score_loss(y, raw), abs=1e-6)
    assert found.brier_calibrated < found.brier_raw


def test_gains_curve_runs_from_nothing_to_everyone(sample):
    y, scores = sample
    curve = gains_curve(y, scores)
    assert (curve.x[0], curve.y[0], curve.x[-1], curve.y[-1]) == (0.0, 0.0, 1.0, 1.0)
    assert curve.y == sorted(curve.y)


def test_the_action_leaves_the_headlines_figures_to_the_headline_and_gives_a_different_cut_its_own(result):
    from reportgen.narrative.targeting import recommended_action
    from reportgen.narrative.words import flagged

    best, d = result.best, result.dataset
    same = dataclasses.replace(result.recommendation, contacted=flagged(best), precision=best.test.precision,
                               share_of_conversions=best.test.recall)
    action = recommended_action(dataclasses.replace(result, recommendation=same))
    assert action.endswith(f"test {d.unit}).") and f"of all {d.positive_noun}" not in action
    wider = dataclasses.replace(same, contacted=flagged(best) + 5, precision=0.31, share_of_conversions=0.64)
    assert recommended_action(dataclasses.replace(result, recommendation=wider)).endswith(
        f"31% of them {d.predicate}, 64% of all {d.positive_noun}.")


def test_without_an_action_a_strong_models_summary_has_no_empty_action_box(result):
    from reportgen.narrative import interpret
    from reportgen.narrative.words import flagged
    from reportgen.render import render_html

    best = result.best
    same = dataclasses.replace(result.recommendation, contacted=flagged(best), precision=best.test.precision,
                               share_of_conversions=best.test.recall)
    quiet = dataclasses.replace(result, recommendation=same, strength=None,
                                dataset=dataclasses.replace(result.dataset, action="none"))
    worded = interpret(quiet)
    assert worded.summary.action == ""
    assert '<p class="action">' not in render_html(worded)
    assert '<p class="action">' in render_html(interpret(dataclasses.replace(quiet, dataset=result.dataset)))

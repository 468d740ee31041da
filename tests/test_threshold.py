import numpy as np
import pytest
from sklearn.metrics import f1_score

from reportgen.narrative.models import threshold_method
from reportgen.result import ThresholdKind
from reportgen.threshold import above, choose_threshold, flags


@pytest.fixture
def oof():
    rng = np.random.default_rng(5)
    y = (rng.random(600) < 0.2).astype(int)
    return y, rng.normal(size=600) + 1.5 * y


def config_with(make_config, **spec):
    import pandas as pd
    return make_config(pd.DataFrame({"x": range(20), "y": [0, 1] * 10}), **spec)


def test_cv_threshold_maximises_f1_over_every_candidate(oof, make_config):
    y, scores = oof
    found = choose_threshold(y, scores, 0.5, config_with(make_config), "m")
    brute = max(np.unique(scores), key=lambda t: f1_score(y, flags(scores, t)))
    assert f1_score(y, flags(scores, found.value)) == pytest.approx(f1_score(y, flags(scores, brute)))
    assert (found.metric, found.kind, found.folds) == ("f1", ThresholdKind.TUNED, 2)
    assert threshold_method(found) == "maximises f1 on out-of-fold scores (2-fold CV on the training rows)"
    assert max(found.curve.y) <= f1_score(y, flags(scores, found.value)) + 1e-6  # the curve is thinned for display


def test_profit_threshold_maximises_profit(oof, make_config):
    y, scores = oof
    config = config_with(make_config, threshold={"metric": "profit"},
                         value={"value_per_conversion": 50, "cost_per_contact": 10})
    found = choose_threshold(y, scores, 0.5, config, "m")

    def profit(t):
        flagged = flags(scores, t).astype(bool)
        return 50 * (y[flagged] == 1).sum() - 10 * flagged.sum()

    assert profit(found.value) == max(profit(t) for t in np.unique(scores))


def test_fixed_threshold_reproduces_the_estimators_own_cut(oof, make_config):
    y, scores = oof
    probabilities = 1 / (1 + np.exp(-scores))
    found = choose_threshold(y, probabilities, 0.5, config_with(make_config, threshold={"method": "fixed"}), "m")
    assert np.array_equal(flags(probabilities, found.value), (probabilities > 0.5).astype(int))
    assert flags(np.array([0.5]), above(0.5))[0] == 0


def test_profit_metric_without_values_is_a_config_error(make_config):
    from reportgen.errors import ReportInputError

    with pytest.raises(ReportInputError, match="value_per_conversion"):
        config_with(make_config, threshold={"metric": "profit"})


def test_each_kind_of_threshold_says_how_it_was_chosen(oof, make_config):
    y, scores = oof
    fixed = config_with(make_config, threshold={"method": "fixed"})
    cut = choose_threshold(y, scores, 0.5, fixed, "m")
    margin = choose_threshold(y, scores, 0.0, fixed, "m")
    given = choose_threshold(y, scores, 0.5, config_with(make_config, threshold={"method": "fixed", "value": 0.3}),
                             "m")
    assert (cut.kind, margin.kind, given.kind) == (ThresholdKind.ESTIMATOR_CUT, ThresholdKind.ESTIMATOR_CUT,
                                                   ThresholdKind.FIXED)
    assert threshold_method(cut) == "the estimator's own cut (flag above 0.5 probability)"
    assert threshold_method(margin) == "the estimator's own cut (flag above a zero margin)"
    assert threshold_method(given) == "fixed by the config"

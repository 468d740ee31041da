import numpy as np
import pytest
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    f1_score,
    precision_score,
    recall_score,
    roc_auc_score,
)

from reportgen.uncertainty import intervals, ranking_metrics, resample_weights, threshold_metrics


@pytest.fixture
def sample():
    rng = np.random.default_rng(11)
    y = (rng.random(400) < 0.15).astype(int)
    scores = np.round(rng.normal(size=400) + 1.2 * y, 1)  # rounded: many ties
    predicted = (scores > 0.8).astype(int)
    return y, scores, predicted


def test_weighted_formulas_match_scikit_learn_sample_weight(sample):
    y, scores, predicted = sample
    weights = resample_weights(len(y), 5, seed=3)
    counts = threshold_metrics(y, predicted, weights)
    ranks = ranking_metrics(y, scores, weights)
    for i, w in enumerate(weights):
        assert counts["accuracy"][i] == pytest.approx(accuracy_score(y, predicted, sample_weight=w))
        assert counts["precision"][i] == pytest.approx(precision_score(y, predicted, sample_weight=w))
        assert counts["recall"][i] == pytest.approx(recall_score(y, predicted, sample_weight=w))
        assert counts["f1"][i] == pytest.approx(f1_score(y, predicted, sample_weight=w))
        assert ranks["roc_auc"][i] == pytest.approx(roc_auc_score(y, scores, sample_weight=w))
        assert ranks["pr_auc"][i] == pytest.approx(average_precision_score(y, scores, sample_weight=w))


def test_unit_weights_give_the_plain_metrics(sample):
    y, scores, _ = sample
    ranks = ranking_metrics(y, scores, np.ones((1, len(y))))
    assert ranks["roc_auc"][0] == pytest.approx(roc_auc_score(y, scores))
    assert ranks["pr_auc"][0] == pytest.approx(average_precision_score(y, scores))


def test_intervals_bracket_the_point_estimate_and_are_seeded(sample):
    y, scores, predicted = sample
    found = intervals(y, scores, predicted, seed=1)
    assert found == intervals(y, scores, predicted, seed=1)
    assert found != intervals(y, scores, predicted, seed=2)
    low, high = found["roc_auc"]
    assert low < roc_auc_score(y, scores) < high
    low, high = found["f1"]
    assert low < f1_score(y, predicted) < high and high - low < 0.5


def test_batches_give_the_same_intervals_as_one_pass(sample, monkeypatch):
    import reportgen.uncertainty as uncertainty

    y, scores, predicted = sample
    whole = intervals(y, scores, predicted, seed=5)
    monkeypatch.setattr(uncertainty, "BATCH_CELLS", len(y) * 7)
    assert intervals(y, scores, predicted, seed=5) == whole

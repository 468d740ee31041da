"""reportgen/registry.py: the model families, and the one estimator reportgen adapts."""

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier

from reportgen.registry import FAMILIES, HistBoostingUnweightedBins


def rows(n=3000, seed=0):
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.exponential(50, n), rng.normal(size=n), rng.integers(0, 400, n)])
    y = (x[:, 0] + rng.normal(0, 40, n) > 150).astype(int)
    return x, y


def test_boosting_bins_at_unweighted_quantiles_and_still_weighs_the_splits():
    x, y = rows()
    weighted = HistBoostingUnweightedBins(max_iter=20, class_weight="balanced", random_state=0).fit(x, y)
    plain = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(x, y)
    sklearns = HistGradientBoostingClassifier(max_iter=20, class_weight="balanced", random_state=0).fit(x, y)
    for ours, unweighted in zip(weighted._bin_mapper.bin_thresholds_, plain._bin_mapper.bin_thresholds_):
        assert np.array_equal(ours, unweighted)
    assert any(not np.array_equal(a, b) for a, b in zip(plain._bin_mapper.bin_thresholds_,
                                                       sklearns._bin_mapper.bin_thresholds_)), \
        "scikit-learn weighs its bins: without that, this estimator has no reason to exist"
    assert not np.allclose(weighted.predict_proba(x), plain.predict_proba(x)), "the class weights still count"


def test_without_weights_it_is_scikit_learns_estimator():
    x, y = rows(seed=1)
    ours = HistBoostingUnweightedBins(max_iter=30, random_state=0).fit(x, y)
    theirs = HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(x, y)
    assert np.array_equal(ours.predict_proba(x), theirs.predict_proba(x))


def test_the_gradient_boosting_family_uses_it():
    assert isinstance(FAMILIES["gradient_boosting"].make(1), HistBoostingUnweightedBins)

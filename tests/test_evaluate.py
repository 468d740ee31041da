"""reportgen/evaluate.py (metrics, curves, choice of model) and reportgen/model/search.py's grid_edges."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency
from sklearn.metrics import average_precision_score, confusion_matrix, f1_score, roc_auc_score

from reportgen.engine import analyse
from reportgen.evaluate import best_model_name, contrast, metrics_for, original_column, step_cut
from reportgen.model import grid_edges
from reportgen.narrative.models import edge_text, tuned_settings, worded_model
from reportgen.result import ContrastKind, Curve, GridEdge

CURVE_POINTS = 200
CONFIG = SimpleNamespace(encoding=SimpleNamespace(min_frequency=0.01))

# 10 rows: 4 positives; predictions at 0.5 give tp=3, fn=1, fp=2, tn=4.
Y = pd.Series([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
SCORES = np.array([0.9, 0.8, 0.6, 0.3, 0.7, 0.55, 0.4, 0.2, 0.1, 0.05])


def test_metrics_for_a_hand_made_example():
    predicted = (SCORES > 0.5).astype(int)
    metrics = metrics_for(Y, SCORES, predicted)
    assert metrics.confusion_matrix == [[4, 2], [1, 3]]
    assert metrics.accuracy == pytest.approx(7 / 10)
    assert metrics.precision == pytest.approx(3 / 5)
    assert metrics.recall == pytest.approx(3 / 4)
    assert metrics.f1 == pytest.approx(2 * 3 / (2 * 3 + 2 + 1), abs=1e-6)
    # 24 positive/negative pairs, 20 ranked correctly (0.7 beats 0.6; 0.7, 0.55 and 0.4 beat 0.3)
    assert metrics.roc_auc == pytest.approx(20 / 24, abs=1e-6)
    # precision at each positive's rank: 1/1, 2/2, 3/4, 4/7
    assert metrics.pr_auc == pytest.approx((1 + 1 + 3 / 4 + 4 / 7) / 4, abs=1e-6)


def test_a_numeric_contrast_counts_each_outcomes_blanks_on_every_kept_row():
    rng = np.random.default_rng(0)
    score = pd.Series(rng.normal(8, 1, 400)).where(rng.random(400) > 0.3)
    bought = pd.Series((rng.random(400) < 0.4).astype(int))
    clean = SimpleNamespace(x_train=pd.DataFrame({"score": score[:300]}), x_test=pd.DataFrame({"score": score[300:]}),
                            y_train=bought[:300], y_test=bought[300:], numeric=["score"])
    found = contrast("score", clean, CONFIG)
    assert found.kind == ContrastKind.MEDIAN
    assert found.positive == pytest.approx(score[bought == 1].median())
    assert found.missing_positive == pytest.approx(score[bought == 1].isna().mean(), abs=1e-6)
    assert found.missing_negative == pytest.approx(score[bought == 0].isna().mean(), abs=1e-6)
    assert 0.2 < found.missing_positive < 0.4


def split_frame(column: str, values: pd.Series, outcome: pd.Series) -> SimpleNamespace:
    cut = len(values) * 3 // 4
    return SimpleNamespace(x_train=pd.DataFrame({column: values[:cut]}), x_test=pd.DataFrame({column: values[cut:]}),
                           y_train=outcome[:cut], y_test=outcome[cut:], numeric=[column])


def test_a_count_with_few_values_contrasts_the_shares_on_either_side_of_its_strongest_step():
    rng = np.random.default_rng(1)
    calls = pd.Series(rng.poisson(1.6, 3000)).clip(upper=9)
    left = pd.Series((rng.random(3000) < np.where(calls >= 4, 0.5, 0.11)).astype(int))
    found = contrast("calls", split_frame("calls", calls, left), CONFIG)
    statistics = {cut: chi2_contingency(pd.crosstab(calls >= cut, left), correction=False).statistic
                  for cut in range(1, 10) if min((calls >= cut).sum(), (calls < cut).sum()) >= 30}
    assert found.kind == ContrastKind.STEP and found.cut == max(statistics, key=statistics.get) == 4
    assert found.top_rate == pytest.approx(left[calls >= 4].mean())
    assert found.bottom_rate == pytest.approx(left[calls < 4].mean())
    assert (found.top_rows, found.bottom_rows) == ((calls >= 4).sum(), (calls < 4).sum())
    assert found.lowest == 0
    minutes = calls + rng.random(3000)
    assert contrast("minutes", split_frame("minutes", minutes, left), CONFIG).kind == ContrastKind.MEDIAN
    many = pd.Series(rng.integers(0, 40, 3000))
    assert step_cut(many, left, 30) is None and step_cut(many, left, 30, any_count=True) is not None
    flag = (calls > 2).astype(int)
    assert contrast("flag", split_frame("flag", flag, left), CONFIG).kind != ContrastKind.STEP


def test_a_zero_one_column_reads_as_a_flag_with_the_share_on_each_side():
    rng = np.random.default_rng(2)
    special = pd.Series((rng.random(2000) < 0.2).astype(float))
    bought = pd.Series((rng.random(2000) < np.where(special == 1, 0.15, 0.45)).astype(int))
    found = contrast("special", split_frame("special", special, bought), CONFIG)
    assert (found.kind, found.top, found.bottom) == (ContrastKind.RATES, "0", "1")
    assert found.top_rate == pytest.approx(bought[special == 0].mean())
    assert found.bottom_rate == pytest.approx(bought[special == 1].mean())
    assert (found.top_rows, found.bottom_rows) == ((special == 0).sum(), (special == 1).sum())
    few = pd.Series(np.r_[np.ones(10), np.zeros(1990)])
    assert contrast("few", split_frame("few", few, bought), CONFIG).kind == ContrastKind.MEAN
    two_values = special + 1
    assert contrast("two", split_frame("two", two_values, bought), CONFIG).kind != ContrastKind.RATES


def test_metrics_for_matches_sklearn_on_random_data():
    rng = np.random.default_rng(0)
    y = pd.Series(rng.integers(0, 2, 300))
    scores = np.clip(0.3 * y + rng.random(300) * 0.8, 0, 1)
    predicted = (scores > 0.5).astype(int)
    metrics = metrics_for(y, scores, predicted)
    (tn, fp), (fn, tp) = confusion_matrix(y, predicted)
    assert metrics.confusion_matrix == [[tn, fp], [fn, tp]]
    assert metrics.f1 == pytest.approx(f1_score(y, predicted), abs=1e-6)
    assert metrics.roc_auc == pytest.approx(roc_auc_score(y, scores), abs=1e-6)
    assert metrics.pr_auc == pytest.approx(average_precision_score(y, scores), abs=1e-6)


def test_metrics_when_nothing_is_predicted_positive():
    metrics = metrics_for(Y, SCORES, np.zeros(10, dtype=int))
    assert metrics.confusion_matrix == [[6, 0], [4, 0]]
    assert (metrics.precision, metrics.recall, metrics.f1) == (0.0, 0.0, 0.0)


@pytest.mark.parametrize("length", [2, 50, CURVE_POINTS])
def test_short_curves_are_kept_whole(length):
    x = np.linspace(0, 1, length)
    curve = Curve.thinned(x, x ** 2)
    assert len(curve.x) == length
    assert curve.x == [round(float(v), 5) for v in x]


@pytest.mark.parametrize("length", [CURVE_POINTS + 1, 1000, 12345])
def test_long_curves_are_thinned_keeping_both_ends(length):
    x = np.sort(np.random.default_rng(length).random(length))
    y = np.cumsum(np.ones(length)) / length
    curve = Curve.thinned(x, y)
    assert len(curve.x) == len(curve.y) <= CURVE_POINTS
    assert len(curve.x) >= CURVE_POINTS - 1
    assert (curve.x[0], curve.y[0]) == (round(x[0], 5), round(y[0], 5))
    assert (curve.x[-1], curve.y[-1]) == (round(x[-1], 5), round(y[-1], 5))
    assert curve.x == sorted(curve.x)


def test_model_results_curves_and_metrics_from_the_fitted_pipelines(analysis):
    clean = analysis.clean
    for model, fitted in zip(analysis.result.models, analysis.fitted):
        assert model.name == fitted.name
        scores = fitted.pipeline.predict_proba(clean.x_test)[:, 1]
        predicted = (scores >= model.threshold).astype(int)
        (tn, fp), (fn, tp) = confusion_matrix(clean.y_test, predicted, labels=[0, 1])
        assert model.test.confusion_matrix == [[tn, fp], [fn, tp]]
        assert sum(map(sum, model.test.confusion_matrix)) == len(clean.y_test)
        assert model.test.pr_auc == pytest.approx(average_precision_score(clean.y_test, scores), abs=1e-6)
        roc = model.roc_curve
        assert len(roc.x) <= CURVE_POINTS
        assert (roc.x[0], roc.y[0], roc.x[-1], roc.y[-1]) == (0.0, 0.0, 1.0, 1.0)
        assert model.pr_curve.x == sorted(model.pr_curve.x)
        assert model.pr_curve.x[-1] == 1.0


def test_grid_edges_flag_the_largest_and_smallest_tried():
    grid = {"max_depth": [3, 4, 5], "min_samples_leaf": [1, 20, 50], "C": [0.1, 1.0, 10.0]}
    edges = grid_edges(grid, {"max_depth": 5, "min_samples_leaf": 1, "C": 1.0})
    assert edges == [GridEdge("max_depth", 5, largest=True), GridEdge("min_samples_leaf", 1, largest=False)]
    assert [edge_text(e) for e in edges] == ["max_depth = 5 (largest tried)", "min_samples_leaf = 1 (smallest tried)"]
    assert grid_edges(grid, {"max_depth": 4, "min_samples_leaf": 20, "C": 1.0}) == []
    assert [edge_text(e) for e in grid_edges(grid, {"C": 10.0})] == ["C = 10.0 (largest tried)"]


def test_grid_edges_ignore_text_single_values_and_untried_values():
    grid = {"weights": ["uniform", "distance"], "gamma": ["scale", 0.1], "k": [5], "depth": [None, 3, 8]}
    best = {"weights": "distance", "gamma": 0.1, "k": 5, "depth": None}
    assert grid_edges(grid, best) == []


def test_tuned_settings_read_none_as_no_limit():
    assert tuned_settings({"max_depth": None, "max_iter": 400}) == "max_depth=no limit, max_iter=400"
    assert tuned_settings({"C": 3, "kernel": "rbf"}) == "C=3, kernel=rbf"
    assert tuned_settings({}) == "none"


def test_grid_edges_read_none_as_no_limit_above_every_number():
    assert grid_edges({"depth": [None, 3, 8]}, {"depth": 8}) == []
    assert grid_edges({"depth": [None, 3, 8]}, {"depth": 3}) == [GridEdge("depth", 3, largest=False)]
    assert grid_edges({"depth": [1, None]}, {"depth": 1}) == [GridEdge("depth", 1, largest=False)]
    assert grid_edges({"depth": [3, 8]}, {"depth": 8}) == [GridEdge("depth", 8, largest=True)]


def test_best_model_is_the_highest_cv_score_and_ties_go_to_the_earlier():
    models = [SimpleNamespace(name="logistic_regression", cv_mean=0.71234),
              SimpleNamespace(name="knn", cv_mean=0.70),
              SimpleNamespace(name="svm", cv_mean=0.71231)]
    assert best_model_name(models) == "logistic_regression"
    models[1].cv_mean = 0.75
    assert best_model_name(models) == "knn"
    assert best_model_name([]) == ""


def test_best_model_in_the_result_has_the_best_cv_score(analysis):
    result = analysis.result
    assert result.best.cv.mean == max(m.cv.mean for m in result.models)


def test_original_column_maps_encoded_names_back():
    columns = ["country", "country_rank", "minutes"]
    assert original_column("country_US", columns) == "country"
    assert original_column("country_rank", columns) == "country_rank"
    assert original_column("minutes", columns) == "minutes"


def test_numbers_in_sentences_read_without_scientific_notation():
    from reportgen.narrative.words import readable_number

    assert [readable_number(v) for v in (1510.4, 1600.0, 36.0, 0.148, 0.0, 12345678.9, -2500.0)] == [
        "1,510", "1,600", "36", "0.148", "0", "12,345,679", "-2,500"]


def test_large_tables_measure_on_a_stratified_sample_in_order(analysis, monkeypatch):
    import reportgen.evaluate as evaluate

    clean, config = analysis.clean, analysis.config
    x, y = evaluate.at_most(clean.x_test, clean.y_test, 40, seed=1)
    kept = set(x.index)
    assert len(y) == 40 and list(x.index) == [i for i in clean.x_test.index if i in kept]
    assert abs(y.mean() - clean.y_test.mean()) < 0.03
    assert evaluate.at_most(clean.x_test, clean.y_test, 10_000, seed=1)[0] is clean.x_test
    monkeypatch.setattr(evaluate, "MEASURED_ROWS", 50)
    fitted = analysis.fitted[0]
    model = evaluate.model_result(fitted, clean, config).result
    assert sum(map(sum, model.train.confusion_matrix)) == 50
    assert sum(map(sum, model.test.confusion_matrix)) == len(clean.y_test)


def test_an_ensemble_is_measured_on_its_members_scores_averaged_which_are_its_own(analysis):
    """The members' scores, made where they were tuned, stand in for the ensemble's predictions."""
    from reportgen.evaluate import averaged_scores, measured_scores, model_result

    clean, config = analysis.clean, analysis.config
    by_name = {f.name: f for f in analysis.fitted}
    ensemble = by_name["ensemble"]
    assert len(ensemble.members) >= 2
    averaged = averaged_scores([measured_scores(by_name[name], clean, config) for name in ensemble.members])
    own = measured_scores(ensemble, clean, config)  # the voting classifier's own predictions
    assert np.array_equal(averaged.train, own.train) and np.array_equal(averaged.test, own.test)
    reported = next(m for m in analysis.result.models if m.name == "ensemble")
    assert reported == worded_model(model_result(ensemble, clean, config).result, config.search.cv)


@pytest.mark.parametrize("copies_per_call", [1, 4, 1000])
def test_permutation_drops_equal_scikit_learns_permutation_importance(analysis, monkeypatch, copies_per_call):
    from sklearn.inspection import permutation_importance

    from reportgen import evaluate

    clean = analysis.clean
    monkeypatch.setattr(evaluate, "SCORED_CELLS_PER_CALL", copies_per_call * clean.x_test.size)
    for fitted in analysis.fitted:
        drops = evaluate.permutation_drops(fitted.pipeline, clean.x_test, clean.y_test, repeats=3, seed=7)
        expected = permutation_importance(fitted.pipeline, clean.x_test, clean.y_test, scoring="average_precision",
                                          n_repeats=3, random_state=7).importances
        np.testing.assert_allclose(drops, expected, rtol=0, atol=1e-12, err_msg=fitted.name)


def test_the_tree_counts_its_nodes_training_rows_as_they_are_not_as_weighted(analysis):
    """Each node's rows and share of positives are the training rows the tree was fitted on, unweighted:
    the root holds them all at the training rate, children add up to their parent, and each leaf's share is
    the outcome's mean over the rows `apply` sends there."""
    fitted = next(f for f in analysis.fitted if f.name == "decision_tree")
    summary = analysis.result.tree
    nodes = fitted.estimator.tree_
    x = analysis.clean.x_train.iloc[fitted.fit_positions]
    y = analysis.clean.y_train.to_numpy()[fitted.fit_positions]
    assert len(summary.node_rows) == len(summary.node_rates) == nodes.node_count
    assert summary.node_rows[0] == len(y) and summary.node_rates[0] == pytest.approx(y.mean(), abs=1e-6)
    positives = np.array(summary.node_rows) * np.array(summary.node_rates)
    for node in np.flatnonzero(nodes.children_left >= 0):
        left, right = nodes.children_left[node], nodes.children_right[node]
        assert summary.node_rows[node] == summary.node_rows[left] + summary.node_rows[right]
        assert positives[node] == pytest.approx(positives[left] + positives[right], abs=1e-3)
    leaves = pd.Series(y).groupby(fitted.estimator.apply(fitted.pipeline[:-1].transform(x))).agg(["size", "mean"])
    for leaf, (size, rate) in leaves.iterrows():
        assert (summary.node_rows[leaf], summary.node_rates[leaf]) == (size, pytest.approx(rate, abs=1e-6))


@pytest.mark.parametrize("strategy", ["random_under", "smote"])
def test_a_resampled_tree_counts_the_training_rows_it_was_fitted_on_not_the_resampled_ones(make_config, strategy):
    """A resampler sits before the tree in its pipeline; it changes the rows the tree learns from, not the rows
    the report counts in its boxes."""
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"minutes": rng.gamma(2.0, 30.0, 300).round(1), "age": rng.integers(18, 70, 300)})
    frame["y"] = (rng.random(300) < np.where(frame.minutes > 80, 0.6, 0.1)).astype(int)
    config = make_config(frame, search={"cv": 3, "tuning_cv": 2, "n_jobs": 1}, ensemble=False,
                         imbalance={"strategies": [strategy]},
                         models=[{"name": "logistic_regression"},
                                 {"name": "decision_tree", "grid": {"max_depth": [3]}}])
    found = analyse(config)
    tree = next(f for f in found.fitted if f.name == "decision_tree")
    assert tree.strategy == strategy
    y = found.clean.y_train.to_numpy()[tree.fit_positions]
    assert found.result.tree.node_rows[0] == len(y)
    assert found.result.tree.node_rates[0] == pytest.approx(y.mean(), abs=1e-6)


def test_correlated_groups_link_features_directly_or_through_each_other():
    from reportgen.evaluate import correlated_groups

    correlation = {"a": {"b": 0.8, "c": 0.5}, "b": {"a": 0.8, "c": -0.75}, "c": {"a": 0.5, "b": -0.75},
                   "d": {"e": 0.69}, "e": {"d": 0.69}}
    assert correlated_groups(["c", "d", "a", "b", "e"], correlation) == [["c", "a", "b"]]
    assert correlated_groups(["d", "e"], correlation, at=0.6) == [["d", "e"]]
    assert correlated_groups(["a", "d"], correlation) == []
    assert correlated_groups([], correlation) == []


class SumScorer:
    """Scores rows by the sum of two columns, as a model leaning on both of two near-copies would."""

    def predict_proba(self, x: pd.DataFrame) -> np.ndarray:
        positive = 1 / (1 + np.exp(-(x["a"] + x["b"]).to_numpy()))
        return np.column_stack([1 - positive, positive])


def test_a_group_is_shuffled_as_one_and_loses_what_each_member_alone_keeps():
    from reportgen.evaluate import drops_from, permuted_scores, shuffled_copies

    rng = np.random.default_rng(3)
    z = rng.normal(size=600)
    x = pd.DataFrame({"a": z + rng.normal(scale=0.2, size=600), "b": z + rng.normal(scale=0.2, size=600),
                      "c": rng.normal(size=600)})
    y = pd.Series((z + rng.normal(scale=0.5, size=600) > 1).astype(int))
    pairs = sorted(zip(x["a"], x["b"]))
    copies = list(shuffled_copies(x, repeats=3, seed=0, groups=[["a", "b"]]))[1:]
    assert len(copies) == 3
    for copy in copies:
        assert sorted(zip(copy["a"], copy["b"])) == pairs and not copy["a"].equals(x["a"])
        assert copy["c"].equals(x["c"])
    alone = drops_from(permuted_scores(SumScorer(), x, 5, 0), y, 5).mean(axis=1)
    together = drops_from(permuted_scores(SumScorer(), x, 5, 0, [["a", "b"]]), y, 5).mean(axis=1)
    base = average_precision_score(y, SumScorer().predict_proba(x)[:, 1])
    assert together[0] > 1.5 * max(alone[:2]) and together[0] > base - y.mean() - 0.1

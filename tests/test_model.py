"""The searches' shortcuts (encode once, fit on a sample, out-of-bag scores, native categories)
against what scikit-learn computes without them."""

import dataclasses

import numpy as np
import pytest
from conftest import synthetic_frame, synthetic_spec, write_dataset
from imblearn.over_sampling import SMOTENC
from sklearn.base import clone
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GridSearchCV, cross_val_score

from reportgen.clean import clean
from reportgen.config import ImbalanceSpec, ModelSpec, load_config
from reportgen.load import load
from reportgen.model import (
    cv_splitter,
    encoded_rows,
    encoder_for,
    estimator_pipeline,
    gets_codes,
    grid_search,
    keeps_missing,
    model_pipeline,
    native_mask,
    one_fit_answers,
    sampler,
    strategies_for,
    tune,
    tuning_size,
)
from reportgen.registry import FAMILIES
from reportgen.result import ScoresSource


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """The synthetic table with every country frequent, so that an encoder fitted on a fold
    learns exactly what one fitted on all training rows does; no resampling unless a test asks."""
    spec = {**synthetic_spec(), "encoding": {"min_frequency": 0.0}, "imbalance": {"strategies": ["none"]}}
    config = load_config(write_dataset(tmp_path_factory.mktemp("model"), synthetic_frame(rows=600), spec))
    return config, clean(load(config), config)


def test_encoding_once_chooses_and_scores_as_encoding_in_every_fold(prepared):
    config, data = prepared
    spec = ModelSpec(name="decision_tree", grid={"max_depth": [2, 3, 5], "min_samples_leaf": [5, 20]})
    found = tune(spec, data, config)
    family = FAMILIES["decision_tree"]
    direct = GridSearchCV(model_pipeline(spec, family, data, config),
                          {f"model__{k}": v for k, v in spec.grid.items()}, scoring=config.search.scoring,
                          cv=cv_splitter(config, config.search.tuning_cv))
    direct.fit(data.x_train, data.y_train)
    assert found.params == {k.removeprefix("model__"): v for k, v in direct.best_params_.items()}
    assert found.cv_mean == pytest.approx(direct.best_score_, abs=1e-9)


def test_searches_compare_on_a_sample_that_grows_with_the_table():
    boosting, forest, logit = FAMILIES["gradient_boosting"], FAMILIES["random_forest"], FAMILIES["logistic_regression"]
    assert (boosting.tuning_rows, boosting.tuning_share) == (6000, 0.25)
    assert tuning_size(ModelSpec(name=boosting.name), boosting, 14_100) == 6000
    assert tuning_size(ModelSpec(name=boosting.name), boosting, 79_368) == 19_842
    assert tuning_size(ModelSpec(name=boosting.name, tuning_rows=5000), boosting, 79_368) == 5000
    assert tuning_size(ModelSpec(name=forest.name), forest, 79_368) == 4000
    assert tuning_size(ModelSpec(name=logit.name), logit, 79_368) is None


def test_boosting_gets_missing_values_as_they_are_unless_smote_may_interpolate_them(prepared):
    config, data = prepared
    blanks = data.x_train.copy()
    blanks.loc[blanks.index[::5], "minutes"] = np.nan
    holed = dataclasses.replace(data, x_train=blanks)
    boosting, neighbours = FAMILIES["gradient_boosting"], FAMILIES["knn"]
    minutes = data.features.index("minutes")

    def encoded_minutes(family, run_config):
        return encoder_for(family, holed, run_config).fit_transform(blanks)[:, minutes]

    assert keeps_missing(boosting, config) and not keeps_missing(neighbours, config)
    assert np.isnan(encoded_minutes(boosting, config)).sum() == len(blanks.index[::5])
    assert not np.isnan(encoded_minutes(neighbours, config)).any()
    with_smote = config.model_copy(update={"imbalance": ImbalanceSpec(strategies=["none", "smote"])})
    assert not keeps_missing(boosting, with_smote) and not np.isnan(encoded_minutes(boosting, with_smote)).any()
    found = tune(ModelSpec(name="gradient_boosting", grid={"max_depth": [2], "max_iter": [50]}), holed, config)
    assert found.missing_as_is and np.isfinite(found.scores(blanks)).all()


def test_the_forest_gets_a_column_of_codes_per_category_where_others_get_one_hot_columns(prepared):
    config, data = prepared
    forest, neighbours = FAMILIES["random_forest"], FAMILIES["knn"]

    def encoded_width(family, run_config):
        return encoder_for(family, data, run_config).fit_transform(data.x_train).shape[1]

    countries = data.x_train["country"].nunique()
    assert encoded_width(forest, config) == len(data.features)
    assert encoded_width(neighbours, config) == len(data.features) - 1 + countries
    codes = encoder_for(forest, data, config).fit_transform(data.x_train)[:, data.features.index("country")]
    assert sorted(np.unique(codes)) == list(range(countries))
    ordinal = config.model_copy(update={"encoding": config.encoding.model_copy(update={"categorical": "ordinal"})})
    assert not gets_codes(forest, ordinal) and encoded_width(forest, ordinal) == len(data.features)
    assert native_mask(forest, data, config) == [c == "country" for c in data.features]


def test_strategies_are_compared_on_as_many_folds_as_the_search_shuffled_anew(prepared):
    config, data = prepared
    both = config.model_copy(update={"imbalance": ImbalanceSpec(strategies=["none", "class_weight"]),
                                     "search": config.search.model_copy(update={"cv": 4, "tuning_cv": 2})})
    spec = ModelSpec(name="decision_tree", grid={"max_depth": [2, 4], "min_samples_leaf": [5]})
    found = tune(spec, data, both)
    scores = {s.strategy: (s.mean, s.std) for s in found.strategies}
    family = FAMILIES["decision_tree"]
    for strategy in ("none", "class_weight"):
        pipeline = model_pipeline(spec, family, data, both, strategy).set_params(
            **{f"model__{k}": v for k, v in found.params.items()})
        per_fold = cross_val_score(pipeline, data.x_train, data.y_train, scoring=config.search.scoring,
                                   cv=cv_splitter(both, 2, fresh=True))
        assert scores[strategy] == pytest.approx((per_fold.mean(), per_fold.std()), abs=1e-6)
    assert found.scored_by == ScoresSource.CROSS_VALIDATION


def test_kernel_models_fit_on_a_sample_and_are_scored_on_every_training_row(prepared):
    config, data = prepared
    spec = ModelSpec(name="knn", grid={"n_neighbors": [5]}, fit_rows=200)
    found = tune(spec, data, config)
    assert found.fit_rows == 200 and found.tuning_rows == 200
    assert found.estimator.n_samples_fit_ == 200
    assert abs(data.y_train.iloc[found.fit_positions].mean() - data.y_train.mean()) < 0.01
    assert found.scored_by == ScoresSource.SAMPLE_FITTED_FOLDS
    assert np.array_equal(found.oof_labels, data.y_train.to_numpy())
    sample = set(found.fit_positions)
    pipeline = model_pipeline(spec, FAMILIES["knn"], data, config).set_params(model__n_neighbors=5)
    expected, per_fold = np.empty(len(data.y_train)), []
    for train, held_out in cv_splitter(config).split(data.x_train, data.y_train):
        kept = [i for i in train if i in sample]
        fold_model = clone(pipeline).fit(data.x_train.iloc[kept], data.y_train.iloc[kept])
        expected[held_out] = fold_model.predict_proba(data.x_train.iloc[held_out])[:, 1]
        per_fold.append(average_precision_score(data.y_train.iloc[held_out], expected[held_out]))
    assert np.allclose(found.oof_scores, expected)
    assert found.cv_mean == pytest.approx(np.mean(per_fold), abs=1e-9)
    everything = tune(ModelSpec(name="knn", grid={"n_neighbors": [5]}), data, config)
    assert everything.fit_rows == len(data.y_train) and everything.estimator.n_samples_fit_ == len(data.y_train)
    assert everything.scored_by == ScoresSource.CROSS_VALIDATION


def test_forest_out_of_fold_scores_are_its_out_of_bag_scores(prepared):
    config, data = prepared
    found = tune(ModelSpec(name="random_forest", grid={"min_samples_leaf": [3]}), data, config)
    assert found.scored_by == ScoresSource.OUT_OF_BAG
    forest = found.estimator
    assert forest.n_estimators == 100
    assert np.array_equal(found.oof_scores, forest.oob_decision_function_[:, 1])
    exact = config.model_copy(update={"search": config.search.model_copy(update={"subsample": False})})
    folded = tune(ModelSpec(name="random_forest", grid={"min_samples_leaf": [3]}), data, exact)
    assert folded.scored_by == ScoresSource.CROSS_VALIDATION
    assert found.search_settings == {"n_estimators": 40} and folded.search_settings == {}


def test_resampled_forest_falls_back_to_folds(prepared):
    config, data = prepared
    only = config.model_copy(update={"imbalance": config.imbalance.model_copy(update={"strategies": ["random_over"]})})
    found = tune(ModelSpec(name="random_forest", grid={"min_samples_leaf": [3]}), data, only)
    assert found.strategy == "random_over"
    assert found.scored_by == ScoresSource.CROSS_VALIDATION
    assert found.estimator.oob_score is False


def test_weighted_forest_weighs_inside_each_bootstrap_and_keeps_out_of_bag_scores(prepared):
    """'balanced_subsample' leaves the bootstrap draw uniform, so every training row is out of bag
    for some trees and the out-of-bag scores stand in for out-of-fold ones."""
    config, data = prepared
    only = config.model_copy(update={"imbalance": config.imbalance.model_copy(update={"strategies": ["class_weight"]})})
    found = tune(ModelSpec(name="random_forest", grid={"min_samples_leaf": [3]}), data, only)
    forest = found.estimator
    assert forest.class_weight == "balanced_subsample"
    assert found.scored_by == ScoresSource.OUT_OF_BAG
    assert np.isfinite(forest.oob_decision_function_).all()
    assert np.array_equal(found.oof_scores, forest.oob_decision_function_[:, 1])


def test_random_over_sampling_is_left_to_models_without_class_weights(prepared):
    config, _ = prepared
    config = config.model_copy(update={"imbalance": ImbalanceSpec()})
    assert strategies_for(FAMILIES["random_forest"], config) == ["none", "class_weight"]
    assert strategies_for(FAMILIES["knn"], config) == ["none", "random_over"]
    exact = config.model_copy(update={"search": config.search.model_copy(update={"subsample": False})})
    assert "random_over" in strategies_for(FAMILIES["random_forest"], exact)


def test_gradient_boosting_gets_one_column_of_codes_per_categorical(prepared):
    config, data = prepared
    family = FAMILIES["gradient_boosting"]
    rows = encoded_rows(family, data, config)
    assert rows.x.shape[1] == len(data.features)
    country = data.features.index("country")
    assert set(np.unique(rows.x[:, country])) == set(range(data.x_train["country"].nunique()))
    pipeline = model_pipeline(ModelSpec(name="gradient_boosting"), family, data, config, "smote")
    mask = pipeline.named_steps["model"].categorical_features
    assert [bool(m) for m in mask] == [f == "country" for f in data.features]
    assert isinstance(pipeline.named_steps["sample"], SMOTENC)
    pipeline.fit(data.x_train, data.y_train)
    assert pipeline.predict_proba(data.x_test).shape == (len(data.x_test), 2)


def test_smote_interpolates_only_when_no_column_holds_codes():
    assert type(sampler("smote", 1)).__name__ == "SMOTE"
    assert type(sampler("smote", 1, [False, False])).__name__ == "SMOTE"
    assert isinstance(sampler("smote", 1, [True, False]), SMOTENC)


@pytest.fixture(scope="module")
def audiobooks(tmp_path_factory):
    """The bundled audiobook customers (real data), cleaned as the preset says."""
    from reportgen.infer import infer
    from reportgen.resources import bundled_path

    config = infer(load_config(bundled_path("data", "presets", "audiobooks.yaml"))).config.one_job_each()
    return config, clean(load(config), config)


def test_neural_network_tunes_with_scaling_early_stopping_and_resampling_only(audiobooks):
    config, data = audiobooks
    spec = ModelSpec(name="neural_network", grid={"hidden_layer_sizes": [8, 16]}, fit_rows=1500)
    found = tune(spec, data, config)
    network = found.estimator
    assert found.pipeline.named_steps["scale"].__class__.__name__ == "StandardScaler"
    assert network.early_stopping and network.n_iter_ < network.max_iter and network.validation_scores_
    assert network.random_state == config.seed
    assert {s.strategy for s in found.strategies} == {"none", "random_over"}
    assert found.strategy in {s.strategy for s in found.strategies}
    assert found.params["hidden_layer_sizes"] in (8, 16) and found.candidates == 2
    assert found.tuning_rows == found.fit_rows == 1500
    base_rate = data.y_train.mean()
    assert found.cv_mean > 3 * base_rate, "ranks repeat buyers far better than chance"
    again = tune(spec, data, config)
    assert np.array_equal(again.oof_scores, found.oof_scores), "the same seed gives the same model"


def test_a_family_without_class_weights_falls_back_to_plain_data(prepared):
    config, data = prepared
    only = config.model_copy(update={"imbalance": config.imbalance.model_copy(update={"strategies": ["class_weight"]})})
    found = tune(ModelSpec(name="neural_network", grid={"hidden_layer_sizes": [4]}), data, only)
    assert found.strategy == "none" and found.strategies == []


def test_neighbours_are_searched_from_one_query_per_fold_as_grid_search_would_choose(prepared):
    config, data = prepared
    family = FAMILIES["knn"]
    rows = encoded_rows(family, data, config)
    grid = {"model__n_neighbors": [3, 10, 40], "model__weights": ["uniform", "distance"]}
    pipeline = estimator_pipeline(ModelSpec(name="knn"), family, data, config)
    along = grid_search(pipeline, grid, rows, config, along="model__n_neighbors")
    direct = GridSearchCV(pipeline, grid, scoring=config.search.scoring,
                          cv=cv_splitter(config, config.search.tuning_cv)).fit(rows.x, rows.y)
    assert along.best_params == direct.best_params_ and along.candidates == 6
    assert along.mean == pytest.approx(direct.best_score_, abs=1e-9)
    assert along.std == pytest.approx(direct.cv_results_["std_test_score"][direct.best_index_], abs=1e-9)


def test_the_tuned_neighbours_use_the_one_query_search_only_with_shortcuts(prepared, monkeypatch):
    from reportgen.model import search

    config, data = prepared
    calls = []
    real = search.search_along
    monkeypatch.setattr(search, "search_along", lambda *args: calls.append(args[2]) or real(*args))
    spec = ModelSpec(name="knn", grid={"n_neighbors": [5, 15]})
    tune(spec, data, config)
    assert calls == ["model__n_neighbors"]
    tune(spec, data, config.model_copy(update={"search": config.search.model_copy(update={"subsample": False})}))
    assert calls == ["model__n_neighbors"]


def test_a_tree_grown_deepest_answers_for_the_shallower_ones_as_grid_search_would_choose(prepared):
    config, data = prepared
    family = FAMILIES["decision_tree"]
    rows = encoded_rows(family, data, config)
    grid = {"model__max_depth": [2, 3, 5, 8], "model__min_samples_leaf": [5, 20]}
    pipeline = estimator_pipeline(ModelSpec(name="decision_tree"), family, data, config)
    along = grid_search(pipeline, grid, rows, config, along="model__max_depth")
    direct = GridSearchCV(pipeline, grid, scoring=config.search.scoring,
                          cv=cv_splitter(config, config.search.tuning_cv)).fit(rows.x, rows.y)
    assert along.best_params == direct.best_params_ and along.candidates == 8
    # Not to the digit: splits of equal gain (the one-hot country columns, practice exams started and passed)
    # may go either way.
    assert along.mean == pytest.approx(direct.best_score_, abs=0.01)


def test_one_fit_answers_only_where_the_smaller_fits_would_be_the_same(prepared):
    config, data = prepared
    tree = estimator_pipeline(ModelSpec(name="decision_tree"), FAMILIES["decision_tree"], data, config)
    knn = estimator_pipeline(ModelSpec(name="knn"), FAMILIES["knn"], data, config)
    depths = {"model__max_depth": [2, 4], "model__min_samples_leaf": [5]}
    assert one_fit_answers(tree, depths, "model__max_depth")
    assert not one_fit_answers(tree, {"model__max_depth": [None, 4]}, "model__max_depth")
    assert not one_fit_answers(tree, {"model__max_depth": [4]}, "model__max_depth")
    for drawn in ({"model__max_features": ["sqrt"]}, {"model__splitter": ["random"]},
                  {"model__max_leaf_nodes": [20]}, {"model__ccp_alpha": [0.01]}):
        assert not one_fit_answers(tree, {**depths, **drawn}, "model__max_depth")
    assert one_fit_answers(knn, {"model__n_neighbors": [3, 9], "model__weights": ["uniform", "distance"]},
                           "model__n_neighbors")
    assert not one_fit_answers(knn, {"model__n_neighbors": [3, 9], "model__weights": [lambda d: d]},
                               "model__n_neighbors")
    resampled = estimator_pipeline(ModelSpec(name="knn"), FAMILIES["knn"], data, config, "random_over")
    assert not one_fit_answers(resampled, {"model__n_neighbors": [3, 9]}, "model__n_neighbors")


def test_boosting_run_longest_answers_for_fewer_iterations_as_grid_search_would_choose(prepared):
    config, data = prepared
    family = FAMILIES["gradient_boosting"]
    rows = encoded_rows(family, data, config)
    grid = {"model__max_depth": [1, None], "model__max_iter": [10, 30, 60]}
    pipeline = estimator_pipeline(ModelSpec(name="gradient_boosting"), family, data, config)
    assert one_fit_answers(pipeline, grid, "model__max_iter")
    along = grid_search(pipeline, grid, rows, config, along="model__max_iter")
    direct = GridSearchCV(pipeline, grid, scoring=config.search.scoring,
                          cv=cv_splitter(config, config.search.tuning_cv)).fit(rows.x, rows.y)
    assert along.best_params == direct.best_params_ and along.candidates == 6
    assert along.mean == pytest.approx(direct.best_score_, abs=1e-9)
    stopping = pipeline.set_params(model__early_stopping=True)
    assert not one_fit_answers(stopping, grid, "model__max_iter")
    depths = {"model__max_depth": [1, 3], "model__max_iter": [30]}
    assert not one_fit_answers(pipeline.set_params(model__early_stopping=False), depths, "model__max_depth")

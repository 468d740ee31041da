"""Issue 23's checks behind the headline: test rows that copy a training row, calibration used only
where it lowers the Brier score on the training rows, and one row set per described fact."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import average_precision_score, brier_score_loss, precision_score, recall_score

from reportgen.calibration import choose_calibration
from reportgen.clean import TWIN_SHARE_WARNING, duplicate_summary, training_twins
from reportgen.config import load_config
from reportgen.engine import analyse
from reportgen.explore import kept_rows
from reportgen.narrative.summary import (
    caveats,
    scores_used,
    scores_used_brief,
    twins_caveat,
    twins_table_note,
    twins_targeting_note,
)
from reportgen.result import Twins, WithoutTwins, load_result, to_json
from reportgen.scoring import load_model, save_model
from reportgen.twins import top_precision, twins_reading


@pytest.fixture
def result(stored_synthetic_result):
    return stored_synthetic_result


def test_twin_mask_marks_the_test_rows_whose_features_a_training_row_repeats():
    features = pd.DataFrame({"a": [1, 2, 3, 1, 2, 9, 3, 1], "b": ["x", "y", "z", "x", "q", "y", "z", "x"]},
                            index=[10, 11, 12, 13, 14, 15, 16, 17])
    train, test = pd.Index([10, 11, 12]), pd.Index([17, 14, 16, 15, 13])
    mask = training_twins(features, train, test)
    training = {tuple(row) for row in features.loc[train].itertuples(index=False)}
    assert mask.tolist() == [tuple(features.loc[i]) in training for i in test] == [True, False, True, False, True]
    counted = duplicate_summary(features, pd.Series(0, index=features.index), test)
    assert mask.sum() == counted.test_rows_in_training


def test_the_analysis_keeps_one_flag_per_test_row_and_counts_them_as_the_duplicates_step(analysis):
    clean = analysis.clean
    assert clean.test_twins.dtype == bool and len(clean.test_twins) == len(clean.x_test)
    assert clean.test_twins.sum() == clean.duplicates.test_rows_in_training == analysis.result.twins.with_twin
    assert analysis.result.twins.test_rows == len(clean.x_test)


@pytest.fixture
def twin_sample():
    rng = np.random.default_rng(23)
    y = (rng.random(600) < 0.2).astype(int)
    scores = 1 / (1 + np.exp(-(rng.normal(size=600) + 2.5 * y)))
    twins = rng.random(600) < 0.4
    scores[twins & (y == 1)] = 0.99  # copies a model remembers
    return y, scores, twins


def test_figures_without_twins_are_sklearns_on_the_rows_without_one(twin_sample):
    y, scores, twins = twin_sample
    found = twins_reading(twins, y, [("m", scores, 0.5), ("other", 1 - scores, 0.5)])
    assert (found.with_twin, found.test_rows, found.positives_without) == (twins.sum(), 600, y[~twins].sum())
    reading = found.model("m")
    kept_y, kept_scores = y[~twins], scores[~twins]
    flagged = (kept_scores >= 0.5).astype(int)
    assert reading.test.recall == pytest.approx(recall_score(kept_y, flagged), abs=1e-6)
    assert reading.test.precision == pytest.approx(precision_score(kept_y, flagged), abs=1e-6)
    assert reading.test.pr_auc == pytest.approx(average_precision_score(kept_y, kept_scores), abs=1e-6)
    top = np.argsort(-kept_scores, kind="mergesort")[:math.ceil(0.05 * len(kept_y))]
    assert reading.top_precision == pytest.approx(kept_y[top].mean(), abs=1e-6)
    every = np.argsort(-scores, kind="mergesort")[:math.ceil(0.05 * 600)]
    assert reading.top_precision_all == pytest.approx(y[every].mean(), abs=1e-6) == 1.0
    assert reading.top_precision < 1.0
    assert found.model("other").test.pr_auc != reading.test.pr_auc


def test_no_figures_without_twins_when_there_are_none_or_the_rest_hold_one_class(twin_sample):
    y, scores, _ = twin_sample
    assert twins_reading(np.zeros(600, bool), y, [("m", scores, 0.5)]).models == []
    assert twins_reading(y == 0, y, [("m", scores, 0.5)]).models == []


def test_the_recommended_models_reading_uses_its_test_scores_and_the_targeting_tables_cut(analysis):
    result, clean = analysis.result, analysis.clean
    scores = analysis.best.scores(clean.x_test)
    twins = np.arange(len(clean.y_test)) % 3 == 0
    reading = twins_reading(twins, clean.y_test, [(result.best_model, scores, result.best.threshold)])
    found = reading.model(result.best_model)
    assert found.top_precision_all == pytest.approx(result.targeting[0].precision, abs=1e-6)
    y = clean.y_test.to_numpy()
    assert found.test.recall == pytest.approx(recall_score(y[~twins], scores[~twins] >= result.best.threshold),
                                              abs=1e-6)
    assert found.top_precision == pytest.approx(top_precision(y[~twins], scores[~twins], 0.05), abs=1e-6)


def with_twins(result, with_twin: int, recall: float, pr_auc: float, top: float) -> object:
    best = result.best
    reading = WithoutTwins(model=best.name, test=dataclasses.replace(best.test, recall=recall, pr_auc=pr_auc),
                           top_precision=top, top_precision_all=1.0)
    twins = Twins(test_rows=1000, with_twin=with_twin, share=with_twin / 1000, positives_without=90,
                  caveat_from=TWIN_SHARE_WARNING, top_fraction=0.05, models=[reading])
    return dataclasses.replace(result, twins=twins)


def test_many_twins_lead_read_with_care_with_the_figures_without_them(result):
    d, best = result.dataset, result.best
    many = with_twins(result, 400, recall=0.55, pr_auc=0.61, top=0.8)
    first = caveats(many)[0]
    assert first == twins_caveat(many)[0]
    assert first.startswith(f"40% of the test {d.unit} (400 of 1,000) have the same values in every column as a "
                            f"training {d.unit_singular} (a model can score them from what it learnt of that "
                            f"{d.unit_singular});")
    assert f"on the 600 without one, the {best.label.lower()} finds 55% of {d.positive_noun} (PR AUC 0.610)" in first
    assert first.endswith(f"(PR AUC 0.610), against {best.test.recall:.0%} (PR AUC {best.test.pr_auc:.3f}) on all "
                          f"test {d.unit}, and its top 5% are 80% right there against 100% on all.")
    alike = with_twins(result, 400, recall=0.55, pr_auc=0.61, top=0.9996)
    assert twins_caveat(alike)[0].endswith("and its top 5% are 100% right on both.")
    other = with_twins(result, 150, recall=0.7, pr_auc=0.75, top=0.95)
    assert twins_caveat(other)[0] != first and "15% of the test" in twins_caveat(other)[0]
    assert "finds 70% of" in twins_caveat(other)[0] and "are 95% right" in twins_caveat(other)[0]
    few = with_twins(result, 50, recall=0.55, pr_auc=0.61, top=0.8)
    assert twins_caveat(few) == [] and twins_table_note(few) == "" and twins_targeting_note(few) == ""
    assert not any("same values in every column" in c for c in caveats(few))
    assert "600 test" in twins_table_note(many) and "90 " + d.positive_noun in twins_table_note(many)
    assert f"80.0% of the top 5% by score {many.dataset.predicate}, against 100.0% in the table's 5% row." in (
        twins_targeting_note(many))
    assert twins_targeting_note(alike).endswith(f"100.0% of the top 5% by score {d.predicate}, as in the table's "
                                                "5% row.")


def test_twins_whose_others_hold_one_class_are_said_to_be_unmeasurable(result):
    none_left = dataclasses.replace(with_twins(result, 400, 0.5, 0.5, 0.5).twins, positives_without=0, models=[])
    text = twins_caveat(dataclasses.replace(result, twins=none_left))[0]
    assert f"hold no {result.dataset.positive_noun}" in text and "cannot be measured" in text


def well_calibrated(seed: int = 5, rows: int = 4000) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    probabilities = rng.beta(1, 6, rows)
    return probabilities, (rng.random(rows) < probabilities).astype(int)


def test_calibration_is_kept_only_where_it_lowers_the_out_of_fold_brier_score():
    probabilities, y = well_calibrated()
    honest = choose_calibration(probabilities, y, raw_is_probability=True, folds=5, seed=1)
    assert honest.brier_raw == pytest.approx(brier_score_loss(y, probabilities), abs=1e-6)
    assert honest.brier_calibrated > honest.brier_raw and not honest.used
    assert np.array_equal(honest.probabilities(probabilities), probabilities)
    squashed = probabilities ** 3
    skewed = choose_calibration(squashed, y, raw_is_probability=True, folds=5, seed=1)
    assert skewed.brier_calibrated < skewed.brier_raw and skewed.used
    assert np.allclose(skewed.probabilities(squashed), skewed.calibrator.predict(squashed))
    margins = choose_calibration(np.log(probabilities), y, raw_is_probability=False, folds=5, seed=1)
    assert margins.used and margins.brier_raw is None


def test_changing_only_the_test_rows_changes_no_calibration_choice(synthetic_config_path, tmp_path, analysis):
    from conftest import synthetic_frame, synthetic_spec, write_dataset

    frame = synthetic_frame()
    test_rows = analysis.clean.x_test.index
    rng = np.random.default_rng(0)
    for column in ("days", "minutes", "exams_passed"):
        frame.loc[test_rows, column] = rng.permutation(frame.loc[test_rows, column].to_numpy())
    changed = analyse(load_config(write_dataset(tmp_path, frame, synthetic_spec())))
    assert changed.clean.x_test.index.equals(test_rows)
    assert changed.clean.x_train.equals(analysis.clean.x_train)
    before, after = analysis.result.calibration, changed.result.calibration
    assert after.brier_calibrated != before.brier_calibrated
    assert (after.used, after.brier_oof_raw, after.brier_oof_calibrated) == \
        (before.used, before.brier_oof_raw, before.brier_oof_calibrated)


def test_the_targeting_adds_up_the_probabilities_the_choice_made(analysis):
    result = analysis.result
    scores = analysis.best.scores(analysis.clean.x_test)
    used = analysis.calibrator.predict(scores) if result.calibration.used else scores
    top = np.argsort(-scores, kind="mergesort")[:result.targeting[0].contacted]
    assert result.targeting[0].expected_conversions == pytest.approx(used[top].sum(), abs=0.01)
    assert analysis.scoring_calibrator is (analysis.calibrator if result.calibration.used else None)


@pytest.mark.parametrize("used", [True, False])
def test_the_saved_model_scores_as_the_report_did(analysis, tmp_path, used):
    calibration = dataclasses.replace(analysis.result.calibration, used=used)
    run = dataclasses.replace(analysis, result=dataclasses.replace(analysis.result, calibration=calibration))
    save_model(tmp_path, analysis.best.pipeline, run.scoring_calibrator, {"model": analysis.best.name})
    model = load_model(tmp_path)
    probabilities, raw = model.probabilities(analysis.clean.x_test)
    expected = analysis.calibrator.predict(raw) if used else raw
    assert np.allclose(probabilities, expected)
    assert json.loads((tmp_path / "model.json").read_text())["calibrated"] is used


def calibration_of(result, **changes):
    return dataclasses.replace(result, calibration=dataclasses.replace(result.calibration, **changes))


def test_the_report_says_which_probabilities_the_targeting_adds_up(result):
    label = result.best.label.lower()
    kept = calibration_of(result, used=True, brier_oof_raw=0.08, brier_oof_calibrated=0.07, folds=5,
                          brier_raw=0.081, brier_calibrated=0.072)
    dropped = calibration_of(result, used=False, brier_oof_raw=0.026, brier_oof_calibrated=0.027, folds=5,
                             brier_raw=0.0268, brier_calibrated=0.0272)
    kept_text, dropped_text = scores_used(kept), scores_used(dropped)
    assert kept_text.startswith("Expected counts add up calibrated probabilities: isotonic calibration lowered")
    assert "0.0800 raw, 0.0700 calibrated" in kept_text and "0.0810 raw, 0.0720 calibrated" in kept_text
    assert dropped_text.startswith(f"Expected counts add up the {label}'s own probabilities: isotonic calibration "
                                   f"did not lower")
    assert "0.0260 raw, 0.0270 calibrated" in dropped_text and "not used" in dropped_text
    margins = calibration_of(result, used=True, brier_oof_raw=None, brier_oof_calibrated=0.05, folds=5, brier_raw=None)
    assert "are not probabilities" in scores_used(margins)
    for text in (kept_text, dropped_text, scores_used(margins)):
        assert "None" not in text and "nan" not in text
    d = result.dataset
    assert scores_used_brief(kept) == (f"Expected counts add up the {label}'s probabilities, adjusted to match how "
                                       f"often the training {d.unit} given each probability {d.predicate}; "
                                       f"Calibration, under 'Imbalance, threshold and calibration' gives the checks.")
    assert scores_used_brief(dropped).startswith(f"Expected counts add up the {label}'s own probabilities "
                                                 f"(adjusting them on the training rows did not make them more "
                                                 f"accurate)")
    assert "which are not probabilities themselves" in scores_used_brief(margins)
    assert not any("Brier" in scores_used_brief(r) for r in (kept, dropped, margins))


def test_results_from_before_these_checks_still_load_and_read(result, tmp_path):
    data = json.loads(to_json(result))
    del data["twins"]
    for key in ("used", "brier_oof_raw", "brier_oof_calibrated", "folds", "text"):
        del data["calibration"][key]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_result(path)
    assert loaded.twins is None and loaded.calibration.used and loaded.calibration.folds == 0
    assert twins_caveat(loaded) == []
    assert scores_used(loaded) == (f"Expected counts add up the {loaded.best.label.lower()}'s scores calibrated by "
                                   f"{loaded.calibration.method}.")
    assert scores_used_brief(loaded) == ""


def test_driver_sentences_describe_the_same_rows_as_the_exploratory_section(analysis):
    result, clean = analysis.result, analysis.clean
    features, outcome = kept_rows(clean)
    numeric = next(x for x in result.drivers if x.feature in clean.numeric
                   and features.loc[outcome == 1, x.feature].median() != features.loc[outcome == 0, x.feature].median())
    medians = [features.loc[outcome == label, numeric.feature].median() for label in (1, 0)]
    assert f"median {medians[0]:,.3g} vs {medians[1]:,.3g}" in numeric.direction
    explored = next((f for f in result.explore.by_class if f.feature == numeric.feature), None)
    if explored is not None:
        assert [explored.boxes[1].median, explored.boxes[0].median] == pytest.approx(medians)
    category = next(x for x in result.drivers if x.feature in clean.categorical)
    groups = outcome.groupby(features[category.feature].astype(str)).agg(["mean", "size"])
    rates = groups.loc[groups["size"] >= max(20, analysis.config.encoding.min_frequency * len(outcome)), "mean"]
    assert f"{rates.max():.1%}" in category.direction and f"{rates.min():.1%}" in category.direction

"""reportgen/segments.py: k chosen by silhouette, profiles that match the labels and say which features stand
out; reportgen/narrative/segments.py: names from those features, and the sentences."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from reportgen.config import DatasetConfig
from reportgen.errors import ReportInputError
from reportgen.narrative.segments import (
    column_decimals,
    method_text,
    name_candidates,
    named_segments,
    segment_names,
    segment_observations,
    table_note,
)
from reportgen.result import SegmentProfile
from reportgen.segments import find_segments, standing_out

LABELS = {"minutes": "Minutes watched", "exams": "Exams passed", "days": "Days on platform"}


def clustered_frame(rows_per_cluster: int = 150, seed: int = 3) -> tuple[pd.DataFrame, pd.Series]:
    """Three well separated groups of users, converting at about 5%, 20% and 60%."""
    rng = np.random.default_rng(seed)
    centres = [(10, (0, 2), 200), (200, (3, 5), 110), (400, (6, 9), 20)]
    rates = [0.05, 0.2, 0.6]
    parts, outcome = [], []
    for (minutes, exams, days), rate in zip(centres, rates):
        parts.append(pd.DataFrame({"minutes": rng.normal(minutes, 5 + minutes * 0.05, rows_per_cluster),
                                   "exams": rng.integers(*exams, rows_per_cluster).astype(float),
                                   "days": rng.normal(days, 10, rows_per_cluster)}))
        outcome.append(rng.random(rows_per_cluster) < rate)
    frame = pd.concat(parts, ignore_index=True)
    return frame, pd.Series(np.concatenate(outcome).astype(int), index=frame.index)


def config_for(**segments) -> DatasetConfig:
    return DatasetConfig(name="t", data="unused.csv", target={"column": "y"}, labels=LABELS,
                         segments={"scaling": "standard", **segments})


def test_three_clear_groups_give_three_segments_whose_rates_match_the_labels():
    frame, outcome = clustered_frame()
    found = find_segments(frame, outcome, list(frame.columns), config_for())
    segments = found.segments
    assert segments.k == 3 and segments.silhouette > 0.6
    assert segments.silhouette == max(segments.curve.values()) == segments.curve[3]
    assert sorted(segments.curve) == list(range(2, 9))
    recomputed = outcome.groupby(found.labels).agg(["mean", "size"])
    for position, profile in enumerate(segments.profiles):
        assert profile.conversion_rate == pytest.approx(recomputed.loc[position, "mean"], abs=1e-6)
        assert profile.size == recomputed.loc[position, "size"]
        assert profile.typical["minutes"] == pytest.approx(frame.loc[found.labels == position, "minutes"].median())
    assert [p.conversion_rate for p in segments.profiles] == sorted((p.conversion_rate for p in segments.profiles),
                                                                     reverse=True)
    assert sum(p.size for p in segments.profiles) == len(frame) == segments.rows
    assert (segments.profiles[0].highs, segments.profiles[0].lows) == (["minutes", "exams"], ["days"])
    assert named_segments(segments, LABELS).profiles[0].name == "High minutes watched, high exams passed"
    assert segments.profiles[0].deviation["days"] < 0
    assert segments.shown == ["minutes", "exams", "days"]


def test_a_large_segment_stands_out_against_the_rest_as_the_small_one_does():
    """Two groups, 80% and 20% of the rows: measured against the overall mean, which the large group
    mostly makes, it would sit within half a standard deviation on every feature and be called typical."""
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"minutes": np.r_[rng.normal(0, 1, 400), rng.normal(4, 1, 100)],
                          "days": np.r_[rng.normal(10, 1, 400), rng.normal(6, 1, 100)]})
    outcome = pd.Series(np.r_[rng.random(400) < 0.1, rng.random(100) < 0.4].astype(int))
    found = find_segments(frame, outcome, list(frame.columns), config_for(k_max=2))
    small, large = found.segments.profiles
    assert (small.share, large.share) == pytest.approx((0.2, 0.8), abs=0.01)
    scaled = (frame - frame.mean()) / frame.std(ddof=0)
    members = found.labels == 1
    expected = (scaled[members].mean() - scaled[~members].mean()) / scaled.std(ddof=0)
    assert large.deviation == pytest.approx(expected.to_dict(), abs=1e-4)
    assert large.deviation == pytest.approx({f: -v for f, v in small.deviation.items()}, abs=1e-4)
    assert (large.highs, large.lows) == (["days"], ["minutes"])
    names = [p.name for p in named_segments(found.segments, LABELS).profiles]
    assert names == ["High minutes watched, low days on platform", "Low minutes watched, high days on platform"]


def test_same_seed_same_segments_and_a_large_table_is_fitted_on_a_sample():
    frame, outcome = clustered_frame(rows_per_cluster=400)
    config = config_for(fit_rows=300, silhouette_rows=200, k_max=5)
    first = find_segments(frame, outcome, list(frame.columns), config)
    again = find_segments(frame, outcome, list(frame.columns), config)
    assert first.segments == again.segments
    assert (first.labels == again.labels).all()
    assert first.segments.fit_rows == 300 and first.segments.silhouette_rows == 200
    assert first.segments.rows == len(first.labels) == 1200
    assert sorted(first.segments.curve) == [2, 3, 4, 5]


def test_rank_scaling_and_default_features_leave_out_what_is_not_a_lever():
    frame, outcome = clustered_frame()
    config = DatasetConfig(name="t", data="unused.csv", target={"column": "y"}, not_actionable=["days"])
    found = find_segments(frame, outcome, list(frame.columns), config)
    assert found.segments.features == ["minutes", "exams"]
    assert found.segments.scaling == "rank"
    assert set(found.segments.profiles[0].typical) == {"minutes", "exams"}


def test_a_table_without_variety_has_no_segments():
    frame = pd.DataFrame({"minutes": [5.0] * 40})
    assert find_segments(frame, pd.Series([0, 1] * 20), ["minutes"], config_for()) is None
    assert find_segments(frame, pd.Series([0, 1] * 20), [], config_for()) is None


def test_segment_settings_are_checked():
    frame, outcome = clustered_frame()
    with pytest.raises(ReportInputError, match="segments.features names hours, which is not a numeric feature"):
        find_segments(frame, outcome, list(frame.columns), config_for(features=["hours"]))
    with pytest.raises(ValueError, match=r"k_min \(6\) is larger than k_max \(3\)"):
        config_for(k_min=6, k_max=3)


def profile(deviation: dict[str, float]) -> SegmentProfile:
    highs, lows = standing_out(deviation)
    return SegmentProfile(name="", size=10, share=0.1, conversion_rate=0.1, typical={}, deviation=deviation,
                          highs=highs, lows=lows)


def test_the_features_standing_out_are_listed_the_most_distinct_first():
    assert standing_out({"minutes": 0.6, "exams": -1.0, "days": 2.0, "age": 0.4}) == (["days", "minutes"], ["exams"])
    assert standing_out({"minutes": 0.5, "exams": -0.5}) == (["minutes"], ["exams"])


def test_names_come_from_the_most_distinct_features():
    assert name_candidates(profile({"minutes": 2.0, "exams": -1.0, "days": 0.1}), LABELS)[0] == \
        "High minutes watched, low exams passed"
    assert name_candidates(profile({"minutes": -0.2, "exams": 0.3, "days": 0.1}), LABELS) == \
        ["Close to typical on every measure"]
    assert name_candidates(profile({"minutes": 1.0, "exams": 0.9, "days": 2.0}), LABELS)[0] == "High on every measure"
    assert name_candidates(profile({"minutes": -3.0, "exams": 0.0, "days": 0.0}), LABELS) == ["Low minutes watched"]


def test_two_segments_with_the_same_leading_features_get_different_names():
    names = segment_names([profile({"minutes": 2.0, "exams": 1.0, "days": 0.6}),
                           profile({"minutes": 1.5, "exams": 0.8, "days": -0.7}),
                           profile({"minutes": 0.0, "exams": 0.0, "days": 0.0}),
                           profile({"minutes": 0.1, "exams": 0.0, "days": 0.0})], LABELS)
    assert names[0] == "High on every measure"
    assert names[1] == "High minutes watched, high exams passed"
    assert names[2] == "Close to typical on every measure"
    assert names[3] == "Close to typical on every measure (4)"
    assert len(set(names)) == 4


def test_the_run_segments_its_rows_and_the_rates_match_its_labels(analysis):
    segments = analysis.result.segments
    data = analysis.clean
    outcome = pd.concat([data.y_train, data.y_test]).loc[analysis.segment_labels.index]
    rates = outcome.groupby(analysis.segment_labels).mean()
    assert [p.conversion_rate for p in segments.profiles] == pytest.approx(list(rates), abs=1e-6)
    assert segments.rows == data.rows_used == len(analysis.segment_labels)
    assert "noise" in segments.features and segments.k == len(segments.profiles)
    assert segments.observations == segment_observations(analysis.result)


def test_segment_sentences_follow_the_numbers(stored_synthetic_result):
    result = stored_synthetic_result
    segments = result.segments
    first = segment_observations(result)
    assert f"{segments.k} segments fit best (silhouette {segments.silhouette:.2f}" in first[0]
    assert f"'{segments.profiles[0].name}'" in first[1]
    weak = dataclasses.replace(segments, k=2, silhouette=0.12, profiles=[
        dataclasses.replace(segments.profiles[0], name="Heavy watchers", share=0.25, conversion_rate=0.5),
        dataclasses.replace(segments.profiles[-1], name="Light watchers", share=0.75, conversion_rate=0.05)])
    second = segment_observations(dataclasses.replace(result, segments=weak))
    rate = result.dataset.positive_rate
    assert "not clearly separated" in second[0] and "2 segments fit best (silhouette 0.12" in second[0]
    assert ("'Heavy watchers' (25.0% of users) has the higher share of buyers: 50.0%, "
            f"{0.5 / rate:.1f}× the overall" in second[1])
    assert "'Light watchers' (75.0%) has the lower: 5.0%." == second[2]
    three = dataclasses.replace(weak, k=3, profiles=[weak.profiles[0], dataclasses.replace(
        weak.profiles[0], name="Some watchers", share=0.1, conversion_rate=0.2), weak.profiles[1]])
    said = segment_observations(dataclasses.replace(result, segments=three))
    assert "has the highest share of buyers" in said[1] and said[2] == "'Light watchers' (75.0%) has the lowest: 5.0%."
    assert first != second
    edge = dataclasses.replace(weak, k=8, silhouette=0.69, curve={2: 0.4, 7: 0.67, 8: 0.69})
    assert segment_observations(dataclasses.replace(result, segments=edge))[0] == (
        "8 segments score best (silhouette 0.69), but 8 is the most tried (k from 2 to 8), so more segments might "
        "score higher still; they are reasonably separated.")


def test_a_segment_of_rows_missing_a_feature_has_no_typical_value_for_it():
    frame = pd.DataFrame({"minutes": [np.nan] * 30 + list(range(30)),
                          "exams": np.r_[np.zeros(30), np.arange(30.0) + 100]})
    found = find_segments(frame, pd.Series([0, 1] * 30), ["minutes", "exams"], config_for())
    missing = [p for p in found.segments.profiles if p.typical["minutes"] is None]
    assert len(missing) == 1 and missing[0].size == 30 and missing[0].typical["exams"] == 0


def test_the_profile_table_shows_only_the_features_that_set_the_segments_apart():
    """Two features shift half the rows; the eight others are noise on which every segment sits near the rest."""
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(300, 10)), columns=[f"f{i}" for i in range(10)])
    frame.loc[:149, ["f2", "f7"]] += 6
    found = find_segments(frame, pd.Series([0, 1] * 150), list(frame.columns), config_for(k_max=3))
    assert found.segments.shown == ["f2", "f7"]
    frame.loc[:149, [f"f{i}" for i in range(10)]] += 6
    found = find_segments(frame, pd.Series([0, 1] * 150), list(frame.columns), config_for(k_max=3))
    shown = found.segments.shown
    assert len(shown) == 6 and shown == [c for c in frame.columns if c in shown]


def test_the_table_note_and_the_method_follow_the_segments(stored_synthetic_result):
    result = stored_synthetic_result
    segments, d = result.segments, result.dataset
    everything = dataclasses.replace(segments, shown=segments.features)
    fewer = dataclasses.replace(segments, shown=segments.features[:2])
    assert "features that set the segments apart most" not in table_note(everything, d)
    assert f"(the 2 of {len(segments.features)} features that set the segments apart most)" in table_note(fewer, d)
    one = dataclasses.replace(segments, shown=segments.features[:1])
    assert f"(the one of {len(segments.features)} features that sets the segments apart)" in table_note(one, d)
    assert segments.table_note == table_note(segments, d) and segments.method_text == method_text(segments, d)
    ranked = method_text(dataclasses.replace(segments, scaling="rank", fit_rows=100, rows=400), d)
    scaled = method_text(dataclasses.replace(segments, scaling="standard", fit_rows=400, rows=400), d)
    assert "normal scores of its ranks" in ranked and "fitted on 100 of the 400" in ranked
    assert "a random sample" in ranked
    assert "centred and scaled to unit variance" in scaled and "a random sample" not in scaled
    assert f"fitted on all 400 {d.unit} kept after cleaning (training and test together); silhouette" in scaled


def test_the_profile_table_prints_enough_decimals_to_read_its_medians():
    assert column_decimals([216.0, 178.5, 180.25]) == 0
    assert column_decimals([17.5, 12.25]) == 0
    assert column_decimals([0.0, 0.24, 0.3]) == 2
    assert column_decimals([1.9, 1.79]) == 1
    assert column_decimals([1.69, 1.74, 2.09]) == 2
    assert column_decimals([0.0, 1.0, 3.0]) == 0
    assert column_decimals([-0.2, 6.5]) == 1


def test_the_run_chooses_each_shown_columns_decimals(stored_synthetic_result):
    segments = stored_synthetic_result.segments
    assert set(segments.decimals) == set(segments.shown)
    for feature, decimals in segments.decimals.items():
        medians = [p.typical[feature] for p in segments.profiles if p.typical[feature] is not None]
        assert decimals == column_decimals(medians)

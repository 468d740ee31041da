"""reportgen/explore.py: box and histogram numbers that numpy and pandas agree with, groups pooled as
the config says, missing values counted, and sentences that follow the numbers."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from reportgen.errors import ReportInputError
from reportgen.explore import bin_edges, box, class_shares, group_column, group_labels, kept_rows, missing_overview
from reportgen.narrative.explore import (
    box_observations,
    correlation_observations,
    explore_observations,
    group_observations,
    missing_observations,
    separation_observations,
)
from reportgen.result import BoxStats, FeatureByGroup, GroupRow, MissingRow


@pytest.fixture
def result(stored_synthetic_result):
    return stored_synthetic_result


def test_box_statistics_match_numpy():
    values = pd.Series([1.0, 2, 3, 4, 5, 6, 7, 8, 9, 100, np.nan])
    found = box(values, "all")
    q1, median, q3 = np.percentile(values.dropna(), [25, 50, 75])
    assert (found.rows, found.q1, found.median, found.q3) == (10, q1, median, q3)
    assert found.low == 1 and found.high == 9  # 100 lies beyond 1.5 box lengths
    assert found.mean == pytest.approx(values.mean())
    assert box(pd.Series([np.nan]), "none").rows == 0


def test_bins_are_one_per_whole_number_or_stop_at_the_99th_percentile():
    edges, clipped = bin_edges(np.array([0, 1, 1, 2, 5], dtype=float))
    assert list(edges) == [-0.5, 0.5, 1.5, 2.5, 3.5, 4.5, 5.5] and not clipped
    values = np.concatenate([np.linspace(0, 10, 990), np.full(10, 1000.0)])
    edges, clipped = bin_edges(values)
    assert clipped and edges[-1] == pytest.approx(np.quantile(values, 0.99))
    shares = class_shares(values, edges)
    assert sum(shares) == pytest.approx(1) and shares[-1] >= 0.01


def test_rare_groups_are_pooled_as_other():
    values = pd.Series(["US"] * 5 + ["IN"] * 4 + ["GB"] * 2 + ["DE", "FR", None])
    labels, order = group_labels(values, 2)
    assert order == ["US", "IN", "Other"]
    assert (labels == "Other").sum() == 5
    _, everything = group_labels(values, 5)
    assert everything == ["US", "IN", "GB", "DE", "FR", "(missing)"]  # pooling one group would hide nothing


def test_groups_tied_at_the_cut_are_all_kept():
    """Churn's Ohio and Texas both hold 116 customers at the sixth place: neither is left out unsaid."""
    values = pd.Series(["US"] * 5 + ["IN"] * 3 + ["GB"] * 3 + ["DE"] * 2 + ["FR", "NL"])
    labels, order = group_labels(values, 2)
    assert order == ["US", "IN", "GB", "Other"] and (labels == "Other").sum() == 4


def test_missing_values_are_counted_per_column(make_config):
    table = pd.DataFrame({"a": [1, None, 3, None], "b": ["x", "y", None, "z"], "y": [0, 1, 0, 1]})
    rows = missing_overview(table, make_config(table, labels={"a": "Alpha"}))
    assert [(r.column, r.label, r.missing, r.share) for r in rows] == [("a", "Alpha", 2, 0.5), ("b", "B", 1, 0.25)]


def test_the_run_describes_its_kept_rows(analysis, synthetic_config_path):
    explore = analysis.result.explore
    features, outcome = kept_rows(analysis.clean)
    assert explore.rows == len(features) == analysis.result.dataset.rows_used
    assert [r.separation for r in explore.by_class] == sorted((r.separation for r in explore.by_class), reverse=True)
    top = explore.by_class[0]
    auc = roc_auc_score(outcome, features[top.feature])
    assert top.separation == pytest.approx(max(auc, 1 - auc), abs=1e-6)
    assert top.boxes[1].median == features.loc[outcome == 1, top.feature].median()
    assert sum(top.positive) == pytest.approx(1) and sum(top.negative) == pytest.approx(1)
    assert explore.group_column == "country"
    rates = outcome.groupby(features["country"]).mean()
    for group in explore.groups:
        if not group.pooled:
            assert group.conversion_rate == pytest.approx(rates[group.group], abs=1e-6)
    assert sum(g.rows for g in explore.groups) == explore.rows
    assert explore.missing == [] and explore.rows_read == 400
    assert explore.observations == explore_observations(analysis.result)


def test_group_by_must_name_a_column(analysis):
    config = analysis.config.model_copy(update={"explore": analysis.config.explore.model_copy(
        update={"group_by": "platform"})})
    with pytest.raises(ReportInputError, match="explore.group_by names 'platform', which is not a column"):
        group_column(config, analysis.clean.categorical, pd.DataFrame({"country": ["US"]}))


def with_explore(result, **changes):
    return dataclasses.replace(result, explore=dataclasses.replace(result.explore, **changes))


def test_correlation_sentence_names_the_strongest_pair(result):
    strong = {"minutes": {"minutes": 1, "days": -0.8}, "days": {"minutes": -0.8, "days": 1}}
    weak = {"minutes": {"minutes": 1, "days": 0.1}, "days": {"minutes": 0.1, "days": 1}}
    said = correlation_observations(dataclasses.replace(
        result, preprocessing=dataclasses.replace(result.preprocessing, correlation=strong)))
    assert said[0].startswith("The strongest correlation is -0.80, between minutes and days; 1 pair of features")
    said = correlation_observations(dataclasses.replace(
        result, preprocessing=dataclasses.replace(result.preprocessing, correlation=weak)))
    assert said[0] == ("No two numeric features correlate strongly: the largest correlation is +0.10, "
                       "between minutes and days.")


def test_pairs_tied_for_the_strongest_correlation_are_all_named(result):
    """Churn's four minutes-and-charge pairs all read +1.00: naming one as the strongest singles it out wrongly."""
    pairs = {("a", "b"): 0.99999, ("c", "d"): 0.9996, ("a", "c"): 0.3, ("b", "d"): -0.6}
    names = ["a", "b", "c", "d"]
    matrix = {x: {y: 1.0 if x == y else pairs.get((x, y), pairs.get((y, x), 0.0)) for y in names} for x in names}
    said = correlation_observations(dataclasses.replace(
        result, preprocessing=dataclasses.replace(result.preprocessing, correlation=matrix)))
    assert said[0].startswith("The strongest correlations, alike to two decimals, are those between a and b (+1.00) "
                              "and between c and d (+1.00); 3 pairs of features correlate at 0.5 or more")


def test_separation_sentence_follows_the_best_feature(result):
    rows = result.explore.by_class
    first = separation_observations(result)
    among = f" of the {len(rows)} key metrics" if len(rows) > 2 else ""
    assert first[0].startswith(f"{rows[0].label} separates buyers from non-buyers best{among} on its own (ROC AUC "
                               f"{rows[0].separation:.2f})")
    swapped = with_explore(result, by_class=[rows[-1], rows[0]])
    second = separation_observations(swapped)
    assert second[0].startswith(f"{rows[-1].label} separates buyers")
    assert second[1] == (f"{rows[0].label} separates them least (ROC AUC {rows[0].separation:.2f}; "
                         "0.5 is no separation).")


def test_the_best_and_the_least_separating_metrics_are_told_apart_when_two_decimals_tie(result):
    """TikTok's views (0.675) and comments (0.669) both read 0.67, side by side."""
    rows = result.explore.by_class
    close = with_explore(result, by_class=[dataclasses.replace(rows[0], separation=0.6749),
                                           dataclasses.replace(rows[-1], separation=0.669)])
    said = separation_observations(close)
    assert "(ROC AUC 0.675)" in said[0] and said[1].endswith("(ROC AUC 0.669; 0.5 is no separation).")


def test_tied_medians_are_said_with_the_means_and_the_side_that_differs(result):
    rows = result.explore.by_class

    def boxes(negative: tuple, positive: tuple) -> list[BoxStats]:
        return [BoxStats("no", 100, *negative), BoxStats("yes", 10, *positive)]

    at_the_top = dataclasses.replace(rows[0], label="Review score", boxes=boxes((7, 9, 10, 10, 10, 8.89),
                                                                                  (8, 10, 10, 10, 10, 8.98)))
    zeros = dataclasses.replace(rows[0], label="Support requests",
                                boxes=boxes((0, 0, 0, 0, 0, 0.1), (0, 0, 0, 0, 0, 0.3)))
    spread = dataclasses.replace(rows[0], label="Minutes", boxes=boxes((1, 3, 5, 7, 9, 5.2), (1, 3, 5, 7, 9, 5.9)))
    tied = with_explore(result, by_class=[at_the_top, zeros, spread])
    assert separation_observations(tied)[0] == ("Review score separates buyers from non-buyers best of the 3 key "
                                                f"metrics on its own (ROC AUC {at_the_top.separation:.3f}): the "
                                                "median is 10 in both "
                                                "classes, but the mean is 8.98 for buyers against 8.89 for "
                                                "non-buyers.")
    said = box_observations(tied)
    assert said[0] == ("Support requests: the median is 0 in both classes, but the mean (the dot in each box) is "
                       "0.30 for buyers against 0.10 for non-buyers: a minority with larger values makes the "
                       "difference.")
    assert said[1].endswith("for non-buyers: the values away from the median make the difference.")
    flipped = with_explore(result, by_class=[spread, at_the_top])
    assert box_observations(flipped)[0].endswith("for non-buyers: a minority with smaller values makes the difference.")


def test_differing_medians_are_said_for_each_outcome_by_its_name(result):
    rows = result.explore.by_class
    d = result.dataset
    boxes = [BoxStats("no", 100, 20, 25, 30.3, 35, 40, 30), BoxStats("yes", 10, 25, 30, 36.7, 42, 50, 36)]
    charge = dataclasses.replace(rows[0], label="Total day charge", boxes=boxes)
    said = box_observations(with_explore(result, by_class=[rows[0], charge]))
    assert said == [f"Total day charge: median 36.7 for {d.positive_noun}, higher than 30.3 for {d.negative_noun}."]


def test_group_sentence_names_the_extremes(result):
    groups = [GroupRow("US", 50, 0.5, 0.3), GroupRow("IN", 30, 0.3, 0.05), GroupRow("Other", 20, 0.2, 0.1, pooled=True)]
    said = group_observations(with_explore(result, groups=groups, by_group=[]))
    assert said[0] == (f"Across the 2 largest country groups, the share of buyers ranges from 5.0% (IN) to 30.0% (US); "
                       f"the overall share is {result.dataset.positive_rate:.1%}.")
    assert said[1] == "The remaining groups, pooled as 'Other', hold 20% of users and 10.0% of them are buyers."
    flipped = [GroupRow("US", 50, 0.5, 0.02), GroupRow("IN", 50, 0.5, 0.4)]
    assert group_observations(with_explore(result, groups=flipped, by_group=[])) == [
        (f"Across the 2 largest country groups, the share of buyers ranges from 2.0% (US) to 40.0% (IN); "
         f"the overall share is {result.dataset.positive_rate:.1%}.")]


def test_group_medians_name_every_group_that_ties(result):
    groups = [GroupRow("IN", 30, 0.3, 0.1), GroupRow("NG", 20, 0.2, 0.1), GroupRow("GB", 20, 0.2, 0.1),
              GroupRow("Other", 30, 0.3, 0.1, pooled=True)]
    days = FeatureByGroup("days", "Days", [BoxStats(g, 10, 0, 1, median, 3, 4, 2.0)
                                           for g, median in [("IN", 124), ("NG", 124), ("GB", 70), ("Other", 200)]])
    said = group_observations(with_explore(result, groups=groups, by_group=[days]))
    assert said[-1] == "Median days is highest in IN and NG (124) and lowest in GB (70)."


def test_the_note_on_clipped_bars_follows_the_sentences_on_each_metric(result):
    rows = [dataclasses.replace(row, clipped=True) for row in result.explore.by_class]
    said = explore_observations(with_explore(result, by_class=rows))["by_class"]
    assert said[-1] == "Bars stop at the 99th percentile; larger values are counted in the last bar."
    assert said[:-1] == explore_observations(with_explore(result, by_class=[dataclasses.replace(r, clipped=False)
                                                                           for r in rows]))["by_class"]


def test_columns_missing_the_very_same_rows_are_found_so():
    from reportgen.explore import missing_together

    table = pd.DataFrame({"a": [1, None, 3, None], "b": ["x", None, "y", None], "c": [1, 2, 3, 4]})
    assert missing_together(table)
    table.loc[0, "b"] = None
    assert not missing_together(table)
    assert not missing_together(table[["a", "c"]])


def test_missing_sentence_follows_the_counts(result):
    assert missing_observations(result) == ["No column has a missing value in the 400 rows read."]
    some = with_explore(result, missing=[MissingRow("age", "Age", 30, 0.075), MissingRow("city", "City", 2, 0.005)])
    assert missing_observations(some)[0].startswith("2 columns of the table have missing values, most of all age "
                                                    "(30 rows, 7.5%)")
    alike = with_explore(result, missing=[MissingRow("age", "Age", 30, 0.075), MissingRow("city", "City", 30, 0.075)])
    assert missing_observations(alike)[0].startswith("2 columns of the table each miss 30 rows (7.5%). Missing")
    together = dataclasses.replace(alike, explore=dataclasses.replace(alike.explore, missing_together=True))
    assert missing_observations(together)[0].startswith("2 columns of the table each miss 30 rows (7.5%), the same "
                                                        "rows in all of them. Missing")
    one = with_explore(result, missing=[MissingRow("age", "Age", 30, 0.075)])
    assert missing_observations(one)[0].startswith("Only age has missing values (30 rows, 7.5%). Missing feature")
    filled = dataclasses.replace(some, models=[dataclasses.replace(m, missing_as_is=False) for m in some.models])
    boosted = dataclasses.replace(some, models=[dataclasses.replace(m, missing_as_is=m.name == "decision_tree")
                                                for m in some.models])
    assert missing_observations(filled)[0].endswith(
        "Missing feature values are imputed inside the model pipeline (see the preprocessing log).")
    assert missing_observations(boosted)[0].endswith(
        "imputed inside the model pipeline, except in the decision tree, which takes them as they are "
        "(see the preprocessing log).")


def test_group_by_must_be_categorical_in_the_config(make_config):
    table = pd.DataFrame({"plan": ["a", "b"] * 10, "spend": range(20), "y": [0, 1] * 10})
    with pytest.raises(ReportInputError, match="explore.group_by 'spend' is typed numeric; name a categorical column"):
        make_config(table, types={"spend": "numeric"}, explore={"group_by": "spend"})
    assert make_config(table, explore={"group_by": "plan", "groups": 3}).explore.groups == 3

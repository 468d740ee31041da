"""Drivers the report may name (issue 23): intervals clear of zero, levers only where the config
declares them, and one sentence where the logit or the segments read a driver differently
(reportgen/driver_checks.py, the driver sentences of reportgen/interpret.py, evaluate.drivers'
intervals)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from reportgen.clean import candidate_columns
from reportgen.driver_checks import driver_checks
from reportgen.errors import ReportInputError
from reportgen.narrative import interpret
from reportgen.narrative.drivers import driver_notes
from reportgen.narrative.questions import answer_rely, answer_use
from reportgen.result import Coefficient, Driver, DriverGroup, SegmentProfile, Segments
from reportgen.uncertainty import importance_intervals

BUYERS_HIGHER = "higher among buyers: median 120 vs 40 for non-buyers"


def driver(feature: str, importance: float, low: float, high: float, **changes) -> Driver:
    """A driver as evaluate.drivers makes it: `above_zero` from the importance and its interval."""
    return Driver(feature=feature, label=feature.capitalize(), importance=importance, direction=BUYERS_HIGHER,
                  importance_low=low, importance_high=high, above_zero=importance > 0 and low > 0,
                  **{"sign": 1, **changes})


def coefficient(feature: str, coef: float, significant: bool = True) -> Coefficient:
    return Coefficient(feature=feature, label=feature.capitalize(), coef=coef, std_err=0.01, z=coef / 0.01,
                       pvalue=1e-6 if significant else 0.4, ci_low=coef - 0.02, ci_high=coef + 0.02,
                       odds_ratio=math.exp(coef), significant=significant)


def segments_apart(feature: str) -> Segments:
    """Two segments, the first named by `feature` standing out in it."""
    return Segments(k=2, silhouette=0.4, curve={2: 0.4, 3: 0.3}, profiles=[
        SegmentProfile(name=f"High {feature}", size=60, share=0.6, conversion_rate=0.4, typical={feature: 3.0},
                       deviation={feature: 1.3}),
        SegmentProfile(name="Close to typical", size=40, share=0.4, conversion_rate=0.1, typical={feature: 1.0},
                       deviation={feature: -0.2}),
    ], features=[feature], distinct_at=0.5)


def checked(result, drivers=None, coefficients=None, segments=None, levers=None, converged=True):
    """The result with the given drivers, logit terms, segments and declared levers, checked and
    interpreted again as the engine does."""
    drivers = result.drivers if drivers is None else drivers
    logit = dataclasses.replace(result.logit, converged=converged,
                                coefficients=result.logit.coefficients if coefficients is None else coefficients)
    settings = {**result.settings, "levers": levers or []}
    changed = dataclasses.replace(result, drivers=drivers, logit=logit, segments=segments, settings=settings)
    changed = dataclasses.replace(changed, driver_checks=driver_checks(drivers, logit, segments))
    return interpret(dataclasses.replace(changed, summary=None, questions=[]))


@pytest.fixture
def result(stored_synthetic_result):
    return stored_synthetic_result


def test_a_driver_is_called_a_lever_only_when_the_config_declares_it(result):
    drivers = [driver("minutes", 0.2, 0.1, 0.3), driver("days", 0.1, 0.05, 0.15, sign=-1)]
    bare = checked(result, drivers)
    declared = checked(result, [dataclasses.replace(drivers[0], lever=True), drivers[1]], levers=["minutes"])

    assert bare.summary.driver_notes[0] == (
        "The behaviours above predict the outcome; none is shown to cause it, and the report was not told which of "
        "them the business can change: test a change with an experiment before rolling it out.")
    assert ("Say which of these behaviours the business can change (the analyst lists them under 'levers' in the "
            "configuration), so that the report can tell which driver to act on; then test the strongest with an "
            "experiment.") in bare.questions[5].points
    quiet = checked(result, drivers, levers=["days_idle"])
    assert ("None of the declared levers (days_idle) measurably drives the score, so the report cannot say which "
            "driver to act on: declare others the business can change, then test the strongest with an "
            "experiment.") in quiet.questions[5].points
    assert declared.summary.driver_notes[0].startswith("Behaviours tagged lever are ones the business can change")
    assert "lever" not in bare.summary.action and "lever" not in declared.summary.action
    assert "Test minutes with an experiment" in " ".join(declared.questions[5].points)

    assert "(predictive, not causal; none is a declared lever)." in answer_rely(bare).short
    assert "(predictive, not causal; of these, only minutes is a declared lever)." in answer_rely(declared).short
    assert "Design actions around the declared levers that drive the score, first minutes" in \
        " ".join(answer_use(declared).points)


def test_a_driver_marked_not_a_lever_carries_its_reason_in_the_table(result):
    drivers = [driver("days", 0.4, 0.3, 0.5, actionable=False), driver("minutes", 0.2, 0.1, 0.3)]
    read = checked(result, drivers, coefficients=[])
    days, minutes = read.summary.drivers
    note = read.dataset.notes.get("days", "marked as not actionable in the configuration")
    assert days.note == note[:1].upper() + note[1:]
    assert minutes.note == ""
    assert not any("not a lever" in c for c in read.summary.caveats)


def test_declared_levers_that_are_not_drivers_are_named_as_such(result):
    drivers = [driver("minutes", 0.2, 0.1, 0.3), driver("exams", 0.01, -0.01, 0.03, lever=True)]
    read = checked(result, drivers, levers=["exams"])
    assert read.summary.driver_notes[0].startswith("None of the declared levers (exams) measurably drives the "
                                                   "score, so the behaviours above predict the outcome")


def test_drivers_whose_interval_includes_zero_are_not_listed(result):
    drivers = [driver("minutes", 0.2, 0.1, 0.3), driver("noise", 0.01, -0.005, 0.02),
               driver("days", -0.002, -0.004, 0.001, sign=-1)]
    read = checked(result, drivers, coefficients=[])
    assert [x.feature for x in read.summary.drivers] == ["minutes"]
    rely = answer_rely(read)
    assert rely.short.endswith("; minutes drives its predictions most (predictive, not causal; not a declared lever).")
    assert "95% interval 0.100 to 0.300" in rely.points[-2]
    assert rely.points[-1].startswith("Not listed as drivers: noise and days.")

    none_clear = checked(result, drivers[1:])
    assert none_clear.summary.drivers == []
    assert answer_rely(none_clear).short.endswith("; no feature measurably drives its predictions.")
    assert none_clear.summary.driver_notes[0].startswith("No behaviour measurably drives the model's ranking")


def test_an_unlisted_feature_that_moves_with_a_listed_driver_is_said_apart(result):
    """A charge that is minutes times a rate: shuffled alone, the minutes still tell the model the same."""
    drivers = [driver("minutes", 0.2, 0.1, 0.3), driver("charge", 0.001, -0.002, 0.004),
               driver("fees", 0.002, -0.001, 0.005), driver("noise", 0.01, -0.005, 0.02)]
    pairs = {("charge", "minutes"): 1.0, ("fees", "minutes"): -0.96, ("minutes", "noise"): 0.94}
    names = ["charge", "fees", "minutes", "noise"]
    correlation = {a: {b: 1.0 if a == b else pairs.get(tuple(sorted((a, b))), 0.0) for b in names} for a in names}
    near = dataclasses.replace(result, preprocessing=dataclasses.replace(result.preprocessing,
                                                                         correlation=correlation))
    point = answer_rely(checked(near, drivers, coefficients=[])).points[-1]
    assert point == ("Not listed as drivers: noise. Shuffling it does not measurably lower the model's test PR AUC "
                     "(the 95% interval of the drop includes zero, or the drop is not positive). Charge and fees are "
                     "not listed either, but each moves with a listed driver (minutes, correlation 1.00; minutes, "
                     "correlation -0.96): shuffled alone, each leaves the driver it moves with to tell the model the "
                     "same, so its own drop cannot be told from zero.")
    alone = answer_rely(checked(near, drivers[:2], coefficients=[])).points[-1]
    assert alone == ("Charge is not listed, but it moves with a listed driver (minutes, correlation 1.00): shuffled "
                     "alone, it leaves minutes to tell the model the same, so its own drop cannot be told from zero.")


def test_features_that_move_together_are_read_by_what_they_carry_shuffled_together(result):
    """Orange juice's prices and discounts: each shuffled alone, the others stand in for it."""
    drivers = [driver("minutes", 0.2, 0.1, 0.3), driver("price", 0.001, -0.01, 0.01),
               driver("discount", -0.002, -0.01, 0.008), driver("sale", 0.0, -0.01, 0.01)]
    carrying = DriverGroup(["price", "discount"], ["Price", "Discount"], 0.031, 0.012, 0.05, 0.82, 0.999,
                           above_zero=True)
    idle = DriverGroup(["discount", "sale"], ["Discount", "Sale"], 0.004, -0.01, 0.02, 0.7043, 0.7043)
    together = checked(dataclasses.replace(result, driver_groups=[carrying]), drivers, coefficients=[])
    point = answer_rely(together).points[-1]
    assert point.endswith("Price and discount move together (correlations 0.82 to 0.99), so each shuffled alone "
                          "leaves the others to stand in for it; shuffled together, they lower the model's test PR AUC "
                          "by 0.031 (95% interval 0.012 to 0.050): between them they carry what none measurably does "
                          "alone.")
    assert together.summary.driver_notes[0] == (
        "Not in the table, as none counts alone: price and discount move together (correlations 0.82 to 0.99), and "
        "scrambled together they lower the model's ranking quality by 0.031 (95% interval 0.012 to 0.050).")
    apart = checked(dataclasses.replace(result, driver_groups=[idle]), drivers, coefficients=[])
    assert answer_rely(apart).points[-1].endswith(
        "Features that move together, shuffled together so that none stands in for another, do not measurably lower "
        "it either: discount and sale (correlation 0.70; a drop of 0.004, 95% interval -0.010 to 0.020).")
    assert not any(note.startswith("Not in the table") for note in apart.summary.driver_notes)


def test_the_run_shuffles_together_only_unlisted_features_that_move_together(stored_students_result):
    """The students' exam counts and minutes move together (0.76 to 0.93) and are not listed."""
    result = stored_students_result
    assert result.driver_groups
    unlisted = {x.feature for x in result.drivers if not x.above_zero}
    correlation = result.preprocessing.correlation
    for group in result.driver_groups:
        assert set(group.features) <= unlisted and len(group.features) >= 2
        assert group.above_zero == (group.importance > 0 and group.importance_low > 0)
        assert all(any(abs(correlation[a][b]) >= 0.7 for b in group.features if b != a) for a in group.features)


def test_a_pure_noise_column_is_measured_but_not_listed(result):
    noise = next(x for x in result.drivers if x.feature == "noise")
    assert noise.importance_low is not None and not noise.above_zero
    assert noise not in result.listed_drivers and noise not in result.summary.drivers
    for x in result.drivers:
        assert x.above_zero == (x.importance > 0 and x.importance_low > 0)


def test_importance_intervals_follow_the_shuffled_scores():
    rng = np.random.default_rng(0)
    y = (rng.random(400) < 0.3).astype(int)
    base = y + rng.normal(0, 0.5, 400)
    useful = [rng.permutation(base) for _ in range(3)]
    useless = [base.copy() for _ in range(3)]
    low_high = importance_intervals(y, [base, *useful, *useless], repeats=3, seed=1)
    assert low_high.shape == (2, 2)
    assert low_high[0, 0] > 0.2
    assert low_high[1] == pytest.approx([0.0, 0.0], abs=1e-12)


def test_a_raw_direction_against_a_significant_logit_coefficient_gets_one_sentence(result):
    drivers = [driver("minutes", 0.2, 0.1, 0.3), driver("days", 0.1, 0.05, 0.15, sign=-1)]
    against = checked(result, drivers, [coefficient("minutes", -0.05), coefficient("days", -0.01)])
    along = checked(result, drivers, [coefficient("minutes", 0.05), coefficient("days", -0.01)])

    assert [x.feature for x in against.driver_checks.disagreements] == ["minutes"]
    _, note = against.summary.driver_notes
    assert note.startswith("Minutes is higher among buyers, yet its logit coefficient is negative: holding the "
                           "other features fixed, each extra unit of minutes lowers the odds by 4.9%")
    assert note in against.questions[6].points
    assert along.driver_checks.disagreements == [] and along.summary.driver_notes[1:] == []

    unsure = checked(result, drivers, [coefficient("minutes", -0.05)], converged=False)
    assert unsure.driver_checks.disagreements == []


def test_a_logit_and_segment_signal_missing_from_the_drivers_table_gets_one_sentence(result):
    drivers = [driver("minutes", 0.2, 0.1, 0.3), driver("exams", 0.002, -0.002, 0.006)]
    missing = checked(result, drivers, [coefficient("exams", 0.3)], segments_apart("exams"))
    unlisted, = missing.driver_checks.unlisted
    assert (unlisted.feature, unlisted.segments, unlisted.rank) == ("exams", ["High exams"], None)
    note, = driver_notes(missing)
    assert note in missing.questions[6].points and missing.summary.driver_notes[1:] == []
    assert note.startswith("Exams is significant in the logit and stands out in the segment 'High exams', yet it is "
                           "not in the drivers table: shuffling it changes the")
    assert "by 0.002 (95% interval -0.002 to 0.006), which cannot be told from zero" in note

    clear = [drivers[0], driver("exams", 0.05, 0.02, 0.08)]
    shown = checked(result, clear, [coefficient("exams", 0.3)], segments_apart("exams"))
    assert shown.driver_checks.unlisted == [] and driver_notes(shown) == []

    against = checked(result, drivers, [coefficient("exams", -0.3)], segments_apart("exams"))
    sign_note, also = driver_notes(against)
    assert against.summary.driver_notes[1:] == []  # exams is not in the drivers table: question 7 only
    assert sign_note.startswith("Exams is higher among buyers, yet its logit coefficient is negative")
    assert also.startswith("It is also significant in the logit and stands out in the segment 'High exams'")

    many = [driver(f"f{i}", 0.5 - i / 20, 0.01, 0.6) for i in range(5)] + [driver("exams", 0.02, 0.01, 0.03)]
    below = checked(result, many, [coefficient("exams", 0.3)], segments_apart("exams"))
    assert "it ranks 6th among the drivers, below the 5 the table shows" in driver_notes(below)[0]


def test_unknown_or_contradictory_levers_are_one_line_input_errors(make_config):
    frame = pd.DataFrame({"minutes": [1.0, 2.0, 3.0, 4.0], "days": [1, 2, 3, 4], "y": [0, 1, 0, 1]})
    config = make_config(frame, levers=["minutes_watched"])
    with pytest.raises(ReportInputError, match="minutes_watched") as error:
        candidate_columns(frame, config)
    assert "\n" not in str(error.value)
    assert candidate_columns(frame, make_config(frame, levers=["minutes"])) == ["minutes", "days"]
    with pytest.raises(ReportInputError, match="levers lists days, also under 'not_actionable'") as error:
        make_config(frame, levers=["days"], not_actionable=["days"])
    assert "\n" not in str(error.value)


def test_the_drivers_table_tags_levers_and_shows_the_notes(result):
    from reportgen.render import render_html

    drivers = [driver("minutes", 0.2, 0.1, 0.3, lever=True), driver("noise", 0.01, -0.005, 0.02)]
    read = checked(result, drivers, [coefficient("minutes", -0.05)], levers=["minutes"])
    html = render_html(read)
    table = html.split('<table class="drivers">')[1].split("</table>")[0]
    assert 'Minutes <span class="tag">lever</span>' in table and "Noise" not in table
    assert "0.100 to 0.300" in table
    assert read.summary.driver_notes[1] in html.replace("&#39;", "'")


def test_a_results_file_without_intervals_or_checks_still_loads(result, tmp_path):
    import json

    from reportgen.result import load_result, to_json

    data = json.loads(to_json(result))
    del data["driver_checks"]
    for x in data["drivers"]:
        for key in ("lever", "importance_low", "importance_high", "above_zero", "sign"):
            del x[key]
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_result(path)
    assert all(x.above_zero and x.importance_low is None for x in loaded.drivers)
    assert loaded.driver_checks.disagreements == []

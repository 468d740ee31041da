"""reportgen/dependence.py: when the recommended model leans on one feature, the same family refitted without
it, measured on the test rows; the config's `known_before_outcome`, `reportgen init`'s question, and the
'Read with care' sentence."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pandas as pd
import pytest
from conftest import run_cli, write_dataset
from sklearn.metrics import average_precision_score
from sklearn.tree import DecisionTreeClassifier

from reportgen.clean import clean
from reportgen.config import ModelSpec, load_config
from reportgen.dependence import (
    Refit,
    dependence,
    drivers_and_refit,
    found_share,
    hinted_after,
    leaning,
    refitted,
    scores_without,
    without_feature,
)
from reportgen.engine import analyse
from reportgen.errors import ReportInputError
from reportgen.infer import infer
from reportgen.init import init_config
from reportgen.load import load
from reportgen.model import tune
from reportgen.narrative import interpret
from reportgen.narrative.summary import dependence_caveat
from reportgen.result import Dependence, Driver, StrengthKind


def calls_frame(rows: int = 300, seed: int = 3) -> pd.DataFrame:
    """A marketing table whose outcome follows the call's duration (known only once the call is over)
    much more than the customer's age or balance."""
    rng = np.random.default_rng(seed)
    duration = rng.gamma(2.0, 120.0, rows).round(1)
    age = rng.integers(18, 80, rows)
    balance = rng.normal(1000, 400, rows).round(2)
    log_odds = -3.0 + 0.012 * duration + 0.01 * (age - 50)
    return pd.DataFrame({"age": age, "balance": balance, "call_duration": duration,
                         "subscribed": (rng.random(rows) < 1 / (1 + np.exp(-log_odds))).astype(int)})


TREE_ONLY = {"target": {"column": "subscribed"}, "search": {"cv": 3, "tuning_cv": 2, "n_jobs": 1},
             "imbalance": {"strategies": ["none"]}, "ensemble": False,
             "models": [{"name": "logistic_regression"}, {"name": "decision_tree", "grid": {"max_depth": [3]}}]}


@pytest.fixture
def result(stored_synthetic_result):
    return stored_synthetic_result


@pytest.fixture
def prepared(make_config):
    config = infer(make_config(calls_frame(), name="calls", **TREE_ONLY)).config
    return config, clean(load(config), config)


def a_driver(feature: str, importance: float) -> Driver:
    return Driver(feature=feature, label=feature.capitalize(), importance=importance, direction="")


def test_the_strongest_driver_is_leaned_on_when_it_carries_most_of_the_importance_or_of_the_lift():
    mostly = [a_driver("a", 0.6), a_driver("b", 0.2), a_driver("c", -0.01)]
    found = leaning(mostly, pr_auc=0.9, base_rate=0.1, silenced=set())
    assert (found.driver.feature, found.share, found.lift_share) == ("a", 0.75, 0.75)
    assert leaning(mostly, 0.9, 0.1, silenced={"a"}) is None
    spread = [a_driver("a", 0.2), a_driver("b", 0.2), a_driver("c", 0.2)]
    assert leaning(spread, 0.9, 0.1, set()) is None
    by_lift = leaning([a_driver("a", 0.45), a_driver("b", 0.3), a_driver("c", 0.3)], 0.9, 0.1, set())
    assert by_lift.share < 0.5 <= by_lift.lift_share
    assert leaning([a_driver("a", 0.6)], 0.9, 0.1, set()) is None
    assert leaning([a_driver("a", -0.1), a_driver("b", 0.0)], 0.9, 0.1, set()) is None


def test_names_that_suggest_a_measure_taken_after_the_outcome():
    assert hinted_after("call_duration") and hinted_after("RefundIssued") and hinted_after("days_until_churn")
    assert not hinted_after("minutes_watched") and not hinted_after("poutcome") and not hinted_after("balance")


def test_the_refit_has_the_tuned_settings_and_without_the_feature_equals_scikit_learn(prepared):
    config, data = prepared
    fitted = tune(ModelSpec(name="decision_tree", grid={"max_depth": [3]}), data, config)
    same = refitted(fitted, data, config)
    assert np.array_equal(same.predict_proba(data.x_test), fitted.pipeline.predict_proba(data.x_test))

    rest = without_feature(data, "call_duration")
    assert "call_duration" not in [*rest.x_train, *rest.x_test, *rest.numeric, *rest.columns]
    tree = DecisionTreeClassifier(max_depth=3, random_state=config.seed)
    tree.fit(data.x_train[["age", "balance"]], data.y_train)
    expected = tree.predict_proba(data.x_test[["age", "balance"]])[:, 1]
    assert np.allclose(scores_without(fitted, [], data, config, "call_duration"), expected)


def test_the_refit_learns_nothing_from_the_test_rows(prepared):
    config, data = prepared
    fitted = tune(ModelSpec(name="decision_tree", grid={"max_depth": [3]}), data, config)
    probe = data.x_train.head(50).drop(columns=["call_duration"])
    rest = without_feature(data, "call_duration")
    scrambled = dataclasses.replace(rest, x_test=rest.x_test.sample(frac=1.0, random_state=1) * 7,
                                    y_test=1 - rest.y_test)
    assert np.array_equal(refitted(fitted, rest, config).predict_proba(probe),
                          refitted(fitted, scrambled, config).predict_proba(probe))


def test_an_ensemble_is_refitted_member_by_member_and_averaged(prepared):
    config, data = prepared
    members = [tune(ModelSpec(name=name, grid=grid), data, config)
               for name, grid in [("decision_tree", {"max_depth": [3]}), ("logistic_regression", None)]]
    rest = without_feature(data, "call_duration")
    each = [refitted(m, rest, config).predict_proba(rest.x_test)[:, 1] for m in members]
    averaged = scores_without(members[0], members, data, config, "call_duration")
    assert np.allclose(averaged, np.mean(each, axis=0))


def test_both_models_are_measured_on_the_same_number_of_contacted_test_rows(prepared):
    config, data = prepared
    from reportgen.dependence import Leaning, Refit

    y = data.y_test.to_numpy()
    rng = np.random.default_rng(0)
    scores, without = y + rng.normal(0, 0.5, len(y)), rng.random(len(y))
    fact = dependence(Refit(Leaning(a_driver("call_duration", 0.5), 0.8, 0.9), without), y, scores, 12, config)
    top = np.argsort(-scores, kind="mergesort")[:12]
    assert fact.found == pytest.approx(y[top].sum() / y.sum(), abs=1e-6)
    assert fact.found_without == pytest.approx(found_share(y, without, 12), abs=1e-6)
    assert fact.pr_auc == pytest.approx(average_precision_score(y, scores), abs=1e-6)
    assert fact.pr_auc_without == pytest.approx(average_precision_score(y, without), abs=1e-6)
    assert (fact.contacted, fact.fraction, fact.hinted_after, fact.carries_most) == (12, round(12 / len(y), 6),
                                                                                    True, True)


def a_dependence(**changes) -> Dependence:
    base = {"feature": "days", "label": "Days on platform", "share": 0.79, "lift_share": 0.92, "carries_most": True,
            "pr_auc": 0.86, "pr_auc_without": 0.40, "found": 0.80, "found_without": 0.43, "contacted": 332,
            "fraction": 0.094, "base_rate": 0.092, "hinted_after": False}
    return Dependence(**{**base, **changes})


def test_read_with_care_sets_the_model_without_the_feature_beside_it(result):
    d = result.dataset
    leaning_on = caveat_of(result, a_dependence())
    assert leaning_on == (f"The recommended model leans on days on platform: it carries 79% of the summed weight "
                          f"of the behaviours that weigh anything. Refitted without it with the same settings, the "
                          f"model finds 43% of {d.positive_noun} instead of 80%, flagging as many {d.unit} (9% of "
                          f"them; PR AUC 0.400 instead of 0.860): if days on platform is only known after the "
                          f"outcome, that is the figure to plan on.")
    hinted = caveat_of(result, a_dependence(label="Call duration", hinted_after=True))
    assert "its name suggests it is measured after or up to the outcome" in hinted
    assert "unless call duration is known before the outcome, that is the figure to plan on" in hinted
    clear = dataclasses.replace(result, strength=dataclasses.replace(result.strength, kind=StrengthKind.CLEAR))
    headline = interpret(dataclasses.replace(clear, dependence=a_dependence())).summary.headline
    assert headline.endswith("It leans on days on platform: if that is only known after the outcome, it finds 43%.")
    assert caveat_of(clear, a_dependence()).endswith("(9% of them; PR AUC 0.400 instead of 0.860).")
    assert caveat_of(clear, a_dependence(label="Call duration", hinted_after=True)).endswith("instead of 0.860).")
    shouted = interpret(dataclasses.replace(clear, dependence=a_dependence(label="STORE"))).summary.headline
    assert shouted.endswith("It leans on STORE: if that is only known after the outcome, it finds 43%.")  # not sTORE
    holds = caveat_of(result, a_dependence(share=0.3, lift_share=0.55, carries_most=False, pr_auc_without=0.84,
                                           found_without=0.78))
    assert holds.startswith("The recommended model weighs days on platform most (shuffling it alone takes away 55% "
                            "of the model's gain in PR AUC over a random ranking), yet refitted without it")
    assert holds.endswith("still finds 78% of " + d.positive_noun + " instead of 80%, flagging as many "
                          + d.unit + " (9% of them; PR AUC 0.840 instead of 0.860): "
                          "the other features carry most of what it does.")
    assert len({leaning_on, hinted, holds}) == 3


def caveat_of(result, fact: Dependence) -> str:
    text = dependence_caveat(dataclasses.replace(result, dependence=fact))
    read = interpret(dataclasses.replace(result, dependence=fact)).summary.caveats
    assert text in read and not any("None" in c or "nan" in c for c in read)
    return text


def test_without_a_dependence_read_with_care_says_nothing_of_it(result):
    caveats = interpret(dataclasses.replace(result, dependence=None)).summary.caveats
    assert not any("leans on" in c or "weighs" in c for c in caveats)


def test_a_refit_that_fails_is_said_to_have_failed_and_the_run_goes_on(prepared, monkeypatch, result):
    config, data = prepared
    fitted = tune(ModelSpec(name="decision_tree", grid={"max_depth": [3]}), data, config)

    def cannot_fit(*_):
        raise ValueError("no numeric feature left\nsecond line")

    monkeypatch.setattr("reportgen.dependence.scores_without", cannot_fit)
    found, _, refit = drivers_and_refit(fitted, [], data, config)
    assert found and refit is not None and refit.scores is None and refit.failure == "no numeric feature left"
    fact = dependence(refit, data.y_test, fitted.scores(data.x_test), 10, config)
    assert (fact.pr_auc_without, fact.found_without, fact.refit_failure) == (None, None, "no numeric feature left")
    failed = caveat_of(result, a_dependence(pr_auc_without=None, found_without=None,
                                            refit_failure="no numeric feature left"))
    assert failed == ("The recommended model leans on days on platform: it carries 79% of the summed weight of "
                      "the behaviours that weigh anything. Refitting it without days on platform failed (no numeric "
                      "feature left), so the report cannot say what it finds without it: if days on platform is only "
                      "known after the outcome, the figures above overstate what the model can do.")
    assert failed != caveat_of(result, a_dependence())
    assert isinstance(refit, Refit)


def test_known_before_outcome_names_columns_of_the_table(make_config):
    config = make_config(calls_frame(), name="calls", **TREE_ONLY, known_before_outcome={"duraton": False})
    with pytest.raises(ReportInputError, match="'known_before_outcome' names duraton: not a column of") as error:
        clean(load(config), config)
    assert "\n" not in str(error.value)


def test_a_column_known_only_after_the_outcome_is_left_out_and_said_so(make_config):
    config = make_config(calls_frame(), name="calls", **TREE_ONLY, known_before_outcome={"call_duration": False})
    result = analyse(config).result
    assert "call_duration" not in result.dataset.features
    column = next(c for c in result.preprocessing.columns if c.column == "call_duration")
    assert column.use == "left out"
    assert column.reason == "declared known only after the outcome (known_before_outcome: false)"
    assert ("Left out call_duration: declared known only after the outcome (known_before_outcome: false)."
            in result.preprocessing.notes)
    assert result.dependence is None or result.dependence.feature != "call_duration"


def test_a_column_known_before_the_outcome_silences_the_check(make_config):
    leaning_run = analyse(make_config(calls_frame(), name="calls", **TREE_ONLY)).result
    assert leaning_run.dependence.feature == "call_duration" and leaning_run.dependence.hinted_after
    silenced = analyse(make_config(calls_frame(), name="calls", **TREE_ONLY,
                                   known_before_outcome={"call_duration": True})).result
    assert silenced.dependence is None
    assert "call_duration" in silenced.dataset.features


def test_init_asks_whether_each_suspect_column_is_known_before_the_outcome(tmp_path):
    frame = calls_frame()
    frame["refund"] = np.where(frame["subscribed"] == 1, "no", "yes")
    frame.to_csv(tmp_path / "calls.csv", index=False)
    text = init_config(tmp_path / "calls.csv", "subscribed")
    lines = text.splitlines()
    start = lines.index("# known_before_outcome:")
    asked = lines[start + 1:]
    assert asked == [
        ("#   call_duration: false  # is call_duration known before the outcome? its name suggests it is measured "
         "after or up to the outcome"),
        "#   refund: false         # is refund known before the outcome? it alone separates the outcomes"]
    uncommented = "\n".join([*lines[:start - 2], *(line[2:] for line in lines[start:])])
    path = tmp_path / "calls.yaml"
    path.write_text(uncommented, encoding="utf-8")
    assert load_config(path).known_before_outcome == {"call_duration": False, "refund": False}
    plain = calls_frame().rename(columns={"call_duration": "minutes_on_call"})
    plain.to_csv(tmp_path / "plain.csv", index=False)
    assert "known_before_outcome" not in init_config(tmp_path / "plain.csv", "subscribed")


def test_the_report_sets_the_model_without_the_feature_beside_it(tmp_path):
    config = write_dataset(tmp_path, calls_frame(), {"name": "calls", "unit": "customers", **TREE_ONLY})
    completed = run_cli("run", "--config", str(config), "--out", "out", "--no-pdf", "-q", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    results = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))
    fact = results["dependence"]
    assert fact["feature"] == "call_duration" and fact["hinted_after"]
    best = next(m for m in results["models"] if m["name"] == results["best_model"])
    assert fact["pr_auc"] == pytest.approx(best["test"]["pr_auc"], abs=1e-6)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "Refitted without it with the same settings" in html
    assert f"finds {fact['found_without']:.0%}" in html


def test_the_headline_gives_the_figure_without_the_feature_only_when_the_model_does_not_hold_up(result):
    unrated = dataclasses.replace(result, strength=None)
    leaning = interpret(dataclasses.replace(unrated, dependence=a_dependence())).summary.headline
    assert leaning.endswith("It leans on days on platform: if that is only known after the outcome, it finds 43%.")
    holding = interpret(dataclasses.replace(unrated, dependence=a_dependence(
        share=0.3, lift_share=0.55, carries_most=False, pr_auc_without=0.84, found_without=0.78))).summary.headline
    assert "It leans on" not in holding
    weak = dataclasses.replace(result, dependence=a_dependence(), strength=dataclasses.replace(
        result.strength, kind=StrengthKind.WEAK))
    assert "It leans on" not in interpret(weak).summary.headline

"""reportgen/strength.py: a recommended model whose PR AUC interval starts close to the base rate is weak,
and the summary leads with it and says how little contacting by it buys."""

from __future__ import annotations

import dataclasses

import pytest

from reportgen.narrative import interpret
from reportgen.narrative.summary import weak_model_lead
from reportgen.narrative.targeting import action_words, little_gained
from reportgen.result import Strength, StrengthKind
from reportgen.strength import closeness_margin, model_strength


@pytest.fixture
def result(stored_synthetic_result):
    return stored_synthetic_result


def with_interval(model, low: float, high: float, pr_auc: float):
    return dataclasses.replace(model, test=dataclasses.replace(model.test, pr_auc=pr_auc),
                               test_ci={**model.test_ci, "pr_auc": [low, high]})


def with_top_precisions(targeting, top5: float, top10: float):
    changed = {0.05: top5, 0.1: top10}
    return [dataclasses.replace(row, precision=changed[row.top_fraction]) if row.top_fraction in changed else row
            for row in targeting]


def test_close_means_within_the_base_rate_or_a_tenth_of_the_way_to_one():
    assert closeness_margin(0.063) == pytest.approx(0.063)
    assert closeness_margin(0.5) == pytest.approx(0.05)


def test_weak_when_the_interval_starts_close_to_the_base_rate(result):
    tiktok_like = model_strength(with_interval(result.best, 0.0864, 0.1226, 0.1012), 0.0629,
                                 with_top_precisions(result.targeting, 0.089, 0.115))
    assert (tiktok_like.kind, tiktok_like.pr_auc_low, tiktok_like.top_inverted) == (StrengthKind.WEAK, 0.0864, True)
    students_like = model_strength(with_interval(result.best, 0.8241, 0.8957, 0.8604), 0.0922,
                                   with_top_precisions(result.targeting, 0.96, 0.76))
    assert (students_like.kind, students_like.top_inverted) == (StrengthKind.CLEAR, False)
    common = model_strength(with_interval(result.best, 0.54, 0.7, 0.62), 0.5, result.targeting)
    assert common.kind == StrengthKind.WEAK and common.margin == pytest.approx(0.05)


def test_without_an_interval_the_point_figure_decides(result):
    best = dataclasses.replace(result.best, test_ci={})
    found = model_strength(best, 0.05, result.targeting)
    assert found.pr_auc_low == found.pr_auc_high == best.test.pr_auc


def a_strength(kind: StrengthKind, top_inverted: bool = False) -> Strength:
    return Strength(kind=kind, pr_auc=0.101, pr_auc_low=0.086, pr_auc_high=0.123, base_rate=0.063, margin=0.063,
                    roc_auc=0.676, top_inverted=top_inverted)


def test_a_weak_model_leads_the_headline_and_the_action_says_how_little_it_buys(result):
    result = dataclasses.replace(result, targeting=with_top_precisions(result.targeting, 0.089, 0.115))
    d = result.dataset
    top10 = next(r for r in result.targeting if r.top_fraction == 0.1)
    weak = interpret(dataclasses.replace(result, strength=a_strength(StrengthKind.WEAK, top_inverted=True)))
    assert weak.summary.headline.startswith(
        f"The {result.best.label.lower()} ranks {d.positive_noun} only a little better than chance: its test PR AUC "
        f"is 0.101 (95% interval 0.086 to 0.123) against 0.063 for a random ranking, and its ROC AUC 0.68. ")
    acting = action_words(d).gerund.capitalize()
    assert weak.summary.action.startswith(
        f"{acting} by this model's scores buys little: of the 10% of {d.unit} it scores highest, 11.5% {d.predicate}, "
        f"{top10.lift:.1f}× the 6.3% of {d.unit} picked at random, and of the top 5% fewer (8.9%): its ranking is "
        f"unreliable at the very top. ")
    steady = interpret(dataclasses.replace(result, strength=a_strength(StrengthKind.WEAK)))
    assert "buys little" in steady.summary.action and "unreliable" not in steady.summary.action

    clear = interpret(dataclasses.replace(result, strength=a_strength(StrengthKind.CLEAR)))
    assert clear.summary.headline.startswith(f"{d.positive_rate:.1%} of ")
    assert "buys little" not in clear.summary.action and not weak_model_lead(clear) and not little_gained(clear)
    for summary in (weak.summary, clear.summary):
        assert "None" not in summary.headline + summary.action and "nan" not in summary.headline + summary.action


def test_the_facts_round_trip_through_results_json_and_older_files_still_load(result, tmp_path):
    import json

    from reportgen.result import Dependence, load_result, to_json

    fact = Dependence(feature="minutes", label="Minutes", share=0.8, lift_share=0.9, carries_most=True, pr_auc=0.5,
                      pr_auc_without=0.3, found=0.4, found_without=0.2, contacted=10, fraction=0.1, base_rate=0.25)
    with_facts = dataclasses.replace(result, dependence=fact, strength=a_strength(StrengthKind.WEAK))
    path = tmp_path / "results.json"
    path.write_text(to_json(with_facts), encoding="utf-8")
    assert json.loads(path.read_text())["strength"]["kind"] == "weak"
    assert load_result(path) == with_facts
    data = json.loads(to_json(result))
    del data["dependence"], data["strength"]
    path.write_text(json.dumps(data), encoding="utf-8")
    loaded = load_result(path)
    assert loaded.dependence is None and loaded.strength is None

"""Each question's answer is computed from the result: two different results give two different,
true answers. Variants are made from one real (synthetic) result, stored, with dataclasses.replace."""

from __future__ import annotations

import dataclasses
import math
import re

import pytest

from reportgen.narrative import interpret
from reportgen.narrative.changes import (
    changes_headline,
    comparison_caveats,
    drivers_change,
    model_change,
    rate_change,
    segments_change,
    segments_table_note,
    volume_change,
)
from reportgen.narrative.questions import (
    QUESTIONS,
    answer_confusion,
    answer_equation,
    answer_improve,
    answer_llr,
    answer_rely,
    answer_tree,
    answer_use,
)
from reportgen.narrative.summary import caveats
from reportgen.narrative.words import change_text, label_of
from reportgen.result import (
    Comparison,
    DriverChange,
    ImbalanceRow,
    Importance,
    Leakage,
    Metrics,
    ModelChange,
    Published,
    RateChange,
    RedundantTerm,
    SegmentShift,
)


@pytest.fixture
def result(stored_synthetic_result):
    return stored_synthetic_result


def with_metrics(result, name: str, split: str = "test", **changes):
    models = [dataclasses.replace(m, **{split: dataclasses.replace(getattr(m, split), **changes)})
              if m.name == name else m for m in result.models]
    return dataclasses.replace(result, models=models)


def metrics_from(tn: int, fp: int, fn: int, tp: int, pr_auc: float = 0.5) -> Metrics:
    return Metrics(accuracy=(tn + tp) / (tn + fp + fn + tp), precision=tp / (tp + fp) if tp + fp else 0.0,
                   recall=tp / (tp + fn), f1=2 * tp / (2 * tp + fp + fn), roc_auc=0.8, pr_auc=pr_auc,
                   confusion_matrix=[[tn, fp], [fn, tp]])


def text(answer) -> str:
    return " ".join([answer.short, *answer.points])


def test_every_question_is_answered_in_order(each_stored_result):
    result = each_stored_result
    assert [q.question for q in result.questions] == QUESTIONS
    for q in result.questions:
        assert q.answer.startswith(q.short) and q.points


def test_llr_answer_follows_the_p_value(result):
    significant = dataclasses.replace(result, logit=dataclasses.replace(result.logit, llr_pvalue=1e-40))
    not_significant = dataclasses.replace(result, logit=dataclasses.replace(result.logit, llr_pvalue=0.31))
    yes, no = answer_llr(significant), answer_llr(not_significant)
    assert "far better than chance" in yes.short and "1.0e-40" in yes.short
    assert "0.310" in no.short and "no evidence" in no.short
    assert f"{result.logit.pseudo_r2:.3f}" in text(yes)
    assert f"{result.logit.llr:,.1f}" in text(yes)


def test_pseudo_r2_is_placed_below_within_or_above_mcfaddens_range(result):
    def reading(value):
        fitted = dataclasses.replace(result, logit=dataclasses.replace(result.logit, pseudo_r2=value, converged=True))
        return text(answer_llr(fitted))

    assert "0.444, above the 0.2 to 0.4" in reading(0.444)
    assert "0.300, within the 0.2 to 0.4" in reading(0.3)
    assert "0.150, below the 0.2 to 0.4" in reading(0.15)


def test_equation_answer_lists_exactly_the_dropped_terms(result):
    answer = answer_equation(result)
    dropped = [c for c in result.logit.coefficients if not c.significant]
    significant = [c for c in result.logit.coefficients if c.significant]
    assert result.logit.equation in answer.short
    for c in dropped:
        assert f"{c.label} (p = {c.pvalue:.3f})" in text(answer)
    flipped = [dataclasses.replace(c, significant=not c.significant) for c in result.logit.coefficients]
    other = dataclasses.replace(result, logit=dataclasses.replace(result.logit, coefficients=flipped))
    other_text = text(answer_equation(other))
    for c in significant:
        assert f"{c.label} (p = {c.pvalue:.3f})" in other_text
    assert other_text != text(answer)


def test_tree_answer_names_the_deciding_features(result):
    only_one = dataclasses.replace(result, tree=dataclasses.replace(
        result.tree, split_features=[Importance("minutes", 1.0)], root_feature="minutes", root_threshold=42.5))
    answer = answer_tree(only_one)
    labels = result.dataset.feature_labels
    assert answer.short == f"The tree decides on {labels['minutes']} (100.0%) only."
    assert "at most 42.5" in text(answer)
    never = [labels[f] for f in result.dataset.features if f != "minutes"]
    assert all(label in text(answer) for label in never)
    real = answer_tree(result)
    top = result.tree.split_features[0]
    column, _, level = top.feature.partition(" = ")
    shown = f"{labels[column]} = {level}" if level else labels[column]
    assert f"{shown} ({top.importance:.1%})" in real.short
    assert real.short != answer.short


def test_confusion_answer_counts_and_compares_with_the_majority_rule(result):
    first = result.models[0].name
    models = [dataclasses.replace(m, test=metrics_from(70, 10, 15, 5)) if m.name == first else m
              for m in result.models]
    changed = dataclasses.replace(result, models=models)
    changed = dataclasses.replace(changed, summary=dataclasses.replace(changed.summary, baseline_accuracy=0.8))
    answer = text(answer_confusion(changed))
    assert "finds 5 of 20" in answer and "misses 15" in answer and "raises 10 false alarms" in answer
    accuracies = [m.test.accuracy for m in changed.models]
    low, high = min(accuracies), max(accuracies)
    assert f"({low:.3f} to {high:.3f})" in answer
    assert "80.0% accurate" in answer
    assert answer_confusion(changed).short.endswith("how many false alarms it raises, each at its own decision "
                                                    "threshold.")
    assert answer != text(answer_confusion(result))


def test_use_answer_reports_lift_over_the_base_rate(each_stored_result):
    result = each_stored_result
    best = result.best
    answer = text(answer_use(result))
    (tn, fp), (fn, tp) = best.test.confusion_matrix
    test_rate = (fn + tp) / (tn + fp + fn + tp)
    lift = best.test.precision / test_rate
    assert f"{lift:.1f}× the {test_rate:.1%} of all test {result.dataset.unit}" in answer
    better = with_metrics(result, best.name, precision=0.9)
    assert f"{0.9 / test_rate:.1f}×" in text(answer_use(better))


def test_improvement_actions_come_from_the_diagnostics(result):
    plain = dataclasses.replace(result, dependence=None)
    fitting = dataclasses.replace(plain, dataset=dataclasses.replace(plain.dataset, positive_rate=0.45))
    rare = dataclasses.replace(fitting, dataset=dataclasses.replace(fitting.dataset, positive_rate=0.05))
    assert "Add more history" not in text(answer_improve(fitting))
    assert f"so the models see more {rare.dataset.positive_noun}: they are 5.0% of" in text(answer_improve(rare))
    low, high = rare.best.test_ci["recall"]
    assert f"known only to within {low:.0%} to {high:.0%} (95% interval)" in text(answer_improve(rare))
    assert f"to the {len(rare.dataset.features)} features used here" in text(answer_improve(fitting))
    kept = [row for row in rare.imbalance if row.chosen and row.strategy != "none"]
    if len({row.strategy for row in rare.imbalance}) > 1 and not kept:
        assert "no weighting or resampling tried inside the training folds beat the plain data" in text(
            answer_improve(rare))


def test_question_six_names_the_imbalance_strategy_each_model_kept(result):
    rare = dataclasses.replace(result, dependence=None,
                               dataset=dataclasses.replace(result.dataset, positive_rate=0.05))
    tree, forest, svm = [m for m in result.models if m.name != "ensemble"][:3]
    rows = [ImbalanceRow(model=model.name, strategy=strategy, metric="average_precision", mean=0.1, std=0.01,
                         chosen=strategy == kept)
            for model, kept in ((tree, "class_weight"), (forest, "class_weight"), (svm, "random_over"))
            for strategy in ("none", "class_weight", "random_over")]
    answer = text(answer_improve(dataclasses.replace(rare, imbalance=rows)))
    assert (f"; class weights inside the training folds scored above the plain data for the "
            f"{tree.label.lower()} and {forest.label.lower()}, and random over-sampling for the "
            f"{svm.label.lower()}") in answer
    plain = [dataclasses.replace(row, chosen=row.strategy == "none") for row in rows]
    assert ("no weighting or resampling tried inside the training folds beat the plain data"
            in text(answer_improve(dataclasses.replace(rare, imbalance=plain))))


def test_question_six_gives_at_most_five_actions_about_the_data_and_the_business(result):
    leak = Leakage(feature="refund", label="Refund issued", auc=0.994)
    everything = dataclasses.replace(
        result, dataset=dataclasses.replace(result.dataset, positive_rate=0.05),
        preprocessing=dataclasses.replace(result.preprocessing, leakage=[leak]),
        models=[dataclasses.replace(m, overfit=True, grid_edges=["C = 10.0 (largest tried)"]) for m in result.models])
    answer = answer_improve(everything)
    assert len(answer.points) == 5 and answer.short.startswith("Five actions")
    assert answer.points[0].startswith("Check when Refund issued")
    assert not any("search" in point or "grid" in point for point in answer.points)
    few = answer_improve(dataclasses.replace(result, dependence=None, recommendation=None))
    assert 1 <= len(few.points) < 5 and few.points[-1].startswith("Add behaviour recorded before the outcome")


def test_rely_answer_follows_the_cross_validated_choice(each_stored_result):
    result = each_stored_result
    answer = answer_rely(result)
    assert answer.short.startswith(f"Rely on the {result.best.label.lower()}")
    other = next(m for m in result.models if m.name != result.best_model)
    switched = dataclasses.replace(result, best_model=other.name)
    assert answer_rely(switched).short.startswith(f"Rely on the {other.label.lower()}")
    top = result.listed_drivers[:3]
    for driver in top:
        assert driver.label.lower() in answer.short


def test_rely_answer_says_when_the_lead_is_within_the_folds_spread(result):
    best = result.best
    runner = next(m for m in result.models if m.name != best.name)

    def with_cv(lead: float, std: float):
        models = [dataclasses.replace(m, cv=dataclasses.replace(m.cv, mean=0.8, std=std)) if m.name == best.name else
                  dataclasses.replace(m, cv=dataclasses.replace(m.cv, mean=0.8 - lead)) if m.name == runner.name else
                  dataclasses.replace(m, cv=dataclasses.replace(m.cv, mean=0.5)) for m in result.models]
        return answer_rely(dataclasses.replace(result, models=models)).points[0]

    close = with_cv(0.004, 0.021)
    assert (f"(0.800 ± 0.021), ahead of the {runner.label.lower()} (0.796): a lead smaller than its spread across "
            f"the folds, so the {runner.label.lower()} would serve about as well. On the untouched test set") in close
    clear = with_cv(0.05, 0.021)
    assert f"ahead of the {runner.label.lower()} (0.750). On the untouched test set" in clear


def test_summary_headline_numbers_are_the_best_models(each_stored_result):
    result = each_stored_result
    best = result.best
    headline = result.summary.headline
    assert f"{result.dataset.positive_rate:.1%}" in headline
    assert f"{best.test.recall:.0%}" in headline and f"{best.test.precision:.0%}" in headline
    (tn, fp), (fn, tp) = best.test.confusion_matrix
    assert f"Flagging {(fp + tp) / (tn + fp + fn + tp):.0%} of the held-out {result.dataset.unit}," in headline
    (tn, fp), (fn, tp) = best.test.confusion_matrix
    assert result.summary.baseline_accuracy == pytest.approx(max(tn + fp, fn + tp) / (tn + fp + fn + tp))


def test_interpret_is_a_pure_function_of_the_result(each_stored_result):
    result = each_stored_result
    again = interpret(dataclasses.replace(result, summary=None, questions=[]))
    assert again.questions == result.questions and again.summary == result.summary


def test_answers_carry_no_placeholder_or_nan(each_stored_result):
    result = each_stored_result
    for q in result.questions:
        assert not re.search(r"\bnan\b|\{|\}|None", q.answer), q.answer


def published(**changes) -> Published:
    base = {"source": "the course's logit", "method": "upsampled before the split", "balanced_test": True,
            "metrics": {"accuracy": 0.66, "recall": 0.85}, "model": "logistic_regression"}
    return Published(**{**base, **changes})


def test_published_comparison_re_weights_to_equal_shares_only_when_their_test_set_was_balanced(result):
    result = with_metrics(result, "logistic_regression", confusion_matrix=[[60, 20], [5, 15]], accuracy=0.75,
                          recall=0.75)
    balanced = interpret(dataclasses.replace(result, published=published()))
    rows = {(r.model, r.metric): r for r in balanced.published.rows}
    row = rows[("logistic_regression", "accuracy")]
    assert (row.published, row.here, row.here_balanced) == (0.66, 0.75, pytest.approx((0.75 + 0.75) / 2))
    assert rows[("logistic_regression", "recall")].here_balanced == pytest.approx(0.75)
    text_balanced = balanced.published.comparison
    assert "The course's logit reported accuracy 0.660 and recall 0.850 on a test set with as many" in text_balanced
    assert "re-weighted to equal class shares" in text_balanced and "accuracy +0.090" in text_balanced
    assert text_balanced not in balanced.questions[3].answer
    best = balanced.best
    brief = ("The course's logit reported accuracy 0.660 and recall 0.850 on a test set with as many "
             f"{result.dataset.positive_noun} as {result.dataset.negative_noun}; re-weighted to those shares, the "
             f"{best.label.lower()} (recommended) scores accuracy ")
    assert brief in balanced.questions[3].answer
    at_equal = rows[(best.name, "accuracy")].here_balanced
    assert f"{brief}{at_equal:.3f} and recall " in balanced.published.brief
    assert balanced.published.brief.endswith("'Compared with the published analysis' says on which footing the two "
                                             "compare.")

    plain = interpret(dataclasses.replace(result, published=published(balanced_test=False)))
    assert all(r.here_balanced is None for r in plain.published.rows)
    assert "re-weighted" not in plain.published.comparison and "accuracy +0.090" in plain.published.comparison
    assert {r.model for r in plain.published.rows} == {"logistic_regression", result.best_model}
    assert (f"recall 0.850; the {plain.best.label.lower()} (recommended) scores accuracy "
            f"{plain.best.test.accuracy:.3f}") in plain.published.brief


def test_without_published_figures_nothing_is_compared(result):
    assert result.published is None
    assert not any("reported" in p for p in result.questions[3].points)


def test_probable_leakage_leads_the_caveats_and_the_improvements(result):
    leak = Leakage(feature="refund", label="Refund issued", auc=0.994)
    leaky = interpret(dataclasses.replace(result, preprocessing=dataclasses.replace(result.preprocessing,
                                                                                    leakage=[leak])))
    assert leaky.summary.caveats[0].startswith("Refund issued alone separates buyers from non-buyers almost "
                                               "perfectly (ROC AUC 0.994)")
    assert leaky.questions[5].points[0].startswith("Check when Refund issued (ROC AUC 0.994 alone) is recorded")
    assert not any("leakage" in c for c in result.summary.caveats)


def a_comparison(**changes) -> Comparison:
    """Two runs of 1,000 users: 10% buyers before, 12% now; the same model and drivers."""
    base = Comparison(
        previous_started_at="2026-10-01T08:00:00+00:00", previous_version="0.1.0", previous_source="old.csv",
        previous_name="synthetic", rows_before=1000, rows_after=1000,
        rate=RateChange(before=0.10, after=0.12, positives_before=100, positives_after=120, difference=0.02,
                        interval=[-0.008, 0.048], z=1.43, pvalue=0.153, significant=False, alpha=0.05),
        recommended_before="decision_tree", recommended_after="decision_tree",
        models=[ModelChange(name="decision_tree", label="Decision tree", f1_before=0.60, f1_after=0.62,
                            pr_auc_before=0.70, pr_auc_after=0.71, f1_interval=[0.55, 0.69],
                            pr_auc_interval=[0.64, 0.78])],
        drivers=[DriverChange("minutes", "Minutes", 1, 1, 0.2, 0.25), DriverChange("days", "Days", 2, 2, 0.1, 0.1)],
    )
    return dataclasses.replace(base, **changes)


def test_volume_change_says_more_or_fewer_rows(result):
    d = result.dataset
    fewer, same = volume_change(a_comparison(rows_after=700), d), volume_change(a_comparison(), d)
    assert fewer == (f"This report covers 700 {d.unit}, 300 fewer (-30%) than the 1,000 of the previous report "
                     f"(2026-10-01).")
    assert same == f"This report covers as many {d.unit} as the previous report (2026-10-01): 1,000."


def test_rate_change_says_whether_the_change_is_more_than_chance(result):
    d = result.dataset
    chance = rate_change(a_comparison(), d)
    assert chance.startswith(f"12.0% of {d.unit} are {d.positive_noun}, against 10.0% before: +2.0 points "
                             f"(95% interval -0.8 to +4.8 points).")
    assert "p = 0.15" in chance and "no evidence that the rate changed" in chance
    real = rate_change(a_comparison(rate=RateChange(before=0.10, after=0.07, positives_before=100, positives_after=70,
                                                    difference=-0.03, interval=[-0.055, -0.006], z=-2.41,
                                                    pvalue=0.016, significant=True, alpha=0.05)), d)
    assert "7.0%" in real and "-3.0 points" in real and "The rate fell by more than chance" in real
    assert "p = 0.016" in real


def test_model_change_names_the_model_and_judges_its_quality():
    same = model_change(a_comparison())
    assert same.startswith("The decision tree is still recommended; on held-out data: F1 0.600 → 0.620 (within "
                           "noise), PR AUC 0.700 → 0.710 (within noise).")
    switched = model_change(a_comparison(
        recommended_after="random_forest",
        models=[ModelChange("random_forest", "Random forest", None, 0.75, None, 0.85, [0.7, 0.8], [0.8, 0.9]),
                ModelChange("decision_tree", "Decision tree", 0.60, 0.50, 0.70, 0.60, [0.45, 0.55], [0.55, 0.65])]))
    assert switched.startswith("The random forest, not fitted in the previous report, is now recommended (F1 0.750, "
                               "PR AUC 0.850 on held-out data) instead of the decision tree, which scores F1 0.600 → "
                               "0.500 (clearly lower), PR AUC 0.700 → 0.600 (clearly lower).")


def test_drivers_change_names_entries_exits_and_moves():
    same = drivers_change(a_comparison())
    assert same == "The top 5 drivers are the same columns as before, in the same order."
    swapped = a_comparison(drivers=[DriverChange("days", "Days", 2, 1, 0.1, 0.3),
                                    DriverChange("minutes", "Minutes", 1, 2, 0.2, 0.1)])
    assert drivers_change(swapped) == ("The top 5 drivers are the same columns as before. Days moved from 2nd to "
                                       "1st and Minutes moved from 1st to 2nd.")
    moved = a_comparison(drivers=[DriverChange("days", "Days", 2, 1, 0.1, 0.3),
                                  DriverChange("minutes", "Minutes", 1, 2, 0.2, 0.1),
                                  DriverChange("country", "Country", 9, 5, 0.0, 0.02),
                                  DriverChange("noise", "Noise", 5, 7, 0.01, 0.0)],
                         entered=["country"], left=["noise"])
    assert drivers_change(moved) == ("Country entered the top 5 (now 5th, was 9th) and Noise left it (now "
                                             "7th, was 5th). Days moved from 2nd to 1st and Minutes moved from 1st "
                                             "to 2nd.")


def test_segments_change_is_empty_without_segments_and_lists_shifts_with_them(result):
    d = result.dataset
    assert segments_change(a_comparison(), d) == ""
    shifts = [SegmentShift("Bingers", 0.2, 0.25, 0.30, 0.40), SegmentShift("Browsers", 0.7, 0.65, 0.05, 0.04),
              SegmentShift("Newcomers", 0.1, 0.1, 0.02, 0.045)]
    assert segments_change(a_comparison(segments=shifts), d) == (
        f"The largest change in conversion is in Bingers: 30.0% → 40.0% {d.positive_noun}, with 20.0% → 25.0% of "
        f"{d.unit}. The other 2 segments moved by at most 2.5 percentage points.")
    assert segments_change(a_comparison(segments=shifts[1:2]), d) == (
        f"The largest change in conversion is in Browsers: 5.0% → 4.0% {d.positive_noun}, with 70.0% → 65.0% of "
        f"{d.unit}.")
    assert "cannot be compared" in segments_change(a_comparison(segments=[]), d)
    assert segments_table_note(a_comparison(segments=shifts, segments_shown=2)) == (
        "The 2 largest changes in conversion; results.json lists all 3 segments.")
    assert segments_table_note(a_comparison(segments=shifts, segments_shown=3)) == ""


def test_comparison_caveats_follow_what_differs_besides_the_data(result):
    d = result.dataset
    assert comparison_caveats(a_comparison(previous_name=d.name), d) == []
    found = comparison_caveats(a_comparison(previous_name="other", settings_changed=["seed", "split.test_size"],
                                            features_removed=["noise"]), d)
    assert found[0].startswith("The previous report used the 'other' configuration")
    assert found[1] == "The features differ (removed noise), which alone can move the models and drivers."
    assert "(seed and split.test_size)" in found[2]


def test_changes_headline_lists_what_is_new(result):
    d = result.dataset
    quiet = changes_headline(a_comparison(), d)
    assert quiet == (f"Since the previous report (2026-10-01): no significant change in the share of "
                     f"{d.positive_noun} (12.0%); the same recommended model (decision tree); the same top 5 drivers.")
    busy = changes_headline(a_comparison(
        rows_after=1500, rate=dataclasses.replace(a_comparison().rate, significant=True), recommended_after="knn",
        models=[ModelChange("knn", "k-nearest neighbours", None, 0.5, None, 0.6)],
        drivers=[DriverChange("country", "Country", 9, 5, 0.0, 0.02)], entered=["country"]), d)
    assert busy == (f"Since the previous report (2026-10-01): 50% more {d.unit}; the share of {d.positive_noun} rose "
                    f"from 10.0% to 12.0%; a new recommended model, the k-nearest neighbours; country now among the "
                    f"top 5 drivers.")


def test_a_change_that_rounds_to_zero_has_no_minus_sign(result):
    tiny = a_comparison(rate=dataclasses.replace(a_comparison().rate, after=0.0999, difference=-0.0001,
                                                 interval=[-0.00004, 0.02]))
    assert ": +0.0 points (95% interval +0.0 to +2.0 points)." in rate_change(tiny, result.dataset)


def with_logit(result, **changes):
    return dataclasses.replace(result, logit=dataclasses.replace(result.logit, **changes))


def unconverged(result, share: float | None = 0.46):
    return with_logit(result, converged=False, equation="", separated_share=share)


def failed(result):
    return with_logit(result, failure="Singular matrix", converged=False, llr_pvalue=None, llr=None, pseudo_r2=None,
                      log_likelihood=None, log_likelihood_null=None, intercept=None, coefficients=[], equation="",
                      summary_text="")


def test_an_unconverged_logit_is_said_to_be_so_and_gives_no_equation(result):
    d = result.dataset
    separated, plain = unconverged(result), unconverged(result, share=None)
    reason = (f"The logistic regression's fit did not converge (its terms predict 46% of the training {d.unit} almost "
              f"perfectly: quasi-separation)")
    assert answer_llr(separated).short.startswith(f"{reason}, so its LLR test is approximate: the p-value is ")
    assert answer_llr(plain).short.startswith("The logistic regression's fit did not converge, so its LLR test is "
                                              "approximate")
    assert "did not converge" not in answer_llr(result).short
    assert answer_equation(separated).short == (
        f"No equation is given: {reason[0].lower()}{reason[1:]}, so its coefficients are where the fit stopped, not "
        f"estimates, and no term can be called significant.")
    for variant in (separated, plain):
        equation = text(answer_equation(variant))
        assert "log(p / (1 - p))" not in equation and "No term is significant" not in equation
        assert "Use the logit's" not in text(answer_use(variant))
        assert "Drop or regroup the logit terms" not in text(answer_improve(variant))
    assert answer_equation(plain).short != answer_equation(separated).short


def test_an_insignificant_llr_of_an_unconverged_fit_is_inconclusive(result):
    answer = answer_llr(with_logit(unconverged(result), llr_pvalue=0.31))
    assert "the p-value is 0.310, not below 0.05" in answer.short and "inconclusive" in answer.short
    assert "still tell" in answer_llr(with_logit(unconverged(result), llr_pvalue=1e-9)).short


def test_read_with_care_says_once_that_the_logit_did_not_converge(result):
    d = result.dataset
    other = next(m.name for m in result.models if m.name not in ("logistic_regression", "ensemble"))
    found = caveats(unconverged(dataclasses.replace(result, best_model=other)))
    about_logit = [c for c in found if "logistic regression" in c]
    assert about_logit == [(f"The logistic regression's fit did not converge (its terms predict 46% of the training "
                            f"{d.unit} almost perfectly: quasi-separation), so its coefficients are not used.")]
    averaged = dataclasses.replace(result, best_model=other, models=[
        dataclasses.replace(m, params={**m.params, "members": "random_forest, logistic_regression"})
        if m.name == other else m for m in result.models])
    assert [c for c in caveats(unconverged(averaged)) if "logistic regression" in c][0].endswith(
        f"so its coefficients are not used. Its scores still count in the recommended "
        f"{averaged.best.label.lower()}, whose figures come from cross-validation and the test set like every model's.")
    alone = dataclasses.replace(result, best_model="logistic_regression")
    assert [c for c in caveats(unconverged(alone)) if "logistic regression" in c][0].endswith(
        "It is still the recommended model: its figures come from its scores, which cross-validation and the test "
        "set measure like every model's.")
    converged = caveats(with_logit(result, separated_share=0.46))
    assert [c for c in converged if "logistic regression" in c] == [
        (f"The logistic regression's terms predict 46% of the training {d.unit} almost perfectly, so its individual "
         f"coefficients are less reliable than its overall test.")]
    assert not any("logistic regression" in c for c in caveats(result))


def test_a_failed_logit_gives_no_test_no_equation_and_no_placeholder(result):
    broken = interpret(failed(result))
    llr, equation = broken.questions[0], broken.questions[1]
    assert llr.short == ("No LLR test: the logistic regression could not be fitted (statsmodels: Singular matrix), so "
                         "there is no likelihood to test.")
    assert equation.short.startswith("No equation is given: the logistic regression could not be fitted")
    assert "The logistic regression could not be fitted (statsmodels: Singular matrix), so the report has no " \
           "coefficients for it." in broken.summary.caveats
    for q in [*broken.questions, *interpret(unconverged(result)).questions]:
        assert not re.search(r"\bnan\b|\{|\}|None", q.answer), q.answer


def test_terms_left_out_as_redundant_are_named_with_what_they_repeat(result):
    two = with_logit(result, redundant=[
        RedundantTerm("charges", "Charges", ["Minutes"]),
        RedundantTerm("tv = No internet service", "TV = No internet service", ["the intercept", "Internet = DSL",
                                                                              "Internet = Fiber"], more=1)])
    assert text(answer_equation(two)).endswith(
        "Left out of the logit because they repeat other terms: Charges (repeats Minutes) and TV = No internet service "
        "(repeats the intercept, Internet = DSL, Internet = Fiber and 1 more term).")
    one = with_logit(unconverged(result), redundant=[RedundantTerm("charges", "Charges", ["Minutes"])])
    assert answer_equation(one).points[-1] == ("Left out of the logit because it repeats other terms: Charges (repeats "
                                               "Minutes).")
    constant = with_logit(result, redundant=[RedundantTerm("flag = yes", "Flag = yes", [])])
    assert answer_equation(constant).points[-1] == ("Left out of the logit as redundant: Flag = yes (no variation of "
                                                    "its own).")
    assert "Left out of the logit because" not in text(answer_equation(result))


def test_a_large_odds_ratio_multiplies_the_odds_and_a_small_one_is_a_percentage():
    from reportgen.narrative.logit import odds_change
    from reportgen.result import Coefficient

    def term(odds_ratio: float) -> Coefficient:
        return Coefficient("price", "Price", math.log(odds_ratio), 0.1, 1.0, 0.01, None, None, odds_ratio, True)

    assert odds_change(term(154.1).odds_ratio, 4) == "multiplies the odds by 154"
    assert odds_change(term(1.25).odds_ratio, 4) == "raises the odds by 25% (odds ratio 1.25)"
    assert odds_change(term(0.951).odds_ratio, 4) == "lowers the odds by 4.9% (odds ratio 0.951)"


def test_odds_are_read_per_unit_where_a_unit_is_a_typical_change_else_per_a_round_step(result):
    """Orange juice's 'each extra unit of loyal CH' was the whole 0-to-1 scale (odds lowered by 99.8%)."""
    from reportgen.narrative.logit import odds_reading, reading_step
    from reportgen.result import Coefficient

    assert [reading_step(s) for s in (0.31, 0.12, 0.048, 1.3, 9.9, 54.5, 120.0, 0.0)] == \
        [0.2, 0.1, 0.02, 1.0, 1.0, 50.0, 100.0, 1.0]
    share = Coefficient("loyalty", "Loyalty", -6.2, 0.4, -15.0, 0.0, None, None, math.exp(-6.2), True, step=0.31)
    calls = Coefficient("calls", "Calls", 0.5, 0.1, 5.0, 0.0, None, None, math.exp(0.5), True, step=1.3)
    bare = dataclasses.replace(result, dataset=dataclasses.replace(result.dataset, units={}))
    assert odds_reading(share, bare) == (f"an increase of 0.2 in loyalty lowers the odds by "
                                         f"{change_text(math.exp(-6.2 * 0.2) - 1)} (odds ratio "
                                         f"{math.exp(-6.2 * 0.2):.4g})")
    assert odds_reading(calls, bare) == "each extra unit of calls raises the odds by 65% (odds ratio 1.649)"
    told = dataclasses.replace(result, dataset=dataclasses.replace(result.dataset, units={"loyalty": "point"}))
    assert odds_reading(share, told).startswith("each extra point lowers the odds by 99.8%")


def test_the_equation_names_the_reference_category_only_of_columns_the_logit_kept(result):
    """A coding the logit left out as repeating another (orange juice's Store7 beside StoreID) has no term, so
    no reference level the intercept stands for."""
    references = {**result.preprocessing.reference_categories, "store7": "No"}
    changed = dataclasses.replace(result, preprocessing=dataclasses.replace(result.preprocessing,
                                                                            reference_categories=references))
    point = next(p for p in answer_equation(changed).points if p.startswith("Category terms compare"))
    assert "Country = US" in point and "store7" not in point.lower()


def test_a_model_tied_for_the_lead_does_not_make_the_leaders_differ(result):
    best = result.best
    other = next(m for m in result.models if m.name != best.name)
    top = {metric: max(getattr(m.test, metric) for m in result.models) + 0.01
           for metric in ("accuracy", "f1", "pr_auc")}
    leading = with_metrics(result, best.name, **top)
    tied = with_metrics(leading, other.name, accuracy=top["accuracy"])
    said = text(answer_confusion(tied))
    assert f"Here one model, the {best.label.lower()}, leads or shares the lead on accuracy, F1 and PR AUC" in said
    assert "The leaders differ by metric" not in said
    assert "leads on accuracy, F1 and PR AUC alike" in text(answer_confusion(leading))


def test_a_leader_other_than_the_recommended_model_is_said_to_lead_on_the_test_set_only(result):
    best = result.best
    other = next(m for m in result.models if m.name != best.name)
    top = {metric: max(getattr(m.test, metric) for m in result.models) + 0.01
           for metric in ("accuracy", "f1", "pr_auc")}
    said = text(answer_confusion(with_metrics(result, other.name, **top)))
    assert (f"the {other.label.lower()}, leads on accuracy, F1 and PR AUC alike on the test set; the recommended "
            f"{best.label.lower()} was chosen by cross-validation before the test set was looked at") in said
    assert "on the test set; the recommended" not in text(answer_confusion(with_metrics(result, best.name, **top)))


def test_every_model_tied_for_the_lead_on_a_metric_is_named_where_the_leaders_differ(result):
    """Orange juice: the ensemble and the support vector machine both got 168 of 214 right."""
    best = result.best
    first, second = [m for m in result.models if m.name != best.name][:2]
    top = {metric: max(getattr(m.test, metric) for m in result.models) + 0.01
           for metric in ("accuracy", "f1", "pr_auc")}
    split = with_metrics(with_metrics(result, best.name, accuracy=top["accuracy"]), first.name, f1=top["f1"],
                         pr_auc=top["pr_auc"])
    tied = with_metrics(split, second.name, accuracy=top["accuracy"])
    said = text(answer_confusion(tied))
    assert (f"(the {best.label.lower()} and the {second.label.lower()} on accuracy ({top['accuracy']:.3f}), the "
            f"{first.label.lower()} on F1") in said


def test_the_logit_explains_and_is_not_used_to_pick_when_it_ranks_clearly_worse(stored_students_result):
    from reportgen.narrative.questions import logit_use

    result = stored_students_result
    best = result.best
    assert best.name != "logistic_regression"
    logit = result.model("logistic_regression")
    worse = dataclasses.replace(result, models=[
        dataclasses.replace(m, test_ci={**m.test_ci, "pr_auc": [0.3, 0.4]}) if m.name == logit.name else
        dataclasses.replace(m, test_ci={**m.test_ci, "pr_auc": [0.5, 0.7]}) if m.name == best.name else m
        for m in result.models])
    assert logit_use(worse, 3) == (
        f"Use the logit's 3 significant terms to explain the direction and size of each effect to stakeholders, not "
        f"to pick {result.dataset.unit}: it ranks {result.dataset.positive_noun} clearly less well than the "
        f"{best.label.lower()} (test PR AUC {logit.test.pr_auc:.3f} against {best.test.pr_auc:.3f}).")
    overlapping = dataclasses.replace(worse, models=[
        dataclasses.replace(m, test_ci={**m.test_ci, "pr_auc": [0.3, 0.55]}) if m.name == logit.name else m
        for m in worse.models])
    assert logit_use(overlapping, 3) == ("Use the logit's 3 significant terms to explain the direction and size of "
                                         "each effect to stakeholders.")


def test_the_trees_first_split_reads_as_a_question_on_its_column(result):
    """A split on a one-hot column asks whether the row is in that category, not whether 'Plan = yes' is at most
    0.5."""
    numeric = dataclasses.replace(result.tree, root_feature="minutes", root_threshold=246.65)
    category = dataclasses.replace(result.tree, root_feature="country = US", root_threshold=0.5)
    first = [p for p in answer_tree(dataclasses.replace(result, tree=numeric)).points if "first split" in p]
    assert first == [f"Its first split asks whether {label_of(result, 'minutes')} is at most 246.7; that one "
                     f"question separates the classes best."]
    said = text(answer_tree(dataclasses.replace(result, tree=category)))
    assert "Its first split asks whether Country is US; that one question" in said and "at most 0.5" not in said


def test_an_odds_ratio_near_one_is_given_to_the_digits_that_tell_it_from_one():
    from reportgen.narrative.logit import odds_change

    assert odds_change(1.0003, 4) == "raises the odds by 0.03% (odds ratio 1.0003)"
    assert odds_change(0.99996, 4) == "lowers the odds by 0.004% (odds ratio 0.99996)"


def test_a_tiny_p_value_is_said_as_it_is():
    from reportgen.narrative.words import pvalue_text

    assert pvalue_text(8.53e-139) == "8.5e-139, below 0.001" and pvalue_text(0.0) == "0 to machine precision"
    assert pvalue_text(0.0123) == "0.012"


def test_question_7_names_every_listed_driver_beyond_its_first_three(stored_students_result):
    result = stored_students_result
    listed = result.listed_drivers
    assert len(listed) > 3
    also = [p for p in answer_rely(result).points if p.startswith("Also drivers")]
    assert also == [f"Also drivers, each lowering it by less when shuffled: "
                    f"{', '.join(x.label.lower() + f' ({x.importance:.3f})' for x in listed[3:])}."]


def test_the_tree_rules_say_how_the_tree_flags_beside_its_class_labels(stored_students_result):
    from reportgen.narrative.models import rules_note

    result = stored_students_result
    tree = result.model("decision_tree")
    note = rules_note(result)
    assert f"reaches its decision threshold, {tree.threshold:.3f}, so a leaf marked 'Did not purchase' can" in note
    assert result.tree.rules_note == note
    halves = dataclasses.replace(result, models=[dataclasses.replace(m, threshold=0.5) if m.name == tree.name else m
                                                 for m in result.models])
    assert rules_note(halves) == ""

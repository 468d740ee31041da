"""The executive summary: headline, recommended action and what to read with care."""

from __future__ import annotations

import dataclasses

from reportgen.narrative.drivers import group_notes, levers_note, table_notes
from reportgen.narrative.logit import fit_trouble
from reportgen.narrative.targeting import action_words, recommended_action, targeting_lead
from reportgen.narrative.words import (
    capitalised,
    flagged,
    in_sentence,
    member_names,
    metric_name,
    pct,
    possessive,
)
from reportgen.result import (
    Calibration,
    DatasetSummary,
    Dependence,
    Driver,
    ReportResult,
    Strength,
    StrengthKind,
    Summary,
    Twins,
)


def headline_sentences(result: ReportResult) -> str:
    """How common the outcome is, how many held-out rows the recommended model flags, how much of the outcome it
    finds among them against a random pick of as many, and how often it is right. A share found means little
    without the share flagged: flagging half the rows finds half the outcome at random."""
    best, d = result.best, result.dataset
    found = pct(best.test.recall, 0)
    interval = best.test_ci.get("recall")
    if interval:
        found += f" (95% interval {pct(interval[0], 0)} to {pct(interval[1], 0)})"
    share = pct(flagged(best) / d.test_rows, 0)
    return (f"{pct(d.positive_rate)} of {d.rows_used:,} {d.unit} {d.predicate}. Flagging {share} of the held-out "
            f"{d.unit}, the {in_sentence(best.label)} finds {found} of the {d.positive_noun} there (a random {share} "
            f"would hold about {share} of them), and {pct(best.test.precision, 0)} of the {d.unit} it flags "
            f"{d.predicate}.")


def leaning_clause(result: ReportResult) -> str:
    """The headline's last sentence when the recommended model leans on one feature and does not hold up without
    it: the figure to plan on if that feature comes too late, so the headline does not promise more than the
    caveat allows. A weak model's headline already says how little it finds, and leaves this to the caveat."""
    x = result.dependence
    if x is None or x.refit_failure or holds_up(x) or weak_strength(result) is not None:
        return ""
    label = in_sentence(x.label)
    return f"It leans on {label}: if that is only known after the outcome, it finds {pct(x.found_without, 0)}."


def holds_up(x: Dependence) -> bool:
    """Refitted without the feature it leans on, the model keeps most of what it finds and of its lift."""
    return (x.found_without >= HOLDS_UP * x.found
            and x.pr_auc_without - x.base_rate >= HOLDS_UP * (x.pr_auc - x.base_rate))


def with_lever_note(driver: Driver, d: DatasetSummary) -> Driver:
    """A driver the config marks as not a lever carries the config's reason, shown beside it in the table."""
    if driver.actionable:
        return driver
    return dataclasses.replace(driver, note=capitalised(d.notes.get(driver.feature, "marked as not actionable in the "
                                                                                    "configuration")))


def majority_accuracy(result: ReportResult) -> float:
    (tn, fp), (fn, tp) = result.models[0].test.confusion_matrix
    return max(tn + fp, fn + tp) / (tn + fp + fn + tp)


def summary(result: ReportResult) -> Summary:
    best = result.best
    d = result.dataset
    headline = " ".join(filter(None, [weak_model_lead(result), headline_sentences(result), leaning_clause(result)]))
    why = (f"Best cross-validated {metric_name(best.cv.metric)} ({best.cv.mean:.3f}) among "
           f"the {len(result.models)} models compared; on the test set, PR AUC {best.test.pr_auc:.3f} and ROC AUC "
           f"{best.test.roc_auc:.3f}.")
    action = recommended_action(result)
    words = action_words(d)
    return Summary(
        headline=headline,
        recommended_model=best.name,
        recommended_label=best.label,
        why_recommended=why,
        drivers=[with_lever_note(x, d) for x in result.listed_drivers[:result.driver_checks.shown]],
        action=action,
        baseline_accuracy=result.baseline.accuracy if result.baseline else round(majority_accuracy(result), 6),
        caveats=caveats(result),
        driver_notes=[*group_notes(result), levers_note(result), *table_notes(result)],
        action_heading=words.heading,
        action_column=words.column,
        action_title="Recommended action" if words.verb else "What the model's ranking picks out",
        chance_pr_auc=result.strength.base_rate if result.strength is not None else d.positive_rate,
        targeting_lead=targeting_lead(result),
        top_decile_share=next((r.share_of_conversions for r in result.targeting if r.top_fraction == 0.1), None),
    )




def twins_caveat(result: ReportResult) -> list[str]:
    """When many test rows have an identical row in training: how many, and what the recommended model
    does on the test rows without one (first in 'Read with care')."""
    twins = result.twins
    if twins is None or not twins.material:
        return []
    d = result.dataset
    opening = (f"{pct(twins.share, 0)} of the test {d.unit} ({twins.with_twin:,} of {twins.test_rows:,}) have the "
               f"same values in every column as a training {d.unit_singular} (a model can score them from what it "
               f"learnt of that {d.unit_singular})")
    reading = twins.model(result.best_model)
    if reading is None:
        held = f"no {d.positive_noun}" if twins.positives_without == 0 else f"only {d.positive_noun}"
        return [(f"{opening}; the {twins.rows_without:,} without one hold {held}, so the models cannot be measured "
                 f"without the copies.")]
    best = result.best
    top, without, with_all = (pct(twins.top_fraction, 0), pct(reading.top_precision, 0),
                              pct(reading.top_precision_all, 0))
    precision = (f"its top {top} are {without} right on both" if without == with_all else
                 f"its top {top} are {without} right there against {with_all} on all")
    return [(f"{opening}; on the {twins.rows_without:,} without one, the {in_sentence(best.label)} finds "
             f"{pct(reading.test.recall, 0)} of {d.positive_noun} (PR AUC {reading.test.pr_auc:.3f}), against "
             f"{pct(best.test.recall, 0)} (PR AUC {best.test.pr_auc:.3f}) on all test {d.unit}, and {precision}.")]


def twins_table_note(result: ReportResult) -> str:
    """What the table of the models' figures without the test rows that copy a training row shows."""
    twins = result.twins
    if twins is None or not twins.material or not twins.models:
        return ""
    d = result.dataset
    return (f"The same test scores, read again on the {twins.rows_without:,} test {d.unit} without an identical "
            f"{d.unit_singular} among the training {d.unit} ({twins.positives_without:,} {d.positive_noun}); the "
            f"figure on all {twins.test_rows:,} test {d.unit} follows each in small type. Top "
            f"{pct(twins.top_fraction, 0)}: the share of {d.positive_noun} among the {pct(twins.top_fraction, 0)} of "
            f"those {d.unit} each model scores highest.")


def twins_targeting_note(result: ReportResult) -> str:
    """The recommended model's top-fraction precision without the test rows that copy a training row."""
    twins = result.twins
    reading = twins.model(result.best_model) if twins is not None and twins.material else None
    if reading is None:
        return ""
    d = result.dataset
    top, without, with_all = (pct(twins.top_fraction, 0), pct(reading.top_precision),
                              pct(reading.top_precision_all))
    beside = "as in" if without == with_all else f"against {with_all} in"
    return (f"Without the {twins.with_twin:,} test {d.unit} that have an identical {d.unit_singular} in training, "
            f"{without} of the top {top} by score {d.predicate}, {beside} the table's {top} row.")


def with_twin_notes(result: ReportResult) -> Twins | None:
    twins = result.twins
    if twins is None:
        return None
    return dataclasses.replace(twins, text=twins_table_note(result), targeting_text=twins_targeting_note(result))


def scores_used(result: ReportResult) -> str:
    """Which probabilities the targeting table and the recommendation add up, and why."""
    c = result.calibration
    label = in_sentence(result.model(c.model).label) if any(m.name == c.model for m in result.models) else "model"
    if c.folds == 0:
        return f"Expected counts add up the {possessive(label)} scores calibrated by {c.method}."
    if c.brier_oof_raw is None:
        return (f"Expected counts add up calibrated probabilities: the {possessive(label)} scores are not "
                f"probabilities, so "
                f"{c.method} maps them to probabilities (Brier score {c.brier_oof_calibrated:.4f} on the training "
                f"rows' out-of-fold scores, cross-validated over {c.folds} folds; {c.brier_calibrated:.4f} on the "
                f"test rows).")
    oof = (f"the Brier score of the training rows' out-of-fold scores (cross-validated over {c.folds} folds; "
           f"{c.brier_oof_raw:.4f} raw, {c.brier_oof_calibrated:.4f} calibrated)")
    test = (f"on the test rows, for information only: {c.brier_raw:.4f} raw, {c.brier_calibrated:.4f} "
            f"calibrated")
    if c.used:
        return f"Expected counts add up calibrated probabilities: isotonic calibration lowered {oof}; {test}."
    return (f"Expected counts add up the {possessive(label)} own probabilities: isotonic calibration did not lower "
            f"{oof}, so it is not used; {test}.")


CALIBRATION_SECTION = "Calibration, under 'Imbalance, threshold and calibration'"
"""Where the report gives `Calibration.text` (templates/partials/honesty.html)."""


def scores_used_brief(result: ReportResult) -> str:
    """Which probabilities the targeting table adds up, in words an executive reads, pointing to the section with
    the Brier scores; empty in results from before the choice was made."""
    c = result.calibration
    if c.folds == 0:
        return ""
    label = in_sentence(result.model(c.model).label) if any(m.name == c.model for m in result.models) else "model"
    if c.brier_oof_raw is None:
        what = f"probabilities made from the {possessive(label)} scores, which are not probabilities themselves"
    elif c.used:
        what = (f"the {possessive(label)} probabilities, adjusted to match how often the training "
                f"{result.dataset.unit} given each probability {result.dataset.predicate}")
    else:
        what = (f"the {possessive(label)} own probabilities (adjusting them on the training rows did not make them "
                f"more accurate)")
    return f"Expected counts add up {what}; {CALIBRATION_SECTION} gives the checks."


def with_scores_used(result: ReportResult) -> Calibration | None:
    if result.calibration is None:
        return None
    return dataclasses.replace(result.calibration, text=scores_used(result), brief=scores_used_brief(result))


def scores_still_used(result: ReportResult) -> str:
    """When the logit's fit did not converge but the recommended model is the logit or averages it: that its
    scores still count, measured as every model's are; empty otherwise."""
    best = result.best
    if best.name == "logistic_regression":
        return (" It is still the recommended model: its figures come from its scores, which cross-validation "
                "and the test set measure like every model's.")
    if "logistic_regression" in member_names(best):
        return (f" Its scores still count in the recommended {in_sentence(best.label)}, whose figures come from "
                f"cross-validation and the test set like every model's.")
    return ""


def caveats(result: ReportResult) -> list[str]:
    """What an executive should keep in mind when reading this run's numbers."""
    d = result.dataset
    found = [f"{x.label} alone separates {d.positive_noun} from {d.negative_noun} almost perfectly (ROC AUC "
             f"{x.auc:.3f}): probably recorded after the outcome (leakage). Until that is checked, the models' "
             f"figures overstate what they can do before the outcome." for x in result.preprocessing.leakage]
    found += [dependence_caveat(result)] if result.dependence is not None else []
    share = result.logit.separated_share
    if result.logit.failure:
        found.append(f"{capitalised(fit_trouble(result.logit, d))}, so the report has no coefficients for it.")
    elif not result.logit.converged:
        found.append(f"{capitalised(fit_trouble(result.logit, d))}, so its coefficients are not used."
                     f"{scores_still_used(result)}")
    elif share is not None:
        found.append(f"The logistic regression's terms predict {pct(share, 0)} of the training {d.unit} almost "
                     f"perfectly, so its individual coefficients are less reliable than its overall test.")
    return twins_caveat(result) + found


HOLDS_UP = 0.9
"""Refitted without the feature it leans on, a model holds up when it keeps at least this share of the
positives it found and of its PR AUC above the base rate."""


def dependence_caveat(result: ReportResult) -> str:
    """The recommended model with and without the one feature it leans on, side by side."""
    x, d = result.dependence, result.dataset
    label = in_sentence(x.label)
    weight = (f"it carries {pct(x.share, 0)} of the summed weight of the behaviours that weigh anything"
              if x.carries_most else
              f"shuffling it alone takes away {pct(min(x.lift_share, 1.0), 0)} of the model's gain in PR AUC over a "
              f"random ranking")
    if x.refit_failure:
        return (f"The recommended model leans on {label}: {weight}. Refitting it without {label} failed "
                f"({x.refit_failure}), so the report cannot say what it finds without it: if {label} is only known "
                f"after the outcome, the figures above overstate what the model can do.")
    side_by_side = (f"{pct(x.found_without, 0)} of {d.positive_noun} instead of {pct(x.found, 0)}, flagging as "
                    f"many {d.unit} ({pct(x.fraction, 0)} of them; PR AUC {x.pr_auc_without:.3f} instead of "
                    f"{x.pr_auc:.3f})")
    if holds_up(x):
        return (f"The recommended model weighs {label} most ({weight}), yet refitted without it with the same "
                f"settings it still finds {side_by_side}: the other features carry most of what it does.")
    headline = bool(leaning_clause(result))  # the headline already says when to plan on the figure without it
    if x.hinted_after:
        plan = "." if headline else f": unless {label} is known before the outcome, that is the figure to plan on."
        return (f"The recommended model leans on {label}: {weight}, and its name suggests it is measured after or "
                f"up to the outcome. Refitted without it with the same settings, the model finds {side_by_side}"
                f"{plan}")
    plan = "." if headline else f": if {label} is only known after the outcome, that is the figure to plan on."
    return (f"The recommended model leans on {label}: {weight}. Refitted without it with the same settings, the "
            f"model finds {side_by_side}{plan}")


def weak_strength(result: ReportResult) -> Strength | None:
    """The recommended model's strength when it is weak; None when it is not (or the result predates the check)."""
    strength = result.strength
    return strength if strength is not None and strength.kind == StrengthKind.WEAK else None


def weak_model_lead(result: ReportResult) -> str:
    """The headline's first sentence when the recommended model cannot be shown to beat chance by much."""
    strength = weak_strength(result)
    if strength is None:
        return ""
    d = result.dataset
    return (f"The {in_sentence(result.best.label)} ranks {d.positive_noun} only a little better than chance: its test "
            f"PR AUC is {strength.pr_auc:.3f} (95% interval {strength.pr_auc_low:.3f} to {strength.pr_auc_high:.3f}) "
            f"against {strength.base_rate:.3f} for a random ranking, and its ROC AUC {strength.roc_auc:.2f}.")


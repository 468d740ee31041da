"""Stage 4, interpret: the seven questions answered in words, from this run's numbers only.

One function per question; each reads the result object and returns an `Answer`: a short
answer an executive can read alone, and the points that support it. Nothing here fits a
model or touches the data.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

from reportgen.config import RESAMPLERS_ON_REQUEST
from reportgen.logit import significant_terms
from reportgen.result import (
    BoxStats,
    Calibration,
    Coefficient,
    Comparison,
    DatasetSummary,
    Driver,
    LogitResult,
    Metrics,
    ModelChange,
    ModelResult,
    Published,
    PublishedRow,
    Question,
    RedundantTerm,
    ReportResult,
    SignDisagreement,
    Strength,
    StrengthKind,
    Summary,
    Twins,
    UnlistedSignal,
)

QUESTIONS = [
    "What is the LLR p-value of the logistic regression, and what does it tell us?",
    "What is the equation of the logit model, considering only statistically significant variables?",
    "Which features influence the decision in the decision tree model?",
    "What do the confusion matrices show, and does a model's accuracy determine its predictive power?",
    "How can we use the results of the models?",
    "What actions can we take to improve the models?",
    "Which model should we rely on, and which behaviours drive the outcome most?",
]

DECIDING_SHARE = 0.05
"""A tree feature 'decides' when it carries at least this share of the impurity reduction."""
LOW_RECALL = 0.75
IMBALANCED_RATE = 0.2
STRONG_CORRELATION = 0.5
SILHOUETTE_WORDS = ((0.7, "strongly separated"), (0.5, "reasonably separated"),
                    (0.25, "weakly separated: read them as a convenient summary rather than natural groups"))
"""Kaufman and Rousseeuw's rule of thumb for the average silhouette; below the last, no substantial
structure."""
TREND_EDGE = 3
"""Trend sentences compare the average of this many first periods with as many last ones."""


class Answer(NamedTuple):
    short: str
    points: list[str]


def pct(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}%}"


def pvalue_text(p: float) -> str:
    if p == 0:
        return "0 to machine precision (printed 0.000)"
    if p < 0.001:
        return f"{p:.1e}, below 0.001 (printed 0.000)"
    return f"{p:.3f}"


def join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def singular(noun: str) -> str:
    """'students' -> 'student'; the config's nouns are plain English plurals."""
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def metric_name(metric: str) -> str:
    """One name per metric across the report: 'average_precision' is PR AUC everywhere."""
    return {"average_precision": "PR AUC", "pr_auc": "PR AUC", "roc_auc": "ROC AUC", "f1": "F1",
            "balanced_accuracy": "balanced accuracy"}.get(metric, metric.replace("_", " "))


def possessive(label: str) -> str:
    return f"{label}'" if label.endswith("s") else f"{label}'s"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def label_of(result: ReportResult, feature: str) -> str:
    return result.dataset.feature_labels.get(feature, feature)


def term_label(result: ReportResult, term: str) -> str:
    """'student_country = US' -> 'Country = US'; plain columns -> their display label."""
    column, _, level = term.partition(" = ")
    return f"{label_of(result, column)} = {level}" if level else label_of(result, column)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def fit_trouble(logit: LogitResult, d: DatasetSummary) -> str:
    """Why the logit has no usable coefficients, as a clause; empty when its fit converged."""
    if logit.failure:
        return f"the logistic regression could not be fitted (statsmodels: {logit.failure})"
    if logit.converged:
        return ""
    share = logit.separated_share
    if share is None:
        return "the logistic regression's fit did not converge"
    if share >= 1:
        return (f"the logistic regression's fit did not converge (its terms separate {d.positive_noun} from "
                f"{d.negative_noun} completely)")
    return (f"the logistic regression's fit did not converge (its terms predict {pct(share, 0)} of the training "
            f"{d.unit} almost perfectly: quasi-separation)")


def approximate_llr(logit: LogitResult, d: DatasetSummary) -> str:
    """The LLR verdict of a fit that stopped before its maximum: the statistic at the maximum can
    only be larger, so a significant test stands and an insignificant one settles nothing."""
    trouble = capitalised(fit_trouble(logit, d))
    understated = "A fit that stops short of its maximum likelihood can only understate the test"
    if logit.llr_pvalue < logit.alpha:
        return (f"{trouble}, so its LLR test is approximate: the p-value is {pvalue_text(logit.llr_pvalue)}. "
                f"{understated}, so taken together the features still tell {d.positive_noun} from "
                f"{d.negative_noun} better than chance.")
    return (f"{trouble}, so its LLR test is approximate: the p-value is {logit.llr_pvalue:.3f}, not below "
            f"{logit.alpha:g}. {understated}, so this is inconclusive rather than evidence that the features do "
            f"not matter.")


def answer_llr(result: ReportResult) -> Answer:
    logit = result.logit
    d = result.dataset
    if logit.failure:
        return Answer(f"No LLR test: {fit_trouble(logit, d)}, so there is no likelihood to test.",
                      [("The report uses no figure from the logistic regression; the other models answer the "
                        "remaining questions.")])
    if logit.llr_pvalue is None:
        return Answer("statsmodels could not compute the LLR test for this logit, so its overall significance "
                      "cannot be judged.", ["The fit did not produce a finite likelihood; see the warnings."])
    significant = logit.llr_pvalue < logit.alpha
    if not logit.converged:
        short = approximate_llr(logit, d)
    elif significant:
        short = (f"The LLR p-value is {pvalue_text(logit.llr_pvalue)}: taken together, the features tell "
                 f"{d.positive_noun} from {d.negative_noun} far better than chance.")
    else:
        short = (f"The LLR p-value is {logit.llr_pvalue:.3f}, not below {logit.alpha:g}: the logit is no evidence "
                 f"that the features, taken together, explain the outcome.")
    points = [
        f"The likelihood-ratio test compares the logit with its {plural(len(logit.coefficients), 'term')} "
        f"(log-likelihood {logit.log_likelihood:,.1f}) against a model that gives every {d.unit_singular} "
        f"the same probability (log-likelihood {logit.log_likelihood_null:,.1f}); the statistic is {logit.llr:,.1f}.",
        (f"Because the p-value is below {logit.alpha:g}, we reject the hypothesis that every coefficient is zero."
         if significant else
         f"Because the p-value is not below {logit.alpha:g}, we cannot reject that every coefficient is zero."),
    ]
    if logit.pseudo_r2 is not None and logit.converged:
        strength = ("a strong fit: McFadden's values of 0.2 to 0.4 already indicate an excellent one"
                    if logit.pseudo_r2 >= 0.2 else "a modest fit (McFadden's 0.2 to 0.4 indicates an excellent one)")
        points.append(f"McFadden's pseudo R² is {logit.pseudo_r2:.3f}, {strength}.")
    elif logit.pseudo_r2 is not None:
        points.append(f"McFadden's pseudo R² ({logit.pseudo_r2:.3f}) is approximate for the same reason; do not read "
                      f"it as a measure of fit.")
    separation = logit.separated_share
    if separation is not None and logit.converged:
        points.append(f"Caution: {pct(separation, 0)} of the training {d.unit} are predicted almost perfectly "
                      f"(quasi-separation). The overall test stands, but single coefficients and their p-values "
                      f"are less reliable than they look.")
    points.append("Significance says the model beats no model at all, not how well it predicts; the test-set "
                  "metrics answer that.")
    return Answer(short, points)


def change_text(change: float) -> str:
    """+512%, +1.2%, -6.1%: enough digits to be read, no more."""
    magnitude = abs(change)
    digits = 0 if magnitude >= 0.1 else 1 if magnitude >= 0.01 else 2
    return pct(magnitude, digits)


def odds_reading(term: Coefficient, result: ReportResult) -> str:
    change = term.odds_ratio - 1
    verb = "raises" if change > 0 else "lowers"
    if " = " in term.feature:
        return f"{term.label} {verb} the odds by {change_text(change)} (odds ratio {term.odds_ratio:.3g})"
    unit = result.dataset.units.get(term.feature)
    subject = f"each extra {unit}" if unit else f"each extra unit of {label_of(result, term.feature).lower()}"
    return f"{subject} {verb} the odds by {change_text(change)} (odds ratio {term.odds_ratio:.4g})"


def repeated_text(term: RedundantTerm) -> str:
    """'Store (repeats Store id and Store7 = Yes)'."""
    if not term.repeats:
        return f"{term.label} (no variation of its own)"
    listed = term.repeats + ([plural(term.more, "more term")] if term.more else [])
    return f"{term.label} (repeats {join_words(listed)})"


def redundancy_point(logit: LogitResult) -> list[str]:
    """The terms left out of the fit because they repeat kept ones, as one point; none without them."""
    if not logit.redundant:
        return []
    if all(t.repeats for t in logit.redundant):
        reason = "because it repeats other terms" if len(logit.redundant) == 1 else "because they repeat other terms"
    else:
        reason = "as redundant"
    return [f"Left out of the logit {reason}: {join_words([repeated_text(t) for t in logit.redundant])}."]


def unfitted_equation(result: ReportResult) -> Answer:
    """Question 2 when the logit's fit failed or did not converge: why there is no equation."""
    logit = result.logit
    trouble = fit_trouble(logit, result.dataset)
    if logit.failure:
        return Answer(f"No equation is given: {trouble}, so there are no coefficients to write one with.",
                      ["The report shows no coefficient for it.", *redundancy_point(logit)])
    short = (f"No equation is given: {trouble}, so its coefficients are where the fit stopped, not estimates, and "
             f"no term can be called significant.")
    table = ("The coefficient table in the logistic regression section shows where the fit stopped, for reference "
             "only; its p-values are not reliable.")
    return Answer(short, [table, *redundancy_point(logit)])


def answer_equation(result: ReportResult) -> Answer:
    logit = result.logit
    if not logit.converged:
        return unfitted_equation(result)
    significant = significant_terms(logit)
    dropped = [c for c in logit.coefficients if not c.significant]
    short = (f"With only the {plural(len(significant), 'term')} significant at the {logit.alpha:g} level: "
             f"{logit.equation}.")
    points = []
    if significant:
        strongest = sorted(significant, key=lambda c: -abs(c.z or 0))[:4]
        points.append("Read as odds, the clearest effects: " + "; ".join(odds_reading(c, result) for c in strongest) + ".")
    else:
        points.append("No term is significant, so the equation reduces to the intercept.")
    references = result.preprocessing.reference_categories
    if references and logit.intercept is not None:
        listed = [f"{label_of(result, column)} = {level}" for column, level in references.items()]
        points.append(f"Category terms compare with the most common category ({join_words(listed)}), which the "
                      f"intercept stands for.")
    if logit.separated_share is not None:
        points.append("With quasi-separation in the data, treat the size of each coefficient as indicative.")
    if logit.intercept is None:
        points.append("As configured, the model has no intercept: every term is forced through zero log-odds and the "
                      "coefficients absorb the base rate, which biases them.")
    if dropped:
        listed = [f"{c.label} (p = {c.pvalue:.3f})" if c.pvalue is not None else f"{c.label} (p not estimable)"
                  for c in dropped]
        points.append(f"Left out as not significant: {join_words(listed)}; "
                      f"{'its coefficient' if len(dropped) == 1 else 'their coefficients'} cannot be told apart "
                      f"from zero, given the other terms.")
    else:
        points.append("Every term is significant, so none is left out.")
    return Answer(short, points + redundancy_point(logit))


def answer_tree(result: ReportResult) -> Answer:
    tree = result.tree
    if tree is None:
        return Answer("No decision tree was fitted in this run.", ["It is not among the configured models."])
    model = result.model("decision_tree")
    deciding = [s for s in tree.split_features if s.importance >= DECIDING_SHARE]
    minor = [s for s in tree.split_features if s.importance < DECIDING_SHARE]
    listed = [f"{term_label(result, s.feature)} ({pct(s.importance)})" for s in deciding]
    only = " only" if not minor else ""
    short = f"The tree decides on {join_words(listed)}{only}"
    short += (f"; {plural(len(minor), 'other feature')} add{'s' if len(minor) == 1 else ''} minor splits." if minor
              else ".")
    params = ", ".join(f"{k} = {v}" for k, v in model.params.items() if k != "random_state")
    points = [f"Shares are each feature's part of the tree's impurity reduction. The tuned tree "
              f"({params or 'default settings'}) has depth {tree.depth} and {tree.leaves} leaves."]
    if tree.root_feature:
        points.append(f"Its first split asks whether {term_label(result, tree.root_feature)} is at most "
                      f"{tree.root_threshold:,.4g}; that "
                      f"one question separates the classes best.")
    if minor:
        points.append("Minor splits: " + join_words([f"{term_label(result, s.feature)} ({pct(s.importance)})"
                                                     for s in minor]) + ".")
    unused = [f for f in result.dataset.features
              if not any(s.feature == f or s.feature.startswith(f + " = ") for s in tree.split_features)]
    if unused:
        points.append(f"It never splits on {join_words([label_of(result, f) for f in unused])}: given the others, "
                      f"they do not change its decision.")
    return Answer(short, points)


def gap_range(low: float, high: float, baseline: float) -> str:
    """'3.8 to 5.6 points above', or 'from 2.7 points below to 5.6 points above'."""
    low_gap, high_gap = 100 * (low - baseline), 100 * (high - baseline)
    if low_gap >= 0:
        return f"{low_gap:.1f} to {high_gap:.1f} points above"
    if high_gap < 0:
        return f"{-high_gap:.1f} to {-low_gap:.1f} points below"
    return f"from {-low_gap:.1f} points below to {high_gap:.1f} points above"


def answer_confusion(result: ReportResult) -> Answer:
    d = result.dataset
    baseline = result.summary.baseline_accuracy
    low = min(m.test.accuracy for m in result.models)
    high = max(m.test.accuracy for m in result.models)
    short = (f"No: always predicting '{d.negative_name}' is already {pct(baseline)} accurate, so the models' "
             f"accuracies ({low:.3f} to {high:.3f}) mostly reflect the {d.negative_noun}; what differs is how many "
             f"{d.positive_noun} each finds and how many false alarms it raises.")
    points = []
    for m in result.models:
        (tn, fp), (fn, tp) = m.test.confusion_matrix
        points.append(f"{m.label}: finds {tp} of {tp + fn} {d.positive_noun} ({pct(m.test.recall, 0)}), misses {fn}, "
                      f"and raises {fp} false alarms among {tn + fp:,} {d.negative_noun}; accuracy {m.test.accuracy:.3f}.")
    points.append(f"The accuracies lie {gap_range(low, high, baseline)} the majority-class rule, which finds no "
                  f"{d.positive_noun} at all.")
    worst = min(result.models, key=lambda m: m.test.recall)
    points.append(f"The {worst.label.lower()} scores {worst.test.accuracy:.3f} accuracy while finding only "
                  f"{pct(worst.test.recall)} of {d.positive_noun}. Precision, recall, F1 and the area under the "
                  f"precision-recall curve judge the rare class directly.")
    leaders = {metric: max(result.models, key=lambda m: getattr(m.test, metric)) for metric in ("accuracy", "f1", "pr_auc")}
    if len({m.name for m in leaders.values()}) == 1:
        points.append(f"Here one model, the {leaders['accuracy'].label.lower()}, leads on accuracy, F1 and PR AUC alike.")
    else:
        listed = [f"the {m.label.lower()} on {name} ({getattr(m.test, metric):.3f})"
                  for (metric, m), name in zip(leaders.items(), ("accuracy", "F1", "PR AUC"))]
        points.append(f"The leaders differ by metric ({join_words(listed)}): ranking by accuracy alone would mislead.")
    if result.published is not None and result.published.comparison:
        points.append(result.published.comparison)
    return Answer(short, points)


def flagged(model: ModelResult) -> int:
    (tn, fp), (fn, tp) = model.test.confusion_matrix
    return tp + fp


def first_lever(result: ReportResult) -> Driver | None:
    """The strongest listed driver the config declares a lever (`levers`)."""
    return next((x for x in result.listed_drivers if x.lever), None)


def no_lever_reason(result: ReportResult) -> str:
    """Why no listed driver is called a lever, as a clause."""
    declared = [label_of(result, c).lower() for c in result.settings.get("levers", [])]
    if not declared:
        return "the configuration declares no column a lever"
    return f"none of the declared levers ({join_words(declared)}) measurably drives the score"


def strongest_driver(result: ReportResult) -> str:
    """The strongest declared lever among the listed drivers; else the strongest driver (passing over those
    marked not actionable, which the caveats explain), said once to be predictive, not causal."""
    lever = first_lever(result)
    if lever:
        return f"The strongest lever is {lever.label.lower()} ({lever.direction})."
    listed = result.listed_drivers
    if not listed:
        return ("No feature measurably drives the model's ranking: shuffling any one of them lowers its test PR AUC "
                "by an amount that cannot be told from zero.")
    top = next((x for x in listed if x.actionable), listed[0])
    aside = "Leaving aside the columns marked as not levers, the" if top is not listed[0] else "The"
    return (f"{aside} strongest driver is {top.label.lower()} ({top.direction}), predictive, not causal: "
            f"{no_lever_reason(result)}.")


def driver_tag(driver: Driver) -> str:
    """'; a declared lever', '; not a lever' (marked so in the config), or nothing."""
    if driver.lever:
        return "; a declared lever"
    return "" if driver.actionable else "; not a lever"


def drop_text(value: float) -> str:
    """A drop in PR AUC with three decimals, never '-0.000'."""
    return f"{round(value, 3) + 0.0:.3f}"


def importance_interval(driver: Driver | UnlistedSignal) -> str:
    """'95% interval 0.129 to 0.188', or nothing in results from before intervals were measured."""
    if driver.importance_low is None or driver.importance_high is None:
        return ""
    return f"95% interval {drop_text(driver.importance_low)} to {drop_text(driver.importance_high)}"


def drivers_clause(top: list[Driver]) -> str:
    """How question 7's short answer names the strongest drivers, and which of them are levers."""
    if not top:
        return "; no feature measurably drives its predictions."
    levers = [x.label.lower() for x in top if x.lever]
    if not levers:
        note = "not a declared lever" if len(top) == 1 else "none is a declared lever"
    elif len(levers) == len(top):
        note = "a declared lever" if len(top) == 1 else "all declared levers"
    else:
        are = "is a declared lever" if len(levers) == 1 else "are declared levers"
        note = f"of these, only {join_words(levers)} {are}"
    verb = "drives" if len(top) == 1 else "drive"
    named = join_words([x.label.lower() for x in top])
    return f"; {named} {verb} its predictions most (predictive, not causal; {note})."


def unlisted_drivers_point(result: ReportResult) -> list[str]:
    """The measured features the report does not list as drivers, as one point; none when all are listed."""
    listed = result.listed_drivers
    left = [x.label.lower() for x in result.drivers if x not in listed]
    if not left:
        return []
    them = "it" if len(left) == 1 else "them"
    return [f"Not listed as drivers: {join_words(left)}. Shuffling {them} does not measurably lower the model's test "
            f"PR AUC (the 95% interval of the drop includes zero, or the drop is not positive)."]


def disagreement_note(disagreement: SignDisagreement, result: ReportResult) -> str:
    """A driver higher among positives whose logit coefficient is negative (or the reverse), and why both hold."""
    d = result.dataset
    term = disagreement.coefficient
    relation = "higher" if disagreement.sign > 0 else "lower"
    return (f"{disagreement.label} is {relation} among {d.positive_noun}, yet its logit coefficient is "
            f"{'negative' if term.coef < 0 else 'positive'}: holding the other features fixed, "
            f"{odds_reading(term, result)}. The first compares {d.positive_noun} with "
            f"{d.negative_noun} as they are, the second {d.unit} alike in every other feature.")


def segments_named(names: list[str]) -> str:
    """"the segment 'A'", "the segments 'A' and 'B'", or "4 segments"."""
    quoted = [f"'{n}'" for n in names]
    if len(names) == 1:
        return f"the segment {quoted[0]}"
    if len(names) == 2:
        return f"the segments {join_words(quoted)}"
    return f"{len(names)} segments"


def unlisted_note(signal: UnlistedSignal, result: ReportResult, shown: int, subject: str = "") -> str:
    """A feature significant in the logit and setting segments apart that the drivers table leaves out;
    `subject` stands for its label when the sentence before spoke of it."""
    d = result.dataset
    if signal.rank is not None:
        why = f"it ranks {ordinal(signal.rank)} among the drivers, below the {shown} the table shows"
    elif signal.importance is None:
        why = "the drivers do not measure it"
    else:
        interval = importance_interval(signal)
        why = (f"shuffling it changes the model's test PR AUC by {drop_text(signal.importance)}"
               f"{f' ({interval})' if interval else ''}, which cannot be told from zero")
    return (f"{subject or signal.label} is {'also ' if subject else ''}significant in the logit and stands out in "
            f"{segments_named(signal.segments)}, yet it is not in the drivers table: {why}. The logit holds the "
            f"other features fixed and the segments describe how {d.unit} differ; the drivers measure what the "
            f"recommended model's ranking of {d.positive_noun} needs.")


def driver_notes(result: ReportResult) -> list[str]:
    """Where the logit or the segments read a driver differently from the drivers table, a sentence each;
    a feature's two sentences, when it has both, one after the other."""
    checks = result.driver_checks
    unlisted = {x.feature: x for x in checks.unlisted}
    notes = []
    for x in checks.disagreements:
        notes.append(disagreement_note(x, result))
        if x.feature in unlisted:
            notes.append(unlisted_note(unlisted.pop(x.feature), result, checks.shown, subject="It"))
    return notes + [unlisted_note(x, result, checks.shown) for x in unlisted.values()]


def table_notes(result: ReportResult) -> list[str]:
    """The sign disagreements of the drivers the summary's table shows, to read beside their direction
    there; question 7 carries every note."""
    shown = {x.feature for x in result.listed_drivers[:result.driver_checks.shown]}
    return [disagreement_note(x, result) for x in result.driver_checks.disagreements if x.feature in shown]


def answer_use(result: ReportResult) -> Answer:
    best = result.best
    d = result.dataset
    lift = best.test.precision / d.positive_rate
    short = (f"Score every new {d.unit_singular} with the {best.label.lower()} and "
             f"act first on those it flags: {pct(best.test.precision, 0)} of them are {d.positive_noun}, "
             f"{lift:.1f}× the base rate of {pct(d.positive_rate)}.")
    points = [f"On the {d.test_rows:,} test {d.unit} it flagged {flagged(best):,} and found "
              f"{pct(best.test.recall)} of all {d.positive_noun}; the {d.unit} it does not flag are better served by "
              f"cheaper, general messages than by personal contact."]
    for row in result.targeting:
        if row.top_fraction == 0.1:
            points.append(f"Ranked by score, the top 10% of {d.unit} hold {pct(row.share_of_conversions, 0)} of all "
                          f"{d.positive_noun} ({row.lift:.1f}× the rate of contacting at random); the targeting "
                          f"table gives other cut-offs.")
    lever = first_lever(result)
    if lever:
        points.append(f"Design actions around the declared levers that drive the score, first {lever.label.lower()} "
                      f"({lever.direction}), and test with an experiment that changing them changes the outcome: the "
                      f"models show association, not cause.")
    elif result.listed_drivers:
        points.append(f"The report names no behaviour to change: {no_lever_reason(result)}, and the drivers predict "
                      f"{d.positive_noun} without being shown to cause them. List the columns the business can act "
                      f"on under 'levers' in the configuration.")
    for x in [x for x in result.listed_drivers[:3] if not x.actionable]:
        note = result.dataset.notes.get(x.feature, "marked as not actionable in the configuration")
        points.append(f"{x.label} ranks among the strongest signals but is not a lever ({note}); use it to time "
                      f"contact, not as a goal.")
    significant = significant_terms(result.logit)
    if significant:
        points.append(f"Use the logit's {plural(len(significant), 'significant term')} to explain the direction and "
                      f"size of each effect to stakeholders.")
    points.append("Re-run the report on each new extract to watch the rate, the drivers and the model quality.")
    return Answer(short, points)


def overfitted(result: ReportResult) -> list[ModelResult]:
    return [m for m in result.models if m.overfit]


RESAMPLER_WORDS = {"random_under": "random under-sampling", "smote": "SMOTE"}


def improvement_actions(result: ReportResult) -> list[str]:
    d = result.dataset
    best = result.best
    actions = []
    leaks = result.preprocessing.leakage
    if leaks:
        listed = [f"{x.label} (ROC AUC {x.auc:.3f} alone)" for x in leaks]
        actions.append(f"Check {join_words(listed)} for leakage: a feature that alone separates the outcomes is "
                       f"usually recorded after them. If it is, exclude it and re-run; the figures here are too good "
                       f"to hold on new {d.unit}.")
    compared = {row.strategy for row in result.imbalance}
    if d.positive_rate < IMBALANCED_RATE and len(compared) < 2:
        actions.append(f"Handle the imbalance ({pct(d.positive_rate)} {d.positive_noun}): compare resampling "
                       f"(SMOTE, under-sampling) and class weights inside the cross-validation folds.")
    elif d.positive_rate < IMBALANCED_RATE:
        kept = [row for row in result.imbalance if row.chosen and row.strategy != "none"]
        if kept:
            listed = [f"{result.model(row.model).label.lower()} ({row.strategy.replace('_', ' ')})" for row in kept]
            actions.append(f"Resampling helped only {join_words(listed)} among the strategies compared inside the "
                           f"folds; more {d.positive_noun} in the data would help more than more resampling.")
        else:
            actions.append(f"No resampling strategy beat the plain data inside the folds, so the models keep the true "
                           f"{pct(d.positive_rate)} share and the threshold does the balancing; more "
                           f"{d.positive_noun} in the data are what is left to try.")
        untried = [RESAMPLER_WORDS[s] for s in RESAMPLERS_ON_REQUEST if s not in compared]
        if untried:
            listed = join_words(untried)
            several = len(untried) > 1
            actions.append(f"{listed[0].upper()}{listed[1:]} {'were' if several else 'was'} not compared in this "
                           f"run (imbalance.strategies in the config adds {'them' if several else 'it'}).")
    if result.threshold is not None and result.threshold.method.startswith("the estimator's own cut"):
        actions.append(f"Tune the decision threshold by cross-validation instead of the estimators' default cut: "
                       f"the recommended model finds only {pct(best.test.recall)} of {d.positive_noun} at it.")
    elif best.test.recall < LOW_RECALL:
        actions.append(f"The recommended model finds {pct(best.test.recall)} of {d.positive_noun}; a lower threshold "
                       f"trades precision ({pct(best.test.precision)}) for recall where a missed "
                       f"{singular(d.positive_noun)} costs more than a false alarm (give the value settings to tune "
                       f"it for profit).")
    for m in overfitted(result):
        memorises = "; distance weighting memorises the training rows" if m.params.get("weights") == "distance" else ""
        actions.append(f"Reduce over-fitting in the {m.label.lower()} (F1 {m.train.f1:.2f} on training vs "
                       f"{m.test.f1:.2f} on test{memorises}) with stronger regularisation or more data.")
    for m in result.models:
        if m.grid_edges:
            actions.append(f"Widen the {possessive(m.label.lower())} search: its best {join_words(m.grid_edges)}.")
    insignificant = [c.feature for c in result.logit.coefficients if not c.significant]
    if insignificant and result.logit.converged:
        actions.append(f"Drop or regroup the logit terms that are not significant ({join_words(insignificant)}) "
                       f"for a simpler, more stable equation.")
    dropped = [v for v in result.preprocessing.vif if v.dropped]
    if dropped:
        listed = [f"{v.feature} (VIF {v.vif:.1f})" for v in dropped]
        actions.append(f"{join_words(listed)} {'was' if len(dropped) == 1 else 'were'} dropped for multicollinearity; "
                       f"a combined feature (a ratio or difference with its correlated partners) may keep the "
                       f"information without the collinearity.")
    if result.logit.separated_share is not None:
        actions.append("The logit shows quasi-separation (some rows are predicted perfectly), which inflates "
                       "coefficients and standard errors; a penalised (L2 or Firth) logit stabilises it.")
    return actions


def answer_improve(result: ReportResult) -> Answer:
    actions = improvement_actions(result)
    if not actions:
        return Answer("This run's diagnostics raise no specific problem.",
                      ["The classes are not badly imbalanced, no model over-fits noticeably, every logit term is "
                       "significant and no search hit the edge of its grid: more data or new behavioural features "
                       "are what is left to try."])
    return Answer(f"This run's diagnostics point to {plural(len(actions), 'action')}.", actions)


def answer_rely(result: ReportResult) -> Answer:
    best = result.best
    d = result.dataset
    metric = metric_name(best.cv.metric)
    top = result.listed_drivers[:3]
    short = f"Rely on the {best.label.lower()}{drivers_clause(top)}"
    ranked = sorted(result.models, key=lambda m: -m.cv.mean)
    runner = ranked[1] if len(ranked) > 1 else None
    first = (f"It has the best cross-validated {metric} on the training {d.unit} ({best.cv.mean:.3f} ± "
             f"{best.cv.std:.3f})")
    if runner:
        first += f", ahead of the {runner.label.lower()} ({runner.cv.mean:.3f})"
    points = [first + (f". On the untouched test set it scores F1 {best.test.f1:.3f}, precision "
                       f"{best.test.precision:.3f}, recall {best.test.recall:.3f} and PR AUC {best.test.pr_auc:.3f}.")]
    ensemble_note = ensemble_comparison(result)
    if ensemble_note:
        points.append(ensemble_note)
    test_best = max(result.models, key=lambda m: m.test.pr_auc)
    if test_best.name != best.name:
        points.append(f"The {test_best.label.lower()} happens to score a higher test PR AUC "
                      f"({test_best.test.pr_auc:.3f}); picking it for that reason would tune on the test set.")
    for x in top:
        interval = importance_interval(x)
        points.append(f"{x.label}: {x.direction} (shuffling it lowers the model's test PR AUC from "
                      f"{best.test.pr_auc:.3f} by {x.importance:.3f}{', ' + interval if interval else ''}"
                      f"{driver_tag(x)}).")
    points += unlisted_drivers_point(result) + driver_notes(result)
    return Answer(short, points)


def ensemble_members(result: ReportResult, model: ModelResult) -> list[str]:
    names = str(model.params.get("members", "")).split(", ")
    return [result.model(n).label.lower() for n in names if any(m.name == n for m in result.models)]


def ensemble_comparison(result: ReportResult) -> str:
    """Whether averaging the best models beat the best single one in cross-validation, and by how much."""
    ensemble = next((m for m in result.models if m.name == "ensemble"), None)
    if ensemble is None:
        return ""
    singles = [m for m in result.models if m.name != "ensemble"]
    best_single = max(singles, key=lambda m: m.cv.mean)
    members = join_words(ensemble_members(result, ensemble))
    gain = ensemble.cv.mean - best_single.cv.mean
    if result.best_model == "ensemble":
        return (f"It averages the probabilities of the {members}; in cross-validation it beats the best single "
                f"model, the {best_single.label.lower()}, by {gain:+.3f} ({ensemble.cv.mean:.3f} vs "
                f"{best_single.cv.mean:.3f}), so it is recommended.")
    return (f"A soft-voting ensemble of the {members} scored {ensemble.cv.mean:.3f} in cross-validation, "
            f"{gain:+.3f} against the {best_single.label.lower()}: no gain, so the single model is recommended.")


def rates(metrics: Metrics) -> tuple[float, float]:
    """The share of positives found (TPR) and of negatives wrongly flagged (FPR), from the confusion matrix."""
    (tn, fp), (fn, tp) = metrics.confusion_matrix
    return tp / (tp + fn) if tp + fn else 0.0, fp / (fp + tn) if fp + tn else 0.0


def figure_here(metrics: Metrics, metric: str) -> float:
    if metric == "balanced_accuracy":
        found, false_alarms = rates(metrics)
        return (found + 1 - false_alarms) / 2
    return float(getattr(metrics, metric))


def figure_at_equal_shares(metrics: Metrics, metric: str) -> float | None:
    """What the model would score on a test set with as many positives as negatives: found and
    false-alarm rates do not depend on the class shares, precision and accuracy do. None where the
    confusion matrix cannot say (PR AUC)."""
    found, false_alarms = rates(metrics)
    precision = found / (found + false_alarms) if found + false_alarms else 0.0
    values = {
        "accuracy": (found + 1 - false_alarms) / 2,
        "balanced_accuracy": (found + 1 - false_alarms) / 2,
        "precision": precision,
        "recall": found,
        "f1": 2 * precision * found / (precision + found) if precision + found else 0.0,
        "roc_auc": metrics.roc_auc,
    }
    return values.get(metric)


def published_rows(result: ReportResult, published: Published) -> list[PublishedRow]:
    names = [n for n in dict.fromkeys([published.model, result.best_model]) if n and any(m.name == n for m in result.models)]
    rows = []
    for name in names:
        test = result.model(name).test
        for metric, value in published.metrics.items():
            at_equal = figure_at_equal_shares(test, metric) if published.balanced_test else None
            rows.append(PublishedRow(metric=metric, published=value, model=name,
                                     here=round(figure_here(test, metric), 6),
                                     here_balanced=None if at_equal is None else round(at_equal, 6)))
    return rows


def figures_text(rows: list[PublishedRow], attribute: str) -> str:
    return join_words([f"{metric_name(r.metric)} {getattr(r, attribute):.3f}" for r in rows])


def gaps_text(rows: list[PublishedRow]) -> str:
    """'accuracy +0.041, recall -0.120' between this run's comparable figure and the published one."""
    return join_words([f"{metric_name(r.metric)} {(r.here_balanced if r.here_balanced is not None else r.here) - r.published:+.3f}"
                       for r in rows])


def published_comparison(result: ReportResult, published: Published, rows: list[PublishedRow]) -> str:
    """The published figures, this run's honest ones beside them, and on which footing they compare."""
    d = result.dataset
    first = rows[0].model
    shared = [r for r in rows if r.model == first]
    balanced = " on a test set with as many positives as negatives" if published.balanced_test else ""
    method = f" ({published.method})" if published.method else ""
    text = (f"{published.source[:1].upper()}{published.source[1:]} reported {figures_text(shared, 'published')}"
            f"{balanced}{method}. Here the test set keeps the true {pct(d.positive_rate)} share of {d.positive_noun} "
            f"and none of its {d.test_rows:,} {d.unit} was used for training or tuning.")
    for name in dict.fromkeys(r.model for r in rows):
        own = [r for r in rows if r.model == name]
        model = result.model(name)
        role = " (recommended)" if name == result.best_model else ""
        text += f" The {model.label.lower()}{role} scores {figures_text(own, 'here')} at its decision threshold"
        comparable = [r for r in own if r.here_balanced is not None]
        if comparable:
            text += (f"; re-weighted to equal class shares, as the published test set had: "
                     f"{figures_text(comparable, 'here_balanced')}")
        text += (f" ({gaps_text(own)} against the published figures). Its ROC AUC, which depends on neither the "
                 f"class shares nor the threshold, is {model.test.roc_auc:.3f}.")
    if published.balanced_test:
        text += (" Precision and accuracy depend on the class shares, so only the re-weighted figures compare "
                 f"with the published ones; the figures on the true share are what to expect on new {d.unit}.")
    return text


def with_published(result: ReportResult) -> Published | None:
    published = result.published
    if published is None:
        return None
    rows = published_rows(result, published)
    if not rows:
        return published
    return dataclasses.replace(published, rows=rows, comparison=published_comparison(result, published, rows))


ANSWERS = [answer_llr, answer_equation, answer_tree, answer_confusion, answer_use, answer_improve, answer_rely]


def majority_accuracy(result: ReportResult) -> float:
    (tn, fp), (fn, tp) = result.models[0].test.confusion_matrix
    return max(tn + fp, fn + tp) / (tn + fp + fn + tp)


def summary(result: ReportResult) -> Summary:
    best = result.best
    d = result.dataset
    headline = (f"{pct(d.positive_rate)} of {d.rows_used:,} {d.unit} are {d.positive_noun}. The "
                f"{best.label.lower()} finds {pct(best.test.recall, 0)} of them in held-out data, and "
                f"{pct(best.test.precision, 0)} of the {d.unit} it flags are right.")
    headline = " ".join(filter(None, [weak_model_lead(result), headline]))
    why = (f"Best cross-validated {metric_name(best.cv.metric)} ({best.cv.mean:.3f}) among "
           f"{len(result.models)} tuned models; on the test set, PR AUC {best.test.pr_auc:.3f} and ROC AUC "
           f"{best.test.roc_auc:.3f}.")
    action = recommended_action(result)
    return Summary(
        headline=headline,
        recommended_model=best.name,
        recommended_label=best.label,
        why_recommended=why,
        drivers=result.listed_drivers[:result.driver_checks.shown],
        action=action,
        baseline_accuracy=result.baseline.accuracy if result.baseline else round(majority_accuracy(result), 6),
        caveats=caveats(result),
        driver_notes=table_notes(result),
        top_decile_share=next((r.share_of_conversions for r in result.targeting if r.top_fraction == 0.1), None),
    )


def recommended_action(result: ReportResult) -> str:
    """Whom to contact, how many, and what to expect, from the recommendation and the test rows."""
    d = result.dataset
    rec = result.recommendation
    if rec is None:
        best = result.best
        return little_gained(result) + (
                f"Prioritise the {d.unit} the model flags ({flagged(best):,} of {d.test_rows:,} in the test set): "
                f"{pct(best.test.precision, 0)} of them are {d.positive_noun}.")
    text = little_gained(result) + (
            f"Contact the {pct(rec.fraction, 0)} of {d.unit} the model scores highest: in the test set that is "
            f"{rec.contacted:,} of {d.test_rows:,}, expected to hold about {rec.expected_conversions:,.0f} "
            f"{d.positive_noun} ({rec.conversions:,} did, {pct(rec.precision, 0)} of those contacted), "
            f"{pct(rec.share_of_conversions, 0)} of all {d.positive_noun}.")
    if rec.expected_profit is not None:
        text += (f" Expected profit on those {d.test_rows:,} {d.unit}: {rec.expected_profit:,.0f} (observed "
                 f"{rec.profit:,.0f}); it scales with the number of {d.unit} scored.")
    return f"{text} {strongest_driver(result)}"


def twins_caveat(result: ReportResult) -> list[str]:
    """When many test rows have an identical row in training: how many, and what the recommended model
    does on the test rows without one (first in 'Read with care')."""
    twins = result.twins
    if twins is None or not twins.material:
        return []
    d = result.dataset
    opening = (f"{pct(twins.share, 0)} of the test {d.unit} ({twins.with_twin:,} of {twins.test_rows:,}) have an "
               f"identical {d.unit_singular} among the training {d.unit} (a model can score them from memory)")
    reading = twins.model(result.best_model)
    if reading is None:
        held = f"no {d.positive_noun}" if twins.positives_without == 0 else f"only {d.positive_noun}"
        return [(f"{opening}; the {twins.rows_without:,} without one hold {held}, so the models cannot be measured "
                 f"without the copies.")]
    best = result.best
    top = pct(twins.top_fraction, 0)
    return [(f"{opening}; on the {twins.rows_without:,} without one, the {best.label.lower()} finds "
             f"{pct(reading.test.recall, 0)} of {d.positive_noun} (PR AUC {reading.test.pr_auc:.3f}) and its top "
             f"{top} are {pct(reading.top_precision, 0)} right, against {pct(best.test.recall, 0)}, PR AUC "
             f"{best.test.pr_auc:.3f} and {pct(reading.top_precision_all, 0)} on all test {d.unit}.")]


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
    top = pct(twins.top_fraction, 0)
    return (f"Without the {twins.with_twin:,} test {d.unit} that have an identical {d.unit_singular} in training, "
            f"the top {top} by score are {pct(reading.top_precision)} {d.positive_noun}, against "
            f"{pct(reading.top_precision_all)} in the table's first row.")


def with_twin_notes(result: ReportResult) -> Twins | None:
    twins = result.twins
    if twins is None:
        return None
    return dataclasses.replace(twins, text=twins_table_note(result), targeting_text=twins_targeting_note(result))


def scores_used(result: ReportResult) -> str:
    """Which probabilities the targeting table and the recommendation add up, and why."""
    c = result.calibration
    label = result.model(c.model).label.lower() if any(m.name == c.model for m in result.models) else "model"
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


def with_scores_used(result: ReportResult) -> Calibration | None:
    if result.calibration is None:
        return None
    return dataclasses.replace(result.calibration, text=scores_used(result))


def caveats(result: ReportResult) -> list[str]:
    """What an executive should keep in mind when reading this run's numbers."""
    d = result.dataset
    found = [f"{x.label} alone separates {d.positive_noun} from {d.negative_noun} almost perfectly (ROC AUC "
             f"{x.auc:.3f}): probably recorded after the outcome (leakage). Until that is checked, the models' "
             f"figures overstate what they can do before the outcome." for x in result.preprocessing.leakage]
    found += [dependence_caveat(result)] if result.dependence is not None else []
    found.append("The models find association, not cause: test a change with an experiment before rolling it out.")
    timing = [x for x in result.listed_drivers[:result.driver_checks.shown] if not x.actionable]
    for x in timing:
        note = d.notes.get(x.feature, "marked as not actionable in the configuration")
        found.append(f"{x.label} is a strong signal but not a lever: {note}.")
    share = result.logit.separated_share
    if result.logit.failure:
        found.append(f"{capitalised(fit_trouble(result.logit, d))}, so the report has no coefficients for it.")
    elif not result.logit.converged:
        found.append(f"{capitalised(fit_trouble(result.logit, d))}, so its coefficients are not used.")
    elif share is not None:
        found.append(f"The logistic regression's terms predict {pct(share, 0)} of the training {d.unit} almost "
                     f"perfectly, so its individual coefficients are less reliable than its overall test.")
    best = result.best
    if best.test_ci.get("recall"):
        low, high = best.test_ci["recall"]
        (tn, fp), (fn, tp) = best.test.confusion_matrix
        found.append(f"The test set holds {tp + fn:,} {d.positive_noun}, so the share found is known to within "
                     f"{pct(low, 0)} to {pct(high, 0)} (95% interval).")
    return twins_caveat(result) + found


HOLDS_UP = 0.9
"""Refitted without the feature it leans on, a model holds up when it keeps at least this share of the
positives it found and of its PR AUC above the base rate."""


def dependence_caveat(result: ReportResult) -> str:
    """The recommended model with and without the one feature it leans on, side by side."""
    x, d = result.dependence, result.dataset
    label = x.label[:1].lower() + x.label[1:]
    weight = (f"its weight is {pct(x.share, 0)} of the summed weights of all behaviours" if x.carries_most else
              f"shuffling it alone takes away {pct(min(x.lift_share, 1.0), 0)} of the model's gain in PR AUC over a "
              f"random ranking")
    if x.refit_failure:
        return (f"The recommended model leans on {label}: {weight}. Refitting it without {label} failed "
                f"({x.refit_failure}), so the report cannot say what it finds without it: if {label} is only known "
                f"after the outcome, the figures above overstate what the model can do.")
    holds_up = (x.found_without >= HOLDS_UP * x.found
                and x.pr_auc_without - x.base_rate >= HOLDS_UP * (x.pr_auc - x.base_rate))
    side_by_side = (f"{pct(x.found_without, 0)} of {d.positive_noun} against {pct(x.found, 0)} with it, contacting "
                    f"the same {pct(x.fraction, 0)} of {d.unit} (PR AUC {x.pr_auc_without:.3f} against "
                    f"{x.pr_auc:.3f})")
    if holds_up:
        return (f"The recommended model weighs {label} most ({weight}), yet refitted without it with the same "
                f"settings it still finds {side_by_side}: the other features carry most of what it does.")
    if x.hinted_after:
        return (f"The recommended model leans on {label}: {weight}, and its name suggests it is measured after or "
                f"up to the outcome. Refitted without it with the same settings, the model finds {side_by_side}: "
                f"unless {label} is known before the outcome, that is the figure to plan on.")
    return (f"The recommended model leans on {label}: {weight}. Refitted without it with the same settings, the "
            f"model finds {side_by_side}: if {label} is only known after the outcome, that is the figure to plan on.")


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
    return (f"The {result.best.label.lower()} ranks {d.positive_noun} only a little better than chance: its test "
            f"PR AUC is {strength.pr_auc:.3f} (95% interval {strength.pr_auc_low:.3f} to {strength.pr_auc_high:.3f}) "
            f"against {strength.base_rate:.3f} for a random ranking, and its ROC AUC {strength.roc_auc:.2f}.")


def little_gained(result: ReportResult) -> str:
    """For a weak model, the opening of the recommended action: how little contacting by its scores buys."""
    strength = weak_strength(result)
    if strength is None:
        return ""
    d = result.dataset
    top = {row.top_fraction: row for row in result.targeting}
    if 0.1 not in top:
        return f"Contacting by this model buys little over contacting {d.unit} at random. "
    text = (f"Contacting by this model buys little: the 10% of {d.unit} it scores highest are {d.positive_noun} "
            f"{top[0.1].lift:.1f}× as often as {d.unit} picked at random ({pct(top[0.1].precision)} against "
            f"{pct(strength.base_rate)})")
    if strength.top_inverted and 0.05 in top:
        text += (f", and the top 5% less often than the top 10% ({pct(top[0.05].precision)}): its ranking is "
                 f"unreliable at the very top")
    return text + ". "


def questions(result: ReportResult) -> list[Question]:
    found = []
    for number, (text, answer) in enumerate(zip(QUESTIONS, ANSWERS), 1):
        short, points = answer(result)
        found.append(Question(id=number, question=text, answer=" ".join([short, *points]), short=short, points=points))
    return found


def ordinal(rank: int) -> str:
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def signed_points(change: float) -> str:
    """A change of a share in percentage points, '+1.2'; never '-0.0'."""
    return f"{round(100 * change, 1) + 0.0:+.1f}"


def points_text(change: float) -> str:
    return f"{signed_points(change)} points"


def previous_report(c: Comparison) -> str:
    return f"the previous report ({c.previous_started_at[:10]})" if c.previous_started_at else "the previous report"


def volume_change(c: Comparison, d: DatasetSummary) -> str:
    """How many rows this run analysed against the previous run."""
    if c.rows_after == c.rows_before:
        return f"This report covers as many {d.unit} as {previous_report(c)}: {c.rows_after:,}."
    change = c.rows_after - c.rows_before
    relative = f" ({change / c.rows_before:+.0%})" if c.rows_before else ""
    return (f"This report covers {c.rows_after:,} {d.unit}, {abs(change):,} {'more' if change > 0 else 'fewer'}"
            f"{relative} than the {c.rows_before:,} of {previous_report(c)}.")


def rate_change(c: Comparison, d: DatasetSummary) -> str:
    """The positive rate then and now, and whether the change is more than chance."""
    r = c.rate
    text = f"{pct(r.after)} of {d.unit} are {d.positive_noun}, against {pct(r.before)} before"
    low, high = r.interval
    if r.pvalue is None:
        return text + "; with no variation in the outcome, no test of the change is possible."
    text += f": {points_text(r.difference)} (95% interval {signed_points(low)} to {points_text(high)})."
    if r.significant:
        direction = "rose" if r.difference > 0 else "fell"
        return text + (f" The rate {direction} by more than chance explains (two-proportion z-test, "
                       f"p = {pvalue_text(r.pvalue)}).")
    return text + (f" That is within chance (two-proportion z-test, p = {r.pvalue:.2f}, not below {r.alpha:g}): "
                   f"no evidence that the rate changed.")


def quality_shift(before: float | None, after: float | None, interval: list[float], name: str) -> str:
    """'PR AUC 0.860 → 0.851 (within noise)': noise when the previous figure lies inside this run's
    95% bootstrap interval."""
    if before is None or after is None:
        return f"{name} {after if after is not None else before:.3f}"
    text = f"{name} {before:.3f} → {after:.3f}"
    if len(interval) == 2:
        low, high = interval
        if low <= before <= high:
            return text + " (within noise)"
        return text + (" (clearly higher)" if after > before else " (clearly lower)")
    return text


def model_figures(m: ModelChange) -> str:
    return (f"{quality_shift(m.f1_before, m.f1_after, m.f1_interval, 'F1')}, "
            f"{quality_shift(m.pr_auc_before, m.pr_auc_after, m.pr_auc_interval, 'PR AUC')}")


def model_change(c: Comparison) -> str:
    """The recommended model then and now, and its held-out quality in both runs."""
    now = c.models[0]
    judged = ("'Within noise': the previous figure lies inside this run's 95% bootstrap interval; 'clearly': "
              "outside it.")
    if c.recommended_after == c.recommended_before:
        return (f"The {now.label.lower()} is still recommended; on held-out data: {model_figures(now)}. "
                f"{judged}")
    then = c.models[1]
    if now.f1_before is None:
        new = (f"The {now.label.lower()}, not fitted in the previous report, is now recommended "
               f"(F1 {now.f1_after:.3f}, PR AUC {now.pr_auc_after:.3f} on held-out data)")
    else:
        new = f"The {now.label.lower()} is now recommended ({model_figures(now)} on held-out data)"
    new += f" instead of the {then.label.lower()}"
    if then.f1_after is None:
        return new + (f", which this run did not fit (it scored F1 {then.f1_before:.3f}, PR AUC "
                      f"{then.pr_auc_before:.3f} before). {judged}")
    return new + f", which scores {model_figures(then)}. {judged}"


def drivers_change(c: Comparison) -> str:
    """Which columns entered or left the top drivers, and which moved within them."""
    top = f"top {c.top}"
    moved = [x for x in c.drivers if x.feature not in c.entered + c.left and x.rank_before != x.rank_after
             and x.rank_after is not None and x.rank_before is not None]
    moves = join_words([f"{x.label} moved from {ordinal(x.rank_before)} to {ordinal(x.rank_after)}" for x in moved])
    parts = []
    for x in c.drivers:
        if x.feature in c.entered:
            was = f"was {ordinal(x.rank_before)}" if x.rank_before else "not measured before"
            parts.append(f"{x.label} entered the {top} (now {ordinal(x.rank_after)}, {was})")
        elif x.feature in c.left:
            now = f"now {ordinal(x.rank_after)}" if x.rank_after else "no longer a feature"
            parts.append(f"{x.label} left it ({now}, was {ordinal(x.rank_before)})")
    if not parts:
        text = f"The {top} drivers are the same columns as before"
        text += f". {moves}." if moves else ", in the same order."
    else:
        text = join_words(parts) + "."
        if moves:
            text += f" {moves}."
    if c.recommended_after != c.recommended_before:
        text += (" The drivers are measured on the recommended model, which changed, so part of this shift comes "
                 "from the model, not the data.")
    return text


def segments_change(c: Comparison, d: DatasetSummary) -> str:
    """The segment whose conversion changed most, and how far the others moved; empty without
    segments. The table under it lists every segment (`Comparison.segments`, in the same order)."""
    if c.segments is None:
        return ""
    if not c.segments:
        return "No segment of the previous report reappears by name in this one, so segments cannot be compared."
    first, *others = c.segments
    text = (f"The largest change in conversion is in {first.name}: {pct(first.conversion_before)} → "
            f"{pct(first.conversion_after)} {d.positive_noun}, with {pct(first.share_before)} → "
            f"{pct(first.share_after)} of {d.unit}.")
    if others:
        moved = max(abs(s.conversion_after - s.conversion_before) for s in others)
        text += (f" The other {len(others)} segment{'s' * (len(others) > 1)} moved by at most "
                 f"{moved * 100:.1f} percentage points.")
    return text


def segments_table_note(c: Comparison) -> str:
    """What the segments table leaves out, when it shows fewer segments than both runs share."""
    if not c.segments or c.segments_shown >= len(c.segments):
        return ""
    return (f"The {c.segments_shown} largest changes in conversion; results.json lists all "
            f"{len(c.segments)} segments.")


def comparison_caveats(c: Comparison, d: DatasetSummary) -> list[str]:
    """What besides the data differs between the runs and could explain a change."""
    found = []
    if c.previous_name != d.name:
        found.append(f"The previous report used the '{c.previous_name}' configuration, this one '{d.name}': "
                     f"check that both describe the same population.")
    if c.features_added or c.features_removed:
        changes = []
        if c.features_added:
            changes.append(f"added {join_words(c.features_added)}")
        if c.features_removed:
            changes.append(f"removed {join_words(c.features_removed)}")
        found.append(f"The features differ ({'; '.join(changes)}), which alone can move the models and drivers.")
    if c.settings_changed:
        listed = c.settings_changed[:6] + (["others"] if len(c.settings_changed) > 6 else [])
        found.append(f"The runs' settings differ ({join_words(listed)}): part of the change in model quality and "
                     f"drivers may come from the settings, not the data.")
    return found


def changes_headline(c: Comparison, d: DatasetSummary) -> str:
    """What is new, in one sentence."""
    parts = []
    if c.rows_after != c.rows_before:
        change = (c.rows_after - c.rows_before) / c.rows_before if c.rows_before else 0
        parts.append(f"{abs(change):.0%} {'more' if change > 0 else 'fewer'} {d.unit}")
    if c.rate.significant:
        parts.append(f"the share of {d.positive_noun} {'rose' if c.rate.difference > 0 else 'fell'} from "
                     f"{pct(c.rate.before)} to {pct(c.rate.after)}")
    else:
        parts.append(f"no significant change in the share of {d.positive_noun} ({pct(c.rate.after)})")
    if c.recommended_after != c.recommended_before:
        parts.append(f"a new recommended model, the {c.models[0].label.lower()}")
    else:
        parts.append(f"the same recommended model ({c.models[0].label.lower()})")
    if c.entered:
        parts.append(f"{join_words([x.label.lower() for x in c.drivers if x.feature in c.entered])} now among "
                     f"the top {c.top} drivers")
    else:
        parts.append(f"the same top {c.top} drivers")
    return f"Since {previous_report(c)}: {'; '.join(parts)}."


def with_changes(result: ReportResult) -> Comparison | None:
    c = result.comparison
    if c is None:
        return None
    d = result.dataset
    return dataclasses.replace(
        c,
        headline=changes_headline(c, d),
        volume_text=volume_change(c, d),
        rate_text=rate_change(c, d),
        model_text=model_change(c),
        drivers_text=drivers_change(c),
        segments_text=segments_change(c, d),
        segments_table_note=segments_table_note(c),
        caveats=comparison_caveats(c, d),
    )


def numbers(*values: float) -> list[str]:
    """Values to compare, with the same decimals: whole numbers as such, else 0, 1 or 2 decimals as
    the largest value needs (128 and 1; 44.5 and 5.7; 0.29 and 0.10)."""
    largest = max(abs(v) for v in values)
    digits = 0 if all(float(v).is_integer() for v in values) or largest >= 100 else 1 if largest >= 10 else 2
    return [f"{v:,.{digits}f}" for v in values]


def correlation_observations(result: ReportResult) -> list[str]:
    """The strongest correlation between numeric features, and how many pairs are strong."""
    corr = result.preprocessing.correlation
    names = list(corr)
    pairs = sorted(((abs(corr[a][b]), corr[a][b], a, b) for i, a in enumerate(names) for b in names[i + 1:]),
                   reverse=True)
    if not pairs:
        return []
    _, r, a, b = pairs[0]
    strong = sum(size >= STRONG_CORRELATION for size, *_ in pairs)
    if strong == 0:
        return [(f"No two numeric features correlate strongly: the largest correlation is {r:+.2f}, between "
                 f"{label_of(result, a).lower()} and {label_of(result, b).lower()}.")]
    return [(f"The strongest correlation is {r:+.2f}, between {label_of(result, a).lower()} and "
             f"{label_of(result, b).lower()}; {plural(strong, 'pair')} of features correlate at "
             f"{STRONG_CORRELATION:g} or more, which the multicollinearity check (appendix) takes into account.")]


def separation_observations(result: ReportResult) -> list[str]:
    """Which key metric separates the classes best and worst on its own, with its medians."""
    rows = result.explore.by_class
    if not rows:
        return []
    d = result.dataset
    best, worst = rows[0], rows[-1]
    negative, positive = best.boxes
    if positive.median == negative.median:
        median, = numbers(positive.median)
        high, low = numbers(positive.mean, negative.mean)
        contrast = (f"the median is {median} in both classes, but the mean is {high} for {d.positive_noun} "
                    f"against {low} for {d.negative_noun}")
    else:
        high, low = numbers(positive.median, negative.median)
        contrast = f"a median of {high} for {d.positive_noun} against {low} for {d.negative_noun}"
    found = [(f"{best.label} separates {d.positive_noun} from {d.negative_noun} best on its own (ROC AUC "
              f"{best.separation:.2f}): {contrast}.")]
    if best.feature in result.settings.get("not_actionable", []):
        found.append(f"{best.label} is marked as not a lever: {d.notes.get(best.feature, 'see the configuration')}.")
    if len(rows) > 1:
        found.append(f"{worst.label} separates them least (ROC AUC {worst.separation:.2f}; 0.5 is no separation).")
    return found


def clipping_observations(result: ReportResult) -> list[str]:
    """Said after the sentences on each key metric, as a note on how the histograms are drawn."""
    if any(r.clipped for r in result.explore.by_class):
        return ["Bars stop at the 99th percentile; larger values are counted in the last bar."]
    return []


def tail_that_differs(positive: BoxStats, negative: BoxStats) -> str:
    """Where the means part when the medians agree: above the median when most rows sit at its
    bottom (counts that are mostly zero), below it when they pile up at the top (scores at the
    maximum)."""
    if all(box.median <= box.q1 for box in (positive, negative)):
        return "a minority with larger values makes the difference"
    if all(box.median >= box.q3 for box in (positive, negative)):
        return "a minority with smaller values makes the difference"
    return "the values away from the median make the difference"


def box_observations(result: ReportResult) -> list[str]:
    """Key metrics whose medians differ between the classes, and those whose medians agree but means do not
    (the first key metric's medians are in `separation_observations`)."""
    d = result.dataset
    found = []
    for row in result.explore.by_class[1:]:
        negative, positive = row.boxes
        if positive.median == negative.median and positive.mean != negative.mean:
            median, = numbers(positive.median)
            high, low = numbers(positive.mean, negative.mean)
            found.append(f"{row.label}: the median is {median} in both classes, but the mean is {high} for "
                         f"{d.positive_noun} against {low} (dots): {tail_that_differs(positive, negative)}.")
        elif positive.median != negative.median:
            higher = "higher" if positive.median > negative.median else "lower"
            high, low = numbers(positive.median, negative.median)
            found.append(f"{row.label}: {possessive(d.positive_noun)} median {high} is {higher} than "
                         f"{possessive(d.negative_noun)} {low}.")
    return found


def group_observations(result: ReportResult) -> list[str]:
    """How the conversion rate and the key metrics vary across the groups of the main categorical column."""
    explore = result.explore
    named = [g for g in explore.groups if not g.pooled]
    if len(named) < 2:
        return []
    d = result.dataset
    column = label_of(result, explore.group_column).lower()
    low, high = min(named, key=lambda g: g.conversion_rate), max(named, key=lambda g: g.conversion_rate)
    found = [(f"Across the {len(named)} largest {column} groups, the share of {d.positive_noun} ranges from "
              f"{pct(low.conversion_rate)} ({low.group}) to {pct(high.conversion_rate)} ({high.group}); "
              f"the overall share is {pct(d.positive_rate)}.")]
    other = next((g for g in explore.groups if g.pooled), None)
    if other is not None:
        found.append(f"The remaining groups, pooled as '{other.group}', hold {pct(other.share, 0)} of {d.unit} and "
                     f"{pct(other.conversion_rate)} of them are {d.positive_noun}.")
    for row in explore.by_group[:1]:
        boxes = [b for b, g in zip(row.boxes, explore.groups) if not g.pooled and b.rows]
        top, bottom = max(b.median for b in boxes), min(b.median for b in boxes)
        if top != bottom:
            high, low = numbers(top, bottom)
            highest = join_words([b.group for b in boxes if b.median == top])
            lowest = join_words([b.group for b in boxes if b.median == bottom])
            found.append(f"Median {row.label.lower()} is highest in {highest} ({high}) and lowest in {lowest} ({low}).")
    return found


def missing_observations(result: ReportResult) -> list[str]:
    explore = result.explore
    if not explore.missing:
        return [f"No column has a missing value in the {explore.rows_read:,} rows read."]
    worst = explore.missing[0]
    verb = "has" if len(explore.missing) == 1 else "have"
    return [(f"{plural(len(explore.missing), 'column')} of the table {verb} missing values, most of all "
             f"{worst.label.lower()} ({worst.missing:,} rows, {pct(worst.share)}). Missing feature values are "
             f"imputed inside the model pipeline (see the preprocessing log).")]


def explore_observations(result: ReportResult) -> dict[str, list[str]]:
    """The sentences under each exploratory figure, by figure name."""
    return {"correlation": correlation_observations(result),
            "by_class": separation_observations(result) + box_observations(result) + clipping_observations(result),
            "groups": group_observations(result), "missing": missing_observations(result)}


def segment_observations(result: ReportResult) -> list[str]:
    """How clear the segments are, which converts best and worst, and the largest."""
    segments = result.segments
    d = result.dataset
    tried = sorted(segments.curve)
    quality = next((words for floor, words in SILHOUETTE_WORDS if segments.silhouette >= floor),
                   "not clearly separated: read them as a convenient summary rather than natural groups")
    if segments.k == tried[-1] and len(tried) > 1:
        found = [(f"{segments.k} segments score best (silhouette {segments.silhouette:.2f}), but {segments.k} is the "
                  f"most tried (k from {tried[0]} to {tried[-1]}), so more segments might score higher still; "
                  f"they are {quality}.")]
    else:
        found = [(f"{segments.k} segments fit best (silhouette {segments.silhouette:.2f}, the highest for k from "
                  f"{tried[0]} to {tried[-1]}); they are {quality}.")]
    best, worst = segments.profiles[0], segments.profiles[-1]
    ratio = best.conversion_rate / d.positive_rate if d.positive_rate else 0.0
    found.append(f"'{best.name}' ({pct(best.share)} of {d.unit}) has the most {d.positive_noun}: "
                 f"{pct(best.conversion_rate)}, {ratio:.1f}× the overall {pct(d.positive_rate)}.")
    if worst is not best:
        found.append(f"'{worst.name}' ({pct(worst.share)}) has the fewest: {pct(worst.conversion_rate)}.")
    largest = max(segments.profiles, key=lambda p: p.size)
    if largest is not best and largest is not worst:
        found.append(f"The largest segment, '{largest.name}', holds {pct(largest.share, 0)} of {d.unit}; "
                     f"{pct(largest.conversion_rate)} of them are {d.positive_noun}.")
    return found


def period_average(values: list[float]) -> float:
    return sum(values) / len(values)


def trend_observations(result: ReportResult) -> list[str]:
    """How the rate and the volume moved, and what the forecast expects, or why there is none."""
    trends = result.trends
    d = result.dataset
    word = trends.frequency
    rated = [p for p in trends.points if p.rate is not None]
    found = []
    if len(rated) >= 2:
        edge = min(TREND_EDGE, len(rated) // 2)
        first = period_average([p.rate for p in rated[:edge]])
        last = period_average([p.rate for p in rated[-edge:]])
        span = f"the first {plural(edge, word)}" if edge > 1 else f"the first {word}"
        end = f"the last {plural(edge, word)}" if edge > 1 else f"the last {word}"
        direction = "rose" if last > first else "fell" if last < first else "held"
        found.append(f"The share of {d.positive_noun} {direction} from {pct(first)} in {span} to {pct(last)} in "
                     f"{end} ({len(trends.points)} {word}s from {trends.points[0].period}).")
        volume_first = period_average([p.rows for p in trends.points[:edge]])
        volume_last = period_average([p.rows for p in trends.points[-edge:]])
        found.append(f"Volume went from {volume_first:,.0f} to {volume_last:,.0f} {d.unit} a {word}.")
    if trends.forecast:
        last = trends.forecast[-1]
        found.append(f"Forecast for the {word} from {last.period}, by {trends.method}: {pct(last.rate)} "
                     f"{d.positive_noun} ({pct(trends.level, 0)} interval {pct(last.rate_low)} to "
                     f"{pct(last.rate_high)}) among about {last.rows:,.0f} {d.unit} ({last.rows_low:,.0f} to "
                     f"{last.rows_high:,.0f}).")
    else:
        found.append(f"No forecast: {trends.no_forecast}.")
    if trends.left_out:
        found.append(f"Left out: {join_words(trends.left_out)}.")
    return found


def described(result: ReportResult) -> ReportResult:
    """The result with the sentences of the exploratory, segment and trend sections."""
    updates = {}
    if result.explore is not None:
        updates["explore"] = dataclasses.replace(result.explore, observations=explore_observations(result))
    if result.segments is not None:
        updates["segments"] = dataclasses.replace(result.segments, observations=segment_observations(result))
    if result.trends is not None:
        updates["trends"] = dataclasses.replace(result.trends, observations=trend_observations(result))
    return dataclasses.replace(result, **updates)


def interpret(result: ReportResult) -> ReportResult:
    """The result with its summary, the seven answers, the descriptive sections' sentences and, when
    compared, the changes filled in."""
    compared = dataclasses.replace(described(result), published=with_published(result),
                                   comparison=with_changes(result))
    compared = dataclasses.replace(compared, twins=with_twin_notes(compared), calibration=with_scores_used(compared))
    with_summary = dataclasses.replace(compared, summary=summary(compared))
    return dataclasses.replace(with_summary, questions=questions(with_summary))

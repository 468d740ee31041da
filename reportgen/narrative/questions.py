"""The seven questions, one function per answer: a short answer an executive can read alone, and the
points that support it."""

from __future__ import annotations

from reportgen.config import STRATEGY_LABELS
from reportgen.evaluate import DECIDING_SHARE
from reportgen.logit import significant_terms
from reportgen.model.ensemble import ENSEMBLE_NAME
from reportgen.narrative.drivers import (
    driver_notes,
    driver_tag,
    drivers_clause,
    drop_text,
    first_lever,
    importance_interval,
    no_lever_reason,
    unlisted_drivers_point,
)
from reportgen.narrative.logit import (
    approximate_llr,
    fit_trouble,
    odds_reading,
    redundancy_point,
    unfitted_equation,
)
from reportgen.narrative.summary import weak_strength
from reportgen.narrative.targeting import action_words
from reportgen.narrative.words import (
    Answer,
    capitalised,
    flagged,
    gap_range,
    in_sentence,
    join_words,
    label_of,
    member_names,
    metric_name,
    pct,
    plural,
    positives_in_test,
    pvalue_text,
    term_label,
)
from reportgen.result import ModelResult, Question, ReportResult

QUESTIONS = [
    "What is the LLR p-value of the logistic regression, and what does it tell us?",
    "What is the equation of the logit model, considering only statistically significant variables?",
    "Which features influence the decision in the decision tree model?",
    "What do the confusion matrices show, and does a model's accuracy determine its predictive power?",
    "How can we use the results of the models?",
    "What actions can we take to improve the models?",
    "Which model should we rely on, and which behaviours drive the outcome most?",
]




LOW_RECALL = 0.75


IMBALANCED_RATE = 0.2


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
        where = ("above" if logit.pseudo_r2 > 0.4 else "within" if logit.pseudo_r2 >= 0.2 else "below")
        strength = f"{where} the 0.2 to 0.4 that McFadden read as an excellent fit"
        points.append(f"McFadden's pseudo R² is {logit.pseudo_r2:.3f}, {strength}; it measures how well the logit "
                      f"fits the training {d.unit}, not how well it predicts new ones.")
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
        points.append("Read as odds, the clearest effects: "
                      + "; ".join(odds_reading(c, result) for c in strongest) + ".")
    else:
        points.append("No term is significant, so the equation reduces to the intercept.")
    in_logit = {c.feature.split(" = ", 1)[0] for c in logit.coefficients if " = " in c.feature}
    listed = [f"{label_of(result, column)} = {level}"
              for column, level in result.preprocessing.reference_categories.items() if column in in_logit]
    if listed and logit.intercept is not None:
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
        root = term_label(result, tree.root_feature)
        question = (root.replace(" = ", " is ", 1) if " = " in tree.root_feature else
                    f"{root} is at most {tree.root_threshold:,.4g}")
        points.append(f"Its first split asks whether {question}; that one question separates the classes best.")
    if minor:
        points.append("Minor splits: " + join_words([f"{term_label(result, s.feature)} ({pct(s.importance)})"
                                                     for s in minor]) + ".")
    unused = [f for f in result.dataset.features
              if not any(s.feature == f or s.feature.startswith(f + " = ") for s in tree.split_features)]
    if unused:
        points.append(f"It never splits on {join_words([label_of(result, f) for f in unused])}: given the others, "
                      f"they do not change its decision.")
    return Answer(short, points)


def tied_at_top(result: ReportResult, metric: str) -> list[ModelResult]:
    """The models whose test figure on `metric` equals the best as the report prints it (three decimals)."""
    top = max(round(getattr(m.test, metric), 3) for m in result.models)
    return [m for m in result.models if round(getattr(m.test, metric), 3) == top]


def metric_leader(result: ReportResult, metric: str) -> ModelResult:
    """The model that leads on `metric`; of models tied there, the recommended one if it is among them."""
    tied = tied_at_top(result, metric)
    return next((m for m in tied if m.name == result.best_model), tied[0])


def tied_leaders(result: ReportResult, metric: str) -> list[ModelResult]:
    """The models tied for the lead on `metric` (as printed), the recommended one first when it is among them."""
    return sorted(tied_at_top(result, metric), key=lambda m: m.name != result.best_model)


def answer_confusion(result: ReportResult) -> Answer:
    d = result.dataset
    baseline = result.summary.baseline_accuracy
    low = min(m.test.accuracy for m in result.models)
    high = max(m.test.accuracy for m in result.models)
    short = (f"No: always predicting '{d.negative_name}' is already {pct(baseline)} accurate, so the models' "
             f"accuracies ({low:.3f} to {high:.3f}) mostly reflect the {d.negative_noun}; what differs is how many "
             f"{d.positive_noun} each finds and how many false alarms it raises, each at its own decision "
             f"threshold.")
    points = []
    for m in result.models:
        (tn, fp), (fn, tp) = m.test.confusion_matrix
        points.append(f"{m.label}: finds {tp} of {tp + fn} {d.positive_noun} ({pct(m.test.recall, 0)}), misses {fn}, "
                      f"and raises {fp} false alarms among {tn + fp:,} {d.negative_noun}; "
                      f"accuracy {m.test.accuracy:.3f}.")
    points.append(f"The accuracies lie {gap_range(low, high, baseline)} the majority-class rule, which finds no "
                  f"{d.positive_noun} at all.")
    worst = min(result.models, key=lambda m: m.test.recall)
    points.append(f"The {in_sentence(worst.label)} scores {worst.test.accuracy:.3f} accuracy while finding only "
                  f"{pct(worst.test.recall)} of {d.positive_noun}. Precision, recall, F1 and the area under the "
                  f"precision-recall curve judge the models on the {d.positive_noun} directly.")
    leaders = {metric: metric_leader(result, metric) for metric in ("accuracy", "f1", "pr_auc")}
    if len({m.name for m in leaders.values()}) == 1:
        shared = any(len(tied_at_top(result, metric)) > 1 for metric in leaders)
        leader = leaders["accuracy"]
        chosen = ("" if leader.name == result.best_model else
                  f" on the test set; the recommended {in_sentence(result.best.label)} was chosen by cross-validation "
                  f"before the test set was looked at (question 7 says why)")
        points.append(f"Here one model, the {in_sentence(leader.label)}, "
                      f"{'leads or shares the lead' if shared else 'leads'} on accuracy, F1 and PR AUC alike{chosen}.")
    else:
        listed = [f"{join_words([f'the {in_sentence(t.label)}' for t in tied_leaders(result, metric)])} on {name} "
                  f"({getattr(m.test, metric):.3f})"
                  for (metric, m), name in zip(leaders.items(), ("accuracy", "F1", "PR AUC"))]
        points.append(f"The leaders differ by metric ({join_words(listed)}): ranking by accuracy alone would mislead.")
    if result.published is not None and result.published.brief:
        points.append(result.published.brief)
    return Answer(short, points)


def answer_use(result: ReportResult) -> Answer:
    best = result.best
    d = result.dataset
    words = action_words(d)
    base_rate = positives_in_test(best) / d.test_rows
    lift = best.test.precision / base_rate
    act = f"{words.verb} those it flags first" if words.verb else "look first at those it flags"
    short = (f"Score every new {d.unit_singular} with the {in_sentence(best.label)} and {act}: "
             f"{pct(best.test.precision, 0)} of them {d.predicate}, {lift:.1f}× the {pct(base_rate)} of all test "
             f"{d.unit}.")
    if weak_strength(result) is not None:
        short = (f"With care: the {in_sentence(best.label)} ranks {d.positive_noun} only a little better than "
                 f"chance. If it is used, score every new {d.unit_singular} and {act}: "
                 f"{pct(best.test.precision, 0)} of them {d.predicate}, {lift:.1f}× the {pct(base_rate)} of all "
                 f"test {d.unit}.")
    points = [f"On the {d.test_rows:,} test {d.unit} it flagged {flagged(best):,} and found "
              f"{pct(best.test.recall)} of all {d.positive_noun}."]
    for row in result.targeting:
        if row.top_fraction == 0.1:
            points.append(f"Ranked by score, the top 10% of {d.unit} hold {pct(row.share_of_conversions, 0)} of all "
                          f"{d.positive_noun} ({row.lift:.1f}× the rate of picking at random); the table under "
                          f"'{words.heading}' gives other cut-offs.")
    lever = first_lever(result)
    if lever:
        points.append(f"Design actions around the declared levers that drive the score, first "
                      f"{in_sentence(lever.label)} ({lever.direction}), and test with an experiment that changing "
                      f"them changes the outcome: the models show association, not cause.")
    significant = significant_terms(result.logit)
    if significant and result.logit.separated_share is None:
        points.append(logit_use(result, len(significant)))
    points.append("Re-run the report on each new extract to watch the rate, the drivers and the model quality.")
    return Answer(short, points)


def logit_use(result: ReportResult, significant: int) -> str:
    """What the logit's significant terms are for; when it ranks the positives clearly worse than the recommended
    model (their test PR AUC intervals apart), that it explains and does not pick."""
    explain = (f"Use the logit's {plural(significant, 'significant term')} to explain the direction and size of each "
               f"effect to stakeholders")
    logit, best = next((m for m in result.models if m.name == "logistic_regression"), None), result.best
    if logit is None or logit.name == best.name:
        return f"{explain}."
    logit_range, best_range = logit.test_ci.get("pr_auc"), best.test_ci.get("pr_auc")
    if not logit_range or not best_range or logit_range[1] >= best_range[0]:
        return f"{explain}."
    return (f"{explain}, not to pick {result.dataset.unit}: it ranks {result.dataset.positive_noun} clearly less well "
            f"than the {in_sentence(best.label)} (test PR AUC {logit.test.pr_auc:.3f} against {best.test.pr_auc:.3f}).")


def overfitted(result: ReportResult) -> list[ModelResult]:
    return [m for m in result.models if m.overfit]


MAX_ACTIONS = 5
"""Question 6 names at most this many actions, the most promising first."""


def uses_default_cut(result: ReportResult) -> bool:
    return result.threshold is not None and result.threshold.kind == "estimator_cut"


def resampling_clause(result: ReportResult) -> str:
    """Which imbalance strategy scored best inside the folds for which models, as a clause; empty when only
    one strategy was compared."""
    if len({row.strategy for row in result.imbalance}) < 2:
        return ""
    kept: dict[str, list[str]] = {}
    for row in result.imbalance:
        if row.chosen and row.strategy != "none":
            kept.setdefault(row.strategy, []).append(in_sentence(result.model(row.model).label))
    if not kept:
        return "; no weighting or resampling tried inside the training folds beat the plain data"
    (first, first_models), *others = kept.items()
    also = "".join(f", and {in_sentence(STRATEGY_LABELS[strategy])} for the {join_words(models)}"
                   for strategy, models in others)
    return (f"; {in_sentence(STRATEGY_LABELS[first])} inside the training folds scored above the plain data for "
            f"the {join_words(first_models)}{also}")


def recall_spread(model: ModelResult) -> str:
    """How wide the share of positives found is known to be, as a clause; empty without an interval."""
    interval = model.test_ci.get("recall")
    if not interval:
        return ""
    return (f"; with so few, the share the model finds is known only to within {pct(interval[0], 0)} to "
            f"{pct(interval[1], 0)} (95% interval)")


def improvement_actions(result: ReportResult) -> list[str]:
    """What would improve the models, about the data and the business rather than the tool's own search, the
    most promising first, at most `MAX_ACTIONS`."""
    d = result.dataset
    best = result.best
    actions = []
    leaks = result.preprocessing.leakage
    if leaks:
        listed = [f"{x.label} (ROC AUC {x.auc:.3f} alone)" for x in leaks]
        actions.append(f"Check when {join_words(listed)} {'is' if len(leaks) == 1 else 'are'} recorded: a feature "
                       f"that alone separates the outcomes is usually recorded after them. If so, leave it out and "
                       f"re-run; the figures here are too good to hold on new {d.unit}.")
    x = result.dependence
    if x is not None and not x.refit_failure and not leaks:
        label = in_sentence(x.label)
        actions.append(f"Find out whether {label} is known before the outcome. If it is not, leave it out (the "
                       f"analyst marks it known_before_outcome: false in the configuration) and plan on the model "
                       f"without it, which finds {pct(x.found_without, 0)} of {d.positive_noun} rather than "
                       f"{pct(x.found, 0)}.")
    if d.positive_rate < IMBALANCED_RATE:
        actions.append(f"Add more history (earlier periods, other markets) so the models see more {d.positive_noun}: "
                       f"they are {pct(d.positive_rate)} of {d.unit} (the test set holds {positives_in_test(best):,})"
                       f"{resampling_clause(result)}{recall_spread(best)}.")
    if result.recommendation is not None and result.recommendation.profit is None:
        cut = ("the cut-off is the estimator's default" if uses_default_cut(result) else
               f"the cut-off balances precision and recall, and the model finds {pct(best.test.recall, 0)} of "
               f"{d.positive_noun} at it")
        actions.append(f"Say what the outcome is worth for one {d.unit_singular} and what acting on one costs (the "
                       f"analyst passes them as --value-per-conversion and --cost-per-contact): today {cut}; with the "
                       f"money, the report picks the cut-off that pays and shows the profit.")
    lever = first_lever(result)
    if lever:
        actions.append(f"Test {in_sentence(lever.label)} with an experiment: change it for a random half of the "
                       f"{d.unit} the model flags and compare how many of each half {d.predicate}. The models show "
                       f"association, not cause.")
    elif result.listed_drivers and not result.settings.get("levers"):
        actions.append("Say which of these behaviours the business can change (the analyst lists them under "
                       "'levers' in the configuration), so that the report can tell which driver to act on; then test "
                       "the strongest with an experiment.")
    elif result.listed_drivers:
        actions.append(f"{capitalised(no_lever_reason(result))}, so the report cannot say which driver to act on: "
                       f"declare others the business can change, then test the strongest with an experiment.")
    actions.append(f"Add behaviour recorded before the outcome to the {plural(len(d.features), 'feature')} used here "
                   f"(recent activity, how often, through which channel): each model family was already tuned on "
                   f"these, so new information, not more tuning, is what can help.")
    return actions[:MAX_ACTIONS]


def answer_improve(result: ReportResult) -> Answer:
    actions = improvement_actions(result)
    count = ["One action", "Two actions", "Three actions", "Four actions", "Five actions"][len(actions) - 1]
    return Answer(f"{count} on the data and the business would improve the models and the decisions taken with "
                  f"them, the most promising first.", actions)


def answer_rely(result: ReportResult) -> Answer:
    best = result.best
    d = result.dataset
    metric = metric_name(best.cv.metric)
    top = result.listed_drivers[:3]
    short = f"Rely on the {in_sentence(best.label)}{drivers_clause(top)}"
    ranked = sorted(result.models, key=lambda m: -m.cv.mean)
    runner = ranked[1] if len(ranked) > 1 else None
    first = (f"It has the best cross-validated {metric} on the training {d.unit} ({best.cv.mean:.3f} ± "
             f"{best.cv.std:.3f})")
    if runner:
        first += f", ahead of the {in_sentence(runner.label)} ({runner.cv.mean:.3f})"
        if best.cv.mean - runner.cv.mean < best.cv.std:
            first += (f": a lead smaller than its spread across the folds, so the {in_sentence(runner.label)} would "
                      f"serve about as well")
    points = [first + (f". On the untouched test set it scores F1 {best.test.f1:.3f}, precision "
                       f"{best.test.precision:.3f}, recall {best.test.recall:.3f} and PR AUC {best.test.pr_auc:.3f}.")]
    ensemble_note = ensemble_comparison(result)
    if ensemble_note:
        points.append(ensemble_note)
    test_best = max(result.models, key=lambda m: m.test.pr_auc)
    if test_best.name != best.name:
        points.append(f"The {in_sentence(test_best.label)} happens to score a higher test PR AUC "
                      f"({test_best.test.pr_auc:.3f}); picking it for that reason would tune on the test set.")
    for x in top:
        interval = importance_interval(x)
        points.append(f"{x.label}: {x.direction} (shuffling it lowers the model's test PR AUC from "
                      f"{best.test.pr_auc:.3f} by {x.importance:.3f}{', ' + interval if interval else ''}"
                      f"{driver_tag(x)}).")
    smaller = result.listed_drivers[len(top):]
    if smaller:
        weights = join_words([f"{in_sentence(x.label)} ({drop_text(x.importance)})" for x in smaller])
        points.append(f"Also drivers, each lowering it by less when shuffled: {weights}.")
    points += unlisted_drivers_point(result) + driver_notes(result)
    return Answer(short, points)


def ensemble_members(result: ReportResult, model: ModelResult) -> list[str]:
    return [in_sentence(result.model(n).label) for n in member_names(model) if any(m.name == n for m in result.models)]


def ensemble_comparison(result: ReportResult) -> str:
    """What the recommended ensemble averages; or, when a single model is recommended, what averaging the best
    models scored in cross-validation against it."""
    ensemble = next((m for m in result.models if m.name == ENSEMBLE_NAME), None)
    if ensemble is None:
        return ""
    singles = [m for m in result.models if m.name != ENSEMBLE_NAME]
    best_single = max(singles, key=lambda m: m.cv.mean)
    members = join_words(ensemble_members(result, ensemble))
    gain = ensemble.cv.mean - best_single.cv.mean
    if result.best_model == ENSEMBLE_NAME:  # the first point sets it beside the best single model, its runner-up
        return f"It averages the probabilities of the {members}."
    return (f"A soft-voting ensemble of the {members} scored {ensemble.cv.mean:.3f} in cross-validation, "
            f"{gain:+.3f} against the {in_sentence(best_single.label)}: no gain, so the single model is recommended.")


ANSWERS = [answer_llr, answer_equation, answer_tree, answer_confusion, answer_use, answer_improve, answer_rely]


def questions(result: ReportResult) -> list[Question]:
    found = []
    for number, (text, answer) in enumerate(zip(QUESTIONS, ANSWERS), 1):
        short, points = answer(result)
        found.append(Question(id=number, question=text, answer=" ".join([short, *points]), short=short, points=points))
    return found

"""Stage 4, interpret: the seven questions answered in words, from this run's numbers only.

One function per question; each reads the result object and returns prose. Nothing here
fits a model or touches the data.
"""

from __future__ import annotations

import dataclasses

from reportgen.result import Question, ReportResult, Summary

QUESTIONS = [
    "What is the LLR p-value of the logistic regression, and what does it tell us?",
    "What is the equation of the logit model, considering only statistically significant variables?",
    "Which features influence the decision in the decision tree model?",
    "What do the confusion matrices show, and does a model's accuracy determine its predictive power?",
    "How can we use the results of the models?",
    "What actions can we take to improve the models?",
    "Which model should we rely on, and which behaviours drive the outcome most?",
]

OVERFIT_GAP = 0.05


def pct(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}%}"


def pvalue_text(p: float | None) -> str:
    if p is None:
        return "not estimable"
    if p < 0.001:
        return f"{p:.1e}, below 0.001 (statsmodels prints it as 0.000)" if p > 0 else \
            "0 to machine precision (statsmodels prints 0.000)"
    return f"{p:.3f}"


def join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def answer_llr(result: ReportResult) -> str:
    logit = result.logit
    terms = len(logit.coefficients)
    positive = result.dataset.positive_noun
    if logit.llr_pvalue is None:
        return ("statsmodels could not compute the LLR test for this logit (the fit did not produce a "
                "finite likelihood), so the model's overall significance cannot be judged from it.")
    text = (f"The LLR p-value is {pvalue_text(logit.llr_pvalue)}. The likelihood-ratio test compares the logit "
            f"with its {terms} terms (log-likelihood {logit.log_likelihood:,.1f}) against a model that gives every "
            f"row the same probability (log-likelihood {logit.log_likelihood_null:,.1f}); the statistic is "
            f"{logit.llr:,.1f}. ")
    if logit.llr_pvalue < logit.alpha:
        text += (f"Because the p-value is below {logit.alpha:g}, we reject the hypothesis that all coefficients are "
                 f"zero: taken together, the features tell {positive} from {result.dataset.negative_noun} "
                 f"significantly better than chance. ")
    else:
        text += (f"Because the p-value is not below {logit.alpha:g}, we cannot reject that the features together "
                 f"add nothing over a constant rate; the logit is not evidence that they explain the outcome. ")
    if logit.pseudo_r2 is not None:
        strength = ("a strong fit (McFadden's values of 0.2 to 0.4 already indicate an excellent one)"
                    if logit.pseudo_r2 >= 0.2 else "a modest fit")
        text += f"McFadden's pseudo R² is {logit.pseudo_r2:.3f}, {strength}. "
    text += ("Significance says the model beats no model at all; it does not say how well it predicts, which "
             "the test-set metrics answer.")
    return text


def effect_text(term, labels: dict[str, str]) -> str:
    change = term.odds_ratio - 1
    name = labels.get(term.feature, term.feature)
    direction = "raises" if change > 0 else "lowers"
    if " = " in term.feature:
        return f"{term.feature} {direction} the odds by {pct(abs(change))} (odds ratio {term.odds_ratio:.3f})"
    return f"each extra unit of {name} {direction} the odds by {pct(abs(change), 2)} (odds ratio {term.odds_ratio:.4f})"


def answer_equation(result: ReportResult) -> str:
    logit = result.logit
    significant = [c for c in logit.coefficients if c.significant]
    dropped = [c for c in logit.coefficients if not c.significant]
    text = f"Keeping only the terms significant at the {logit.alpha:g} level: {logit.equation}. "
    references = result.preprocessing.reference_categories
    if references and logit.intercept is not None:
        listed = [f"{column} = {level}" for column, level in references.items()]
        text += (f"Category terms are read against the most common category ({join_words(listed)}), which "
                 f"the intercept stands for. ")
    if logit.intercept is None:
        text += ("As specified, the model has no intercept, so every term is forced through zero log-odds; "
                 "the coefficients then absorb the base rate. ")
    if significant:
        effects = [effect_text(c, result.dataset.feature_labels) for c in significant[:4]]
        text += "Read as odds: " + "; ".join(effects) + ". "
    else:
        text += "No term is significant, so the equation reduces to the intercept. "
    if dropped:
        listed = [f"{c.feature} (p = {c.pvalue:.3f})" if c.pvalue is not None else f"{c.feature} (p not estimable)"
                  for c in dropped]
        text += (f"Left out as not significant: {join_words(listed)}. Its coefficient cannot be told apart from "
                 f"zero, given the others." if len(dropped) == 1 else
                 f"Left out as not significant: {join_words(listed)}. Their coefficients cannot be told apart "
                 f"from zero, given the others.")
    else:
        text += "Every term is significant, so none is left out."
    return text


def answer_tree(result: ReportResult) -> str:
    tree = result.tree
    if tree is None:
        return "No decision tree was fitted in this run (it is not among the configured models)."
    model = result.model("decision_tree")
    names = [f"{s.feature} ({pct(s.importance)})" for s in tree.split_features]
    params = ", ".join(f"{k} = {v}" for k, v in model.params.items() if k != "random_state")
    count = len(tree.split_features)
    text = (f"The tuned tree ({params or 'default settings'}; depth {tree.depth}, {tree.leaves} leaves) "
            f"decides on {count} feature{'s' if count != 1 else ''}"
            f"{' only' if count <= 3 else ''}: {join_words(names)} (each one's share of the tree's impurity "
            f"reduction). ")
    if tree.root_feature:
        text += (f"Its first split asks whether {tree.root_feature} is at most {tree.root_threshold:,.4g}; that "
                 f"single question separates the rows most. ")
    unused = [f for f in result.dataset.features if not any(
        s.feature == f or s.feature.startswith(f + " = ") for s in tree.split_features)]
    if unused:
        text += f"It never splits on {join_words(unused)}: given the others, they do not change its decision."
    return text


def points_from(value: float, baseline: float) -> str:
    gap = 100 * (value - baseline)
    return f"{abs(gap):.1f} points {'above' if gap >= 0 else 'below'}"


def answer_confusion(result: ReportResult) -> str:
    baseline = result.summary.baseline_accuracy if result.summary else majority_accuracy(result)
    negative = result.dataset.negative_noun
    positive = result.dataset.positive_noun
    parts = []
    for m in result.models:
        (tn, fp), (fn, tp) = m.test.confusion_matrix
        parts.append(f"{m.label} finds {tp} of {tp + fn} {positive} with {fp} false alarms "
                     f"(accuracy {m.test.accuracy:.3f})")
    by_accuracy = max(result.models, key=lambda m: m.test.accuracy)
    by_f1 = max(result.models, key=lambda m: m.test.f1)
    by_pr = max(result.models, key=lambda m: m.test.pr_auc)
    low, high = min(m.test.accuracy for m in result.models), max(m.test.accuracy for m in result.models)
    text = "On the held-out test rows: " + "; ".join(parts) + ". "
    majority = result.dataset.negative_name
    text += (f"Always predicting '{majority}' would already be right {pct(baseline)} of the time, so the models' "
             f"accuracies ({low:.3f} to {high:.3f}) lie {points_from(low, baseline)} to "
             f"{points_from(high, baseline)} a rule that finds no one. ")
    text += ("So no, accuracy does not determine predictive power when one outcome is rare: it is dominated by "
             f"the {negative}, the majority. ")
    worst_recall = min(result.models, key=lambda m: m.test.recall)
    text += (f"{worst_recall.label} still scores {worst_recall.test.accuracy:.3f} accuracy while finding only "
             f"{pct(worst_recall.test.recall)} of {positive}. Precision, recall, F1 and the area under the "
             f"precision-recall curve judge the minority class directly. ")
    if by_accuracy.name == by_f1.name == by_pr.name:
        text += f"Here the same model, {by_accuracy.label}, leads on accuracy, F1 and PR AUC."
    else:
        text += (f"Here the most accurate model ({by_accuracy.label}, {by_accuracy.test.accuracy:.3f}) is not the "
                 f"one with the best F1 ({by_f1.label}, {by_f1.test.f1:.3f}) or PR AUC ({by_pr.label}, "
                 f"{by_pr.test.pr_auc:.3f}).")
    return text


def answer_use(result: ReportResult) -> str:
    best = result.best
    (tn, fp), (fn, tp) = best.test.confusion_matrix
    flagged = tp + fp
    rate = result.dataset.positive_rate
    positive = result.dataset.positive_noun
    precision = best.test.precision
    lift = precision / rate if rate else 0.0
    text = (f"Score every new row with the {best.label.lower()} and act on the ones it flags. On the "
            f"{result.dataset.test_rows:,} test rows it flagged {flagged:,}; {pct(precision)} of them were "
            f"{positive}, against a base rate of {pct(rate)}, a lift of {lift:.1f}×, and it found "
            f"{pct(best.test.recall)} of all {positive}. ")
    if result.drivers:
        top = result.drivers[0]
        text += (f"The strongest driver is {top.label.lower()} ({top.direction}); design actions around the "
                 f"behaviours the drivers name rather than the score alone, and check with an experiment that "
                 f"changing them changes the outcome (the models show association, not cause). ")
    significant = [c for c in result.logit.coefficients if c.significant]
    if significant:
        text += (f"The logit's {len(significant)} significant term{'s' if len(significant) != 1 else ''} give "
                 f"the direction and size of each effect for explaining decisions to stakeholders. ")
    text += "Re-run the report on new data each period to watch the rate, the drivers and the model quality."
    return text


def improvement_actions(result: ReportResult) -> list[str]:
    actions = []
    rate = result.dataset.positive_rate
    positive = result.dataset.positive_noun
    best = result.best
    if rate < 0.2:
        actions.append(f"Handle the imbalance: only {pct(rate)} of rows are {positive}. Resample inside the "
                       f"cross-validation folds (SMOTE, under-sampling) or weight the classes, and tune the "
                       f"decision threshold by cross-validation instead of using 0.5.")
    if best.test.recall < 0.75:
        actions.append(f"The recommended model finds {pct(best.test.recall)} of {positive}; a lower threshold "
                       f"trades precision ({pct(best.test.precision)}) for recall if missing one costs more than "
                       f"a false alarm.")
    overfit = [(m, m.train.f1 - m.test.f1) for m in result.models if m.train.f1 - m.test.f1 > OVERFIT_GAP]
    if overfit:
        listed = [f"{m.label} (F1 {m.train.f1:.2f} on training vs {m.test.f1:.2f} on test"
                  f"{'; distance weighting memorises the training rows' if m.params.get('weights') == 'distance' else ''})"
                  for m, _ in overfit]
        actions.append(f"Reduce over-fitting in {join_words(listed)}: stronger regularisation (larger leaves, "
                       f"more neighbours, smaller C) or more data.")
    edges = [f"{m.label}: {', '.join(m.grid_edges)}" for m in result.models if m.grid_edges]
    if edges:
        actions.append(f"Widen the search where the best value sits at the edge of the grid ({'; '.join(edges)}).")
    insignificant = [c.feature for c in result.logit.coefficients if not c.significant]
    if insignificant:
        actions.append(f"Drop or rework the logit terms that are not significant ({join_words(insignificant)}) "
                       f"for a simpler, more stable equation.")
    dropped = [v for v in result.preprocessing.vif if v.dropped]
    if dropped:
        listed = [f"{v.feature} (VIF {v.vif:.1f})" for v in dropped]
        actions.append(f"{join_words(listed)} was dropped for multicollinearity; combining it with its correlated "
                       f"partners into one feature (a ratio or a difference) may keep its information.")
    if any("separation" in w.lower() for w in result.logit.warnings):
        actions.append("The logit shows (quasi-)separation: some rows are predicted perfectly, which inflates "
                       "coefficients; a penalised (L2 or Firth) logit or binned extreme values stabilise it.")
    return actions


def answer_improve(result: ReportResult) -> str:
    actions = improvement_actions(result)
    if not actions:
        return ("This run's diagnostics raise no specific problem: the classes are not badly imbalanced, no model "
                "over-fits noticeably and every logit term is significant. More data or new behavioural "
                "features are the remaining levers.")
    numbered = " ".join(f"({i}) {a}" for i, a in enumerate(actions, 1))
    return f"From this run's diagnostics: {numbered}"


def answer_rely(result: ReportResult) -> str:
    best = result.best
    metric = best.cv.metric.replace("_", " ")
    ranked = sorted(result.models, key=lambda m: -m.cv.mean)
    runner = ranked[1] if len(ranked) > 1 else None
    text = (f"Rely on the {best.label.lower()}: it has the best cross-validated {metric} on the training rows "
            f"({best.cv.mean:.3f} ± {best.cv.std:.3f})")
    if runner:
        text += f", ahead of the {runner.label.lower()} ({runner.cv.mean:.3f})"
    text += (f". The choice is made without the test set; on it the model scores F1 {best.test.f1:.3f}, "
             f"precision {best.test.precision:.3f}, recall {best.test.recall:.3f} and PR AUC "
             f"{best.test.pr_auc:.3f}. ")
    test_best = max(result.models, key=lambda m: m.test.pr_auc)
    if test_best.name != best.name:
        text += (f"The {test_best.label.lower()} happens to score a higher test PR AUC ({test_best.test.pr_auc:.3f}); "
                 f"choosing it because of that would tune on the test set. ")
    if result.drivers:
        top = [d for d in result.drivers if d.importance > 0][:3] or result.drivers[:1]
        listed = [f"{d.label.lower()} ({d.direction})" for d in top]
        text += (f"The behaviours that drive its predictions most, measured by how much its score drops when each "
                 f"is shuffled, are: {'; '.join(listed)}.")
    return text


ANSWERS = [answer_llr, answer_equation, answer_tree, answer_confusion, answer_use, answer_improve, answer_rely]


def majority_accuracy(result: ReportResult) -> float:
    (tn, fp), (fn, tp) = result.models[0].test.confusion_matrix
    total = tn + fp + fn + tp
    return max(tn + fp, fn + tp) / total


def summary(result: ReportResult) -> Summary:
    best = result.best
    positive = result.dataset.positive_noun
    (tn, fp), (fn, tp) = best.test.confusion_matrix
    headline = (f"{pct(result.dataset.positive_rate)} of {result.dataset.rows_used:,} {result.dataset.unit} are {positive}. "
                f"The {best.label.lower()} finds {pct(best.test.recall, 0)} of them in held-out data, and "
                f"{pct(best.test.precision, 0)} of the {result.dataset.unit} it flags are right.")
    why = (f"Best cross-validated {best.cv.metric.replace('_', ' ')} ({best.cv.mean:.3f}) among "
           f"{len(result.models)} tuned models; test PR AUC {best.test.pr_auc:.3f}, ROC AUC {best.test.roc_auc:.3f}.")
    top = result.drivers[0] if result.drivers else None
    action = (f"Prioritise the {result.dataset.unit} the model flags ({tp + fp:,} of {result.dataset.test_rows:,} in the test set, "
              f"{pct((tp + fp) / result.dataset.test_rows)}): {pct(best.test.precision, 0)} of them are {positive}, "
              f"{best.test.precision / result.dataset.positive_rate:.1f}× the base rate.")
    if top:
        action += f" Watch {top.label.lower()} first ({top.direction})."
    return Summary(
        headline=headline,
        recommended_model=best.name,
        recommended_label=best.label,
        why_recommended=why,
        drivers=result.drivers[:5],
        action=action,
        baseline_accuracy=round(majority_accuracy(result), 6),
    )


def questions(result: ReportResult) -> list[Question]:
    return [Question(id=i, question=q, answer=answer(result))
            for i, (q, answer) in enumerate(zip(QUESTIONS, ANSWERS), 1)]


def interpret(result: ReportResult) -> ReportResult:
    """The result with its summary and the seven answers filled in."""
    with_summary = dataclasses.replace(result, summary=summary(result))
    return dataclasses.replace(with_summary, questions=questions(with_summary))


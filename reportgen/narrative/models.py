"""The models and the imbalance-and-threshold sections in words: where each model's out-of-fold scores came
from, what its search used, where its tuning hit the edge of the grid, how the threshold was chosen, and the rule
by which the recommendation picks rows (which the targeting section cites)."""

from __future__ import annotations

import dataclasses

from reportgen.narrative.targeting import action_words
from reportgen.narrative.words import join_words, labelled_vif
from reportgen.result import (
    GridEdge,
    ModelResult,
    Recommendation,
    ReportResult,
    RuleKind,
    ScoresSource,
    ThresholdKind,
    ThresholdResult,
)


def threshold_method(threshold: ThresholdResult) -> str:
    """How the threshold was chosen, completing 'the threshold ...'."""
    if threshold.kind == ThresholdKind.FIXED:
        return "fixed by the config"
    if threshold.kind == ThresholdKind.ESTIMATOR_CUT:
        return "the estimator's own cut (flag above " + (
            "0.5 probability)" if threshold.default_cut == 0.5 else "a zero margin)")
    return (f"maximises {threshold.metric} on out-of-fold scores ({threshold.folds}-fold CV on the training "
            f"rows)")


def recommendation_rule(rec: Recommendation, result: ReportResult) -> str:
    """The rule by which the recommendation picks the rows, in the verb of the recommended action, completing
    'follows one rule: ...'."""
    d = result.dataset
    verb = action_words(d).verb or "pick"
    if rec.kind == RuleKind.PROFIT:
        value = result.settings["value"]
        probability = "calibrated probability" if rec.calibrated else "model's probability"
        return (f"{verb} the {d.unit} whose {probability} exceeds cost / value = {rec.cut:.3f} "
                f"({value['cost_per_contact']:g} / {value['value_per_conversion']:g})")
    return f"{verb} the {d.unit} the model flags at its decision threshold ({rec.cut:.3g})"


def scores_text(source: ScoresSource, folds: int) -> str:
    if source == ScoresSource.OUT_OF_BAG:
        return "out-of-bag trees"
    if source == ScoresSource.MEMBERS:
        return "the average of its members' scores"
    if source == ScoresSource.SAMPLE_FITTED_FOLDS:
        return f"{folds}-fold cross-validation on all rows"
    return f"{folds}-fold cross-validation"


def edge_text(edge: GridEdge) -> str:
    return f"{edge.parameter} = {edge.value} ({'largest' if edge.largest else 'smallest'} tried)"


def searched_on(model: ModelResult) -> str:
    """'4,000 rows, n estimators 40': the rows the search compared candidates on and the settings it used in
    place of the final model's."""
    settings = [f"{key.replace('_', ' ')} {value}" for key, value in model.search_settings.items()]
    if model.scored_along:
        settings.append(f"{model.scored_along.replace('_', ' ')} all scored from one fit at {model.scored_along_from}")
    return ", ".join([f"{model.tuning_rows:,} rows", *settings])


def columns_seen(result: ReportResult) -> str:
    """Which features each model saw, in a sentence, when the logit's VIF screen left some out of it (no other
    model leaves columns out)."""
    screened = next((m for m in result.models if m.columns_left_out), None)
    if screened is None:
        return ""
    labels, vif = result.dataset.feature_labels, {row.feature: row.vif for row in result.preprocessing.vif}
    left_out = join_words([labelled_vif(labels.get(c, c), vif[c]) for c in screened.columns_left_out])
    others = (f"; the other models used all {len(result.dataset.features)} features"
              if len(result.models) > 1 else "")
    return (f"The {screened.label.lower()} left out {left_out}, as columns that repeat what other numeric columns say "
            f"(VIF above {result.preprocessing.vif_threshold:g}) blur its coefficients{others}.")


def tuned_settings(params: dict[str, object]) -> str:
    """'max_depth=no limit, max_iter=400' ('none' without settings): scikit-learn's names, and its None, which
    lifts a limit (a tree's depth, a forest's rows per tree), in words."""
    shown = [f"{key}={'no limit' if value is None else value}" for key, value in params.items()]
    return ", ".join(shown) or "none"


def worded_model(model: ModelResult, folds: int) -> ModelResult:
    return dataclasses.replace(model, scored_by=scores_text(model.scores_from, folds),
                               grid_edges=[edge_text(e) for e in model.search_edges], searched_on=searched_on(model),
                               tuned_settings=tuned_settings(model.params))


def rules_note(result: ReportResult) -> str:
    """Why the tree's rules can mark every leaf with the commoner outcome yet the tree flags rows: it flags at its
    own decision threshold, not at the majority; nothing when the threshold is one half."""
    model = next((m for m in result.models if m.name == "decision_tree"), None)
    if result.tree is None or model is None or model.threshold == 0.5:
        return ""
    d = result.dataset
    weighed = model.strategy != "none"
    return (f"'class' names the outcome most of a leaf's training {d.unit} have"
            f"{' as the tree weighed them in training' if weighed else ''}. The tree flags the {d.unit} of a leaf "
            f"whose share of {d.positive_noun}{' (so weighed)' if weighed else ''} reaches its decision threshold, "
            f"{model.threshold:.3f}, so a leaf marked '{d.negative_name}' can flag them.")


def with_model_words(result: ReportResult) -> ReportResult:
    folds = result.settings["search"]["cv"]
    threshold, rec = result.threshold, result.recommendation
    tree = dataclasses.replace(result.tree, rules_note=rules_note(result)) if result.tree else None
    return dataclasses.replace(
        result, tree=tree, models=[worded_model(m, folds) for m in result.models], columns_seen=columns_seen(result),
        threshold=dataclasses.replace(threshold, method=threshold_method(threshold)) if threshold else None,
        recommendation=dataclasses.replace(rec, rule=recommendation_rule(rec, result)) if rec else None)

"""A published analysis's figures set beside this run's, on the footing they compare."""

from __future__ import annotations

import dataclasses

from reportgen.narrative.words import capitalised, in_sentence, join_words, metric_name, pct
from reportgen.result import (
    Metrics,
    Published,
    PublishedRow,
    ReportResult,
)


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
    names = [n for n in dict.fromkeys([published.model, result.best_model])
             if n and any(m.name == n for m in result.models)]
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
    return join_words([f"{metric_name(r.metric)} "
                       f"{(r.here_balanced if r.here_balanced is not None else r.here) - r.published:+.3f}"
                       for r in rows])


def published_comparison(result: ReportResult, published: Published, rows: list[PublishedRow]) -> str:
    """The published figures, this run's honest ones beside them, and on which footing they compare."""
    d = result.dataset
    first = rows[0].model
    shared = [r for r in rows if r.model == first]
    balanced = (f" on a test set with as many {d.positive_noun} as {d.negative_noun}" if published.balanced_test
                else "")
    method = f" ({published.method})" if published.method else ""
    text = (f"{capitalised(published.source)} reported {figures_text(shared, 'published')}"
            f"{balanced}{method}. Here the test set keeps the true {pct(d.positive_rate)} share of {d.positive_noun} "
            f"and none of its {d.test_rows:,} {d.unit} was used for training or tuning.")
    for name in dict.fromkeys(r.model for r in rows):
        own = [r for r in rows if r.model == name]
        model = result.model(name)
        role = " (recommended)" if name == result.best_model else ""
        text += f" The {in_sentence(model.label)}{role} scores {figures_text(own, 'here')} at its decision threshold"
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


COMPARISON_HEADING = "Compared with the published analysis"
"""The heading of the section that gives `Published.comparison` (templates/partials/models.html)."""


def published_brief(result: ReportResult, published: Published, rows: list[PublishedRow]) -> str:
    """The published figures and the recommended model's on the same footing, pointing to the section that
    explains the footing; the whole comparison is said once, there."""
    d = result.dataset
    best = result.best
    own = [r for r in rows if r.model == best.name]
    comparable = [r for r in own if r.here_balanced is not None]
    if published.balanced_test and comparable:
        here = (f"re-weighted to those shares, the {in_sentence(best.label)} (recommended) scores "
                f"{figures_text(comparable, 'here_balanced')}")
        footing = f" on a test set with as many {d.positive_noun} as {d.negative_noun}"
    else:
        here = f"the {in_sentence(best.label)} (recommended) scores {figures_text(own, 'here')} on this run's test set"
        footing = ""
    return (f"{capitalised(published.source)} reported {figures_text(own, 'published')}"
            f"{footing}; {here}. '{COMPARISON_HEADING}' says on which footing the two compare.")


def with_published(result: ReportResult) -> Published | None:
    published = result.published
    if published is None:
        return None
    rows = published_rows(result, published)
    if not rows:
        return published
    return dataclasses.replace(published, rows=rows, comparison=published_comparison(result, published, rows),
                               brief=published_brief(result, published, rows))

"""How the networks trained, in words: a sentence or two under each training figure, from its `TrainingHistory`."""

from __future__ import annotations

import dataclasses

from reportgen.narrative.words import pct, plural, readable_number
from reportgen.result import ReportResult, TrainingEnd, TrainingHistory, Trends

SHARE_SCORES = {"accuracy"}
"""Validation scores that are shares, written (and drawn) as percentages."""


def validation_curve(history: TrainingHistory) -> tuple[list[float], str]:
    """The validation measure the best epoch was chosen on, and its name."""
    if history.validation_loss:
        return history.validation_loss, history.loss_name
    return history.validation_score, history.score_name


def validation_value(history: TrainingHistory, value: float) -> str:
    if not history.validation_loss and history.score_name in SHARE_SCORES:
        return pct(value)
    return readable_number(value)


def how_it_ended(history: TrainingHistory) -> str:
    """How training ended, with the best validation epoch when there is one."""
    curve, measure = validation_curve(history)
    best = history.best_epoch
    if history.ending == TrainingEnd.STOPPED_EARLY:
        after = history.epochs - best
        if curve and after > 0:
            return (f"Training stopped early at epoch {history.epochs} of at most {history.max_epochs}: the {measure} "
                    f"on the held-back validation data was best at epoch {best} "
                    f"({validation_value(history, curve[best - 1])}) and did not improve on that in the "
                    f"{plural(after, 'epoch')} after it, so the network kept its weights from epoch {best}.")
        return (f"Training stopped early at epoch {history.epochs} of at most {history.max_epochs}, when the "
                f"validation {measure} had stopped improving.")
    if history.ending == TrainingEnd.CONVERGED:
        opening = (f"Training converged at epoch {history.epochs} of at most {history.max_epochs}: the training "
                   f"{history.loss_name} had stopped improving.")
    else:
        still = (", so more epochs might have improved it further" if history.best_epoch >= history.epochs
                 else "")
        opening = (f"Training ran all {history.max_epochs} epochs it was allowed without its stopping rule ending "
                   f"it{still}.")
    if not curve:
        return opening
    return (f"{opening} The {measure} on the held-back validation data was best at epoch {best} "
            f"({validation_value(history, curve[best - 1])}).")


def overfitting_text(history: TrainingHistory) -> str:
    """Whether the validation measure worsened after the best epoch while the training loss fell (the facts'
    `overfitting`), with the numbers."""
    curve, measure = validation_curve(history)
    if not curve:
        return "Without validation data, this training cannot show whether the network over-fitted."
    best, last = curve[history.best_epoch - 1], curve[-1]
    if history.best_epoch >= len(curve):
        return f"No sign of over-fitting: the validation {measure} was at its best at the last epoch."
    if not history.overfitting:
        return (f"No clear sign of over-fitting: the validation {measure} ended at {validation_value(history, last)}, "
                f"against {validation_value(history, best)} at its best.")
    loss = history.training_loss
    kept = "" if history.ending == TrainingEnd.STOPPED_EARLY else \
        f"; the weights kept are those of epoch {history.best_epoch}, from before it"
    return (f"It shows over-fitting: after epoch {history.best_epoch} the validation {measure} worsened from "
            f"{validation_value(history, best)} to {validation_value(history, last)} while the training "
            f"{history.loss_name} went on falling, from {readable_number(loss[history.best_epoch - 1])} to "
            f"{readable_number(loss[-1])}{kept}.")


def diverged_text(history: TrainingHistory) -> str:
    """Where the curves stop, when the loss stopped being a finite number before the last epoch."""
    finite = len(history.training_loss)
    if finite >= history.epochs:
        return ""
    return (f" The training {history.loss_name} was not a finite number from epoch {finite + 1} on (the training "
            f"diverged), so the curves stop at epoch {finite}.")


def training_summary(history: TrainingHistory) -> str:
    """How training ended, whether it over-fitted, and where the curves stop when it diverged."""
    return f"{how_it_ended(history)} {overfitting_text(history)}{diverged_text(history)}"


def figure_alt(history: TrainingHistory) -> str:
    """What the training figure draws, for readers who cannot see it."""
    validation = history.loss_name if history.validation_loss else history.score_name
    return (f"{history.label}: line chart of the training {history.loss_name} per epoch, the validation "
            f"{validation} and the best epoch")


def with_summaries(histories: list[TrainingHistory]) -> list[TrainingHistory]:
    return [dataclasses.replace(h, summary=training_summary(h), alt=figure_alt(h)) for h in histories]


def with_training_words(result: ReportResult) -> ReportResult:
    """The result with a summary under each network's training: the classifier's and the forecasters'."""
    trends: Trends | None = result.trends
    if trends is not None:
        trends = dataclasses.replace(trends, histories=with_summaries(trends.histories))
    return dataclasses.replace(result, training_histories=with_summaries(result.training_histories), trends=trends)

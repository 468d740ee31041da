"""The appendix's training figures: a network's loss per epoch, with its validation measure and best epoch."""

from __future__ import annotations

import matplotlib.ticker
from matplotlib.figure import Figure

from reportgen.figures.style import MUTED, new_figure, palette, short
from reportgen.narrative.training import SHARE_SCORES
from reportgen.narrative.words import capitalised
from reportgen.result import ReportResult, TrainingHistory


def training_histories(result: ReportResult) -> list[TrainingHistory]:
    """Every network's training the result holds: the classifier's, then the forecasters'."""
    return [*result.training_histories, *(result.trends.histories if result.trends else [])]


def epochs_of(values: list[float]) -> list[int]:
    return list(range(1, len(values) + 1))


def training_curves(result: ReportResult, history: TrainingHistory) -> Figure:
    """The training loss per epoch; the validation loss on the same axis, or the validation score on a second axis
    at the right; the best epoch as a dashed line."""
    colors = palette(result)
    fig, ax = new_figure(2.4)
    lines = ax.plot(epochs_of(history.training_loss), history.training_loss, color=colors.primary, linewidth=1.6,
                    label="Training")
    if history.validation_loss:
        lines += ax.plot(epochs_of(history.validation_loss), history.validation_loss, color=colors.accent,
                         linewidth=1.6, label="Validation")
    elif history.validation_score:
        score = ax.twinx()
        score.spines["right"].set_visible(True)
        score.grid(False)
        lines += score.plot(epochs_of(history.validation_score), history.validation_score, color=colors.accent,
                            linewidth=1.6, label=f"Validation {history.score_name}")
        score.set_ylabel(short(f"Validation {history.score_name}", 24))
        if history.score_name in SHARE_SCORES:
            score.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    if history.best_epoch:
        lines.append(ax.axvline(history.best_epoch, color=MUTED, linestyle="--", linewidth=1,
                                label=f"Best epoch ({history.best_epoch})"))
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    ax.set_xlim(0.5, max(history.epochs, 1) + 0.5)
    ax.set_xlabel("Epoch")
    ax.set_ylabel(short(capitalised(history.loss_name), 28) if history.validation_loss
                  else short(f"Training {history.loss_name}", 28))
    ax.set_title(f"{history.label}: training per epoch")
    fig.legend(handles=lines, loc="outside lower center", ncols=len(lines))
    return fig

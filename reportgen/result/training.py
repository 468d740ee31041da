"""How a neural network's training went: its loss per epoch and how the training ended."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class TrainingEnd(str, Enum):
    STOPPED_EARLY = "stopped_early"
    """The validation measure stopped improving, so training stopped before its epoch limit."""
    CONVERGED = "converged"
    """The training loss stopped improving (by the optimiser's tolerance) before the epoch limit."""
    REACHED_LIMIT = "reached_limit"
    """Training ran every epoch it was allowed and was still improving."""


@dataclass
class TrainingHistory:
    """One network's training, epoch by epoch (epochs count from 1)."""

    name: str
    """What was trained: a model family's name (`neural_network`) or a forecaster's (`lstm_rate`, `lstm_volume`)."""
    label: str
    """What was trained, in words (for headings and figure titles)."""
    training_loss: list[float]
    """The loss on the training rows (or windows) after each epoch."""
    validation_loss: list[float] = field(default_factory=list)
    """The loss on the held-back validation share after each epoch; empty when the network measures a score."""
    validation_score: list[float] = field(default_factory=list)
    """A score on the validation share after each epoch (scikit-learn's MLP: accuracy); empty when it
    measures a loss."""
    loss_name: str = "loss"
    """What the loss is, e.g. 'log loss', 'mean squared error (scaled)'."""
    score_name: str = ""
    """What `validation_score` measures, e.g. 'accuracy'."""
    best_epoch: int = 0
    """The epoch whose weights were kept (best on validation), or the last."""
    epochs: int = 0
    """Epochs run."""
    max_epochs: int = 0
    """The epoch limit."""
    ending: TrainingEnd | None = None
    overfitting: bool = False
    """The validation measure worsened after the best epoch while the training loss went on falling."""
    summary: str = ""
    """The figure's sentence; written by the narrative."""
    alt: str = ""
    """The figure's text alternative; written by the narrative."""

"""How a network's training went, epoch by epoch: the facts of its loss curves (`TrainingHistory`), for the
neural-network classifier here and for the forecasters' LSTM.

A value that is not a finite number (the training diverged) cannot go into `results.json`, and the values after
it mean nothing: each curve is cut before its first non-finite value, while `epochs` still counts every epoch run.
"""

from __future__ import annotations

import math

from reportgen.model import FittedModel
from reportgen.model.pipeline import MODEL_STEP
from reportgen.result import TrainingEnd, TrainingHistory

DIGITS = 6
"""Significant digits the curves keep in `results.json`."""
OVERFITTING_SHARE = 0.25
"""Over-fitting: after its best epoch, the validation measure gave back more than this share of what it had
gained from the first epoch to the best ..."""
OVERFITTING_FLOOR = 0.05
"""... and more than this share of its best value (so that noise on a flat curve does not count), while the
training loss went on falling."""


def finite_curve(values: list[float] | None) -> list[float]:
    """The values up to the first one that is not a finite number, rounded to `DIGITS` significant digits."""
    kept = []
    for value in values or []:
        if not math.isfinite(value):
            break
        kept.append(float(f"{value:.{DIGITS}g}"))
    return kept


def best_epoch_of(validation: list[float], *, lower_is_better: bool, last: int) -> int:
    """The 1-based epoch of the best validation value, the first when several tie (the epoch whose weights a
    stopping rule that needs a strict improvement keeps); `last` when there is no validation curve."""
    if not validation:
        return last
    best = min(validation) if lower_is_better else max(validation)
    return validation.index(best) + 1


def ending_of(epochs: int, max_epochs: int, stopped_early: bool) -> TrainingEnd:
    if stopped_early:
        return TrainingEnd.STOPPED_EARLY
    return TrainingEnd.CONVERGED if epochs < max_epochs else TrainingEnd.REACHED_LIMIT


def overfitted(training_loss: list[float], validation: list[float], best_epoch: int, *, lower_is_better: bool) -> bool:
    """Whether, by the last epoch, the validation measure worsened from its best by a clear margin
    (`OVERFITTING_SHARE`, `OVERFITTING_FLOOR`) while the training loss went on falling."""
    if not validation or best_epoch >= len(validation) or best_epoch > len(training_loss):
        return False
    sign = 1.0 if lower_is_better else -1.0
    first, best, last = (sign * validation[i] for i in (0, best_epoch - 1, -1))
    margin = max(OVERFITTING_SHARE * (first - best), OVERFITTING_FLOOR * abs(best))
    return last - best > margin and training_loss[-1] < training_loss[best_epoch - 1]


def training_history(name: str, label: str, training_loss: list[float], *,
                     validation_loss: list[float] | None = None, validation_score: list[float] | None = None,
                     loss_name: str = "loss", score_name: str = "", max_epochs: int,
                     stopped_early: bool) -> TrainingHistory:
    """The facts of one network's training from its curves per epoch (the first value is epoch 1's): the best
    epoch (lowest validation loss, else highest validation score, else the last), how training ended and
    whether it over-fitted (`overfitted`). Give `stopped_early` when a validation rule ended it before
    `max_epochs`."""
    training = finite_curve(training_loss)
    losses, scores = finite_curve(validation_loss), finite_curve(validation_score)
    validation, lower_is_better = (losses, True) if losses else (scores, False)
    best = best_epoch_of(validation, lower_is_better=lower_is_better, last=len(training))
    epochs = len(training_loss)
    return TrainingHistory(
        name=name, label=label, training_loss=training, validation_loss=losses, validation_score=scores,
        loss_name=loss_name, score_name=score_name, best_epoch=best, epochs=epochs, max_epochs=max_epochs,
        ending=ending_of(epochs, max_epochs, stopped_early),
        overfitting=overfitted(training, validation, best, lower_is_better=lower_is_better),
    )


def classifier_history(model, name: str, label: str) -> TrainingHistory | None:
    """The training of a fitted scikit-learn MLP classifier (alone, or as a pipeline's `model` step); None for an
    estimator without a loss curve (another family, or the MLP's lbfgs solver).

    What scikit-learn (1.9, `BaseMultilayerPerceptron._fit_stochastic`) records: `loss_curve_` holds each
    epoch's mean training loss, the log loss plus the L2 penalty (`alpha`); with `early_stopping` it holds back
    `validation_fraction` of the rows and `validation_scores_` holds their accuracy after each epoch. The epoch
    loop ends before `max_iter` only when the measure it watches (that accuracy with early stopping, else the
    training loss) has not improved by `tol` for more than `n_iter_no_change` epochs; with early stopping the
    weights of the best validation epoch are then restored."""
    estimator = model.named_steps[MODEL_STEP] if hasattr(model, "named_steps") else model
    curve = getattr(estimator, "loss_curve_", None)
    if curve is None:
        return None
    early = bool(estimator.early_stopping)
    return training_history(
        name, label, list(curve), validation_score=list(estimator.validation_scores_ or []) if early else None,
        loss_name="log loss" if estimator.alpha == 0 else "log loss with weight penalty",
        score_name="accuracy" if early else "", max_epochs=int(estimator.max_iter),
        stopped_early=early and estimator.n_iter_ < estimator.max_iter)


def classifier_histories(fitted: list[FittedModel]) -> list[TrainingHistory]:
    """The training of each fitted model that records one (the neural network), as finally fitted."""
    histories = (classifier_history(f.pipeline, f.name, f.label) for f in fitted)
    return [history for history in histories if history is not None]

"""The figures of how well the models predict: scores compared, confusion matrices, ROC and
precision-recall curves, and the tree models' feature importance."""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.figure import Figure

from reportgen.figures.style import MUTED, new_figure, palette, short
from reportgen.result import ReportResult

MODEL_METRICS = [("precision", "Precision"), ("recall", "Recall"), ("f1", "F1"), ("pr_auc", "PR AUC"),
                 ("roc_auc", "ROC AUC")]


def model_comparison(result: ReportResult) -> Figure:
    fig, ax = new_figure(2.8)
    width = 0.8 / len(MODEL_METRICS)
    x = np.arange(len(result.models))
    for i, (key, label) in enumerate(MODEL_METRICS):
        values = [getattr(m.test, key) for m in result.models]
        ax.bar(x + i * width - 0.4 + width / 2, values, width, label=label, color=palette(result).series[i])
    ax.set_xticks(x, [textwrap.fill(("★ " if m.name == result.best_model else "") + m.label, 14)
                      for m in result.models])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("Test set score")
    ax.set_title(short(f"Model comparison on the test set (★ = recommended; {result.dataset.positive_noun} class)", 72))
    fig.legend(*ax.get_legend_handles_labels(), ncols=len(MODEL_METRICS), loc="outside lower center")
    ax.grid(axis="x", visible=False)
    return fig


def counts_grid(ax, matrix: np.ndarray, labels: list[str]) -> None:
    """A 2x2 confusion matrix as shaded cells with their counts (a seaborn heatmap costs ten
    times more for four cells)."""
    ax.imshow(matrix, cmap="Blues", vmin=0, vmax=max(int(matrix.max()), 1), aspect="auto")
    dark = matrix > matrix.max() / 2
    for (row, col), value in np.ndenumerate(matrix):
        ax.text(col, row, f"{value:,d}", ha="center", va="center", fontsize=8.5,
                color="white" if dark[row, col] else "#1a1a1a")
    ax.set_xticks([0, 1], [short(label, 10) for label in labels])
    ax.set_yticks([0, 1], [short(label, 12) for label in labels], va="center")
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def confusion_matrices(result: ReportResult) -> Figure:
    n = len(result.models)
    ncols = min(n, 3)
    nrows = int(np.ceil(n / ncols))
    fig, axes = new_figure(2.1 * nrows + 0.2, ncols=ncols, nrows=nrows, squeeze=False)
    labels = [result.dataset.negative_name, result.dataset.positive_name]
    for ax, model in zip(axes.flat, result.models):
        counts_grid(ax, np.array(model.test.confusion_matrix), labels)
        ax.set_title(short(model.label, 20), fontsize=8.5)  # a long label would run off a side column
        ax.set_xlabel("Predicted", fontsize=7.5)
        ax.set_ylabel("Actual", fontsize=7.5)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle("Confusion matrices on the test set", fontsize=9.5, fontweight="bold")
    return fig


def each_models_curve(ax, result: ReportResult, curve: str, area: str, area_name: str) -> None:
    """Every model's test curve (`curve`, a `ModelResult` field) in its series colour, the recommended one thicker,
    labelled with its area under the curve."""
    for color, model in zip(palette(result).series, result.models):
        points = getattr(model, curve)
        ax.plot(points.x, points.y, color=color, linewidth=2.2 if model.name == result.best_model else 1.2,
                label=f"{model.label} ({area_name} {getattr(model.test, area):.3f})")


def roc_curves(result: ReportResult) -> Figure:
    fig, ax = new_figure(3.4)
    each_models_curve(ax, result, "roc_curve", "roc_auc", "AUC")
    ax.plot([0, 1], [0, 1], color=MUTED, linestyle="--", linewidth=0.8, label="Chance")
    ax.set_xlabel("False positive rate")
    ax.set_ylabel("True positive rate (recall)")
    ax.set_title("ROC curves on the test set")
    ax.legend(loc="lower right")
    return fig


def pr_curves(result: ReportResult) -> Figure:
    fig, ax = new_figure(3.4)
    each_models_curve(ax, result, "pr_curve", "pr_auc", "PR AUC")
    ax.axhline(result.dataset.positive_rate, color=MUTED, linestyle="--", linewidth=0.8,
               label=f"Base rate ({result.dataset.positive_rate:.1%})")
    ax.set_xlabel("Recall")
    ax.set_ylabel("Precision")
    ax.set_ylim(0, 1.02)
    ax.set_title("Precision-recall curves on the test set")
    ax.legend(loc="lower left")
    return fig


def importances(result: ReportResult) -> Figure | None:
    models = [m for m in result.models if m.feature_importance]
    if not models:
        return None
    fig, axes = new_figure(0.25 * len(result.dataset.features) + 1.3, ncols=len(models), squeeze=False)
    for ax, color, model in zip(axes.flat, palette(result).series, models):
        rows = list(reversed(model.feature_importance))
        ax.barh([short(result.dataset.feature_labels.get(r.feature, r.feature), 26) for r in rows],
                [r.importance for r in rows], color=color)
        ax.set_title(model.label, fontsize=8.5)
        ax.set_xlabel("Share of impurity\nreduction")
        ax.grid(axis="y", visible=False)
    fig.suptitle("Feature importance in the tree models", fontsize=9.5, fontweight="bold")
    return fig

"""The figures of the imbalance, threshold and calibration section."""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure

from reportgen.config import STRATEGY_LABELS
from reportgen.figures.style import MUTED, new_figure, palette
from reportgen.narrative.words import metric_name
from reportgen.result import ReportResult


def imbalance(result: ReportResult) -> Figure | None:
    if not result.imbalance or len({row.strategy for row in result.imbalance}) < 2:
        return None
    strategies = list(dict.fromkeys(row.strategy for row in result.imbalance))
    models = [m for m in result.models if any(r.model == m.name for r in result.imbalance)]
    fig, ax = new_figure(2.9)
    width = 0.8 / len(strategies)
    for i, strategy in enumerate(strategies):
        for j, model in enumerate(models):
            row = next((r for r in result.imbalance if r.model == model.name and r.strategy == strategy), None)
            if row is None:
                continue
            ax.bar(j + i * width - 0.4 + width / 2, row.mean, width, color=palette(result).series[i],
                   edgecolor="black" if row.chosen else "none", linewidth=1.2, label=STRATEGY_LABELS[strategy])
    ax.set_xticks(range(len(models)), [textwrap.fill(m.label, 14) for m in models])
    low = min(r.mean for r in result.imbalance)
    ax.set_ylim(max(0, low - 0.1), min(1, max(r.mean for r in result.imbalance) + 0.05))
    ax.set_ylabel(f"Cross-validated {metric_name(result.imbalance[0].metric)}")
    ax.set_title("Imbalance strategies compared inside the training folds (outlined = kept)")
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    ax.legend(unique.values(), unique.keys(), ncols=len(unique), loc="upper center", bbox_to_anchor=(0.5, -0.14))
    ax.grid(axis="x", visible=False)
    return fig


def threshold_curve(result: ReportResult) -> Figure | None:
    chosen = result.threshold
    if chosen is None or not chosen.curve.x:
        return None
    fig, ax = new_figure(2.4)
    ax.plot(chosen.curve.x, chosen.curve.y, color=palette(result).primary)
    ax.axvline(chosen.value, color=palette(result).accent, linestyle="--", linewidth=1.2,
               label=f"chosen: {chosen.value:.3g}")
    ax.set_xlabel(f"Decision threshold on the {result.best.label.lower()}'s score")
    ax.set_ylabel("F1" if chosen.metric == "f1" else "Profit per row")
    ax.set_title("Threshold choice on out-of-fold training scores")
    ax.legend(loc="lower center")
    return fig


def calibration(result: ReportResult) -> Figure | None:
    found = result.calibration
    if found is None:
        return None
    fig, ax = new_figure(3.0)
    ax.plot([0, 1], [0, 1], color=MUTED, linestyle="--", linewidth=0.8, label="Perfectly calibrated")
    if found.curve_raw is not None:
        ax.plot(found.curve_raw.x, found.curve_raw.y, marker="o", markersize=3, color=MUTED,
                label=f"Model scores (Brier {found.brier_raw:.4f})")
    ax.plot(found.curve_calibrated.x, found.curve_calibrated.y, marker="o", markersize=3, color=palette(result).primary,
            label=f"Calibrated (Brier {found.brier_calibrated:.4f})")
    ax.set_xlabel("Predicted probability (test rows, in deciles of the prediction)")
    ax.set_ylabel(f"Observed share of {result.dataset.positive_noun}")
    ax.set_title(f"Calibration of the {result.best.label.lower()} on the test set")
    ax.legend(loc="upper left")
    return fig

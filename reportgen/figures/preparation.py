"""The appendix's figures, on data preparation: the outcome's balance, the outlier rules, the
correlations and the multicollinearity check."""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker
import numpy as np
import seaborn as sns
from matplotlib.figure import Figure

from reportgen.figures.style import MUTED, new_figure, palette, short
from reportgen.narrative.preparation import logit_only
from reportgen.narrative.words import capitalised
from reportgen.result import ReportResult


def outcome_balance(result: ReportResult) -> Figure:
    d = result.dataset
    positives = round(d.positive_rate * d.rows_used)
    counts = [d.rows_used - positives, positives]
    fig, ax = new_figure(1.9)
    bars = ax.barh([d.negative_name, d.positive_name], counts, color=[MUTED, palette(result).primary])
    for bar, count in zip(bars, counts):
        ax.text(bar.get_width(), bar.get_y() + bar.get_height() / 2, f"  {count:,} ({count / d.rows_used:.1%})",
                va="center", fontsize=8)
    ax.set_xlim(0, max(counts) * 1.25)
    ax.set_xlabel(capitalised(d.unit))
    ax.set_title(f"Outcome after cleaning: {d.positive_rate:.1%} {d.positive_noun}")
    ax.grid(axis="y", visible=False)
    return fig


PLAIN_COUNTS = matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:,.0f}")
"""Counts on a log axis as plain numbers (1,000 rather than matplotlib's 10³, which goes through its
TeX-like parser and tripled the figure's drawing time)."""


def distributions(result: ReportResult) -> Figure | None:
    rows = result.preprocessing.distributions
    if not rows:
        return None
    fig, axes = new_figure(1.45 * len(rows) + 0.4, ncols=2, nrows=len(rows), squeeze=False)
    for row, dist in zip(axes, rows):
        for ax, edges, counts, when in (
            (row[0], dist.edges_before, dist.counts_before, "before"),
            (row[1], dist.edges_after, dist.counts_after, "after"),
        ):
            edges = np.asarray(edges)
            ax.stairs(counts, edges, fill=True, baseline=0.8,
                      color=MUTED if when == "before" else palette(result).primary)
            ax.set_yscale("log")
            ax.yaxis.set_minor_locator(matplotlib.ticker.NullLocator())
            ax.yaxis.set_major_formatter(PLAIN_COUNTS)
            ax.set_title(f"{result.dataset.feature_labels.get(dist.column, dist.column)}: {when} the rule",
                         fontsize=8, fontweight="normal", loc="left")
            if when == "before":
                for limit in (dist.limit_low, dist.limit_high):
                    if limit is not None:
                        ax.axvline(limit, color=palette(result).accent, linestyle="--", linewidth=1)
    fig.suptitle("Distributions before and after the outlier rules (counts on a log scale; dashed = limit)",
                 fontsize=9, fontweight="bold")
    return fig


ANNOTATED_CORRELATIONS = 20
"""Up to this many numeric features the heatmap prints each correlation; beyond, the cells are
unreadable and drawing tens of thousands of labels takes minutes."""


def correlation(result: ReportResult) -> Figure | None:
    corr = result.preprocessing.correlation
    if len(corr) < 2:
        return None
    names = list(corr)
    matrix = np.array([[corr[c][r] for c in names] for r in names])
    labels = [result.dataset.feature_labels.get(n, n) for n in names]
    fig, ax = new_figure(max(3.6, 0.3 * len(names) + 2.0))
    sns.heatmap(matrix, ax=ax, annot=len(names) <= ANNOTATED_CORRELATIONS, fmt=".2f", cmap="RdBu_r", vmin=-1, vmax=1,
                square=True, xticklabels=labels, yticklabels=[short(label, 18) for label in labels],
                cbar_kws={"shrink": 0.7}, annot_kws={"size": 7})
    ax.grid(False)
    ax.set_title("Correlation between numeric features")
    plt.setp(ax.get_xticklabels(), rotation=40, ha="right", rotation_mode="anchor")
    return fig


def vif(result: ReportResult) -> Figure | None:
    rows = sorted(result.preprocessing.vif, key=lambda r: r.vif)
    if not rows:
        return None
    fig, ax = new_figure(0.35 * len(rows) + 0.9)
    colors = [palette(result).accent if r.dropped else palette(result).primary for r in rows]
    ax.barh([result.dataset.feature_labels.get(r.feature, r.feature) for r in rows],
            [min(r.vif, 100) for r in rows], color=colors)
    ax.axvline(result.preprocessing.vif_threshold, color="black", linestyle="--", linewidth=1)
    marked = "left out of the logit" if logit_only(result) else "dropped"
    ax.set_xlabel(f"Variance inflation factor (orange = {marked}; dashed = threshold)")
    ax.set_title("Multicollinearity check")
    ax.grid(axis="y", visible=False)
    return fig

"""The figures of the exploratory section: the key metrics by outcome and by group, and the missing values."""

from __future__ import annotations

import matplotlib.ticker
import numpy as np
from matplotlib.figure import Figure

from reportgen.figures.style import MUTED, few_ticks, new_figure, palette, plain_figure, short
from reportgen.result import BoxStats, ReportResult


def box_dict(stats: BoxStats) -> dict:
    """One box in the form matplotlib's `bxp` draws, from the statistics the explore stage computed."""
    return {"med": stats.median, "q1": stats.q1, "q3": stats.q3, "whislo": stats.low, "whishi": stats.high,
            "mean": stats.mean, "fliers": []}


BOX_STYLE = {"showfliers": False, "showmeans": True, "patch_artist": True, "widths": 0.6,
             "medianprops": {"color": "black", "linewidth": 1.2},
             "meanprops": {"marker": "o", "markersize": 3.5, "markerfacecolor": "white", "markeredgecolor": "black"}}


def compact_number(value: float, _position=None) -> str:
    """A tick label short enough for a small panel: 150k rather than 150000, 1.5M rather than 1500000."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def explore_by_class(result: ReportResult) -> Figure | None:
    """Each key metric in each class: histograms (shares of the class, so the classes compare) above,
    box plots below."""
    rows = result.explore.by_class if result.explore else []
    if not rows:
        return None
    fig, axes = plain_figure(3.5, ncols=len(rows), nrows=2, squeeze=False, height_ratios=[1, 1.1])
    fig.subplots_adjust(left=0.07, right=0.99, top=0.86, bottom=0.14, hspace=0.45, wspace=0.38)
    d = result.dataset
    colors = [MUTED, palette(result).primary]
    names = [short(d.negative_name, 12), short(d.positive_name, 12)]
    for column, row in enumerate(rows):
        bars, boxes = axes[0][column], axes[1][column]
        bars.stairs(row.negative, row.edges, fill=True, color=MUTED, alpha=0.7, label=d.negative_name)
        bars.stairs(row.positive, row.edges, color=colors[1], linewidth=1.4, label=d.positive_name)
        bars.set_title(short(row.label, 22), fontsize=7.5, fontweight="normal")
        bars.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
        bars.xaxis.set_major_formatter(compact_number)
        few_ticks(bars)
        drawn = boxes.bxp([box_dict(b) for b in row.boxes], **BOX_STYLE)
        for patch, color in zip(drawn["boxes"], colors):
            patch.set_facecolor(color)
        boxes.yaxis.set_major_formatter(compact_number)
        few_ticks(boxes)
        boxes.set_xticks([1, 2], names)
        boxes.grid(axis="x", visible=False)
    axes[0][0].legend(loc="upper right", fontsize=6)
    fig.suptitle("Key metrics by outcome", fontsize=9, fontweight="bold")
    return fig


def explore_groups(result: ReportResult) -> Figure | None:
    """The share of positives per group, and box plots of the key metrics per group, side by side."""
    explore = result.explore
    if explore is None or len(explore.groups) < 2:
        return None
    groups = explore.groups
    labels = [f"{short(g.group, 18)} ({g.share:.0%})" for g in groups]
    longest = max(len(line) for label in labels for line in label.splitlines())
    fig, axes = plain_figure(0.26 * len(groups) + 0.9, ncols=1 + len(explore.by_group), squeeze=False, sharey=True)
    fig.subplots_adjust(left=min(0.35, 0.012 * longest + 0.03), right=0.98, top=0.8, bottom=0.18, wspace=0.15)
    axes = axes.flat
    y = np.arange(1, len(groups) + 1)
    colors = palette(result)
    axes[0].barh(y, [g.conversion_rate for g in groups], color=colors.accent, height=0.6)
    axes[0].axvline(result.dataset.positive_rate, color="black", linestyle="--", linewidth=0.8)
    axes[0].set_title(f"Share of {result.dataset.positive_noun}", fontsize=7.5, fontweight="normal")
    for ax, row in zip(axes[1:], explore.by_group):
        drawn = ax.bxp([box_dict(b) for b in row.boxes], positions=y, orientation="horizontal",
                       **{**BOX_STYLE, "widths": 0.55})
        for patch in drawn["boxes"]:
            patch.set_facecolor(colors.primary)
            patch.set_alpha(0.75)
        ax.set_title(short(row.label, 24), fontsize=7.5, fontweight="normal")
        ax.xaxis.set_major_formatter(compact_number)
    for ax in axes:
        few_ticks(ax)
        ax.grid(axis="y", visible=False)
    axes[0].xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    axes[0].set_yticks(y, labels)
    axes[0].set_ylim(len(groups) + 0.6, 0.4)
    fig.suptitle(f"By {result.dataset.feature_labels.get(explore.group_column, explore.group_column).lower()} "
                 f"(share of {result.dataset.unit} in brackets; dashed: overall)", fontsize=8.5, fontweight="bold")
    return fig


def explore_missing(result: ReportResult) -> Figure | None:
    rows = list(reversed(result.explore.missing[:15])) if result.explore else []
    if not rows:
        return None
    fig, ax = new_figure(0.25 * len(rows) + 0.9)
    ax.barh([r.label for r in rows], [r.share for r in rows], color=palette(result).accent)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(f"Share of the {result.explore.rows_read:,} rows read that miss a value")
    ax.set_title("Missing values by column")
    ax.grid(axis="y", visible=False)
    return fig

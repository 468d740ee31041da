"""The segments section's figure: the silhouette curve that chose k, and each segment's share of positives."""

from __future__ import annotations

import textwrap

import matplotlib.ticker
import numpy as np
from matplotlib.figure import Figure

from reportgen.figures.style import few_ticks, palette, plain_figure
from reportgen.result import ReportResult


def segment_overview(result: ReportResult) -> Figure | None:
    """The silhouette curve that chose k, beside each segment's share of positives."""
    found = result.segments
    if found is None:
        return None
    colors = palette(result)
    height = max(2.3, 0.36 * found.k + 0.8)
    fig, (curve, rates) = plain_figure(height, ncols=2, width_ratios=[1, 1.1])
    fig.subplots_adjust(left=0.08, right=0.98, top=1 - 0.5 / height, bottom=0.18, wspace=0.75)  # room for 2-line titles
    ks = sorted(found.curve)
    curve.plot(ks, [found.curve[k] for k in ks], marker="o", markersize=3.5, color=colors.primary)
    curve.axvline(found.k, color=colors.accent, linestyle="--", linewidth=1.2, label=f"chosen: k = {found.k}")
    few_ticks(curve, x=len(ks))
    curve.set_xticks(ks)
    curve.set_xlabel("Number of segments (k)", fontsize=7.5)
    curve.set_ylabel("Silhouette score", fontsize=7.5)
    curve.set_title("Choosing k", fontsize=8.5)
    curve.margins(x=0.1, y=0.2)
    curve.legend(loc="best")
    y = np.arange(found.k)
    rates.barh(y, [p.conversion_rate for p in found.profiles], color=colors.primary, height=0.6)
    rates.axvline(result.dataset.positive_rate, color="black", linestyle="--", linewidth=0.8)
    few_ticks(rates)
    rates.set_yticks(y, [textwrap.fill(f"{p.name} ({p.share:.0%})", 30) for p in found.profiles])
    rates.set_ylim(found.k - 0.5, -0.5)
    rates.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0, decimals=0))
    rates.set_title(textwrap.fill(f"Share of {result.dataset.positive_noun} (dashed: all {result.dataset.unit})", 34),
                    fontsize=8.5)
    rates.grid(axis="y", visible=False)
    return fig

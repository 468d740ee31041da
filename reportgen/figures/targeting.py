"""The targeting section's figure: the cumulative gains of ranking by the model's score."""

from __future__ import annotations

import matplotlib.ticker
from matplotlib.figure import Figure

from reportgen.figures.style import MUTED, new_figure, palette, short
from reportgen.result import ReportResult


def gains(result: ReportResult) -> Figure | None:
    curve = result.gains
    if curve is None:
        return None
    fig, ax = new_figure(2.2)
    rate = result.dataset.positive_rate
    ax.plot(curve.x, curve.y, color=palette(result).primary, linewidth=2, label=result.best.label)
    ax.plot([0, 1], [0, 1], color=MUTED, linestyle="--", linewidth=0.8, label="Picking at random")
    ax.plot([0, rate, 1], [0, 1, 1], color=palette(result).accent, linestyle=":", linewidth=1, label="Perfect ranking")
    for row in result.targeting:
        if row.top_fraction in (0.1, 0.2):
            ax.annotate(f"top {row.top_fraction:.0%}: {row.share_of_conversions:.0%}",
                        (row.top_fraction, row.share_of_conversions), textcoords="offset points", xytext=(8, -12),
                        fontsize=7.5)
            ax.plot(row.top_fraction, row.share_of_conversions, "o", color=palette(result).accent, markersize=4)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel(f"Share of {result.dataset.unit}, highest scores first (test set)")
    ax.set_ylabel(short(f"Share of all {result.dataset.positive_noun} found", 24))
    ax.set_title("Cumulative gains: the highest scores first")
    ax.legend(loc="lower right")
    return fig

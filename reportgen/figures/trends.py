"""The section over time: the share of positives and the volume per period, with the forecast."""

from __future__ import annotations

import matplotlib.ticker
import numpy as np
from matplotlib.figure import Figure

from reportgen.figures.style import MUTED, new_figure, palette
from reportgen.narrative.words import capitalised
from reportgen.result import ReportResult

BARS_AT_MOST = 60
"""Periods drawn as bars of volume; more are drawn as a line (bars of a day over years are too thin to see)."""


def trend_lines(result: ReportResult) -> Figure | None:
    """The share of positives and the volume per period, with the forecast and its interval."""
    found = result.trends
    if found is None or len(found.points) < 2:
        return None
    colors = palette(result)
    fig, (rate, volume) = new_figure(3.3, nrows=2, sharex=True, height_ratios=[1.4, 1])
    when = [np.datetime64(p.period) for p in found.points]
    rate.plot(when, [np.nan if p.rate is None else p.rate for p in found.points], marker="o", markersize=2.5,
              color=colors.primary, label="Observed")
    if len(when) > BARS_AT_MOST:
        volume.plot(when, [p.rows for p in found.points], color=MUTED, linewidth=0.8, label="Observed")
    else:
        volume.bar(when, [p.rows for p in found.points], width=np.diff(when).min() * 0.8, color=MUTED,
                   label="Observed")
    if found.forecast:
        ahead = [when[-1]] + [np.datetime64(f.period) for f in found.forecast]
        last = found.points[-1].rate
        rate.plot(ahead, [last] + [f.rate for f in found.forecast], color=colors.accent, linestyle="--",
                  label="Forecast")
        rate.fill_between(ahead[1:], [f.rate_low for f in found.forecast], [f.rate_high for f in found.forecast],
                          color=colors.accent, alpha=0.2, label=f"{found.level:.0%} interval")
        future = ahead[1:]
        if len(when) > BARS_AT_MOST:
            volume.plot(ahead, [found.points[-1].rows] + [f.rows for f in found.forecast], color=colors.accent,
                        linestyle="--", label="Forecast")
            volume.fill_between(future, [f.rows_low for f in found.forecast], [f.rows_high for f in found.forecast],
                                color=colors.accent, alpha=0.2)
        else:
            volume.bar(future, [f.rows for f in found.forecast], width=np.diff(when).min() * 0.8,
                       color=colors.accent, alpha=0.6, yerr=[[f.rows - f.rows_low for f in found.forecast],
                                                              [f.rows_high - f.rows for f in found.forecast]],
                       error_kw={"elinewidth": 0.8, "capsize": 2}, label="Forecast")
    rate.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    rate.set_ylabel(f"Share of {result.dataset.positive_noun}")
    rate.legend(loc="best", ncols=3)
    volume.set_ylabel(capitalised(result.dataset.unit))
    rate.set_title(f"{found.label} by {found.frequency}: share of {result.dataset.positive_noun} and volume")
    return fig

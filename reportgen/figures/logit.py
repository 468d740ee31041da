"""The logistic regression's section: the odds ratios of its terms."""

from __future__ import annotations

import matplotlib.ticker
import numpy as np
from matplotlib.figure import Figure

from reportgen.figures.style import MUTED, new_figure, palette, short
from reportgen.result import ReportResult

LOG_ODDS_SHOWN = 30
"""Odds ratios beyond e^±30 (a term the fit drove off, under separation) are drawn at that edge, so the
log axis keeps the others readable."""


def odds_ratio_term(result: ReportResult, term) -> str:
    """A logit term's label, with the unit its odds ratio is per when the config names one."""
    if " = " in term.feature:
        return term.label
    unit = result.dataset.units.get(term.feature)
    return short(f"{term.label} (per {unit})", 36) if unit else term.label


def logit_coefficients(result: ReportResult) -> Figure | None:
    """The odds ratios of the logit's table (per unit of a numeric term, against the reference level
    for a category) with their intervals; none when the fit failed or did not converge, as the
    report then uses no coefficient."""
    logit = result.logit
    if logit.failure or not logit.converged:
        return None
    rows = sorted((c for c in logit.coefficients if c.ci_low is not None and c.ci_high is not None),
                  key=lambda c: c.coef)
    if not rows:
        return None
    fig, ax = new_figure(0.3 * len(rows) + 1.3)
    y = np.arange(len(rows))
    odds, low, high = (np.exp(np.clip([getattr(c, name) for c in rows], -LOG_ODDS_SHOWN, LOG_ODDS_SHOWN))
                       for name in ("coef", "ci_low", "ci_high"))
    colors = [palette(result).primary if c.significant else MUTED for c in rows]
    ax.hlines(y, low, high, color=colors, linewidth=2)
    ax.scatter(odds, y, color=colors, zorder=3, s=18)
    ax.axvline(1, color="black", linewidth=0.8)
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(matplotlib.ticker.LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_yticks(y, [odds_ratio_term(result, c) for c in rows])
    ax.set_xlabel(f"Odds ratio per unit, with {logit.interval_level:.0%} interval (grey = not significant)\n"
                  f"a number per unit of its column, a category against its reference level")
    ax.set_title("Logistic regression: effect of each term on the odds")
    return fig

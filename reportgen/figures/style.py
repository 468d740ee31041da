"""The house style every figure shares: its colours, its page width, the matplotlib settings it is drawn
with, and the figure and label helpers the sections use."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import matplotlib.pyplot as plt
import matplotlib.ticker

from reportgen.result import ReportResult

MUTED = "#9aa5b1"
SERIES = ["#2a9d8f", "#8e5ea2", "#c44e52", "#6c757d", "#b8860b", "#4c72b0"]


@dataclass(frozen=True)
class Palette:
    primary: str
    accent: str

    @property
    def series(self) -> list[str]:
        """Colours for one line or bar per model: the brand's two first, then neutral ones."""
        return [self.primary, self.accent, *SERIES]


def palette(result: ReportResult) -> Palette:
    theme = result.theme
    return Palette(theme.primary_color, theme.accent_color) if theme else Palette("#1f4e79", "#e07b39")


WIDTH = 6.8
LANDSCAPE_WIDTH = 10.2

STYLE = {
    "font.size": 8.5,
    "axes.titlesize": 9.5,
    "axes.titleweight": "bold",
    "axes.labelsize": 8.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e5e8eb",
    "grid.linewidth": 0.6,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "svg.hashsalt": "reportgen",
}


def new_figure(height: float, ncols: int = 1, nrows: int = 1, **kwargs):
    return plt.subplots(nrows, ncols, figsize=(WIDTH, height), layout="constrained", **kwargs)


def plain_figure(height: float, ncols: int = 1, nrows: int = 1, **kwargs):
    """A figure without the constrained layout: for grids of small panels, whose layout would cost
    more than their drawing; the caller sets the margins."""
    return plt.subplots(nrows, ncols, figsize=(WIDTH, height), **kwargs)


def short(label: str, width: int = 16) -> str:
    return textwrap.fill(label, width)


def few_ticks(ax, x: int = 4, y: int = 4) -> None:
    """At most about x and y ticks: small panels read better, and each tick costs drawing time."""
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(x))
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(y))
    ax.tick_params(labelsize=6.5)

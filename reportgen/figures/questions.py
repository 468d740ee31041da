"""The seven questions' figure: what the recommended model's ranking leans on (its drivers)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from reportgen.figures.style import MUTED, new_figure, palette
from reportgen.narrative.words import possessive
from reportgen.result import ReportResult


def drivers(result: ReportResult) -> Figure | None:
    rows = list(reversed(result.drivers[:8]))
    if not rows:
        return None
    fig, ax = new_figure(0.25 * len(rows) + 1.0)
    listed = result.listed_drivers
    ax.barh([r.label for r in rows], [max(r.importance, 0) for r in rows],
            color=[palette(result).accent if r in listed else MUTED for r in rows])
    measured = [(i, r) for i, r in enumerate(rows) if r.importance_low is not None]
    if measured:
        shown = np.maximum([[r.importance, r.importance_low, r.importance_high] for _, r in measured], 0)
        ax.errorbar(shown[:, 0], [i for i, _ in measured], fmt="none", ecolor="#333333", elinewidth=0.8, capsize=2,
                    xerr=[np.maximum(shown[:, 0] - shown[:, 1], 0), np.maximum(shown[:, 2] - shown[:, 0], 0)])
    ax.set_xlabel(f"Drop in the test PR AUC ({result.best.test.pr_auc:.3f}) when the column is shuffled"
                  + ("\n(whiskers: 95% interval; grey: not listed as a driver)" if measured else ""))
    ax.set_title(f"What the {possessive(result.best.label.lower())} ranking leans on")
    ax.grid(axis="y", visible=False)
    return fig

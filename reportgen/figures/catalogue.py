"""Which figures a result gets, and drawing them all: into files (`make_figures`), or built for
`FigureWorkers` to draw (`built_figures`)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

import matplotlib.pyplot as plt
from joblib import Parallel, delayed
from matplotlib.figure import Figure

from reportgen.figures.explore import explore_by_class, explore_groups, explore_missing
from reportgen.figures.files import draw_and_save, figure_paths, print_file
from reportgen.figures.honesty import calibration, imbalance, threshold_curve
from reportgen.figures.logit import logit_coefficients
from reportgen.figures.models import confusion_matrices, importances, model_comparison, pr_curves, roc_curves
from reportgen.figures.preparation import correlation, distributions, outcome_balance, vif
from reportgen.figures.questions import drivers
from reportgen.figures.segments import segment_overview
from reportgen.figures.style import STYLE
from reportgen.figures.targeting import gains
from reportgen.figures.training import training_curves, training_histories
from reportgen.figures.tree import decision_tree
from reportgen.figures.trends import trend_lines
from reportgen.result import ReportResult

COSTLY_FIGURES = ("decision_tree", "distributions", "confusion_matrices")
"""Drawn first, so that the workers finish together rather than one waiting on the other."""


def figure_drawers(result: ReportResult, tree=None,
                   tree_names: list[str] | None = None) -> dict[str, Callable[[], Figure | None]]:
    """Each figure's drawing function by name, the costly ones first (`COSTLY_FIGURES`). `tree` is
    the fitted decision tree the result describes, with the readable names of its input columns."""
    drawers = {
        "outcome_balance": lambda: outcome_balance(result),
        "distributions": lambda: distributions(result),
        "correlation": lambda: correlation(result),
        "vif": lambda: vif(result),
        "logit_coefficients": lambda: logit_coefficients(result),
        "model_comparison": lambda: model_comparison(result),
        "confusion_matrices": lambda: confusion_matrices(result),
        "roc_curves": lambda: roc_curves(result),
        "pr_curves": lambda: pr_curves(result),
        "importances": lambda: importances(result),
        "drivers": lambda: drivers(result),
        "imbalance": lambda: imbalance(result),
        "threshold": lambda: threshold_curve(result),
        "calibration": lambda: calibration(result),
        "gains": lambda: gains(result),
        "explore_by_class": lambda: explore_by_class(result),
        "explore_groups": lambda: explore_groups(result),
        "explore_missing": lambda: explore_missing(result),
        "segments": lambda: segment_overview(result),
        "trends": lambda: trend_lines(result),
    }
    for history in training_histories(result):
        drawers[f"training_{history.name}"] = partial(training_curves, result, history)
    if tree is not None and result.tree is not None:
        drawers["decision_tree"] = lambda: decision_tree(result, tree, tree_names)
    return {name: drawers[name] for name in sorted(drawers, key=lambda name: name not in COSTLY_FIGURES)}


def make_figures(result: ReportResult, folder: Path, workers: int = 2, tree=None,
                 tree_names: list[str] | None = None, print_folder: Path | None = None) -> dict[str, str]:
    """Draw every figure the result supports into folder, in parallel processes (matplotlib
    draws on one core); returns {name: 'figures/<name>.png'}. With `print_folder`, each figure is
    also written there as <name>.jpg for the PDF (`PRINT_JPEG`)."""
    folder.mkdir(parents=True, exist_ok=True)
    drawers = figure_drawers(result, tree, tree_names)
    if print_folder is not None:
        print_folder.mkdir(parents=True, exist_ok=True)
    drawn = Parallel(n_jobs=workers)(
        delayed(draw_and_save)(draw, folder / f"{name}.png",
                               print_file(print_folder, name))
        for name, draw in drawers.items())
    return figure_paths(folder, [name for name, done in zip(drawers, drawn) if done])


def built_figures(result: ReportResult, tree=None, tree_names: list[str] | None = None) -> dict[str, Figure]:
    """Every figure the result supports, in the house style, built but not yet drawn: each knows its
    size, and `FigureWorkers` draws them. Building is about a fifth of a figure's cost."""
    with plt.rc_context(STYLE):
        built = {name: draw() for name, draw in figure_drawers(result, tree, tree_names).items()}
    return {name: fig for name, fig in built.items() if fig is not None}

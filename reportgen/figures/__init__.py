"""Figures drawn from the result object (and, for the tree drawing, the fitted tree).

A module per section of the report draws its figures, each function one figure, in the house style
of `style`. `catalogue` says which figures a result gets: `make_figures` saves them as PNG files
sized for an A4 page and returns {name: relative path} for the templates. The renderer builds them
with `built_figures` instead and has them saved by `FigureWorkers`, while it lays the PDF out around
blanks of their size (`files.reserve_print_files`).

The backend is chosen here, before any of the modules imports pyplot: Python runs a package's
`__init__` before any of its modules.
"""

import matplotlib

matplotlib.use("Agg")

from reportgen.figures.catalogue import COSTLY_FIGURES, built_figures, figure_drawers, make_figures  # noqa: E402
from reportgen.figures.explore import explore_by_class, explore_groups, explore_missing  # noqa: E402
from reportgen.figures.files import (  # noqa: E402
    DPI,
    PNG_COMPRESSION,
    PRINT_JPEG,
    draw_and_save,
    figure_paths,
    pixel_size,
    print_file,
    reserve_print_files,
    save_figure,
)
from reportgen.figures.honesty import calibration, imbalance, threshold_curve  # noqa: E402
from reportgen.figures.logit import logit_coefficients  # noqa: E402
from reportgen.figures.models import (  # noqa: E402
    confusion_matrices,
    importances,
    model_comparison,
    pr_curves,
    roc_curves,
)
from reportgen.figures.preparation import correlation, distributions, outcome_balance, vif  # noqa: E402
from reportgen.figures.questions import drivers  # noqa: E402
from reportgen.figures.segments import segment_overview  # noqa: E402
from reportgen.figures.style import STYLE, Palette, palette  # noqa: E402
from reportgen.figures.targeting import gains  # noqa: E402
from reportgen.figures.training import training_curves, training_histories  # noqa: E402
from reportgen.figures.tree import deciding_splits, decision_tree, split_shares  # noqa: E402
from reportgen.figures.trends import trend_lines  # noqa: E402

__all__ = [
    "COSTLY_FIGURES", "DPI", "PNG_COMPRESSION", "PRINT_JPEG", "STYLE", "Palette",
    "built_figures", "calibration", "confusion_matrices", "correlation", "deciding_splits", "decision_tree",
    "distributions", "draw_and_save", "drivers", "explore_by_class", "explore_groups", "explore_missing",
    "figure_drawers", "figure_paths", "gains", "imbalance", "importances", "logit_coefficients", "make_figures",
    "model_comparison", "outcome_balance", "palette", "pixel_size", "pr_curves", "print_file",
    "reserve_print_files", "roc_curves", "save_figure", "segment_overview", "split_shares", "threshold_curve",
    "training_curves", "training_histories", "trend_lines", "vif",
]

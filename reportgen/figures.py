"""Figures drawn from the result object (and, for the tree drawing, the fitted tree).

Each function draws one figure and returns it; `make_figures` saves them as PNG files sized
for an A4 page and returns {name: relative path} for the templates. The renderer builds them with
`built_figures` instead and has them saved by `FigureWorkers`, while it lays the PDF out around
blanks of their size (`reserve_print_files`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import matplotlib
import matplotlib.ticker

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import seaborn as sns  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402
from sklearn.tree import plot_tree  # noqa: E402

from reportgen.config import STRATEGY_LABELS  # noqa: E402
from reportgen.evaluate import DECIDING_SHARE  # noqa: E402
from reportgen.narrative.words import metric_name, possessive, term_label  # noqa: E402
from reportgen.result import BoxStats, ReportResult  # noqa: E402

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
DPI = 150
LANDSCAPE_WIDTH = 10.2
TREE_DEPTH_SHOWN = 3
TREE_FULL_LEAVES = 12

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
    ax.set_xlabel(d.unit.capitalize())
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
    ax.set_xlabel("Variance inflation factor (orange = dropped; dashed = threshold)")
    ax.set_title("Multicollinearity check")
    ax.grid(axis="y", visible=False)
    return fig


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


MODEL_METRICS = [("precision", "Precision"), ("recall", "Recall"), ("f1", "F1"), ("pr_auc", "PR AUC"),
                 ("roc_auc", "ROC AUC")]


def model_comparison(result: ReportResult) -> Figure:
    fig, ax = new_figure(2.8)
    width = 0.8 / len(MODEL_METRICS)
    x = np.arange(len(result.models))
    for i, (key, label) in enumerate(MODEL_METRICS):
        values = [getattr(m.test, key) for m in result.models]
        ax.bar(x + i * width - 0.4 + width / 2, values, width, label=label, color=palette(result).series[i])
    ax.set_xticks(x, [textwrap.fill(("★ " if m.name == result.best_model else "") + m.label, 14)
                      for m in result.models])
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("Test set score")
    ax.set_title(short(f"Model comparison on the test set (★ = recommended; {result.dataset.positive_noun} class)", 72))
    fig.legend(*ax.get_legend_handles_labels(), ncols=len(MODEL_METRICS), loc="outside lower center")
    ax.grid(axis="x", visible=False)
    return fig


def counts_grid(ax, matrix: np.ndarray, labels: list[str]) -> None:
    """A 2x2 confusion matrix as shaded cells with their counts (a seaborn heatmap costs ten
    times more for four cells)."""
    ax.imshow(matrix, cmap="Blues", vmin=0, vmax=max(int(matrix.max()), 1), aspect="auto")
    dark = matrix > matrix.max() / 2
    for (row, col), value in np.ndenumerate(matrix):
        ax.text(col, row, f"{value:,d}", ha="center", va="center", fontsize=8.5,
                color="white" if dark[row, col] else "#1a1a1a")
    ax.set_xticks([0, 1], [short(label, 10) for label in labels])
    ax.set_yticks([0, 1], [short(label, 12) for label in labels], va="center")
    ax.tick_params(length=0)
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)


def confusion_matrices(result: ReportResult) -> Figure:
    n = len(result.models)
    ncols = min(n, 3)
    nrows = int(np.ceil(n / ncols))
    fig, axes = new_figure(2.1 * nrows + 0.2, ncols=ncols, nrows=nrows, squeeze=False)
    labels = [result.dataset.negative_name, result.dataset.positive_name]
    for ax, model in zip(axes.flat, result.models):
        counts_grid(ax, np.array(model.test.confusion_matrix), labels)
        ax.set_title(short(model.label, 20), fontsize=8.5)  # a long label would run off a side column
        ax.set_xlabel("Predicted", fontsize=7.5)
        ax.set_ylabel("Actual", fontsize=7.5)
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.set_visible(False)
    fig.suptitle("Confusion matrices on the test set", fontsize=9.5, fontweight="bold")
    return fig


def roc_curves(result: ReportResult) -> Figure:
    fig, ax = new_figure(3.4)
    for color, model in zip(palette(result).series, result.models):
        ax.plot(model.roc_curve.x, model.roc_curve.y, color=color,
                linewidth=2.2 if model.name == result.best_model else 1.2,
                label=f"{model.label} (AUC {model.test.roc_auc:.3f})")
    ax.plot([0, 1], [0, 1], color=MUTED, linestyle="--", linewidth=0.8, label="Chance")
    ax.set_xlabel("False positive rate")
    ax.set_ylabel("True positive rate (recall)")
    ax.set_title("ROC curves on the test set")
    ax.legend(loc="lower right")
    return fig


def pr_curves(result: ReportResult) -> Figure:
    fig, ax = new_figure(3.4)
    for color, model in zip(palette(result).series, result.models):
        ax.plot(model.pr_curve.x, model.pr_curve.y, color=color,
                linewidth=2.2 if model.name == result.best_model else 1.2,
                label=f"{model.label} (PR AUC {model.test.pr_auc:.3f})")
    ax.axhline(result.dataset.positive_rate, color=MUTED, linestyle="--", linewidth=0.8,
               label=f"Base rate ({result.dataset.positive_rate:.1%})")
    ax.set_xlabel("Recall")
    ax.set_ylabel("Precision")
    ax.set_ylim(0, 1.02)
    ax.set_title("Precision-recall curves on the test set")
    ax.legend(loc="lower left")
    return fig


def importances(result: ReportResult) -> Figure | None:
    models = [m for m in result.models if m.feature_importance]
    if not models:
        return None
    fig, axes = new_figure(0.25 * len(result.dataset.features) + 1.3, ncols=len(models), squeeze=False)
    for ax, color, model in zip(axes.flat, palette(result).series, models):
        rows = list(reversed(model.feature_importance))
        ax.barh([short(result.dataset.feature_labels.get(r.feature, r.feature), 26) for r in rows],
                [r.importance for r in rows], color=color)
        ax.set_title(model.label, fontsize=8.5)
        ax.set_xlabel("Share of impurity\nreduction")
        ax.grid(axis="y", visible=False)
    fig.suptitle("Feature importance in the tree models", fontsize=9.5, fontweight="bold")
    return fig


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


def split_shares(tree) -> dict[int, float]:
    """Each split node's share of the tree's impurity reduction: its rows' weighted impurity minus
    its children's, over the sum of that over all splits. A feature's importance (the share question 3
    reads) is the sum of its splits' shares."""
    nodes = tree.tree_
    splits = np.flatnonzero(nodes.children_left >= 0)
    weighted = nodes.weighted_n_node_samples * nodes.impurity
    gains = weighted[splits] - weighted[nodes.children_left[splits]] - weighted[nodes.children_right[splits]]
    total = gains.sum()
    return {int(node): float(gain / total) if total > 0 else 0.0 for node, gain in zip(splits, gains)}


def deciding_splits(tree) -> set[int]:
    """The splits that decide: each carries by itself the share of the impurity reduction that makes a
    feature deciding in question 3 (so each is on a feature question 3 names)."""
    return {node for node, share in split_shares(tree).items() if share >= DECIDING_SHARE}


def node_and_text(text: str) -> tuple[int | None, str]:
    """The node a box of `plot_tree(..., node_ids=True)` draws and its text without the id; None for
    the '(...)' boxes that stand for levels not drawn. Only the root's id reads 'node #0'."""
    first, _, rest = text.partition("\n")
    number = first.removeprefix("node ")
    return (int(number[1:]), rest) if number.startswith("#") else (None, text)


def decision_tree(result: ReportResult, tree, names: list[str]) -> Figure:
    """The tuned tree (its top levels when large) for a landscape page, its features by their labels;
    the deciding splits (`deciding_splits`) are highlighted, and only they."""
    deciding = deciding_splits(tree)
    shown = result.tree.depth if result.tree.leaves <= TREE_FULL_LEAVES else TREE_DEPTH_SHOWN
    fig, ax = plt.subplots(figsize=(LANDSCAPE_WIDTH, 5.0), layout="constrained")
    boxes = plot_tree(tree, max_depth=shown, feature_names=[short(term_label(result, n), 24) for n in names],
                      class_names=[result.dataset.negative_name, result.dataset.positive_name],
                      label="root", impurity=False, proportion=True, rounded=True, precision=2, node_ids=True,
                      fontsize=7, ax=ax)
    for box in boxes:
        patch = box.get_bbox_patch()
        if patch is None:  # the True / False beside the root's arrows
            continue
        node, text = node_and_text(box.get_text())
        if node is not None and tree.tree_.children_left[node] >= 0:  # the split on two lines: boxes stay apart
            text = text.replace(" <= ", "\n<= ", 1)
        box.set_text(text)
        box.set_gid(None if node is None else f"tree-node-{node}")
        highlighted = node in deciding
        patch.set_facecolor("#fde3cf" if highlighted else "white")
        patch.set_edgecolor(palette(result).accent if highlighted else MUTED)
        patch.set_linewidth(1.4 if highlighted else 0.8)
    scope = "all levels" if shown >= result.tree.depth else f"top {shown} of {result.tree.depth} levels"
    ax.set_title(f"Decision tree, {scope} (orange: a deciding split, one that alone accounts "
                 f"for {DECIDING_SHARE:.0%} or more of the impurity reduction)", fontsize=9, fontweight="bold")
    return fig


def imbalance(result: ReportResult) -> Figure | None:
    if not result.imbalance or len({row.strategy for row in result.imbalance}) < 2:
        return None
    strategies = list(dict.fromkeys(row.strategy for row in result.imbalance))
    models = [m for m in result.models if any(r.model == m.name for r in result.imbalance)]
    fig, ax = new_figure(2.9)
    width = 0.8 / len(strategies)
    for i, strategy in enumerate(strategies):
        for j, model in enumerate(models):
            row = next((r for r in result.imbalance if r.model == model.name and r.strategy == strategy), None)
            if row is None:
                continue
            ax.bar(j + i * width - 0.4 + width / 2, row.mean, width, color=palette(result).series[i],
                   edgecolor="black" if row.chosen else "none", linewidth=1.2, label=STRATEGY_LABELS[strategy])
    ax.set_xticks(range(len(models)), [textwrap.fill(m.label, 14) for m in models])
    low = min(r.mean for r in result.imbalance)
    ax.set_ylim(max(0, low - 0.1), min(1, max(r.mean for r in result.imbalance) + 0.05))
    ax.set_ylabel(f"Cross-validated {metric_name(result.imbalance[0].metric)}")
    ax.set_title("Imbalance strategies compared inside the training folds (outlined = kept)")
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    ax.legend(unique.values(), unique.keys(), ncols=len(unique), loc="upper center", bbox_to_anchor=(0.5, -0.14))
    ax.grid(axis="x", visible=False)
    return fig


def threshold_curve(result: ReportResult) -> Figure | None:
    chosen = result.threshold
    if chosen is None or not chosen.curve.x:
        return None
    fig, ax = new_figure(2.4)
    ax.plot(chosen.curve.x, chosen.curve.y, color=palette(result).primary)
    ax.axvline(chosen.value, color=palette(result).accent, linestyle="--", linewidth=1.2,
               label=f"chosen: {chosen.value:.3g}")
    ax.set_xlabel(f"Decision threshold on the {result.best.label.lower()}'s score")
    ax.set_ylabel("F1" if chosen.metric == "f1" else "Profit per row")
    ax.set_title("Threshold choice on out-of-fold training scores")
    ax.legend(loc="lower center")
    return fig


def calibration(result: ReportResult) -> Figure | None:
    found = result.calibration
    if found is None:
        return None
    fig, ax = new_figure(3.0)
    ax.plot([0, 1], [0, 1], color=MUTED, linestyle="--", linewidth=0.8, label="Perfectly calibrated")
    if found.curve_raw is not None:
        ax.plot(found.curve_raw.x, found.curve_raw.y, marker="o", markersize=3, color=MUTED,
                label=f"Model scores (Brier {found.brier_raw:.4f})")
    ax.plot(found.curve_calibrated.x, found.curve_calibrated.y, marker="o", markersize=3, color=palette(result).primary,
            label=f"Calibrated (Brier {found.brier_calibrated:.4f})")
    ax.set_xlabel("Predicted probability (test rows, in deciles of the prediction)")
    ax.set_ylabel(f"Observed share of {result.dataset.positive_noun}")
    ax.set_title(f"Calibration of the {result.best.label.lower()} on the test set")
    ax.legend(loc="upper left")
    return fig


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


COSTLY_FIGURES = ("decision_tree", "distributions", "confusion_matrices")
"""Drawn first, so that the workers finish together rather than one waiting on the other."""
def box_dict(stats: BoxStats) -> dict:
    """One box in the form matplotlib's `bxp` draws, from the statistics the explore stage computed."""
    return {"med": stats.median, "q1": stats.q1, "q3": stats.q3, "whislo": stats.low, "whishi": stats.high,
            "mean": stats.mean, "fliers": []}


BOX_STYLE = {"showfliers": False, "showmeans": True, "patch_artist": True, "widths": 0.6,
             "medianprops": {"color": "black", "linewidth": 1.2},
             "meanprops": {"marker": "o", "markersize": 3.5, "markerfacecolor": "white", "markeredgecolor": "black"}}


def short(label: str, width: int = 16) -> str:
    return textwrap.fill(label, width)


def plain_figure(height: float, ncols: int = 1, nrows: int = 1, **kwargs):
    """A figure without the constrained layout: for grids of small panels, whose layout would cost
    more than their drawing; the caller sets the margins."""
    return plt.subplots(nrows, ncols, figsize=(WIDTH, height), **kwargs)


def compact_number(value: float, _position=None) -> str:
    """A tick label short enough for a small panel: 150k rather than 150000, 1.5M rather than 1500000."""
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:g}{suffix}"
    return f"{value:g}"


def few_ticks(ax, x: int = 4, y: int = 4) -> None:
    """At most about x and y ticks: small panels read better, and each tick costs drawing time."""
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(x))
    ax.yaxis.set_major_locator(matplotlib.ticker.MaxNLocator(y))
    ax.tick_params(labelsize=6.5)


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


def segment_overview(result: ReportResult) -> Figure | None:
    """The silhouette curve that chose k, beside each segment's share of positives."""
    found = result.segments
    if found is None:
        return None
    colors = palette(result)
    height = max(2.3, 0.4 * found.k + 0.9)
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
    volume.bar(when, [p.rows for p in found.points], width=np.diff(when).min() * 0.8 if len(when) > 1 else 20,
               color=MUTED, label="Observed")
    if found.forecast:
        ahead = [when[-1]] + [np.datetime64(f.period) for f in found.forecast]
        last = found.points[-1].rate
        rate.plot(ahead, [last] + [f.rate for f in found.forecast], color=colors.accent, linestyle="--",
                  label="Forecast")
        rate.fill_between(ahead[1:], [f.rate_low for f in found.forecast], [f.rate_high for f in found.forecast],
                          color=colors.accent, alpha=0.2, label=f"{found.level:.0%} interval")
        future = ahead[1:]
        volume.bar(future, [f.rows for f in found.forecast], width=np.diff(when).min() * 0.8, color=colors.accent,
                   alpha=0.6, yerr=[[f.rows - f.rows_low for f in found.forecast],
                                    [f.rows_high - f.rows for f in found.forecast]],
                   error_kw={"elinewidth": 0.8, "capsize": 2}, label="Forecast")
    rate.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    rate.set_ylabel(f"Share of {result.dataset.positive_noun}")
    rate.legend(loc="best", ncols=3)
    volume.set_ylabel(result.dataset.unit.capitalize())
    rate.set_title(f"{found.label} by {found.frequency}: share of {result.dataset.positive_noun} and volume")
    return fig


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
    if tree is not None and result.tree is not None:
        drawers["decision_tree"] = lambda: decision_tree(result, tree, tree_names)
    return {name: drawers[name] for name in sorted(drawers, key=lambda name: name not in COSTLY_FIGURES)}


def figure_paths(folder: Path, names) -> dict[str, str]:
    """{name: 'figures/<name>.png'}, as `ReportResult.figures` holds them."""
    return {name: f"{folder.name}/{name}.png" for name in names}


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


def print_file(print_folder: Path | None, name: str) -> Path | None:
    """Where a figure's JPEG for the PDF goes, if it is wanted."""
    return print_folder / f"{name}.jpg" if print_folder is not None else None


def draw_and_save(draw, path: Path, print_path: Path | None = None) -> bool:
    """Draw one figure in the house style and save it; False when the result has nothing to draw."""
    with plt.rc_context(STYLE):
        fig = draw()
        if fig is None:
            return False
        save_figure(fig, path, print_path)
        plt.close(fig)
    return True


def built_figures(result: ReportResult, tree=None, tree_names: list[str] | None = None) -> dict[str, Figure]:
    """Every figure the result supports, in the house style, built but not yet drawn: each knows its
    size, and `FigureWorkers` draws them. Building is about a fifth of a figure's cost."""
    with plt.rc_context(STYLE):
        built = {name: draw() for name, draw in figure_drawers(result, tree, tree_names).items()}
    return {name: fig for name, fig in built.items() if fig is not None}


def reserve_print_files(built: dict[str, Figure], print_folder: Path) -> set[bytes]:
    """A blank JPEG of each figure's size in pixels where its print JPEG goes, so that the PDF can be
    laid out before the figures are drawn; returns the blanks (one per size), which the PDF should
    not hold once written.

    WeasyPrint reads a local image for its size when it lays a page out, and reads a JPEG again from
    its file when it writes the PDF, to embed it as it is (`render.laid_out_pdf`). By then
    `save_figure` has replaced each blank with its figure, in one step and at the same size."""
    print_folder.mkdir(parents=True, exist_ok=True)
    blanks: dict[tuple[int, int], bytes] = {}
    for name, fig in built.items():
        size = pixel_size(fig)
        if size not in blanks:
            encoded = BytesIO()
            Image.new("RGB", size, "white").save(encoded, format="JPEG", quality=10)
            blanks[size] = encoded.getvalue()
        print_file(print_folder, name).write_bytes(blanks[size])
    return set(blanks.values())


PNG_COMPRESSION = 3
"""zlib level of the PNG files: level 6 (Pillow's default) took half as long again to write them,
for files 3% smaller."""

PRINT_JPEG = {"quality": 95, "subsampling": 0}
"""How each figure is encoded for the PDF. WeasyPrint embeds JPEG data as it is, but decodes every
PNG and compresses it again, which took a fifth of typesetting the default report on one core. At
quality 95 without chroma subsampling (4:4:4) the difference from the PNG does not show at
print size; figures/ and report.html keep the lossless PNG."""


def pixel_size(fig: Figure) -> tuple[int, int]:
    """(width, height) in pixels of the figure as `save_figure` draws it."""
    fig.set_dpi(DPI)
    return fig.canvas.get_width_height(physical=True)


def save_figure(fig: Figure, path: Path, print_path: Path | None = None) -> None:
    """The figure as an opaque RGB PNG, drawn once, and as a JPEG at print_path when given. A blank
    there (`reserve_print_files`) is replaced in one step, by a figure of its size.

    `savefig` draws a figure with a layout engine twice and writes RGBA, which WeasyPrint then
    splits into a colour image and an alpha mask, encoding each again. The figures have an
    opaque background, so the alpha channel carries nothing and the pixels are the same."""
    fig.set_dpi(DPI)
    fig.canvas.draw()
    pixels = Image.fromarray(np.asarray(fig.canvas.buffer_rgba())[..., :3])
    pixels.save(path, format="PNG", compress_level=PNG_COMPRESSION)
    if print_path is None:
        return
    if print_path.exists():
        with Image.open(print_path) as blank:
            if blank.size != pixels.size:
                raise RuntimeError(f"{path.stem} is {pixels.size} pixels, its place in the PDF {blank.size}")
    partial = print_path.with_name(f".{print_path.name}.part")
    pixels.save(partial, format="JPEG", **PRINT_JPEG)
    partial.replace(print_path)

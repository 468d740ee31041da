"""The decision tree's section: the tuned tree drawn, its deciding splits highlighted."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure
from sklearn.tree import plot_tree

from reportgen.evaluate import DECIDING_SHARE
from reportgen.figures.style import LANDSCAPE_WIDTH, MUTED, palette, short
from reportgen.names import split_words
from reportgen.narrative.words import pct, term_label
from reportgen.result import ReportResult

TREE_DEPTH_SHOWN = 3
TREE_FULL_LEAVES = 12


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


def whole_percent(share: float) -> str:
    """'12%'; '<1%' for a share above zero that would round to 0%."""
    return "<1%" if 0 < share < 0.005 else pct(share, 0)


def node_text(result: ReportResult, tree, node: int, drawn: str) -> str:
    """A box's text: its split (the label as `short` wrapped it, then the cut on a line of its own, so that boxes
    stay apart; a category as in or not in it), then the share of the training rows
    that reach it and the share of those with the positive outcome, counted as they are
    (`TreeSummary.node_rates`), not plot_tree's mix weighted by the class weights the tree was trained with."""
    counts, rates, d = result.tree.node_rows, result.tree.node_rates, result.dataset
    reach = f"all {d.unit}" if node == 0 else f"{whole_percent(counts[node] / counts[0])} of all"
    mix = f"{reach}\n{d.positive_name}: {whole_percent(rates[node])}"
    if tree.tree_.children_left[node] < 0:
        return mix
    lines = drawn.split("\n")
    asked = next((i for i, line in enumerate(lines) if " <= " in line), 0)
    return split_words("\n".join(lines[:asked + 1])).replace(" <= ", "\n<= ", 1) + "\n" + mix


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
        if node is not None:
            text = node_text(result, tree, node, text)
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

"""reportgen/figures.py: figures built here and drawn by forked workers, as make_figures draws them."""

import dataclasses
import os
import re
import signal
import time

import matplotlib.pyplot as plt
import numpy as np
import pytest
from conftest import run_forked, words_outside
from matplotlib.figure import Figure
from PIL import Image
from test_workers import children_left_when_killed

from reportgen.engine import render_job
from reportgen.evaluate import DECIDING_SHARE
from reportgen.figures import (
    built_figures,
    decision_tree,
    logit_coefficients,
    make_figures,
    pixel_size,
    reserve_print_files,
    segment_overview,
    split_shares,
)
from reportgen.render import render_html
from reportgen.runtime.figure_workers import FigureWorkers


@pytest.fixture(autouse=True)
def closed_figures():
    """Built figures stay open in pyplot (the renderer, which builds them, exits after drawing them)."""
    yield
    plt.close("all")


@run_forked
def test_figures_saved_by_forked_workers_are_those_make_figures_draws(analysis, report_result, tmp_path):
    job = render_job(analysis, report_result, tmp_path, None, pdf=True)
    built = built_figures(job.result, job.tree, job.tree_names)
    saved = FigureWorkers(built, tmp_path / "a" / "figures", tmp_path / "a" / "print", workers=2).paths()
    drawn = make_figures(job.result, tmp_path / "b" / "figures", workers=1, tree=job.tree,
                         tree_names=job.tree_names, print_folder=tmp_path / "b" / "print")
    assert saved == drawn and "decision_tree" in saved and len(saved) > 10
    for name in saved:
        for kind in (f"figures/{name}.png", f"print/{name}.jpg"):
            assert (tmp_path / "a" / kind).read_bytes() == (tmp_path / "b" / kind).read_bytes(), kind
    assert not [p.name for p in (tmp_path / "a" / "print").iterdir() if p.suffix != ".jpg"]  # no partial file left


@run_forked
def test_a_blank_has_its_figures_size_until_the_figure_replaces_it(stored_synthetic_result, tmp_path):
    built = built_figures(stored_synthetic_result)
    reserve_print_files(built, tmp_path)
    for name, fig in built.items():
        with Image.open(tmp_path / f"{name}.jpg") as blank:
            assert blank.size == pixel_size(fig) and blank.getextrema() == ((255, 255),) * 3
    FigureWorkers(built, tmp_path / "figures", tmp_path, workers=2).paths()
    for name, fig in built.items():
        with Image.open(tmp_path / f"{name}.jpg") as printed:
            assert printed.size == pixel_size(fig) and printed.getextrema() != ((255, 255),) * 3


@run_forked
def test_a_figure_that_no_longer_fits_its_blank_is_not_saved_over_it(stored_synthetic_result, tmp_path):
    """The PDF was laid out around the blank: a figure of another size would be shown distorted."""
    built = built_figures(stored_synthetic_result)
    name, fig = next(iter(built.items()))
    reserve_print_files({name: fig}, tmp_path)
    fig.set_size_inches(fig.get_figwidth(), fig.get_figheight() + 1)
    with pytest.raises(RuntimeError, match=f"^a figure could not be drawn: RuntimeError: {name} is .* pixels, its "
                                           "place in the PDF"):
        FigureWorkers({name: fig}, tmp_path / "figures", tmp_path, workers=1).paths()
    with Image.open(tmp_path / f"{name}.jpg") as blank:
        assert blank.getextrema() == ((255, 255),) * 3


class Broken(Figure):
    def draw(self, renderer):
        raise ValueError("this figure cannot be drawn")


class Vanishing(Figure):
    def draw(self, renderer):
        os._exit(3)


class Slow(Figure):
    def draw(self, renderer):
        time.sleep(60)


@pytest.mark.parametrize(("kind", "message"), [(Broken, "ValueError: this figure cannot be drawn"),
                                               (Vanishing, r"it ended unexpectedly \(exit code 3\)")])
@run_forked
def test_a_figure_that_fails_is_said_in_one_line_and_the_other_worker_is_stopped(tmp_path, kind, message):
    built = {"slow": plt.figure(FigureClass=Slow), "broken": plt.figure(FigureClass=kind)}
    workers = FigureWorkers(built, tmp_path / "figures", None, workers=2)
    with pytest.raises(RuntimeError, match=f"^a figure could not be drawn: {message}$"):
        workers.paths()
    assert workers.processes[0].exitcode == -signal.SIGTERM  # stopped, not waited for


def test_figure_workers_end_with_the_process_that_forked_them(tmp_path):
    program = ("import time\nfrom pathlib import Path\nimport matplotlib.pyplot as plt\n"
               "from matplotlib.figure import Figure\nfrom reportgen.runtime.figure_workers import FigureWorkers\n"
               "class Slow(Figure):\n    def draw(self, renderer):\n        time.sleep(600)\n"
               "FigureWorkers({'a': plt.figure(FigureClass=Slow), 'b': plt.figure(FigureClass=Slow)}, "
               f"Path({str(tmp_path)!r}), None, workers=2).paths()\n")
    assert children_left_when_killed(program, 2) == 0


def test_no_words_run_off_a_figure(analysis, report_result, tmp_path):
    job = render_job(analysis, report_result, tmp_path, None, pdf=True)
    built = built_figures(job.result, job.tree, job.tree_names)
    assert len(built) > 10
    assert {name: words for name, fig in built.items() if (words := words_outside(fig))} == {}


def test_split_shares_add_up_to_the_feature_shares_question_3_reads(analysis, report_result, tmp_path):
    job = render_job(analysis, report_result, tmp_path, None, pdf=False)
    by_feature: dict[str, float] = {}
    for node, share in split_shares(job.tree).items():
        feature = job.tree_names[job.tree.tree_.feature[node]]
        by_feature[feature] = by_feature.get(feature, 0.0) + share
    assert by_feature == pytest.approx({s.feature: s.importance for s in report_result.tree.split_features}, abs=1e-6)


def test_the_tree_highlights_its_deciding_splits_and_nothing_else(analysis, report_result, tmp_path):
    """A split on a deciding feature that adds little (days' second split, 3% of the impurity reduction,
    in the synthetic tree) is not highlighted; the boxes name the features by their labels."""
    job = render_job(analysis, report_result, tmp_path, None, pdf=False)
    fig = decision_tree(job.result, job.tree, job.tree_names)
    boxes = [text for text in fig.axes[0].texts if text.get_bbox_patch() is not None]
    highlighted = {box.get_gid() for box in boxes if box.get_bbox_patch().get_facecolor() != (1, 1, 1, 1)}
    shares = split_shares(job.tree)
    assert highlighted == {f"tree-node-{node}" for node, share in shares.items() if share >= DECIDING_SHARE}
    minor_on_deciding = [node for node, share in shares.items() if share < DECIDING_SHARE
                         and job.tree_names[job.tree.tree_.feature[node]] == "days"]
    assert minor_on_deciding and {f"tree-node-{node}" for node in minor_on_deciding} <= {box.get_gid() for box in boxes}
    first_lines = {box.get_text().split("\n")[0] for box in boxes}
    assert {"Minutes", "Days", "Country ≠ IN"} <= first_lines and not {"minutes", "days"} & first_lines
    assert not any(box.get_text().startswith("Country = IN\n<=") for box in boxes)  # a category asks in or not
    assert "orange: a deciding split" in fig.axes[0].get_title()


def test_the_odds_ratio_chart_plots_the_tables_odds_ratios_per_the_unit_its_header_names(stored_synthetic_result):
    html = render_html(stored_synthetic_result)
    header = re.search(r'<th class="num">(Odds ratio[^<]*)</th>', html).group(1)
    assert header == "Odds ratio per unit"
    fig = logit_coefficients(stored_synthetic_result)
    ax = fig.axes[0]
    assert ax.get_xlabel().startswith(header + ",")
    terms = sorted(stored_synthetic_result.logit.coefficients, key=lambda c: c.coef)
    plotted = np.asarray(ax.collections[-1].get_offsets())[:, 0].tolist()
    assert plotted == pytest.approx([c.odds_ratio for c in terms])
    assert [label.get_text() for label in ax.get_yticklabels()] == [c.label for c in terms]


@pytest.mark.parametrize("trouble", [{"failure": "Singular matrix", "coefficients": []}, {"equation": ""}])
def test_no_odds_ratio_chart_when_the_logit_failed_or_did_not_converge(stored_synthetic_result, trouble):
    logit = dataclasses.replace(stored_synthetic_result.logit, converged=False, **trouble)
    assert logit_coefficients(dataclasses.replace(stored_synthetic_result, logit=logit)) is None


def test_the_chosen_k_is_a_labelled_line_not_a_point_on_the_curve(each_stored_result):
    found = each_stored_result.segments
    curve = segment_overview(each_stored_result).axes[0]
    with_points = [line for line in curve.get_lines() if line.get_marker() not in ("None", None, "")]
    assert [list(line.get_xdata()) for line in with_points] == [sorted(found.curve)]
    chosen = [line for line in curve.get_lines() if line.get_label() == f"chosen: k = {found.k}"]
    assert len(chosen) == 1 and list(chosen[0].get_xdata()) == [found.k, found.k]
    assert chosen[0].get_marker() in ("None", None, "")


def test_the_vif_chart_says_whom_the_columns_above_the_threshold_were_left_out_of(stored_students_result):
    from reportgen.figures import vif
    from reportgen.result import StepKind

    def label(result) -> str:
        figure = vif(result)
        text = figure.axes[0].get_xlabel()
        plt.close(figure)
        return text

    assert label(stored_students_result).startswith("Variance inflation factor (orange = left out of the logit;")
    pre = stored_students_result.preprocessing
    everyone = dataclasses.replace(stored_students_result, preprocessing=dataclasses.replace(pre, steps=[
        dataclasses.replace(s, kind=StepKind.MULTICOLLINEARITY) if s.kind == StepKind.LOGIT_MULTICOLLINEARITY else s
        for s in pre.steps]))
    assert label(everyone).startswith("Variance inflation factor (orange = dropped;")


def test_the_trees_boxes_give_the_share_of_rows_and_of_positives_the_result_counts(analysis, report_result, tmp_path):
    job = render_job(analysis, report_result, tmp_path, None, pdf=False)
    fig = decision_tree(job.result, job.tree, job.tree_names)
    summary, d = report_result.tree, report_result.dataset
    boxes = [box for box in fig.axes[0].texts if box.get_gid() is not None and box.get_bbox_patch() is not None]
    assert len(boxes) >= 3 and boxes[0].get_text().endswith(f"all {d.unit}\n{d.positive_name}: "
                                                             f"{summary.node_rates[0]:.0%}")
    for box in boxes:
        node = int(box.get_gid().removeprefix("tree-node-"))
        share, rate = summary.node_rows[node] / summary.node_rows[0], summary.node_rates[node]
        reach = f"all {d.unit}" if node == 0 else f"{share:.0%} of all" if share >= 0.005 else "<1% of all"
        shown = "<1%" if 0 < rate < 0.005 else f"{rate:.0%}"
        assert box.get_text().endswith(f"{reach}\n{d.positive_name}: {shown}")
        assert "value" not in box.get_text() and "class" not in box.get_text()


def test_a_tree_box_keeps_its_whole_wrapped_label_and_its_cut(stored_synthetic_result):
    """Labels longer than a box are wrapped over two lines: the box read only the first ('Number of customer')
    and dropped the rest of the question."""
    from types import SimpleNamespace

    from reportgen.figures.tree import node_text

    tree = SimpleNamespace(tree_=SimpleNamespace(children_left=np.array([1, -1, -1])))
    drawn = "Number of customer\nservice calls <= 3.5\nsamples = 100.0%\nvalue = [0.9, 0.1]\nclass = Stayed"
    assert node_text(stored_synthetic_result, tree, 0, drawn).startswith(
        "Number of customer\nservice calls\n<= 3.5\nall ")
    wrapped_category = "International plan =\nno <= 0.5\nsamples = 100.0%\nvalue = [0.9, 0.1]\nclass = Stayed"
    assert node_text(stored_synthetic_result, tree, 0, wrapped_category).startswith(
        "International plan ≠\nno\nall ")

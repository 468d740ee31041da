"""reportgen/figures.py: figures built here and drawn by forked workers, as make_figures draws them."""

import os

import matplotlib.pyplot as plt
import pytest
from conftest import run_forked
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image
from test_workers import children_left_when_killed

from reportgen.engine import render_job
from reportgen.figures import STYLE, FiguresSaved, built_figures, make_figures, pixel_size, reserve_print_files


@pytest.fixture(autouse=True)
def closed_figures():
    """Built figures stay open in pyplot, as in the renderer, which exits after drawing them."""
    yield
    plt.close("all")


@run_forked
def test_figures_saved_by_forked_workers_are_those_make_figures_draws(analysis, report_result, tmp_path):
    job = render_job(analysis, report_result, tmp_path, None, pdf=True)
    built = built_figures(job.result, job.tree, job.tree_names)
    saved = FiguresSaved(built, tmp_path / "a" / "figures", tmp_path / "a" / "print", workers=2).paths()
    drawn = make_figures(job.result, tmp_path / "b" / "figures", workers=1, tree=job.tree,
                         tree_names=job.tree_names, print_folder=tmp_path / "b" / "print")
    assert saved == drawn and "decision_tree" in saved and len(saved) > 10
    for name in saved:
        for kind in (f"figures/{name}.png", f"print/{name}.jpg"):
            assert (tmp_path / "a" / kind).read_bytes() == (tmp_path / "b" / kind).read_bytes(), kind
    assert not [p.name for p in (tmp_path / "a" / "print").iterdir() if p.suffix != ".jpg"]  # no partial file left


@run_forked
def test_a_blank_has_its_figures_size_until_the_figure_replaces_it(report_result, tmp_path):
    built = built_figures(report_result)
    reserve_print_files(built, tmp_path)
    for name, fig in built.items():
        with Image.open(tmp_path / f"{name}.jpg") as blank:
            assert blank.size == pixel_size(fig) and blank.getextrema() == ((255, 255),) * 3
    FiguresSaved(built, tmp_path / "figures", tmp_path, workers=2).paths()
    for name, fig in built.items():
        with Image.open(tmp_path / f"{name}.jpg") as printed:
            assert printed.size == pixel_size(fig) and printed.getextrema() != ((255, 255),) * 3


@run_forked
def test_a_figure_saved_before_its_blank_is_kept(report_result, tmp_path):
    built = built_figures(report_result)
    name = next(iter(built))
    FiguresSaved({name: built[name]}, tmp_path / "figures", tmp_path, workers=1).paths()
    printed = (tmp_path / f"{name}.jpg").read_bytes()
    reserve_print_files(built, tmp_path)
    assert (tmp_path / f"{name}.jpg").read_bytes() == printed


class Broken(Figure):
    def draw(self, renderer):
        raise ValueError("this figure cannot be drawn")


class Vanishing(Figure):
    def draw(self, renderer):
        os._exit(3)


@pytest.mark.parametrize(("kind", "message"), [(Broken, "ValueError: this figure cannot be drawn"),
                                               (Vanishing, "it ended unexpectedly")])
@run_forked
def test_a_figure_that_fails_is_said_in_one_line_and_stops_the_other_workers(report_result, tmp_path, kind,
                                                                               message):
    built = {"broken": plt.figure(FigureClass=kind), **built_figures(report_result)}
    saving = FiguresSaved(built, tmp_path / "figures", None, workers=2)
    with pytest.raises(RuntimeError, match=f"^a figure could not be drawn: {message}$"):
        saving.paths()
    assert not any(process.is_alive() for process in saving.processes) and not plt.get_fignums()


def test_figure_workers_end_with_the_process_that_forked_them():
    program = ("import time\nimport matplotlib.pyplot as plt\nfrom matplotlib.figure import Figure\n"
               "from reportgen.figures import FiguresSaved\n"
               "class Slow(Figure):\n    def draw(self, renderer):\n        time.sleep(600)\n"
               "FiguresSaved({'a': plt.figure(FigureClass=Slow), 'b': plt.figure(FigureClass=Slow)}, "
               "__import__('pathlib').Path('/tmp'), None, workers=2).paths()\n")
    assert children_left_when_killed(program, 2) == 0



def words_outside(fig) -> list[str]:
    """The titles, labels, legends and notes drawn partly outside the figure (tick labels beyond an
    axis's limits are never drawn, so they are left out)."""
    width, height = pixel_size(fig)
    with plt.rc_context(STYLE):
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ticks = {id(label) for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)
             for label in axis.get_ticklabels(which="both")}
    outside = []
    for text in fig.findobj(Text):
        if id(text) in ticks or not text.get_visible() or not text.get_text().strip() or (
                text.axes is not None and not text.axes.get_visible()):
            continue
        box = text.get_window_extent(renderer)
        if box.x0 < -1 or box.y0 < -1 or box.x1 > width + 1 or box.y1 > height + 1:
            outside.append(text.get_text())
    return outside


def test_no_words_run_off_a_figure(analysis, report_result, tmp_path):
    job = render_job(analysis, report_result, tmp_path, None, pdf=True)
    built = built_figures(job.result, job.tree, job.tree_names)
    assert len(built) > 10
    assert {name: words for name, fig in built.items() if (words := words_outside(fig))} == {}

"""The render stage (figures, report.html, report.pdf): the figures and the PDF in a process of its own
where that is safe, report.html in the main process meanwhile.

The rendering libraries (matplotlib and seaborn, WeasyPrint, Jinja2) take about 1.5 s of a core to
import, and the only time a run leaves a core idle is while the main process imports its own
libraries. A renderer forked at that moment, before the main process imports scikit-learn, imports
them on the idle core and waits. When the analysis is done it builds the figures, while the main
process saves the model; then workers forked from it draw them while it lays the PDF out
(`figures_and_pdf`), and it writes the PDF while the main process writes report.html. Where no
process may be forked (`reportgen.runtime.workers.can_fork`), `render_outputs` does it all in the main
process, one step after the other.

This module imports nothing heavy itself: the command line imports it before the analysis.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import os
import shutil
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import cloudpickle

from reportgen.runtime.clock import StageClock
from reportgen.runtime.workers import can_fork, garbage_kept, imported_out_of_collection, local_workers, tie_to_parent


def rendering_modules(pdf: bool) -> tuple[str, ...]:
    """The modules the render stage imports: WeasyPrint only for a PDF."""
    return ("reportgen.figures", "reportgen.render", *(["weasyprint"] if pdf else []))


@dataclass
class RenderJob:
    """What the render stage needs from the analysis: the result and the decision tree to draw."""

    result: object
    """The `ReportResult`, with its `run` block."""
    folder: Path
    """Where report.html, report.pdf and figures/ are written."""
    tree: object = None
    """The fitted decision tree, drawn as a figure when the result describes one."""
    tree_names: list[str] = dataclasses.field(default_factory=list)
    """Readable names of the tree's input columns."""
    template_dir: Path | None = None
    pdf: bool = True
    workers: int = 2
    fork: bool = True
    """Whether the figures' workers may be forked (`reportgen.runtime.workers.local_workers`)."""


PRINT_FIGURES = ".print-figures"
"""The folder, inside the job's, of the figures encoded for the PDF; removed once it is written."""


def printed_figures(names) -> dict[str, str]:
    """{name: path of its JPEG for the PDF, relative to the job's folder}."""
    from reportgen.figures import print_file

    return {name: print_file(Path(PRINT_FIGURES), name).as_posix() for name in names}


def render_outputs(job: RenderJob, clock: StageClock) -> dict[str, str]:
    """Draw the figures, write report.html and, if asked, report.pdf into job.folder, all in this
    process; returns the figures' paths as `ReportResult.figures` holds them."""
    figures = draw_figures(job, clock)
    write_html(job, figures, clock)
    write_pdf(job, figures, clock)
    return figures


def draw_figures(job: RenderJob, clock: StageClock) -> dict[str, str]:
    """The figures, drawn on `job.workers` workers into job.folder/figures (and, for a PDF, into
    `PRINT_FIGURES`); their paths as `ReportResult.figures` holds them."""
    from reportgen.figures import make_figures

    with clock.stage("figures", "drawing"), garbage_kept(), local_workers(job.workers, fork=job.fork):
        return make_figures(job.result, job.folder / "figures", workers=job.workers, tree=job.tree,
                            tree_names=job.tree_names, print_folder=job.folder / PRINT_FIGURES if job.pdf else None)


def write_html(job: RenderJob, figures: dict[str, str], clock: StageClock) -> None:
    """report.html, with every image inlined."""
    from reportgen.render import render_html

    with clock.stage("html"):
        html = render_html(dataclasses.replace(job.result, figures=figures), job.template_dir, base_dir=job.folder)
        (job.folder / "report.html").write_text(html, encoding="utf-8")


def write_pdf(job: RenderJob, figures: dict[str, str], clock: StageClock) -> None:
    """report.pdf, if the job asks for it, typeset from the figures encoded for print."""
    if not job.pdf:
        return
    from reportgen.render import render_html, render_pdf

    with clock.stage("pdf", "typesetting report.pdf"):
        printed = printed_figures(figures)
        try:
            html = render_html(dataclasses.replace(job.result, figures=printed), job.template_dir,
                               base_dir=job.folder, embed=False)
            with garbage_kept():
                render_pdf(html, job.folder / "report.pdf", base_dir=job.folder, template_dir=job.template_dir)
        finally:
            if (job.folder / PRINT_FIGURES).exists():
                shutil.rmtree(job.folder / PRINT_FIGURES)


def figures_and_pdf(job: RenderJob, clock: StageClock, on_drawn: Callable[[dict[str, str]], None]) -> dict[str, str]:
    """The figures and report.pdf made side by side: the figures are built here and drawn by workers
    forked from this process (`figure_workers.FigureWorkers`), while the PDF is laid out here around blanks
    of their size (`figures.reserve_print_files`); it is written once they are saved, and typeset
    again should it hold a blank after all. `on_drawn` gets the figures' paths as soon as they are,
    from another thread. Needs `workers.can_fork`.

    Typeset after the figures, as `render_outputs` does, the PDF was the last 2.5 s of a default run,
    on one core; laid out meanwhile, only its writing (about 0.8 s) is left at the end, beside the
    HTML. The `pdf` stage counts the layout and the writing, not the wait for the figures between."""
    from reportgen.figures import built_figures, reserve_print_files
    from reportgen.render import holds_any, laid_out_pdf, render_html, render_pdf, write_laid_out
    from reportgen.runtime.figure_workers import FigureWorkers

    print_folder = job.folder / PRINT_FIGURES
    pdf = job.folder / "report.pdf"
    started = time.perf_counter()
    clock.say("figures: drawing, while report.pdf is laid out")
    try:
        with garbage_kept():
            built = built_figures(job.result, job.tree, job.tree_names)
            blanks = reserve_print_files(built, print_folder)
            printed = printed_figures(built)
            workers = FigureWorkers(built, job.folder / "figures", print_folder, job.workers)
            with ThreadPoolExecutor(1, thread_name_prefix="reportgen-figures") as waiter:
                try:
                    saved = waiter.submit(_when_saved, workers, clock, started, on_drawn)
                    clock.say("pdf: typesetting report.pdf")
                    typesetting = time.perf_counter()
                    html = render_html(dataclasses.replace(job.result, figures=printed), job.template_dir,
                                       base_dir=job.folder, embed=False)
                    document = laid_out_pdf(html, base_dir=job.folder, template_dir=job.template_dir)
                    clock.since("pdf", typesetting)
                    figures = saved.result()
                    writing = time.perf_counter()
                    write_laid_out(document, pdf)
                    if holds_any(pdf, blanks):
                        render_pdf(html, pdf, base_dir=job.folder, template_dir=job.template_dir)
                    clock.since("pdf", writing)
                finally:
                    workers.stop()
    finally:
        if print_folder.exists():
            shutil.rmtree(print_folder)
    return figures


def _when_saved(workers, clock: StageClock, started: float,
                on_drawn: Callable[[dict[str, str]], None]) -> dict[str, str]:
    figures = workers.paths()
    clock.since("figures", started)
    on_drawn(figures)
    return figures


class Renderer:
    """A process forked now, which imports the rendering libraries and then renders one job.

    Start it before the main process imports the analysis's libraries, and `close` it in a
    `finally`: a run that fails or is interrupted ends it there."""

    def __init__(self, modules: tuple[str, ...] = rendering_modules(pdf=True)) -> None:
        context = get_context("fork")
        self.connection, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, modules, os.getpid()),
                                       name="reportgen-renderer")
        self.process.start()
        theirs.close()
        self.answered = False

    def submit(self, job: RenderJob, clock: StageClock) -> bool:
        """Start rendering; the renderer keeps its own stage clock from the same start, which reports
        its progress lines itself. False if the renderer has ended (the job is then the caller's)."""
        timed = StageClock(clock.progress, started=clock.started)
        try:
            self.connection.send_bytes(cloudpickle.dumps((job, timed)))
        except OSError:
            return False
        return True

    def figures_drawn(self) -> dict[str, str]:
        """Wait until the figures are drawn: from then on the renderer uses one core."""
        return self._receive("drawn")

    def result(self) -> tuple[dict[str, str], dict[str, float]]:
        """The figures' paths and the seconds of each rendering stage, once the renderer is done."""
        return self._receive("done")

    def _receive(self, wanted: str):
        """The renderer's message `wanted`, passing over those before it; a failure there is raised here."""
        while True:
            try:
                status, value = self.connection.recv()
            except EOFError:
                raise RuntimeError("the rendering process ended unexpectedly "
                                   f"(exit code {self.process.exitcode})") from None
            self.answered = status in ("done", "failed")
            if status == "failed":
                raise value
            if status == wanted:
                return value

    def close(self) -> None:
        """End the renderer: once it has exited after answering, or at once (with the figures'
        workers) when the run ends without its answer, failed or interrupted."""
        if self.answered:
            self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.connection.close()


def _serve(connection, modules: tuple[str, ...], parent: int) -> None:
    tie_to_parent(parent)
    try:
        with imported_out_of_collection():
            for module in modules:
                importlib.import_module(module)
        job, clock = cloudpickle.loads(connection.recv_bytes())
        if job.pdf and can_fork():
            figures = figures_and_pdf(job, clock, lambda drawn: connection.send(("drawn", drawn)))
        else:
            figures = draw_figures(job, clock)
            connection.send(("drawn", figures))
            write_pdf(job, figures, clock)
        connection.send(("done", (figures, clock.seconds)))
    except BaseException as failure:  # noqa: BLE001 - every failure goes back to the main process
        with contextlib.suppress(OSError):  # unless the main process has gone
            connection.send(("failed", _sendable(failure)))


def _sendable(failure: BaseException) -> BaseException:
    """The failure itself when it survives pickling (so that the main process sees its type), else
    a RuntimeError with its type and message."""
    import pickle

    try:
        pickle.loads(pickle.dumps(failure))
        return failure
    except Exception:  # noqa: BLE001
        return RuntimeError(f"{type(failure).__name__}: {failure}")

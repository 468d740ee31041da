"""The render stage (figures, report.html, report.pdf): the figures and the PDF in a process of its own
where that is safe, report.html in the main process meanwhile.

The rendering libraries (matplotlib and seaborn, WeasyPrint, Jinja2) take about 1.5 s of a core to
import, and the only time a run leaves a core idle is while the main process imports its own
libraries. A renderer forked at that moment, before the main process imports scikit-learn, imports
them on the idle core and waits. When the analysis is done it draws the figures (on workers forked
from it) and typesets the PDF, on one core, while the main process writes report.html and saves the
model on the other. Where no process may be forked (`reportgen.workers.can_fork`), `render_outputs`
does it all in the main process.

This module imports nothing heavy itself: the command line imports it before the analysis.
"""

from __future__ import annotations

import contextlib
import dataclasses
import importlib
import os
import shutil
import signal
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import cloudpickle

from reportgen.clock import StageClock
from reportgen.workers import garbage_kept, imported_out_of_collection, local_workers, stop_on_parent_exit


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
    """Whether the figures' workers may be forked (`reportgen.workers.local_workers`)."""


PRINT_FIGURES = ".print-figures"
"""The folder, inside the job's, of the figures encoded for the PDF; removed once it is written."""


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
        printed = {name: f"{PRINT_FIGURES}/{Path(path).stem}.jpg" for name, path in figures.items()}
        try:
            html = render_html(dataclasses.replace(job.result, figures=printed), job.template_dir,
                               base_dir=job.folder, embed=False)
            with garbage_kept():
                render_pdf(html, job.folder / "report.pdf", base_dir=job.folder, template_dir=job.template_dir)
        finally:
            if (job.folder / PRINT_FIGURES).exists():
                shutil.rmtree(job.folder / PRINT_FIGURES)


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
                raise RuntimeError(f"the rendering process ended unexpectedly (exit code {self.process.exitcode})")
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
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    stop_on_parent_exit(parent)
    try:
        with imported_out_of_collection():
            for module in modules:
                importlib.import_module(module)
        job, clock = cloudpickle.loads(connection.recv_bytes())
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

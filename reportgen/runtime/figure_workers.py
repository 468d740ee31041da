"""Processes forked to draw and save the figures the render stage built, while the PDF is laid out."""

from __future__ import annotations

import os
from multiprocessing import get_context
from multiprocessing.connection import wait
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from reportgen.figures import STYLE, figure_paths, print_file, save_figure
from reportgen.runtime.workers import can_fork, tie_to_parent


class FigureWorkers:
    """Processes forked now that draw and save built figures. They find the figures in the memory
    they share with this process (nothing is pickled) and each takes the next figure not yet taken,
    in the given order, until none is left. `paths` waits for them; `stop` ends those still drawing."""

    def __init__(self, built: dict[str, Figure], folder: Path, print_folder: Path | None, workers: int) -> None:
        if not can_fork():
            raise RuntimeError("figures can only be saved by forked processes on Linux, from a single thread")
        for needed in (folder, print_folder):
            if needed is not None:
                needed.mkdir(parents=True, exist_ok=True)
        self.folder, self.names = folder, list(built)
        context = get_context("fork")
        taken = context.Value("i", 0)
        self.processes, self.reports = [], []
        try:
            for _ in range(max(1, min(workers, len(built)))):
                report, sender = context.Pipe(duplex=False)
                process = context.Process(target=_save_in_turn, name="reportgen-figures",
                                          args=(built, self.names, taken, folder, print_folder, sender, os.getpid()))
                process.start()
                sender.close()  # so that the report ends when the worker does
                self.processes.append(process)
                self.reports.append(report)
        except BaseException:
            self.stop()
            raise

    def paths(self) -> dict[str, str]:
        """{name: 'figures/<name>.png'} once every figure is saved. The first worker to fail (or to
        end without a word) is raised here, once the others are stopped."""
        waiting = dict(zip(self.reports, self.processes))
        failure = None
        while waiting and failure is None:
            ready = set(wait([*waiting, *(process.sentinel for process in waiting.values())]))
            for report, process in list(waiting.items()):
                if report in ready or process.sentinel in ready:
                    del waiting[report]
                    try:
                        failure = failure or report.recv()
                    except EOFError:
                        process.join()
                        failure = failure or f"it ended unexpectedly (exit code {process.exitcode})"
        if failure is not None:
            self.stop()
        for process in self.processes:
            process.join()
        if failure is not None:
            raise RuntimeError(f"a figure could not be drawn: {failure}")
        return figure_paths(self.folder, self.names)

    def stop(self) -> None:
        """End the workers still drawing, after a failure here or there; `paths` collects them."""
        for process in self.processes:
            if process.exitcode is None:
                process.terminate()


def _save_in_turn(built: dict[str, Figure], names: list[str], taken, folder: Path, print_folder: Path | None,
                  report, parent: int) -> None:
    tie_to_parent(parent)
    try:
        while True:
            with taken.get_lock():
                position = taken.value
                taken.value += 1
            if position >= len(names):
                break
            name = names[position]
            with plt.rc_context(STYLE):
                save_figure(built[name], folder / f"{name}.png", print_file(print_folder, name))
        report.send(None)
    except BaseException as failure:  # noqa: BLE001 - said in one line by the process that waits
        report.send(f"{type(failure).__name__}: {failure}")

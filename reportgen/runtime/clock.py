"""The stage clock: each stage's wall time, and a progress line when one starts.

A light module: the rendering process (`reportgen.runtime.renderer`) keeps time with it too, without importing
the analysis.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextlib import contextmanager

Progress = Callable[[str], None]
"""Receives one line of progress at a time (the CLI prints them on a terminal)."""


class StageClock:
    """Times each stage; tells `progress`, if given, when one starts."""

    def __init__(self, progress: Progress | None = None, started: float | None = None) -> None:
        self.seconds: dict[str, float] = {}
        self.progress = progress
        self.started = time.perf_counter() if started is None else started
        """`time.perf_counter()` at the start: the system's monotonic clock, the same in every process."""
        self.on_start: dict[str, Callable[[], object]] = {}
        """Work to start (in the background) when the named stage starts."""

    def say(self, line: str) -> None:
        if self.progress is not None:
            self.progress(f"[{time.perf_counter() - self.started:5.1f} s] {line}")

    def since(self, name: str, started: float) -> None:
        """Count the time from `started` (`time.perf_counter()`) until now as stage `name`: for a stage
        that ends on another thread than the one it began on."""
        self.seconds[name] = round(self.seconds.get(name, 0.0) + time.perf_counter() - started, 3)

    @contextmanager
    def stage(self, name: str, doing: str = ""):
        self.say(f"{name}{': ' + doing if doing else ''}")
        if name in self.on_start:
            self.on_start.pop(name)()
        started = time.perf_counter()
        try:
            yield
        finally:
            self.since(name, started)

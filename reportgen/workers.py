"""Start the worker processes early, so that they import the libraries while the main process does.

Every parallel stage (the model searches, the evaluation, the figures) runs in joblib's reusable
pool of worker processes (with the Dask backend, the evaluation and the figures still do), and each new worker first spends a second or two importing
scikit-learn, statsmodels and matplotlib. Started before the main process imports the same
libraries, the workers do this at the same time instead of afterwards.
"""

from __future__ import annotations

import atexit
import contextlib
import gc
import importlib
import threading


def exit_without_collecting() -> None:
    """Skip the garbage collector's passes over every object when this process exits.

    Tearing down an interpreter that holds scikit-learn, statsmodels, matplotlib and WeasyPrint
    collects millions of objects one last time: most of a second, in the main process and in each
    worker, after the report is written. Freezing them first (the handler is registered early, so
    it runs after the other exit handlers) leaves them to the operating system; files are closed
    and temporary folders removed by their own handlers before it runs."""
    atexit.unregister(_freeze_objects)
    atexit.register(_freeze_objects)


def _freeze_objects() -> None:
    gc.freeze()


def _import_engine() -> None:
    exit_without_collecting()
    import reportgen.engine  # noqa: F401


def _warm(n_jobs: int) -> None:
    from joblib import Parallel, delayed

    with contextlib.suppress(Exception):  # only a head start: the stages report real failures themselves
        Parallel(n_jobs=n_jobs)(delayed(_import_engine)() for _ in range(n_jobs))


def start_workers(n_jobs: int) -> threading.Thread | None:
    """Start `n_jobs` workers in the background; returns the thread, or None for a serial run."""
    if n_jobs < 2:
        return None
    thread = threading.Thread(target=_warm, args=(n_jobs,), name="reportgen-workers", daemon=True)
    thread.start()
    return thread


def import_in_background(*modules: str) -> threading.Thread:
    """Import modules on a thread, to overlap a stage that leaves a core free; a later import of
    the same module finds it loaded, or waits for this one to finish."""
    thread = threading.Thread(target=lambda: [importlib.import_module(m) for m in modules],
                              name="reportgen-imports", daemon=True)
    thread.start()
    return thread


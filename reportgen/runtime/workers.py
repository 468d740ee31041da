"""The worker processes of the parallel stages (the model searches, the evaluation, the figures).

On Linux the workers are forked from the main process once it has imported the libraries: they
start with scikit-learn and statsmodels loaded, instead of each spending as long as the main
process did (about 2.7 s of a core here) importing them again, as spawned workers do; the tasks and
their data are then sent to them, as to loky's. Forking is only safe while no other Python thread
runs (a thread could hold a lock the child inherits locked), and macOS's system libraries are not
fork-safe; elsewhere, and with `search.backend: loky`, joblib's loky workers are used, started early
(`start_workers`) so that their imports overlap the main process's.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import importlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import get_context

import cloudpickle
from joblib import cpu_count, parallel_config
from joblib._parallel_backends import AutoBatchingMixin, FallbackToBackend, ParallelBackendBase, SequentialBackend


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


@contextlib.contextmanager
def imported_out_of_collection() -> Iterator[None]:
    """Import inside, with the garbage collector paused, then freeze what exists (for the rest of
    the process, or until `gc.unfreeze`, which the command line calls once its run is over).

    The libraries' objects (over 300,000 the collector tracks, in the main process and in the
    renderer) live as long as the process. Collected while they load, and walked by every full
    collection afterwards, they cost each of those processes a few tenths of a second. Frozen, the
    collector sees only the objects made after them, and a process forked later shares their pages
    instead of copying them as the collector touches them."""
    try:
        with garbage_kept():
            yield
    finally:
        gc.freeze()


@contextlib.contextmanager
def garbage_kept() -> Iterator[None]:
    """Run the code inside with the garbage collector paused; it resumes afterwards, and workers
    forked inside keep it paused until they exit.

    For work whose cyclic garbage is small: the figures (matplotlib's artists refer to each other)
    and the PDF's layout boxes. Collecting them, each forked figure worker spent about 0.5 s of its
    2 s and the renderer 0.3 s of its PDF's 2 s; kept, the figures' garbage is at most about 40 MB,
    given back when the worker exits. Where the stage runs in the main process (no renderer could
    be forked), its garbage is collected when the pause ends; loky's workers do not pause."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def can_fork() -> bool:
    """Whether workers can be forked from this process safely: on Linux, with no other Python thread
    running (threads a C library starts, such as OpenBLAS's, handle a fork themselves)."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


class ForkedWorkers(AutoBatchingMixin, ParallelBackendBase):
    """A joblib backend on a pool of processes forked from this one.

    Tasks travel with cloudpickle, as they do to loky's workers, so that the same calls (lambdas
    included) run on either."""

    supports_retrieve_callback = True

    def __init__(self, pool: ProcessPoolExecutor, workers: int, nesting_level: int | None = None, **kwargs):
        super().__init__(nesting_level=nesting_level, **kwargs)
        self.pool = pool
        self.workers = workers
        self.pending: set[Future] = set()

    def effective_n_jobs(self, n_jobs):
        """As joblib's own backends count: None is one job, a negative number counts from all workers."""
        if n_jobs == 0:
            raise ValueError("n_jobs == 0 in Parallel has no meaning")
        if n_jobs is None:
            return 1
        if n_jobs < 0:
            return max(1, self.workers + 1 + n_jobs)
        return min(n_jobs, self.workers)

    def configure(self, n_jobs=1, parallel=None, **backend_kwargs):
        n_jobs = self.effective_n_jobs(n_jobs)
        if n_jobs == 1:
            raise FallbackToBackend(SequentialBackend(nesting_level=self.nesting_level))
        self.parallel = parallel
        return n_jobs

    def submit(self, func, callback=None):
        future = self.pool.submit(_call_pickled, cloudpickle.dumps(func))
        self.pending.add(future)
        future.add_done_callback(self.pending.discard)
        if callback is not None:
            future.add_done_callback(callback)
        return future

    def retrieve_result_callback(self, future):
        return future.result()

    def terminate(self):
        self.reset_batch_stats()

    def abort_everything(self, ensure_ready=True):
        """A task failed: the tasks not yet started are dropped; those running finish, or end with
        the pool when the failure leaves `local_workers`."""
        for future in list(self.pending):
            future.cancel()


def _call_pickled(payload: bytes):
    return cloudpickle.loads(payload)()


PR_SET_PDEATHSIG = 1
"""Linux's prctl option: a signal for this process when its parent dies."""


def _prepare_worker(threads: int, parent: int) -> None:
    """Each worker's share of the cores for BLAS and OpenMP, as loky sets it through the environment,
    in a worker tied to the main process (`tie_to_parent`)."""
    from threadpoolctl import threadpool_limits

    tie_to_parent(parent)
    threadpool_limits(threads)


def tie_to_parent(parent: int) -> None:
    """For a process forked from `parent` (a worker, the renderer): Ctrl-C is left to the main process,
    which ends its children and says so in one line, instead of each printing its own traceback;
    and this process ends when its parent ends, however that ends, rather than waiting forever for
    work that never comes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent ended before the request took hold
        os._exit(1)


def forked_pool(n_jobs: int) -> ProcessPoolExecutor:
    """n_jobs processes forked now. The objects that exist are frozen out of the collector's reach
    meanwhile, so that a worker's collections do not walk, and so copy, every page it shares with
    this process (left frozen if the caller had frozen objects already)."""
    pool = ProcessPoolExecutor(n_jobs, mp_context=get_context("fork"), initializer=_prepare_worker,
                               initargs=(max(1, cpu_count() // n_jobs), os.getpid()))
    frozen_before = gc.get_freeze_count()
    gc.freeze()
    try:
        pool.submit(int).result()  # a fork pool starts all its processes at its first task
    finally:
        if not frozen_before:
            gc.unfreeze()
    return pool


def stop(pool: ProcessPoolExecutor, finished: bool) -> None:
    """Close the pool: after its work, once the workers exit; on a failure or Ctrl-C, at once, ending
    the tasks still running rather than waiting for them."""
    if not finished:
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            process.terminate()
        for process in processes:
            process.join()
    pool.shutdown(wait=True, cancel_futures=True)  # the pool's own threads see the workers gone, and end


def described(workers: int, forked: bool) -> str:
    if workers < 2:
        return "the main process, one job at a time"
    kind = "forked from the main process" if forked else "started by loky (joblib)"
    return f"{workers} worker processes on this machine, {kind}"


def will_fork(n_jobs: int, fork: bool = True) -> bool:
    """Whether `local_workers` would fork its workers now (else they are loky's, or there are none)."""
    return n_jobs >= 2 and fork and can_fork()


@contextlib.contextmanager
def local_workers(n_jobs: int, fork: bool = True) -> Iterator[str]:
    """Run the joblib calls inside on n_jobs workers of this machine, forked when `fork` is asked
    for and safe (`can_fork`), else loky's; yields their description for the report."""
    workers = max(1, n_jobs)
    if not will_fork(workers, fork):
        yield described(workers, forked=False)
        return
    pool = forked_pool(workers)
    finished = False
    try:
        with parallel_config(backend=ForkedWorkers(pool, workers)):
            yield described(workers, forked=True)
        finished = True
    finally:
        stop(pool, finished)


def _import_in_worker(modules: tuple[str, ...]) -> None:
    exit_without_collecting()
    for module in modules:
        importlib.import_module(module)


def _warm(n_jobs: int, modules: tuple[str, ...]) -> None:
    from joblib import Parallel, delayed

    with contextlib.suppress(Exception):  # only a head start: the stages report real failures themselves
        Parallel(n_jobs=n_jobs)(delayed(_import_in_worker)(modules) for _ in range(n_jobs))


def start_workers(n_jobs: int, *modules: str) -> threading.Thread | None:
    """Start `n_jobs` loky workers in the background, importing `modules` (named by the caller, so that this
    module imports none of the stages), while the main process imports them too; returns the thread, or None
    for a serial run."""
    if n_jobs < 2:
        return None
    thread = threading.Thread(target=_warm, args=(n_jobs, modules), name="reportgen-workers", daemon=True)
    thread.start()
    return thread


def import_in_background(*modules: str) -> threading.Thread:
    """Import modules on a thread, to overlap a stage that leaves a core free; a later import of
    the same module finds it loaded, or waits for this one to finish."""
    thread = threading.Thread(target=lambda: [importlib.import_module(m) for m in modules],
                              name="reportgen-imports", daemon=True)
    thread.start()
    return thread

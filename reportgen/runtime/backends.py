"""Where the model searches run: joblib's worker processes on this machine, or a Dask cluster.

With `search.backend: dask` the families are tuned through joblib's Dask backend, each family one task
on a worker of the cluster at `search.scheduler` (`dask scheduler` and `dask worker ADDRESS` start
one), or of a local cluster with a worker process per core when no address is given. The searches
inside a task run one job at a time (`DatasetConfig.one_job_each`), so a worker never runs more
processes than it has threads. Every task is seeded as on this machine, so both backends give the
same models. The client, and a local cluster, are closed however the run ends, Ctrl-C included.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

from joblib import parallel_config

from reportgen.config import SearchSpec
from reportgen.errors import ReportInputError

DASK_INSTALL = "pip install 'reportgen[dask]'"
CONNECT_SECONDS = 20
"""How long to wait for a scheduler to answer, and for it to have a worker."""


def require_dask():
    """The `distributed` package, or one line saying how to install it."""
    try:
        import distributed
    except ImportError:
        raise ReportInputError(f"the dask backend needs Dask, which is not installed; install it with: "
                               f"{DASK_INSTALL}") from None
    return distributed


def local_cluster_options() -> dict:
    """A worker process per core (Dask sizes the cluster to the machine), one thread each: scikit-learn's
    fits hold the GIL, and each task runs its search one job at a time. No dashboard, no fixed ports, and
    no log lines: stderr keeps to reportgen's own (a failed task reaches the run as its exception)."""
    return {"threads_per_worker": 1, "processes": True, "dashboard_address": None, "silence_logs": logging.CRITICAL}


SHUTDOWN_LOGGERS = ("distributed", "tornado", "asyncio")
"""What reports, while a client closes in the middle of a run (Ctrl-C, a failure), each task it abandons."""


def silence_on_the_way_out(stack: ExitStack) -> None:
    """Silence the shutdown loggers now, and restore their levels when `stack` has closed everything else."""
    loggers = [logging.getLogger(name) for name in logging.root.manager.loggerDict
               if name.split(".")[0] in SHUTDOWN_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL + 1)
    stack.callback(lambda: [logger.setLevel(level) for logger, level in zip(loggers, levels)])


@contextmanager
def dask_client(scheduler: str | None, connect_seconds: float = CONNECT_SECONDS):
    """A client of the scheduler at `scheduler`, or of a local cluster started for the run; both are closed
    on the way out, quietly when the run was interrupted or failed (reportgen reports that itself)."""
    distributed = require_dask()
    with ExitStack() as outer, ExitStack() as stack:
        target = scheduler or stack.enter_context(distributed.LocalCluster(**local_cluster_options()))
        try:
            client = stack.enter_context(distributed.Client(target, timeout=connect_seconds, set_as_default=False))
            client.wait_for_workers(1, timeout=connect_seconds)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ReportInputError(
                f"cannot use the Dask scheduler at {scheduler} ({reason}); start one with `dask scheduler` and "
                f"workers with `dask worker ADDRESS`, or leave out the scheduler for a local cluster") from None
        try:
            yield client
        except BaseException:
            silence_on_the_way_out(outer)
            raise


def cluster_description(client, scheduler: str | None) -> str:
    threads = client.nthreads()
    where = f"the scheduler at {scheduler}" if scheduler else "a local cluster"
    return (f"Dask, {where}: {len(threads)} worker{'s' * (len(threads) != 1)}, "
            f"{sum(threads.values())} thread{'s' * (sum(threads.values()) != 1)}")


@contextmanager
def search_backend(search: SearchSpec, on_this_machine: str,
                   connect_seconds: float = CONNECT_SECONDS) -> Iterator[str]:
    """Run the joblib calls inside on the configured backend; yields its description for the report:
    `on_this_machine`, the local workers' (`reportgen.runtime.workers.local_workers`), unless it is Dask."""
    if search.backend != "dask":
        yield on_this_machine
        return
    with dask_client(search.scheduler, connect_seconds) as client, parallel_config(backend="dask", client=client):
        yield cluster_description(client, search.scheduler)

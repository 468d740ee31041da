"""reportgen/workers.py: workers forked from the main process (or loky's), and a quick exit."""

import os
import subprocess
import sys
import threading

import psutil
import pytest
from joblib import Parallel, delayed

from reportgen.workers import local_workers

PROGRAM = """
import gc
from reportgen.workers import exit_without_collecting

class Cycle:
    def __del__(self):
        print("collected", flush=True)

{freeze}
gc.disable()
first, second = Cycle(), Cycle()
first.other, second.other = second, first
del first, second
print("exiting", flush=True)
"""


def exit_output(freeze: bool) -> str:
    program = PROGRAM.format(freeze="exit_without_collecting()" if freeze else "")
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout


def test_exit_leaves_objects_to_the_operating_system():
    assert "collected" in exit_output(freeze=False)
    assert exit_output(freeze=True).split() == ["exiting"]


def test_exit_freezes_once_however_often_it_is_asked():
    program = ("import atexit, types\nimport reportgen.workers as workers\n"
               "calls = []\nworkers.gc = types.SimpleNamespace(freeze=lambda: calls.append(1))\n"
               "workers.exit_without_collecting(); workers.exit_without_collecting()\n"
               "atexit._run_exitfuncs()\nprint(len(calls))")
    assert subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          check=True).stdout.strip() == "1"


def worker_pid(_) -> tuple[int, int]:
    return os.getpid(), os.getppid()


def test_local_workers_are_forked_from_this_process_and_closed_after():
    before = live_children()
    with local_workers(2) as described:
        ran_in = set(Parallel(n_jobs=2)(delayed(worker_pid)(i) for i in range(8)))
        squares = Parallel(n_jobs=2, return_as="generator_unordered")(delayed(lambda v: v * v)(v) for v in range(5))
        assert sorted(squares) == [0, 1, 4, 9, 16]  # lambdas travel, as they do to loky's workers
    assert described == "2 worker processes on this machine, forked from this one"
    assert {parent for _, parent in ran_in} == {os.getpid()}
    assert os.getpid() not in {pid for pid, _ in ran_in}
    assert threading.active_count() == 1  # the pool's threads are gone, so a later pool can fork again
    assert live_children() <= before


def test_local_workers_fall_back_to_loky_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with local_workers(2) as described:
            ran_in = set(Parallel(n_jobs=2)(delayed(worker_pid)(i) for i in range(4)))
    finally:
        stop.set()
        other.join()
    assert described == "2 worker processes on this machine, started by joblib's loky"
    assert os.getpid() not in {pid for pid, _ in ran_in}
    with local_workers(2, fork=False) as asked:
        assert asked.endswith("started by joblib's loky")


def fail_or_wait(value: int) -> int:
    if value == 0:
        raise ValueError("task 0 failed")
    time.sleep(60)
    return value


def live_children() -> set[int]:
    """This process's children still running (loky's reusable workers from other tests included)."""
    return {child.pid for child in psutil.Process().children() if child.status() != psutil.STATUS_ZOMBIE}


def test_a_failure_in_a_worker_ends_the_tasks_still_running():
    before = live_children()
    with pytest.raises(ValueError, match="task 0 failed"), local_workers(2):
        Parallel(n_jobs=2, batch_size=1)(delayed(fail_or_wait)(v) for v in range(4))
    assert live_children() <= before  # the task sleeping for a minute was ended, not waited for
    assert threading.active_count() == 1

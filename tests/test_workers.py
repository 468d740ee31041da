"""reportgen/runtime/workers.py: workers forked from the main process (or loky's), and a quick exit."""

import json
import os
import subprocess
import sys
import threading

from joblib import Parallel, delayed

from reportgen.runtime.workers import local_workers

PROGRAM = """
import gc
from reportgen.runtime.workers import exit_without_collecting

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


def printed_by(program: str) -> list[str]:
    """The words a program run in a fresh interpreter prints."""
    return subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True).stdout.split()


def exit_output(freeze: bool) -> list[str]:
    return printed_by(PROGRAM.format(freeze="exit_without_collecting()" if freeze else ""))


def test_exit_leaves_objects_to_the_operating_system():
    assert "collected" in exit_output(freeze=False)
    assert exit_output(freeze=True) == ["exiting"]


def test_exit_freezes_once_however_often_it_is_asked():
    program = ("import atexit, types\nimport reportgen.runtime.workers as workers\n"
               "calls = []\nworkers.gc = types.SimpleNamespace(freeze=lambda: calls.append(1))\n"
               "workers.exit_without_collecting(); workers.exit_without_collecting()\n"
               "atexit._run_exitfuncs()\nprint(len(calls))")
    assert printed_by(program) == ["1"]


FORKED = """
import json, os, threading
from joblib import Parallel, delayed
from reportgen.runtime.workers import local_workers
import psutil

def worker_pid(_):
    return os.getpid(), os.getppid()

def live_children():
    return {child.pid for child in psutil.Process().children() if child.status() != psutil.STATUS_ZOMBIE}

{body}
"""


def run_alone(body: str) -> dict:
    """Run `body` in a fresh interpreter, where no other test's thread runs, and read the JSON it prints."""
    done = subprocess.run([sys.executable, "-c", FORKED.replace("{body}", body)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_local_workers_are_forked_from_this_process_and_closed_after():
    found = run_alone("""
with local_workers(2) as described:
    ran_in = set(Parallel(n_jobs=2)(delayed(worker_pid)(i) for i in range(8)))
    squares = sorted(Parallel(n_jobs=2, return_as="generator_unordered")(delayed(lambda v: v * v)(v) for v in range(5)))
print(json.dumps({"described": described, "pid": os.getpid(), "parents": sorted({p for _, p in ran_in}),
                  "workers": sorted({w for w, _ in ran_in}), "squares": squares, "left": sorted(live_children()),
                  "threads": threading.active_count()}))
""")
    assert found["described"] == "2 worker processes on this machine, forked from the main process"
    assert found["parents"] == [found["pid"]] and found["pid"] not in found["workers"]
    assert found["squares"] == [0, 1, 4, 9, 16]  # lambdas travel, as they do to loky's workers
    assert found["left"] == []
    assert found["threads"] == 1  # the pool's threads are gone, so that a later pool can fork again


def test_a_failure_in_a_worker_ends_the_tasks_still_running():
    found = run_alone("""
import time

def fail_or_wait(value):
    if value == 0:
        time.sleep(0.5)  # the other worker is asleep by now
        raise ValueError("task 0 failed")
    time.sleep(600)

started = time.perf_counter()
try:
    with local_workers(2):
        Parallel(n_jobs=2, batch_size=1)(delayed(fail_or_wait)(v) for v in range(4))
except ValueError as error:
    print(json.dumps({"error": str(error), "left": sorted(live_children()), "threads": threading.active_count(),
                      "seconds": time.perf_counter() - started}))
""")
    assert found["error"] == "task 0 failed"
    assert found["seconds"] < 300  # the task asleep for ten minutes was ended, not waited for
    assert found["left"] == []
    assert found["threads"] == 1


def test_local_workers_are_loky_s_while_another_thread_runs():
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with local_workers(2) as described:
            ran_in = set(Parallel(n_jobs=2)(delayed(os.getpid)() for _ in range(4)))
    finally:
        stop.set()
        other.join()
    assert described == "2 worker processes on this machine, started by loky (joblib)"
    assert os.getpid() not in ran_in
    with local_workers(2, fork=False) as asked:
        assert asked.endswith("started by loky (joblib)")
    with local_workers(1) as alone:
        assert alone == "the main process, one job at a time"


def children_left_when_killed(program: str, children: int) -> int:
    """Start `program` in a fresh interpreter, wait for its `children` processes, kill it, and count
    the children still alive a minute later."""
    return run_alone(f"""
import subprocess, sys, time
main = subprocess.Popen([sys.executable, "-c", {program!r}])
while len(psutil.Process(main.pid).children()) < {children}:
    time.sleep(0.1)
children = psutil.Process(main.pid).children()
main.kill()
main.wait()
gone, alive = psutil.wait_procs(children, timeout=60)
print(json.dumps({{"alive": len(alive)}}))
""")["alive"]


def test_workers_end_with_the_main_process():
    program = ("import time\n"
               "from joblib import Parallel, delayed\n"
               "from reportgen.runtime.workers import local_workers\n"
               "with local_workers(2):\n"
               "    Parallel(n_jobs=2, batch_size=1)(delayed(time.sleep)(600) for _ in range(2))\n")
    assert children_left_when_killed(program, 2) == 0  # not left waiting, orphaned, for a task that never comes


def test_imports_happen_out_of_the_collectors_reach_and_are_frozen():
    program = ("import gc\nfrom reportgen.runtime.workers import imported_out_of_collection\n"
               "before = gc.get_freeze_count()\n"
               "with imported_out_of_collection():\n"
               "    print(gc.isenabled())\n"
               "    import email.mime.text\n"
               "print(gc.isenabled(), gc.get_freeze_count() > before)")
    assert printed_by(program) == ["False", "True", "True"]


def test_workers_forked_while_garbage_is_kept_keep_it_and_this_process_collects_again():
    program = ("import gc\nfrom joblib import Parallel, delayed\n"
               "from reportgen.runtime.workers import garbage_kept, local_workers\n"
               "with garbage_kept(), local_workers(2):\n"
               "    inside = Parallel(n_jobs=2)(delayed(gc.isenabled)() for _ in range(4))\n"
               "print(*inside, gc.isenabled())")
    assert printed_by(program) == ["False"] * 4 + ["True"]


def test_a_process_that_had_paused_collection_keeps_it_paused():
    program = ("import gc\nfrom reportgen.runtime.workers import garbage_kept, imported_out_of_collection\n"
               "gc.disable()\nwith garbage_kept():\n    pass\nwith imported_out_of_collection():\n    pass\n"
               "print(gc.isenabled())")
    assert printed_by(program) == ["False"]

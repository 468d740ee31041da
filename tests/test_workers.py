import subprocess
import sys

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

"""reportgen/runtime/backends.py: the model searches give the same models on the forked local workers, on
loky's and on a Dask cluster, and the client and cluster are closed however the run ends."""

from __future__ import annotations

import json
import sys

import pytest
import yaml
from click.testing import CliRunner
from conftest import run_cli
from joblib import Parallel, delayed

from reportgen.cli import main
from reportgen.config import SearchSpec, load_config
from reportgen.engine import analyse
from reportgen.errors import ReportInputError
from reportgen.result import to_json
from reportgen.runtime import backends
from reportgen.runtime.backends import dask_client, search_backend

distributed = pytest.importorskip("distributed")
CPU_COUNT = pytest.importorskip("dask.system").CPU_COUNT


@pytest.fixture
def threaded_cluster():
    """Two worker threads in this process: quick to start, for the tests of connecting and closing. (With a
    single thread, joblib would run the tasks in this process instead.)"""
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        yield cluster


def worker_address(_: int) -> str:
    return distributed.get_worker().address


def test_every_backend_tunes_the_same_models(synthetic_config_path, tmp_path):
    """The command line on the forked local workers (the default), on loky's and on a local Dask cluster,
    against an analysis in this process on two workers."""
    spec = yaml.safe_load(synthetic_config_path.read_text(encoding="utf-8"))
    spec["search"]["n_jobs"] = 2
    spec["data"] = str(synthetic_config_path.parent / spec["data"])
    config_path = tmp_path / "two-jobs.yaml"
    config_path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    expected = json.loads(to_json(analyse(load_config(config_path)).result))
    where = {"local": "2 worker processes on this machine, forked from the main process",
             "loky": "2 worker processes on this machine, started by loky (joblib)",
             "dask": f"Dask, a local cluster: {CPU_COUNT} worker"}
    for backend, described in where.items():
        out = tmp_path / backend
        done = run_cli("run", "--config", str(config_path), "--backend", backend, "--no-pdf", "-q",
                       "--out", str(out), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        found = json.loads((out / "results.json").read_text(encoding="utf-8"))
        assert found["settings"]["search"]["backend"] == backend
        assert found["run"]["backend"].startswith(described)
        assert [m["name"] for m in found["models"]] == ["logistic_regression", "knn", "decision_tree", "ensemble"]
        assert found["models"] == expected["models"], backend
        assert (found["best_model"], found["threshold"]) == (expected["best_model"], expected["threshold"])
        page = (out / "report.html").read_text(encoding="utf-8")
        assert f"Model searches ran on {found['run']['backend']}." in page


def test_a_scheduler_address_runs_the_tasks_on_its_workers(threaded_cluster):
    address = threaded_cluster.scheduler_address
    with search_backend(SearchSpec(backend="dask", scheduler=address), "unused") as described:
        ran_on = set(Parallel(n_jobs=2)(delayed(worker_address)(i) for i in range(4)))
    assert described == f"Dask, the scheduler at {address}: 2 workers, 2 threads"
    assert ran_on == set(threaded_cluster.scheduler_info["workers"])
    assert threaded_cluster.status.name == "running"  # the run's client closes; someone else's cluster stays


def test_ctrl_c_closes_the_client_and_the_local_cluster(monkeypatch):
    monkeypatch.setattr(backends, "local_cluster_options",
                        lambda: {"n_workers": 1, "threads_per_worker": 1, "processes": False,
                                 "dashboard_address": None})
    with pytest.raises(KeyboardInterrupt), dask_client(None) as client:
        cluster = client.cluster
        assert cluster.status.name == "running"
        raise KeyboardInterrupt
    assert client.status == "closed"
    assert cluster.status.name == "closed"


def test_an_unreachable_scheduler_is_one_clear_error():
    with pytest.raises(ReportInputError) as error, dask_client("tcp://127.0.0.1:9", connect_seconds=1):
        pass
    message = str(error.value)
    assert "\n" not in message
    assert "tcp://127.0.0.1:9" in message and "dask scheduler" in message


def test_without_dask_the_command_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.csv").write_text("a,y\n1,1\n2,0\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["run", "t.csv", "--target", "y", "--backend", "dask", "--out", "out"])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [("reportgen: error: the dask backend needs Dask, which is not installed; "
                                           "install it with: pip install 'reportgen[dask]'")]
    assert not (tmp_path / "out").exists()

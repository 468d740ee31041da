"""reportgen/cli.py: bad input exits 2 with one line on stderr, and a failed run changes nothing.

Most cases run in-process with click's CliRunner; two run the installed `reportgen` command.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from conftest import synthetic_frame, synthetic_spec, write_dataset

from reportgen.cli import main

REPORTGEN = Path(sys.executable).parent / "reportgen"
GOOD_CONFIG = "name: tiny\ndata: t.csv\ntarget: {column: y}\n"
BAD_KEY_CONFIG = GOOD_CONFIG + "vif: {treshold: 5}\n"


@pytest.fixture
def workdir(tmp_path, monkeypatch) -> Path:
    """A folder with a good and a bad config, small CSVs and a sub-folder; the current directory."""
    (tmp_path / "t.csv").write_text("a,b,y\n1,2,1\n3,4,0\n5,6,1\n", encoding="utf-8")
    (tmp_path / "header.csv").write_text("a,b,y\n", encoding="utf-8")
    (tmp_path / "churn.csv").write_text("a,churned\n1,left\n2,stayed\n3,stayed\n", encoding="utf-8")
    (tmp_path / "not.parquet").write_text("a,b,y\n1,2,1\n", encoding="utf-8")
    (tmp_path / "folder").mkdir()
    (tmp_path / "good.yaml").write_text(GOOD_CONFIG, encoding="utf-8")
    (tmp_path / "bad.yaml").write_text(BAD_KEY_CONFIG, encoding="utf-8")
    (tmp_path / "no-data.yaml").write_text(GOOD_CONFIG.replace("t.csv", "gone.csv"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def assert_one_line_error(exit_code: int, stdout: str, stderr: str, *expected: str) -> None:
    assert exit_code == 2, stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("reportgen: error: ")
    assert "Traceback" not in stdout + stderr
    assert stdout == ""
    for text in expected:
        assert text in lines[0]


BAD_INPUTS = [
    (["run", "missing.csv", "--target", "y"], ["missing.csv", "not found"]),
    (["run", "folder", "--target", "y"], ["folder", "is a folder"]),
    (["run", "t.csv", "--target", "churned"], ["'churned'", "its columns are: a, b, y"]),
    (["run", "t.csv"], ["--target COLUMN"]),
    (["run", "t.csv", "--target", "y", "--positive", "yes"], ["'yes' never occurs"]),
    (["run", "header.csv", "--target", "y"], ["no data rows"]),
    (["run", "churn.csv", "--target", "churned"], ["'churned' holds the labels left, stayed", "--positive LABEL"]),
    (["init", "churn.csv", "--target", "churned"], ["'churned' holds the labels left, stayed", "--positive LABEL"]),
    (["init", "missing.csv", "--target", "y"], ["missing.csv", "not found"]),
    (["run", "not.parquet", "--target", "y"], ["not.parquet could not be read as Parquet"]),
    (["run", "t.csv", "--target", "y", "--backend", "loky", "--scheduler", "tcp://10.0.0.5:8786"],
     ["--backend/--scheduler", "set 'backend: dask'"]),
    (["run", "--config", "bad.yaml"], ["vif.treshold", "bad.yaml"]),
    (["run", "--config", "missing.yaml"], ["missing.yaml"]),
    (["run", "--config", "good.yaml", "--preset", "students"], ["--config or --preset"]),
    (["validate", "bad.yaml"], ["vif.treshold", "bad.yaml"]),
    (["validate", "missing.yaml"], ["missing.yaml"]),
    (["validate", "no-data.yaml"], ["gone.csv", "does not exist"]),
]


@pytest.mark.parametrize(("args", "expected"), [pytest.param(*case, id=" ".join(case[0])) for case in BAD_INPUTS])
def test_bad_input_exits_2_with_one_line(workdir, args, expected):
    result = invoke(*args, *(["--out", "out"] if args[0] == "run" else []))
    assert_one_line_error(result.exit_code, result.stdout, result.stderr, *expected)
    assert not (workdir / "out").exists()


@pytest.mark.parametrize("args", [["run", "--preset", "nope"], ["run", "--template-dir", "no-such-folder"]])
def test_options_click_validates_also_give_one_line(workdir, args):
    result = invoke(*args)
    assert_one_line_error(result.exit_code, result.stdout, result.stderr)


def test_unknown_preset_exits_2_naming_the_choices(workdir):
    result = invoke("run", "--preset", "nope")
    assert result.exit_code == 2
    assert "'nope'" in result.stderr and "students-course" in result.stderr
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["run", "missing.csv", "--target", "y"], "missing.csv"), (["validate", "bad.yaml"], "vif.treshold")],
)
def test_installed_command_exits_2_with_one_line(workdir, args, expected):
    assert REPORTGEN.is_file(), f"{REPORTGEN} is not installed"
    done = subprocess.run([str(REPORTGEN), *args], cwd=workdir, capture_output=True, text=True, timeout=60)
    assert_one_line_error(done.returncode, done.stdout, done.stderr, expected)


def test_presets_lists_each_preset_on_one_line(workdir):
    from reportgen.config import preset_path

    result = invoke("presets")
    assert result.exit_code == 0
    *lines, folder = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == ["audiobooks", "students", "students-course", "tiktok"]
    expected = {"audiobooks": "[Audiobooks_data.csv, outcome bought_again = 1]",
                "students": "[ml_datasource.csv, outcome purchased = 1]",
                "students-course": "[ml_datasource.csv, outcome purchased = 1]",
                "tiktok": "[tiktok_dataset.csv, outcome verified_status = verified]"}
    assert all(line.endswith(expected[line.split()[0]]) for line in lines)
    assert str(preset_path("tiktok").parent) in folder


def test_presets_show_prints_a_loadable_config(workdir):
    result = invoke("presets", "--show", "students")
    assert result.exit_code == 0
    (workdir / "copy.yaml").write_text(result.stdout.replace("../ml_datasource.csv", "t.csv"), encoding="utf-8")
    assert invoke("validate", "copy.yaml").exit_code == 0


def test_validate_a_good_config(workdir):
    result = invoke("validate", "good.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == "good.yaml: valid (tiny, outcome y, 6 models)"
    assert result.stderr == ""


def test_validate_a_bundled_preset():
    from reportgen.config import preset_path

    result = invoke("validate", str(preset_path("students-course")))
    assert result.exit_code == 0, result.stderr
    assert "valid (students-course, outcome purchased, 5 models)" in result.stdout


def test_every_option_has_help_text():
    for name, command in main.commands.items():
        assert command.help, name
        for param in command.params:
            if isinstance(param, click.Option) and param.name != "help":
                assert param.help, f"{name} {param.name}"


@pytest.fixture
def previous_report(workdir) -> dict[Path, bytes]:
    out = workdir / "out"
    (out / "figures").mkdir(parents=True)
    files = {out / "report.html": b"<p>old report</p>", out / "report.pdf": b"%PDF old",
             out / "results.json": b'{"old": true}', out / "figures" / "vif.png": b"old png"}
    for path, content in files.items():
        path.write_bytes(content)
    return files


def assert_untouched(files: dict[Path, bytes], out: Path) -> None:
    assert {p for p in out.rglob("*") if p.is_file()} == set(files)
    for path, content in files.items():
        assert path.read_bytes() == content


def test_input_error_leaves_the_previous_report_untouched(previous_report, workdir):
    result = invoke("run", "missing.csv", "--target", "y", "--out", "out")
    assert result.exit_code == 2
    assert_untouched(previous_report, workdir / "out")


def test_failure_while_rendering_leaves_the_previous_report_untouched(
        previous_report, workdir, synthetic_config_path, monkeypatch):
    """The run gets through the analysis and fails in a user template: nothing is moved in."""
    monkeypatch.setattr("reportgen.figures.make_figures", lambda result, folder, **drawing: {})
    broken = workdir / "broken"
    (broken / "partials").mkdir(parents=True)
    (broken / "partials" / "cover.html").write_text("{{ result.no_such_field }}", encoding="utf-8")
    result = invoke("run", "--config", str(synthetic_config_path), "--out", "out", "--no-pdf",
                    "--template-dir", "broken")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("reportgen: unexpected failure: UndefinedError")
    assert "Traceback" not in result.output
    assert_untouched(previous_report, workdir / "out")
    assert not [p.name for p in workdir.iterdir() if p.name.startswith(".reportgen-")]


@pytest.fixture
def fake_run_report(monkeypatch, report_result):
    calls = []

    def fake(config, out_dir, *, template_dir=None, pdf=True, progress=None, previous=None, renderer=None):
        calls.append({"config": config, "out_dir": out_dir, "template_dir": template_dir, "pdf": pdf,
                      "progress": progress, "previous": previous, "renderer": renderer})
        return report_result

    monkeypatch.setattr("reportgen.engine.run_report", fake)
    return calls


def test_run_passes_the_options_to_the_engine(workdir, fake_run_report):
    result = invoke("run", "t.csv", "--target", "y", "--positive", "0", "--seed", "9", "--out", "o", "--no-pdf")
    assert result.exit_code == 0, result.output
    (call,) = fake_run_report
    assert call["pdf"] is False
    assert call["progress"] is None  # the test runner's stderr is not a terminal
    assert call["out_dir"] == Path("o")
    assert (call["config"].target.column, call["config"].target.positive, call["config"].seed) == ("y", "0", 9)
    assert call["config"].data == Path("t.csv")


def test_compare_to_reads_the_previous_report_or_its_folder(workdir, fake_run_report, report_result):
    (workdir / "last").mkdir()
    previous = {"dataset": {"name": "t", "target": "y", "positive_label": "0", "rows_used": 3, "positive_rate": 0.3},
                "models": [{"name": "knn", "label": "k-nearest neighbours", "test": {"f1": 0.5, "pr_auc": 0.6}}],
                "best_model": "knn"}
    (workdir / "last" / "results.json").write_text(json.dumps(previous), encoding="utf-8")
    for path in ("last", "last/results.json"):
        result = invoke("run", "t.csv", "--target", "y", "--positive", "0", "--out", "o", "--compare-to", path)
        assert result.exit_code == 0, result.output
        assert fake_run_report[-1]["previous"].dataset.rows_used == 3
    wrong = invoke("run", "t.csv", "--target", "y", "--out", "o", "--compare-to", "last")
    assert_one_line_error(wrong.exit_code, wrong.stdout, wrong.stderr, "counts '0' as converting, this run '1'")


def test_no_pdf_run_does_not_claim_a_pdf(workdir, fake_run_report):
    result = invoke("run", "t.csv", "--target", "y", "--out", "o", "--no-pdf")
    assert result.exit_code == 0
    assert "report.pdf" not in result.stdout


def test_an_error_while_the_workers_still_measure_is_one_line(tmp_path):
    """A wrong explore.group_by is found by the main process while the forked workers still measure
    the models: the run stops with one line, ends their tasks, and writes nothing."""
    spec = {**synthetic_spec(), "search": {"cv": 3, "n_jobs": 2}, "explore": {"group_by": "no_such_column"}}
    config = write_dataset(tmp_path, synthetic_frame(), spec)
    done = subprocess.run([str(REPORTGEN), "run", "--config", str(config), "--out", "out", "--no-pdf"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=300, check=False)
    assert_one_line_error(done.returncode, done.stdout, done.stderr, "explore.group_by names 'no_such_column'")
    assert not (tmp_path / "out").exists()

"""A built wheel carries the templates, assets and data, and the installed package works from
any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    completed = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(folder), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )
    if completed.returncode != 0 and "No module named 'hatchling'" in completed.stderr:
        completed = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(folder), str(ROOT)],
            capture_output=True, text=True, timeout=300,
        )
    assert completed.returncode == 0, completed.stderr
    return next(folder.glob("reportgen-*.whl"))


def test_wheel_contains_templates_assets_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in ("reportgen/_bundled/templates/report.html",
                     "reportgen/_bundled/templates/partials/cover.html",
                     "reportgen/_bundled/assets/report.css",
                     "reportgen/_bundled/data/ml_datasource.csv",
                     "reportgen/_bundled/data/presets/students.yaml",
                     "reportgen/_bundled/data/presets/students-course.yaml"):
        assert required in names, required
    for source in (ROOT / "templates").rglob("*.html"):
        assert f"reportgen/_bundled/templates/{source.relative_to(ROOT / 'templates')}" in names


def test_installed_wheel_runs_from_another_folder(wheel, tmp_path):
    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"visits": rng.poisson(5, 300), "minutes": rng.gamma(2, 30, 300).round(1)})
    frame["converted"] = (rng.random(300) < 1 / (1 + np.exp(-(frame.visits - 6) * 0.8))).map({True: "yes", False: "no"})
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    frame.to_csv(workdir / "users.csv", index=False)
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run([sys.executable, "-c", "import reportgen, sys; print(reportgen.__file__)"],
                           cwd=workdir, env=env, capture_output=True, text=True, check=True)
    assert probe.stdout.strip().startswith(str(site))
    listed = subprocess.run([sys.executable, "-m", "reportgen", "presets"], cwd=workdir, env=env,
                            capture_output=True, text=True)
    assert listed.returncode == 0 and "students" in listed.stdout
    completed = subprocess.run(
        [sys.executable, "-m", "reportgen", "run", "users.csv", "--target", "converted", "--positive", "yes",
         "--out", "report"],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=600,
    )
    assert completed.returncode == 0, completed.stderr
    assert (workdir / "report" / "report.pdf").stat().st_size > 10_000

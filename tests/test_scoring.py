"""The saved model and `reportgen score`: one output row per input row, reasons instead of crashes,
and probabilities equal to what the run's own model gives."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import skops.io as sio

from reportgen.errors import ReportInputError
from reportgen.scoring import META_FILE, MODEL_FILE, load_model, save_model, score_file


class Untrusted:
    """A type no reportgen model contains."""


@pytest.fixture(scope="module")
def run_dir(analysis, tmp_path_factory):
    folder = tmp_path_factory.mktemp("run")
    best = analysis.best
    meta = {
        "reportgen_version": "test", "dataset": "synthetic", "model": best.name, "label": best.label,
        "threshold": analysis.result.threshold.value, "target": "bought", "positive_label": "1",
        "numeric": analysis.clean.numeric, "categorical": analysis.clean.categorical, "id_columns": ["user_id"],
        "read": {"delimiter": ",", "encoding": "utf-8", "keep_default_na": False, "na_values": [""]}, "fill": {},
    }
    save_model(folder, best.pipeline, analysis.calibrator, meta)
    return folder


def test_saved_model_reproduces_the_runs_probabilities(run_dir, analysis):
    model = load_model(run_dir)
    x_test = analysis.clean.x_test
    calibrated, raw = model.probabilities(x_test)
    assert np.allclose(raw, analysis.best.scores(x_test))
    assert np.allclose(calibrated, analysis.calibrator.predict(analysis.best.scores(x_test)))


def test_score_writes_one_row_per_input_row_with_reasons(run_dir, tmp_path):
    from conftest import synthetic_frame

    frame = synthetic_frame(rows=30, seed=99).drop(columns="bought").astype(str)
    frame.loc[3, "minutes"] = "lots"
    frame.loc[7, "days"] = "inf"
    frame.loc[9, "days"] = ""
    frame.to_csv(tmp_path / "new.csv", index=False)
    summary = score_file(run_dir, tmp_path / "new.csv", tmp_path / "scores.csv")
    scores = pd.read_csv(tmp_path / "scores.csv")
    assert len(scores) == 30 and list(scores["row"]) == list(range(1, 31))
    assert list(scores["user_id"]) == list(frame["user_id"].astype(int))
    assert summary == {"rows": 30, "scored": 28, "problems": 2, "flagged": int(scores["flagged"].sum()),
                       "model": summary["model"]}
    assert "minutes: 'lots' is not a finite number" == scores.loc[3, "reason"]
    assert "days" in scores.loc[7, "reason"]
    assert pd.isna(scores.loc[3, "probability"]) and pd.isna(scores.loc[3, "rank"])
    assert not pd.isna(scores.loc[9, "probability"])  # a blank is imputed, not a problem
    ranked = scores.dropna(subset=["probability"]).sort_values("rank")
    assert list(ranked["rank"]) == list(range(1, 29))
    assert ranked["probability"].is_monotonic_decreasing


def test_missing_feature_column_is_one_clear_error(run_dir, tmp_path):
    pd.DataFrame({"days": [1, 2]}).to_csv(tmp_path / "thin.csv", index=False)
    with pytest.raises(ReportInputError, match="lacks columns the model needs"):
        score_file(run_dir, tmp_path / "thin.csv", tmp_path / "out.csv")
    assert not (tmp_path / "out.csv").exists()


def test_a_folder_without_a_model_is_one_clear_error(tmp_path):
    with pytest.raises(ReportInputError, match="holds no saved model"):
        load_model(tmp_path)


def test_a_model_file_with_foreign_types_is_refused(tmp_path):
    sio.dump({"pipeline": Untrusted(), "calibrator": None}, tmp_path / MODEL_FILE)
    (tmp_path / META_FILE).write_text("{}", encoding="utf-8")
    with pytest.raises(ReportInputError, match="does not load"):
        load_model(tmp_path)


def test_score_command_on_a_real_run(tmp_path):
    """The CLI end to end: a run's --out folder scores a file with a broken row, exit 0."""
    from conftest import synthetic_frame, synthetic_spec, write_dataset

    config_path = write_dataset(tmp_path / "data", synthetic_frame(), synthetic_spec())
    subprocess.run([sys.executable, "-m", "reportgen", "run", "--config", str(config_path), "--out",
                    str(tmp_path / "run"), "--no-pdf"], check=True, capture_output=True, timeout=300)
    new = synthetic_frame(rows=12, seed=5).drop(columns="bought")
    new.to_csv(tmp_path / "new.csv", index=False)
    with open(tmp_path / "new.csv", "a", encoding="utf-8") as handle:
        handle.write("999,US,12,oops,1,1,0.5\n")
    completed = subprocess.run([sys.executable, "-m", "reportgen", "score", str(tmp_path / "run"),
                                str(tmp_path / "new.csv"), "--out", str(tmp_path / "scores.csv")],
                               capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert "Scored 12 of 13 rows" in completed.stdout
    scores = pd.read_csv(tmp_path / "scores.csv")
    assert len(scores) == 13 and scores["reason"].notna().sum() == 1
    bad = subprocess.run([sys.executable, "-m", "reportgen", "score", str(tmp_path), str(tmp_path / "new.csv")],
                         capture_output=True, text=True, timeout=300)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "Traceback" not in bad.stderr


@pytest.fixture(scope="module")
def messy_run(tmp_path_factory):
    """A model trained on a bare messy table: markers, text and dates become features at scoring too."""
    from conftest import FAST_MODELS, messy_frame

    from reportgen.config import DatasetConfig, resolve_config
    from reportgen.engine import analyse
    from reportgen.scoring import model_metadata

    folder = tmp_path_factory.mktemp("messy-run")
    messy_frame().to_csv(folder / "churn.csv", index=False)
    bare = resolve_config(folder / "churn.csv", target="churned", positive="yes")
    config = DatasetConfig.model_validate({**bare.model_dump(), "models": FAST_MODELS, "ensemble": False,
                                           "search": {"cv": 3, "n_jobs": 1}, "imbalance": {"strategies": ["none"]}})
    analysis = analyse(config)
    best = analysis.best
    save_model(folder, best.pipeline, analysis.calibrator, model_metadata(
        analysis.config, best.name, best.label, analysis.result.threshold.value, analysis.clean.numeric,
        analysis.clean.categorical, derived=analysis.clean.derived))
    return folder, analysis


@pytest.mark.filterwarnings("ignore:Found unknown categories")
def test_scoring_derives_text_and_date_features_and_reads_markers(messy_run, tmp_path):
    folder, analysis = messy_run
    meta = load_model(folder).meta
    assert {f["name"] for f in meta["derived"]} >= {"feedback_length", "signup_date_age_days"}
    assert meta["read"]["missing_markers"] == {"age": [" ", "?"]}
    summary = score_file(folder, folder / "churn.csv", tmp_path / "scores.csv")
    scores = pd.read_csv(tmp_path / "scores.csv")
    assert summary["problems"] == 0 and scores["reason"].isna().all()
    x_test = analysis.clean.x_test
    expected = analysis.calibrator.predict(analysis.best.scores(x_test))
    assert np.allclose(scores.loc[x_test.index, "probability"], expected.round(6), atol=1e-6)


@pytest.mark.filterwarnings("ignore:Found unknown categories")
def test_score_reads_parquet_with_typed_columns_as_the_csv(messy_run, tmp_path):
    """The messy table as a warehouse would export it: dates as timestamps, numbers as numbers, the age
    column still text with its markers."""
    from click.testing import CliRunner

    from reportgen.cli import main

    folder, _ = messy_run
    table = pd.read_csv(folder / "churn.csv", dtype={"age": str}, keep_default_na=False, na_values=[""])
    table["signup_date"] = pd.to_datetime(table["signup_date"])
    table["plan"] = table["plan"].astype("category")
    table.to_parquet(tmp_path / "churn.parquet")
    score_file(folder, folder / "churn.csv", tmp_path / "from-csv.csv")
    done = CliRunner().invoke(main, ["score", str(folder), str(tmp_path / "churn.parquet"),
                                     "--out", str(tmp_path / "from-parquet.csv")])
    assert done.exit_code == 0, done.output
    assert "Scored 600 of 600 rows" in done.stdout
    pd.testing.assert_frame_equal(pd.read_csv(tmp_path / "from-parquet.csv"), pd.read_csv(tmp_path / "from-csv.csv"))


def test_every_family_saves_and_loads(analysis, tmp_path):
    """Each registry family's fitted pipeline passes the type check and scores as before, e.g.
    gradient boosting's category handling (which keeps a functools.partial)."""
    from reportgen.config import ModelSpec
    from reportgen.model import model_pipeline
    from reportgen.registry import FAMILIES

    clean, config = analysis.clean, analysis.config
    for name, family in FAMILIES.items():
        pipeline = model_pipeline(ModelSpec(name=name), family, clean, config).fit(clean.x_train, clean.y_train)
        folder = tmp_path / name
        save_model(folder, pipeline, analysis.calibrator, {"model": name})
        loaded = load_model(folder)
        expected = pipeline.predict_proba(clean.x_test) if hasattr(pipeline, "predict_proba") else None
        if expected is not None:
            assert np.allclose(loaded.pipeline.predict_proba(clean.x_test), expected), name


def test_scoring_reads_does_not_apply_values_as_the_run_did(tmp_path):
    """A bare run finds 999 means 'never contacted' (pdays); new rows with 999 get the indicator and no
    quantity of 999 days, as the training rows did."""
    from conftest import run_cli

    rng = np.random.default_rng(8)
    contacted = rng.random(400) < 0.3
    pdays = np.where(contacted, rng.integers(0, 28, 400), 999)
    y = (rng.random(400) < np.where(contacted, 0.6, 0.1)).astype(int)
    pd.DataFrame({"pdays": pdays, "age": rng.integers(18, 80, 400), "y": y}).to_csv(tmp_path / "t.csv", index=False)
    assert run_cli("run", "t.csv", "--target", "y", "--no-pdf", "-q", "--out", "out", cwd=tmp_path).returncode == 0
    meta = load_model(tmp_path / "out").meta
    assert [(f["name"], f["values"]) for f in meta["derived"]] == [("pdays_not_applicable", [999.0])]
    new = pd.DataFrame({"pdays": [999, 5, None], "age": [40, 40, 40]})
    new.to_csv(tmp_path / "new.csv", index=False)
    score_file(tmp_path / "out", tmp_path / "new.csv", tmp_path / "scores.csv")
    never, recent, blank = pd.read_csv(tmp_path / "scores.csv")["probability"]
    assert never < recent  # contacted customers convert more here; 999 was no long wait
    model = load_model(tmp_path / "out")
    features = pd.DataFrame({"pdays": [np.nan], "pdays_not_applicable": [1.0], "age": [40]})
    assert model.probabilities(features[meta["numeric"] + meta["categorical"]])[0][0] == pytest.approx(never, abs=1e-6)


def test_skops_is_imported_without_pytorch_and_trusts_the_same_types():
    """Keeping PyTorch out of skops' import saves a second of one core, and must not change which
    scikit-learn types a saved model may hold, nor stop PyTorch from importing afterwards."""
    pytest.importorskip("torch")
    listed = ("import hashlib; from skops.io._trusted_types import SKLEARN_ESTIMATOR_TYPE_NAMES as names; "
              "print(len(names), hashlib.sha1(' '.join(sorted(names)).encode()).hexdigest())")
    kept_out = subprocess.run(
        [sys.executable, "-c", "import sys, reportgen.scoring; print('torch' in sys.modules); " + listed
         + "; import torch; print(torch.tensor([1]).sum().item())"],
        capture_output=True, text=True, check=True).stdout.split("\n")
    plain = subprocess.run([sys.executable, "-c", "import skops.io; " + listed],
                           capture_output=True, text=True, check=True).stdout.split("\n")
    assert kept_out[0] == "False"
    assert kept_out[1] == plain[0] and int(plain[0].split()[0]) > 100
    assert kept_out[2] == "1"

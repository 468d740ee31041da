"""The public tables no preset was written for (`../shared/datasets/`, see its README), run bare through the
command line with the PDF: every column read for what it is, and no 'nan' or 'None' anywhere in the report.

They are read from the nearest `shared/datasets/` above this file, where the workspace keeps them; a checkout
without that folder skips these runs."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_cli
from pypdf import PdfReader

SHARED = next((folder / "shared" / "datasets" for folder in Path(__file__).resolve().parents
               if (folder / "shared" / "datasets" / "mlc_churn.csv").is_file()), Path("shared/datasets"))
TABLES = {
    "mlc_churn": ("churn", []),
    "orange_juice": ("Purchase", ["--positive", "MM"]),
}


@pytest.fixture(scope="module")
def unseen_runs(tmp_path_factory) -> dict:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is not in this checkout's workspace")
    folder = tmp_path_factory.mktemp("unseen")
    runs = {}
    for name, (target, options) in TABLES.items():
        completed = run_cli("run", str(SHARED / f"{name}.csv"), "--target", target, *options, "--out", name,
                            cwd=folder)
        assert completed.returncode == 0, completed.stderr
        assert completed.stderr == "", completed.stderr
        out = folder / name
        results = json.loads((out / "results.json").read_text(encoding="utf-8"))
        pages = PdfReader(out / "report.pdf").pages
        runs[name] = {"results": results, "columns": {c["column"]: c for c in results["preprocessing"]["columns"]},
                      "pdf": re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))}
    return runs


@pytest.mark.parametrize("name", list(TABLES))
def test_no_nan_or_none_reaches_the_report(unseen_runs, name):
    pdf = unseen_runs[name]["pdf"]
    assert not re.search(r"\bnan\b", pdf, flags=re.IGNORECASE) and not re.search(r"\bNone\b", pdf)


def test_telecom_churn_columns_read_for_what_they_are(unseen_runs):
    columns = unseen_runs["mlc_churn"]["columns"]
    assert columns["rownames"]["kind"] == "identifier"
    assert (columns["state"]["kind"], columns["area_code"]["kind"]) == ("categorical", "categorical")
    assert unseen_runs["mlc_churn"]["results"]["dataset"]["positive_label"] == "yes"  # no --positive needed
    for period in ("day", "eve", "night", "intl"):
        pair = [columns[f"total_{period}_{what}"]["use"] for what in ("minutes", "charge")]
        assert sorted(use.startswith("dropped") for use in pair) == [False, True], period
    dropped = [c for c in columns.values() if c["use"].startswith("dropped")]
    assert all("reproduce it (almost) exactly" in c["reason"] or "VIF" in c["reason"] for c in dropped)


def test_orange_juice_store_codes_are_categories(unseen_runs):
    columns = unseen_runs["orange_juice"]["columns"]
    assert columns["rownames"]["kind"] == "identifier"
    for store in ("StoreID", "STORE"):
        assert (columns[store]["kind"], columns[store]["use"]) == ("categorical", "feature")
        assert "codes" in columns[store]["reason"]


def test_orange_juice_logit_leaves_out_the_store_codings_that_repeat_each_other(unseen_runs):
    """StoreID, STORE and Store7 code one store three ways: the logit keeps one coding, names the others and
    estimates every term it keeps."""
    run = unseen_runs["orange_juice"]
    logit = run["results"]["logit"]
    assert logit["converged"] and logit["equation"]
    assert all(c["pvalue"] is not None for c in logit["coefficients"])
    left_out = {t["feature"]: t["repeats"] for t in logit["redundant"]}
    assert {f"STORE = {code}" for code in (1, 2, 3, 4)} <= set(left_out)
    assert all(repeats for repeats in left_out.values())
    assert "left out of the logistic regression" in run["columns"]["STORE"]["reason"]
    assert "Left out of the logit because they repeat other terms" in run["pdf"]

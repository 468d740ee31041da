"""The public tables no preset was written for (`../shared/datasets/`, see its README), run bare through the
command line with the PDF: every column read for what it is, and no 'nan' or 'None' anywhere in the report.

They are read from the nearest `shared/datasets/` above this file, where the workspace keeps them; a checkout
without that folder skips these runs."""

from __future__ import annotations

import json
import re

import pytest
from conftest import TABLES, reads_in_its_own_words, repeated_sentences, summary_on_one_page
from pypdf import PdfReader


@pytest.fixture(scope="module")
def unseen_runs(built_report) -> dict:
    runs = {}
    for name in TABLES:
        built = built_report(name)
        assert built.completed.returncode == 0, built.completed.stderr
        assert built.completed.stderr == "", built.completed.stderr
        results = json.loads((built.out / "results.json").read_text(encoding="utf-8"))
        pages = [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(built.out / "report.pdf").pages]
        runs[name] = {"results": results, "columns": {c["column"]: c for c in results["preprocessing"]["columns"]},
                      "pdf": " ".join(pages), "pages": pages}
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
    for period in ("day", "intl"):  # charged per minute to the cent: each charge stands for one number of minutes
        minutes, charge = (columns[f"total_{period}_{what}"] for what in ("minutes", "charge"))
        assert minutes["use"] == "feature" and charge["use"] == "dropped (recoded columns)", period
        assert f"exactly one value of total_{period}_minutes" in charge["reason"], period
    for period in ("eve", "night"):  # rounded to the cent at lower rates: several minutes share a charge
        pair = [columns[f"total_{period}_{what}"] for what in ("minutes", "charge")]
        assert all(c["use"] == "feature" for c in pair), period
        assert sorted("left out of the logistic regression only" in c["reason"] for c in pair) == [False, True], period
    screened = [c for c in columns.values() if "left out of the logistic regression only" in c["reason"]]
    assert all("reproduce it (almost) exactly" in c["reason"] or "VIF" in c["reason"] for c in screened)


def test_orange_juice_store_codes_are_categories_and_a_second_coding_is_dropped(unseen_runs):
    """STORE is StoreID with store 7 written 0: the same grouping of the purchases, dropped before every model."""
    columns = unseen_runs["orange_juice"]["columns"]
    assert columns["rownames"]["kind"] == "identifier"
    assert (columns["StoreID"]["kind"], columns["StoreID"]["use"]) == ("categorical", "feature")
    assert "codes" in columns["StoreID"]["reason"]
    assert columns["STORE"]["use"] == "dropped (recoded columns)" and "StoreID" in columns["STORE"]["reason"]
    assert "Dropped STORE (it recodes StoreID one-to-one)" in unseen_runs["orange_juice"]["pdf"]


def test_orange_juice_logit_leaves_out_the_store_coding_that_repeats_the_others(unseen_runs):
    """Store7 flags one of StoreID's stores: the logit keeps StoreID's terms, names the repeat and estimates every
    term it keeps."""
    run = unseen_runs["orange_juice"]
    logit = run["results"]["logit"]
    assert logit["converged"] and logit["equation"]
    assert all(c["pvalue"] is not None for c in logit["coefficients"])
    left_out = {t["feature"]: t["repeats"] for t in logit["redundant"]}
    assert set(left_out) == {"Store7 = Yes"} and all(repeats for repeats in left_out.values())
    assert "left out of the logistic regression" in run["columns"]["Store7"]["reason"]
    assert "Left out of the logit because it repeats other terms" in run["pdf"]


@pytest.mark.parametrize("name", list(TABLES))
def test_the_executive_summary_fits_one_page_and_says_each_thing_once(unseen_runs, name):
    run = unseen_runs[name]
    assert summary_on_one_page(run["pages"], run["results"]) == []
    assert repeated_sentences(run["results"]) == []
    assert reads_in_its_own_words(run["pdf"], run["results"]) == []


def test_a_bare_churn_table_speaks_of_customers_who_left_and_a_neutral_one_only_ranks(unseen_runs):
    churn, juice = unseen_runs["mlc_churn"], unseen_runs["orange_juice"]
    assert churn["results"]["summary"]["headline"].startswith("14.1% of 5,000 customers left.")
    assert churn["results"]["summary"]["action"].startswith("Reach out to the ")
    assert "Whom to reach out to" in churn["pdf"] and "CHURN REPORT" in churn["pages"][0].upper()
    assert juice["results"]["summary"]["headline"].startswith("39.0% of 1,070 rows have Purchase = MM.")
    assert juice["results"]["summary"]["action_heading"] == "Where the rows with Purchase = MM are"
    assert "Contact" not in juice["pdf"] and "contact" not in juice["results"]["summary"]["targeting_lead"]

"""The `tiktok` and `audiobooks` presets end to end through the CLI (one run each, shared by the
module), their results.json checked against figures computed here from the raw CSVs, and the PDF
read with pypdf."""

from __future__ import annotations

import json
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from conftest import reads_in_its_own_words, repeated_sentences, summary_on_one_page, words_outside
from pypdf import PdfReader

from reportgen.figures import built_figures
from reportgen.narrative.questions import QUESTIONS
from reportgen.resources import bundled_path
from reportgen.result import load_result

AUDIOBOOK_COLUMNS = ["customer_id", "book_length_avg", "book_length_total", "price_avg", "price_total",
                     "review_given", "review_score", "completion", "minutes_listened", "support_requests",
                     "days_since_last_visit", "bought_again"]


@pytest.fixture(scope="module")
def preset_runs(built_report) -> dict:
    runs = {}
    for name in ("tiktok", "audiobooks"):
        built = built_report(name)
        assert built.completed.returncode == 0, built.completed.stderr
        assert built.completed.stderr == "", built.completed.stderr
        pages = [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(built.out / "report.pdf").pages]
        runs[name] = {
            "out": built.out,
            "results": json.loads((built.out / "results.json").read_text(encoding="utf-8")),
            "pdf": " ".join(pages),
            "pages": pages,
        }
    return runs


@pytest.fixture(scope="module")
def tiktok_raw() -> pd.DataFrame:
    return pd.read_csv(bundled_path("data", "tiktok_dataset.csv"))


@pytest.fixture(scope="module")
def audiobooks_raw() -> pd.DataFrame:
    frame = pd.read_csv(bundled_path("data", "Audiobooks_data.csv"), header=None, names=AUDIOBOOK_COLUMNS)
    frame["review_score"] = frame["review_score"].mask(frame["review_score"] == 8.91)
    return frame


def positives_in(model: dict) -> int:
    (_, _), (fn, tp) = model["test"]["confusion_matrix"]
    return fn + tp


@pytest.mark.parametrize("name", ["tiktok", "audiobooks"])
def test_each_preset_answers_the_seven_questions_in_its_report(preset_runs, name):
    run = preset_runs[name]
    result = load_result(run["out"] / "results.json")
    assert [q.question for q in result.questions] == QUESTIONS
    for question in QUESTIONS:
        assert question in run["pdf"]
    assert not re.search(r"\bnan\b", run["pdf"].lower()) and not re.search(r"\bNone\b", run["pdf"])
    assert "How each column was used" in run["pdf"]
    assert "Compared with the published analysis" in run["pdf"]
    assert result.published.comparison[:60] in run["pdf"]
    first_sentence = result.published.comparison[:result.published.comparison.index(". Here") + 1]
    assert run["pdf"].count(first_sentence) == 1  # in its section; question 4 gives the brief
    assert result.published.brief[:80] in run["pdf"]


@pytest.mark.parametrize("name", ["tiktok", "audiobooks"])
def test_no_words_run_off_a_presets_figures(preset_runs, name):
    """Their labels are longer than the synthetic table's (`test_figures`)."""
    built = built_figures(load_result(preset_runs[name]["out"] / "results.json"))
    outside = {figure: words for figure, fig in built.items() if (words := words_outside(fig))}
    plt.close("all")
    assert outside == {}


def test_tiktok_drops_incomplete_rows_and_keeps_the_true_share_in_the_test_set(preset_runs, tiktok_raw):
    results = preset_runs["tiktok"]["results"]
    complete = tiktok_raw.dropna()
    verified = (complete["verified_status"] == "verified").sum()
    assert ((results["dataset"]["rows_read"], results["dataset"]["rows_used"])
            == (19382, len(complete)) == (19382, 19084))
    assert results["dataset"]["positive_rate"] == pytest.approx(verified / len(complete), abs=1e-6)
    assert results["dataset"]["test_rows"] == 3817
    assert all(positives_in(m) == round(verified * 0.2) for m in results["models"])


def test_tiktok_uses_the_courses_features_and_leaves_likes_out_of_the_logit(preset_runs, tiktok_raw):
    results = preset_runs["tiktok"]["results"]
    assert [v["feature"] for v in results["preprocessing"]["vif"] if v["dropped"]] == ["video_like_count"]
    assert results["dataset"]["features"] == ["claim_status", "video_duration_sec", "transcription_length",
                                              "author_ban_status", "video_view_count", "video_like_count",
                                              "video_share_count", "video_download_count", "video_comment_count"]
    left_out = {m["name"]: m["columns_left_out"] for m in results["models"]}
    assert left_out.pop("logistic_regression") == ["video_like_count"]
    assert all(columns == [] for columns in left_out.values())
    complete = tiktok_raw.dropna()
    expected = complete["video_like_count"].corr(complete["video_view_count"])
    correlation = results["preprocessing"]["correlation"]
    assert correlation["video_like_count"]["video_view_count"] == pytest.approx(expected, abs=1e-4)
    assert "correlation" in results["figures"]
    length = complete["video_transcription_text"].str.len().groupby(complete["verified_status"]).median()
    driver = next(d for d in results["drivers"] if d["feature"] == "transcription_length")
    assert f"median {length['verified']:,.3g} vs {length['not verified']:,.3g}" in driver["direction"]


def test_tiktok_sets_its_honest_figures_beside_the_published_leaky_ones(preset_runs):
    results = preset_runs["tiktok"]["results"]
    published = results["published"]
    assert published["metrics"] == {"accuracy": 0.659, "precision": 0.617, "recall": 0.85, "f1": 0.715}
    logit = next(m for m in results["models"] if m["name"] == "logistic_regression")
    (tn, fp), (fn, tp) = logit["test"]["confusion_matrix"]
    found, false_alarms = tp / (tp + fn), fp / (fp + tn)
    rows = {(r["model"], r["metric"]): r for r in published["rows"]}
    assert rows[("logistic_regression", "f1")]["here"] == pytest.approx(logit["test"]["f1"])
    assert rows[("logistic_regression", "accuracy")]["here_balanced"] == pytest.approx((found + 1 - false_alarms) / 2)
    assert rows[("logistic_regression", "precision")]["here_balanced"] == pytest.approx(found / (found + false_alarms))
    text = published["comparison"]
    assert "reported accuracy 0.659, precision 0.617, recall 0.850 and F1 0.715" in text
    assert "true 6.3% share" in text and f"F1 {logit['test']['f1']:.3f}" in text
    assert text not in results["questions"][3]["answer"] and published["brief"] in results["questions"][3]["answer"]


def test_audiobooks_reads_the_headerless_file_with_named_columns(preset_runs, audiobooks_raw):
    results = preset_runs["audiobooks"]["results"]
    assert results["settings"]["read"]["columns"] == AUDIOBOOK_COLUMNS
    assert results["dataset"]["rows_read"] == results["dataset"]["rows_used"] == 14084
    assert results["dataset"]["positive_rate"] == pytest.approx(audiobooks_raw["bought_again"].mean(), abs=1e-6)
    assert "customer_id" not in results["dataset"]["features"]
    columns = {c["column"]: c for c in results["preprocessing"]["columns"]}
    assert list(columns) == AUDIOBOOK_COLUMNS
    assert columns["customer_id"]["kind"] == "identifier"
    missing = next(s for s in results["preprocessing"]["steps"] if s["name"] == "Missing values")
    assert f"review_score ({audiobooks_raw['review_score'].isna().sum():,})" in missing["description"]
    assert audiobooks_raw["review_score"].isna().sum() == 11616


def test_audiobooks_counts_rows_that_repeat_anothers_features(preset_runs, audiobooks_raw):
    results = preset_runs["audiobooks"]["results"]
    features = audiobooks_raw.drop(columns=["customer_id", "bought_again"])
    repeated = int(features.duplicated().sum())
    assert results["preprocessing"]["duplicates"]["rows"] == repeated == 4995
    assert f"{repeated:,} rows" in preset_runs["audiobooks"]["pdf"]


def test_audiobooks_relates_its_figures_to_the_published_balanced_accuracy(preset_runs):
    results = preset_runs["audiobooks"]["results"]
    best = next(m for m in results["models"] if m["name"] == results["best_model"])
    (tn, fp), (fn, tp) = best["test"]["confusion_matrix"]
    balanced = (tp / (tp + fn) + tn / (tn + fp)) / 2
    row = next(r for r in results["published"]["rows"] if r["model"] == best["name"])
    assert (row["metric"], row["published"]) == ("accuracy", 0.82)
    assert row["here"] == pytest.approx(best["test"]["accuracy"])
    assert row["here_balanced"] == pytest.approx(balanced)
    assert f"{balanced:.3f}" in results["published"]["comparison"]
    assert f"{balanced - 0.82:+.3f}" in results["published"]["comparison"]
    best_part = results["published"]["comparison"].split(f"The {best['label'].lower()} (recommended)")[1]
    assert np.isclose(best["test"]["roc_auc"], float(re.search(r"ROC AUC, which .*? is ([0-9.]+)\.",
                                                               best_part).group(1)), atol=5e-4)
    network = next(m for m in results["models"] if m["name"] == "neural_network")
    assert results["published"]["model"] == "neural_network"
    assert {r["model"] for r in results["published"]["rows"]} == {"neural_network", best["name"]}
    assert f"accuracy {network['test']['accuracy']:.3f} at its decision threshold" in results["published"]["comparison"]


def test_a_preset_that_leaves_out_a_default_family_says_which_and_why(preset_runs):
    from reportgen.config import resolve_config
    from reportgen.engine import families_left_out

    for name in ("audiobooks", "tiktok"):
        results = preset_runs[name]["results"]
        assert results["families_left_out"] == ["Support vector machine"]
        assert "svm" not in {m["name"] for m in results["models"]}
        assert ("Not compared here: support vector machine (on 11,000 to 15,000 training rows"
                in preset_runs[name]["pdf"])
    assert families_left_out(resolve_config(None, preset="students")) == []


@pytest.mark.parametrize("name", ["tiktok", "audiobooks"])
def test_the_executive_summary_fits_one_page_and_says_each_thing_once(preset_runs, name):
    run = preset_runs[name]
    assert summary_on_one_page(run["pages"], run["results"]) == []
    assert repeated_sentences(run["results"]) == []
    assert reads_in_its_own_words(run["pdf"], run["results"]) == []


def test_tiktoks_logit_is_read_from_its_training_videos_not_their_oversampled_copies(preset_runs):
    results = preset_runs["tiktok"]["results"]
    logit_model = next(m for m in results["models"] if m["name"] == "logistic_regression")
    assert logit_model["strategy"] == "random_over"
    assert results["logit"]["n_observations"] == results["dataset"]["train_rows"]
    assert f"fitted on the {results['dataset']['train_rows']:,} training videos as they are" in \
        preset_runs["tiktok"]["pdf"]

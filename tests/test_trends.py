"""reportgen/trends.py: rates and volumes per period that pandas agrees with, a forecast with its
interval, a sentence instead of a forecast for a short series, and the section in a real report."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from reportgen.narrative.trends import with_trend_words
from reportgen.result import ForecastModel, NoForecast
from reportgen.trends import find_trends


@pytest.fixture
def result(stored_synthetic_result):
    return stored_synthetic_result


def dated_frame(start: str = "2022-01-01", end: str = "2023-06-30", rows: int = 1500, seed: int = 5) -> pd.DataFrame:
    """Sign-ups spread over the dates, converting more often later (from about 10% to 30%)."""
    rng = np.random.default_rng(seed)
    days = (pd.Timestamp(end) - pd.Timestamp(start)).days
    offset = rng.integers(0, days + 1, rows)
    signup = pd.Timestamp(start) + pd.to_timedelta(offset, unit="D")
    rate = 0.1 + 0.2 * offset / days
    return pd.DataFrame({"signup": signup.strftime("%Y-%m-%d"), "minutes": rng.gamma(2, 30, rows).round(1),
                         "y": (rng.random(rows) < rate).astype(int)})


def monthly(frame: pd.DataFrame) -> pd.DataFrame:
    month = pd.to_datetime(frame["signup"]).dt.to_period("M")
    return frame.groupby(month)["y"].agg(["size", "sum", "mean"])


def test_monthly_rates_and_volumes_match_pandas_and_the_forecast_has_an_interval(make_config, result):
    frame = dated_frame()
    config = make_config(frame, types={"signup": "date"})
    trends = find_trends(frame, frame["y"], config)
    expected = monthly(frame)
    assert trends.frequency == "month" and trends.column == "signup" and len(trends.points) == 18
    for point, (period, row) in zip(trends.points, expected.iterrows()):
        assert point.period == str(period.start_time.date())
        assert (point.rows, point.conversions) == (row["size"], row["sum"])
        assert point.rate == pytest.approx(row["mean"], abs=1e-6)
    assert len(trends.forecast) == 3 and trends.forecast[0].period == "2023-07-01"
    for f in trends.forecast:
        assert 0 <= f.rate_low <= f.rate <= f.rate_high <= 1
        assert f.rows_low <= f.rows <= f.rows_high
    assert trends.forecast_model == ForecastModel.DAMPED_TREND and trends.level == 0.95
    assert trends.forecast[0].rate > expected["mean"].iloc[:3].mean()
    assert (trends.undated, trends.partial_first, trends.partial_last, trends.no_forecast_kind) == (0, "", "", None)
    words = worded(result, trends)
    assert "damped trend" in words.method and words.left_out == [] and words.no_forecast == ""
    assert words.caption == ("Share of buyers (top) and number of users (bottom) per month; the forecast with its 95% "
                             "prediction interval in orange.")


def worded(result, trends):
    """These trends with their words, in the synthetic run's vocabulary (buyers, users)."""
    return with_trend_words(dataclasses.replace(result, trends=trends))


def observations(result, trends) -> list[str]:
    return worded(result, trends).observations


def test_a_short_series_gets_a_reason_instead_of_a_forecast(make_config, result):
    frame = dated_frame(end="2022-05-31", rows=400)
    config = make_config(frame, types={"signup": "date"}, trends={"frequency": "month"})
    trends = find_trends(frame, frame["y"], config)
    assert len(trends.points) == 5 and trends.forecast == [] and trends.forecast_model is None
    assert (trends.no_forecast_kind, trends.min_periods) == (NoForecast.TOO_FEW_PERIODS, 8)
    words = worded(result, trends)
    assert words.method == "" and words.caption.endswith("per month.")
    assert words.no_forecast.startswith("only 5 complete months of data: too few for a forecast (at least 8")
    assert f"No forecast: {words.no_forecast}." in words.observations
    unfitted = worded(result, dataclasses.replace(trends, no_forecast_kind=NoForecast.NOT_FITTED))
    assert "No forecast: the forecasting model could not be fitted to this series." in unfitted.observations


def test_incomplete_edge_periods_and_undated_rows_are_left_out_and_said(make_config, result):
    frame = dated_frame(start="2022-01-20", end="2023-06-10")
    frame.loc[:9, "signup"] = "not a date"
    config = make_config(frame, types={"signup": "date"}, trends={"frequency": "month", "horizon": 2})
    trends = find_trends(frame, frame["y"], config)
    assert trends.points[0].period == "2022-02-01" and trends.points[-1].period == "2023-05-01"
    assert (trends.undated, trends.partial_first, trends.partial_last) == (10, "2022-01-01", "2023-06-01")
    assert worded(result, trends).left_out == [
        "10 rows without a readable date", "the first month (2022-01-01 on), as the data start on 2022-01-20",
        "the last month (2023-06-01 on), as the data end on 2023-06-10"]
    assert len(trends.forecast) == 2


def test_auto_frequency_takes_weeks_for_a_few_months(make_config):
    frame = dated_frame(start="2024-01-01", end="2024-05-26", rows=600)
    config = make_config(frame, types={"signup": "date"})
    trends = find_trends(frame, frame["y"], config)
    assert trends.frequency == "week" and len(trends.points) == 21
    weeks = pd.to_datetime(frame["signup"]).dt.to_period("W")
    assert [p.rows for p in trends.points] == list(frame.groupby(weeks).size())


def test_no_date_column_means_no_trends(analysis):
    assert analysis.config.trend_column() is None
    assert analysis.result.trends is None


def test_trend_settings_are_checked(make_config):
    frame = dated_frame(rows=100)
    with pytest.raises(Exception, match="trends.column 'minutes' is typed numeric"):
        make_config(frame, types={"minutes": "numeric", "signup": "date"}, trends={"column": "minutes"})
    with pytest.raises(Exception, match="horizon"):
        make_config(frame, trends={"horizon": 0})
    assert make_config(frame, types={"signup": "date"}).trend_column() == "signup"


def test_trend_sentences_follow_the_series(make_config, result):
    frame = dated_frame()
    config = make_config(frame, types={"signup": "date"})
    rising = find_trends(frame, frame["y"], config)
    falling = dataclasses.replace(rising, points=list(reversed(
        [dataclasses.replace(p, period=q.period) for p, q in zip(rising.points, reversed(rising.points))])))
    up, down = observations(result, rising), observations(result, falling)
    first = sum(p.conversions for p in rising.points[:3]) / sum(p.rows for p in rising.points[:3])
    last = sum(p.conversions for p in rising.points[-3:]) / sum(p.rows for p in rising.points[-3:])
    assert up[0].startswith(f"The share of buyers rose from {first:.1%} in the first 3 months to {last:.1%}")
    assert down[0].startswith(f"The share of buyers fell from {last:.1%} in the first 3 months to {first:.1%}")
    f = rising.forecast[-1]
    assert (f"Forecast for the month from {f.period}, by {worded(result, rising).method}: {f.rate:.1%} "
            f"buyers (95% interval "
            f"{f.rate_low:.1%} to {f.rate_high:.1%})") in up[2]


def test_a_dated_table_run_through_the_cli_reports_trends_segments_and_exploration(messy_runs):
    """The messy churn table has a signup date: its bare run shows the monthly trend pandas computes."""
    result = messy_runs["bare"]
    trends = result["trends"]
    table = pd.read_csv(messy_runs["folder"] / "churn.csv")
    month = pd.to_datetime(table["signup_date"]).dt.to_period("M")
    rates = (table["churned"] == "yes").groupby(month).mean()
    assert trends["column"] == "signup_date" and trends["frequency"] == "month"
    for point in trends["points"]:
        assert point["rate"] == pytest.approx(rates[pd.Period(point["period"], "M")], abs=1e-6)
    assert trends["forecast"] and trends["observations"]
    segments = result["segments"]
    assert segments["k"] == len(segments["profiles"]) and segments["silhouette"] == max(segments["curve"].values())
    assert sum(p["size"] for p in segments["profiles"]) == result["dataset"]["rows_used"]
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(messy_runs["folder"] / "bare" /
                                                                           "report.pdf").pages))
    assert "Over time" in text and "Segments of customers" in text and "Exploring the data" in text
    assert segments["profiles"][0]["name"] in text
    assert f"{trends['forecast'][0]['rate']:.1%}" in text

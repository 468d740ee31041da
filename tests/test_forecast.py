"""reportgen/forecast/: the rolling-origin backtest's errors against a computation by hand and statsmodels' own
ETS, which forecaster it picks on a seasonal series and on a random walk, forecasts that see only the periods
before their origin, the LSTM (seeded, its training curves, early stopping, PyTorch missing), the trends.methods
settings, the choice in words, and a daily table run through the command line."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import warnings

import numpy as np
import pandas as pd
import pytest
from conftest import dated_signups_frame, dated_signups_spec, run_cli, synthetic_frame, synthetic_spec, write_dataset
from pypdf import PdfReader

from reportgen.config import LstmSpec, TrendSpec
from reportgen.errors import ReportInputError
from reportgen.forecast import NotAvailable, backtest_origins, chosen_method, forecaster, scored_methods
from reportgen.forecast import backtest as backtest_module
from reportgen.forecast.backtest import MIN_TRAINING, naive_scale, scores_of
from reportgen.forecast.lstm import lstm_forecast
from reportgen.narrative.trends import with_trend_words
from reportgen.result import BacktestRow, ForecastMethod, ForecastModel, MethodStatus, TrainingEnd, Trends
from reportgen.trends import find_trends

ES, NAIVE, LSTM = ForecastMethod.EXPONENTIAL_SMOOTHING, ForecastMethod.SEASONAL_NAIVE, ForecastMethod.LSTM
SMALL_LSTM = LstmSpec(max_epochs=30, hidden_size=8)
"""A network that trains in a fraction of a second on the series here."""
HORIZON, LEVEL, SEED = 3, 0.95, 0
WEEK = [8, 10, 9, 7, 5, -14, -16]


def weekly_series(length: int = 120, seed: int = 1, noise: float = 0.5) -> np.ndarray:
    """A daily volume with a strong weekly pattern, a slight rise and a little noise."""
    t = np.arange(length)
    return 50 + np.array(WEEK)[t % 7] + 0.05 * t + np.random.default_rng(seed).normal(0, noise, length)


def random_walk(length: int = 200, seed: int = 0) -> np.ndarray:
    return 100 + np.cumsum(np.random.default_rng(seed).normal(0, 1, length))


def scores(method: ForecastMethod, values: np.ndarray, origins: list[int], season: int,
           lstm: LstmSpec = SMALL_LSTM):
    return scores_of(method, values, origins, HORIZON, season, LEVEL, SEED, lstm, "volume")


def by_hand_errors(values: np.ndarray, origins: list[int], lag: int) -> list[float]:
    """Each origin's forecasts as the value `lag` periods before the period forecast (from the last `lag` periods
    before the origin), step by step up to the horizon, and their absolute errors."""
    errors = []
    for origin in origins:
        for step in range(min(HORIZON, len(values) - origin)):
            errors.append(abs(values[origin - lag + step % lag] - values[origin + step]))
    return errors


@pytest.mark.parametrize("season", [7, 0])
def test_seasonal_naive_errors_mae_and_mase_equal_a_computation_by_hand(season):
    values = weekly_series(40, noise=2.0)
    origins = backtest_origins(len(values), 5)
    lag = season or 1
    errors = by_hand_errors(values, origins, lag)
    before = values[:origins[0]]
    in_sample = np.mean(np.abs(before[lag:] - before[:-lag]))
    found = scores(NAIVE, values, origins, season)
    assert found.status == MethodStatus.SCORED and len(found.errors) == 3 + 3 + 3 + 2 + 1
    assert found.errors == pytest.approx(errors, abs=1e-12)
    assert found.mae == pytest.approx(np.mean(errors), abs=1e-12)
    assert found.mase == pytest.approx(np.mean(errors) / in_sample, abs=1e-12)


def test_exponential_smoothing_errors_equal_statsmodels_ets_fitted_at_each_origin():
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    values = weekly_series(40, noise=2.0)
    origins = backtest_origins(len(values), 6)
    assert forecaster(ES)(values[:origins[0]], HORIZON, 7, LEVEL, SEED, SMALL_LSTM, "volume").model == \
        ForecastModel.DAMPED_SEASONAL
    errors = []
    for origin in origins:
        steps = min(HORIZON, len(values) - origin)
        model = ETSModel(pd.Series(values[:origin]), error="add", trend="add", damped_trend=True, seasonal="add",
                         seasonal_periods=7)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            mean = model.fit(disp=False).forecast(steps).to_numpy()
        errors.extend(np.abs(mean - values[origin:origin + steps]))
    found = scores(ES, values, origins, 7)
    assert found.errors == pytest.approx(errors, rel=1e-6)
    assert found.mae == pytest.approx(np.mean(errors), rel=1e-6)
    assert found.mase == pytest.approx(np.mean(errors) / naive_scale(values[:origins[0]], 7), rel=1e-6)


def test_a_seasonal_forecaster_wins_on_a_weekly_series_and_the_lstm_is_scored():
    values = weekly_series(70)
    origins = backtest_origins(len(values), 6)
    brief = LstmSpec(max_epochs=10, hidden_size=8)
    seasonal = scored_methods([ES, NAIVE, LSTM], values, origins, HORIZON, 7, LEVEL, SEED, brief, "volume")
    flat = scored_methods([ES, NAIVE], values, origins, HORIZON, 0, LEVEL, SEED, SMALL_LSTM, "volume")
    assert all(s.status == MethodStatus.SCORED for s in [*seasonal.values(), *flat.values()])
    best_seasonal = min(seasonal[ES].mae, seasonal[NAIVE].mae)
    assert best_seasonal < min(s.mae for s in flat.values()) / 5
    assert chosen_method(seasonal) in (ES, NAIVE)
    assert np.isfinite(seasonal[LSTM].mae) and len(seasonal[LSTM].errors) == len(seasonal[ES].errors)
    assert seasonal[ES].mase < 1.5 and min(s.mase for s in flat.values()) > 1


def test_the_seasonal_models_bring_no_gain_on_a_random_walk():
    """The best forecast of a random walk is its last value: repeating last week's errs more, and a seasonal
    component does not help exponential smoothing beyond noise."""
    values = random_walk()
    origins = backtest_origins(len(values), 30)
    seasonal = scored_methods([ES, NAIVE], values, origins, HORIZON, 7, LEVEL, SEED, SMALL_LSTM, "volume")
    flat = scored_methods([ES, NAIVE], values, origins, HORIZON, 0, LEVEL, SEED, SMALL_LSTM, "volume")
    assert seasonal[NAIVE].mae > flat[NAIVE].mae and seasonal[ES].mae > 0.9 * flat[ES].mae
    assert seasonal[NAIVE].mae / naive_scale(values[:origins[0]], 0) > 1
    assert flat[NAIVE].mase > 0.9 and flat[ES].mase > 0.9


@pytest.mark.parametrize(("length", "wanted", "origins"), [
    (30, 6, [24, 25, 26, 27, 28, 29]),
    (30, 1, [29]),
    (8, 6, [MIN_TRAINING, 5, 6, 7]),
    (MIN_TRAINING + 1, 6, [MIN_TRAINING]),
])
def test_the_origins_are_the_last_periods_that_leave_some_before_them(length, wanted, origins):
    assert backtest_origins(length, wanted) == origins


@pytest.mark.parametrize("method", list(ForecastMethod))
def test_each_forecast_sees_only_the_periods_before_its_origin(method, monkeypatch):
    """A value changed at one origin leaves the forecasts made at it and before it as they were."""
    calls = []

    def spying(chosen):
        forecast = forecaster(chosen)

        def spy(values, *args):
            found = forecast(values, *args)
            calls.append((values.copy(), found.mean))
            return found
        return spy

    monkeypatch.setattr(backtest_module, "forecaster", spying)
    values = weekly_series(60, noise=2.0)
    origins = backtest_origins(len(values), 6)
    changed = values.copy()
    changed[origins[2]] += 40
    for series in (values, changed):
        assert scores(method, series, origins, 7).status == MethodStatus.SCORED
    first, second = calls[:len(origins)], calls[len(origins):]
    for origin, (seen, _) in zip(origins, first):
        assert np.array_equal(seen, values[:origin])
    for (_, before), (_, after) in zip(first[:3], second[:3]):
        assert np.array_equal(before, after)


def test_the_lstm_gives_the_same_numbers_twice_and_its_curves_count_every_epoch():
    values = weekly_series(60, noise=2.0)
    once, again = (lstm_forecast(values, HORIZON, 7, LEVEL, 5, SMALL_LSTM, "volume") for _ in range(2))
    other = lstm_forecast(values, HORIZON, 7, LEVEL, 6, SMALL_LSTM, "volume")
    for field in ("mean", "low", "high"):
        assert np.array_equal(getattr(once, field), getattr(again, field))
    assert once.history == again.history and not np.array_equal(once.mean, other.mean)
    history = once.history
    assert history.epochs == len(history.training_loss) == len(history.validation_loss) <= SMALL_LSTM.max_epochs
    assert (history.name, history.label) == ("lstm_volume", "LSTM forecaster of the volume")
    assert np.all(once.low < once.mean) and np.all(once.mean < once.high)
    assert np.all(np.diff(once.high - once.low) > 0)


def test_the_lstm_stops_after_patience_epochs_without_progress_and_keeps_its_best_weights():
    values = random_walk(80, seed=3)
    patient = LstmSpec(max_epochs=400, patience=4, hidden_size=8, learning_rate=0.05)
    stopped = lstm_forecast(values, HORIZON, 0, LEVEL, SEED, patient, "share")
    history = stopped.history
    assert history.ending == TrainingEnd.STOPPED_EARLY and history.epochs < patient.max_epochs
    assert history.epochs == history.best_epoch + patient.patience
    assert min(history.validation_loss[history.best_epoch:]) >= history.validation_loss[history.best_epoch - 1]
    until_best = patient.model_copy(update={"max_epochs": history.best_epoch, "patience": 1000})
    kept = lstm_forecast(values, HORIZON, 0, LEVEL, SEED, until_best, "share")
    assert np.array_equal(kept.mean, stopped.mean)
    short = lstm_forecast(values, HORIZON, 0, LEVEL, SEED, LstmSpec(max_epochs=5, patience=1000, hidden_size=8),
                          "share").history
    assert (short.epochs, short.ending) == (5, TrainingEnd.REACHED_LIMIT)


def test_a_series_too_short_for_the_lstm_is_said_so():
    values = weekly_series(18)
    with pytest.raises(NotAvailable, match="needs at least 14 periods") as missing:
        lstm_forecast(values[:13], HORIZON, 7, LEVEL, SEED, SMALL_LSTM, "share")
    assert missing.value.installed
    assert lstm_forecast(values[:14], HORIZON, 7, LEVEL, SEED, SMALL_LSTM, "share").history.epochs >= 1
    assert scores(LSTM, values, backtest_origins(18, 6), 7).status == MethodStatus.TOO_SHORT


def ten_weeks() -> pd.DataFrame:
    """Ten complete weeks of sign-ups: enough for a forecast (8), too few for the LSTM (14) or a season."""
    return dated_signups_frame(days=70)


def weekly_trends(make_config, frame: pd.DataFrame, **trends) -> Trends:
    config = make_config(frame, target={"column": "converted"}, types={"signup_date": "date"},
                         trends={"frequency": "week", **trends})
    return find_trends(frame, frame["converted"], config)


def test_without_pytorch_the_lstm_is_not_installed_and_the_report_says_how_to_install_it(monkeypatch, make_config,
                                                                                          stored_synthetic_result):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(NotAvailable, match=re.escape("pip install 'reportgen[deep]'")) as missing:
        lstm_forecast(weekly_series(), HORIZON, 7, LEVEL, SEED, SMALL_LSTM, "volume")
    assert not missing.value.installed
    assert scores(LSTM, weekly_series(), backtest_origins(120, 6), 7).status == MethodStatus.NOT_INSTALLED
    trends = weekly_trends(make_config, ten_weeks())
    row = next(r for r in trends.backtest if r.method == LSTM)
    assert (row.status, row.rate_mae, row.forecasts) == (MethodStatus.NOT_INSTALLED, None, 0)
    assert trends.forecast and trends.histories == [] and LSTM not in (trends.rate_method, trends.volume_method)
    words = with_trend_words(dataclasses.replace(stored_synthetic_result, trends=trends))
    note = next(r for r in words.backtest if r.method == LSTM).note
    assert note == "not run: it needs PyTorch (pip install 'reportgen[deep]')"
    assert words.choice.endswith(f"The LSTM network was {note}.")


def test_a_forced_method_joins_the_competition_and_no_method_is_an_error(make_config):
    assert TrendSpec(methods=["seasonal_naive"], method="lstm").methods == ["seasonal_naive", "lstm"]
    assert TrendSpec(methods=["lstm", "seasonal_naive"], method="lstm").methods == ["lstm", "seasonal_naive"]
    with pytest.raises(ReportInputError, match=r"trends\.methods lists no forecaster") as empty:
        make_config(ten_weeks(), target={"column": "converted"}, trends={"methods": []})
    assert "\n" not in str(empty.value)


def test_a_forced_method_forecasts_or_says_in_one_line_why_it_cannot(make_config, stored_synthetic_result):
    frame = ten_weeks()
    forced = weekly_trends(make_config, frame, method="seasonal_naive")
    assert forced.forced and forced.rate_method == forced.volume_method == NAIVE and len(forced.forecast) == 3
    assert [r.method for r in forced.backtest] == [ES, NAIVE, LSTM]
    assert next(r for r in forced.backtest if r.method == LSTM).status == MethodStatus.TOO_SHORT
    words = with_trend_words(dataclasses.replace(stored_synthetic_result, trends=forced))
    naive = "the naive forecast (the last period repeated)"
    assert words.choice.startswith(f"The share is forecast by {naive}, as trends.method asks. "
                                   f"The volume is forecast by {naive}, as trends.method asks.")
    with pytest.raises(ReportInputError, match="trends.method 'lstm' cannot forecast this table's share: needs at "
                                               "least 14 periods; choose another method") as failed:
        weekly_trends(make_config, frame, method="lstm")
    assert "\n" not in str(failed.value)


def backtest_trends(rows: list[BacktestRow]) -> Trends:
    """Daily trends with this backtest, each series forecast by the method with the lowest error (found here)."""
    return Trends(column="signup_date", label="Signup date", frequency="day", points=[], season=7, origins=6,
                  backtest=rows, rate_method=min(rows, key=lambda r: r.rate_mae).method,
                  volume_method=min(rows, key=lambda r: r.volume_mae).method)


def test_two_backtests_read_as_two_different_true_choices(stored_synthetic_result):
    first = backtest_trends([
        BacktestRow(ES, MethodStatus.SCORED, 0.0123, 0.45, 12.5, 0.9, 15),
        BacktestRow(NAIVE, MethodStatus.SCORED, 0.02, 0.7, 4.56, 0.4, 15),
        BacktestRow(LSTM, MethodStatus.SCORED, 0.031, 1.1, 20.0, 1.5, 15)])
    second = backtest_trends([
        BacktestRow(ES, MethodStatus.SCORED, 0.05, 1.2, 3.2, 0.8, 15),
        BacktestRow(NAIVE, MethodStatus.SCORED, 0.06, 1.0, 8.0, 1.0, 15),
        BacktestRow(LSTM, MethodStatus.SCORED, 0.0345, 1.15, 9.0, 1.2, 15)])
    one, two = (with_trend_words(dataclasses.replace(stored_synthetic_result, trends=t)).choice
                for t in (first, second))
    assert one != two
    share, volume, lstm = sentences(one)
    assert share.startswith("The share is forecast by exponential smoothing, which erred least in the backtest: by "
                            "1.23 percentage points on average") and "MASE" not in share
    assert volume.startswith("The volume is forecast by the seasonal naive forecast, which erred least in the "
                             "backtest: by 4.6 users a day on average") and "MASE" not in volume
    assert lstm.startswith("The LSTM network lost on both series") and "3.10 percentage points" in lstm
    share, volume = sentences(two)
    assert share.startswith("The share is forecast by the LSTM network, which erred least in the backtest: by "
                            "3.45 percentage points on average; its MASE of 1.15 says it did no better than "
                            "taking the value a week earlier")
    assert volume.startswith("The volume is forecast by exponential smoothing, which erred least in the backtest: "
                             "by 3.2 users a day on average") and "MASE" not in volume


def sentences(text: str) -> list[str]:
    return re.split(r"(?<=\.) (?=The )", text)


def test_a_daily_table_run_through_the_cli_backtests_three_forecasters(tmp_path):
    """Two years of daily sign-ups with a weekly season: each forecaster scored, a seasonal one forecasts the
    volume, and the PDF shows the backtest and the LSTM's training."""
    write_dataset(tmp_path, dated_signups_frame(), dated_signups_spec(), csv_name="signups.csv")
    completed = run_cli("run", "--config", "config.yaml", "--out", "out", cwd=tmp_path)
    assert completed.returncode == 0, completed.stderr
    trends = json.loads((tmp_path / "out" / "results.json").read_text(encoding="utf-8"))["trends"]
    assert [(r["method"], r["status"]) for r in trends["backtest"]] == [
        (m.value, "scored") for m in (ES, NAIVE, LSTM)]
    assert all(r["forecasts"] == 3 + 3 + 2 + 1 for r in trends["backtest"])
    assert (trends["season"], trends["origins"], trends["frequency"]) == (7, 4, "day")
    volume = ForecastMethod(trends["volume_method"])
    assert volume == NAIVE or (volume == ES and trends["volume_model"] in ("seasonal", "damped_seasonal"))
    assert len(trends["forecast"]) == 3
    for point in trends["forecast"]:
        assert point["rate_low"] <= point["rate"] <= point["rate_high"]
        assert point["rows_low"] <= point["rows"] <= point["rows_high"]
    assert {h["name"] for h in trends["histories"]} == {"lstm_share", "lstm_volume"}
    for history in trends["histories"]:
        assert history["epochs"] == len(history["training_loss"]) <= 60
        assert (tmp_path / "out" / "figures" / f"training_{history['name']}.png").is_file()
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(tmp_path / "out" /
                                                                                 "report.pdf").pages))
    assert "Which forecaster, by backtest" in text and "How the networks trained" in text
    assert trends["choice"] in text
    chosen = {"exponential_smoothing": "exponential smoothing", "seasonal_naive": "the seasonal naive forecast",
              "lstm": "the LSTM network"}
    assert f"The volume is forecast by {chosen[volume.value]}, which erred least" in text


def test_a_table_without_dates_never_imports_pytorch(tmp_path):
    config = write_dataset(tmp_path, synthetic_frame(), synthetic_spec())
    code = ("import sys; from reportgen.config import load_config; from reportgen.engine import analyse; "
            f"analyse(load_config({str(config)!r})); print('torch' in sys.modules)")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "False"


def test_too_few_periods_for_a_backtest_still_forecast_without_one(make_config):
    """Four complete weeks leave no origin after the four periods a backtest fits on: the first listed forecaster
    forecasts, and no backtest is shown."""
    days = pd.date_range("2024-01-01", periods=28, freq="D").repeat(5)
    frame = pd.DataFrame({"d": days.strftime("%Y-%m-%d"), "y": np.random.default_rng(0).integers(0, 2, len(days))})
    config = make_config(frame, types={"d": "date"}, trends={"frequency": "week", "min_periods": 4})
    found = find_trends(frame, frame["y"], config)
    assert found.origins == 0 and found.backtest == [] and len(found.forecast) == 3
    assert found.rate_method == found.volume_method == ForecastMethod.EXPONENTIAL_SMOOTHING


def test_a_method_listed_twice_competes_once():
    assert TrendSpec(methods=["seasonal_naive", "seasonal_naive"]).methods == ["seasonal_naive"]

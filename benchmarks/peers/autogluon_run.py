"""Run AutoGluon's TabularPredictor (presets="medium_quality", no time limit) on one prepared split; print one
JSON line of results.

Runs inside AutoGluon's own environment (see bench_automl.py), never imported by reportgen. AutoGluon takes no
seed (its holdout split and its models' seeds are fixed), so SEED changes only the split it is given. Its
eval_metric is average precision, the PR AUC this benchmark compares (FLAML gets the same, `ap`): AutoGluon's
default for a binary outcome, accuracy, would rank and weight its models for another goal than the one scored.
Usage: python autogluon_run.py TRAIN.csv TEST.csv SEED TARGET POSITIVE
"""

import tempfile
import time

started = time.perf_counter()
from autogluon.tabular import TabularPredictor  # noqa: E402
from peer_common import print_result, read_split  # noqa: E402

SLOWEST = 4
"""How many of the slowest models' fit seconds the JSON line names (AutoGluon trains a dozen without a limit)."""

split = read_split()
features = split.test.drop(columns=split.target)
with tempfile.TemporaryDirectory(prefix="autogluon-") as models:
    fit_started = time.perf_counter()
    predictor = TabularPredictor(label=split.target, problem_type="binary", positive_class=1, path=models,
                                 eval_metric="average_precision", verbosity=0)
    predictor.fit(split.train, presets="medium_quality")
    fit_seconds = time.perf_counter() - fit_started
    probabilities = predictor.predict_proba(features)[1].to_numpy()
    labels = predictor.predict(features).to_numpy()
    fits = predictor.leaderboard(silent=True).sort_values("fit_time", ascending=False)
    slowest = {row.model: round(row.fit_time, 1) for row in fits.head(SLOWEST).itertuples()}
    print_result("autogluon.tabular", split, predictor.model_best, fit_seconds, started, probabilities, labels,
                 {"slowest_fits": slowest})

"""Run FLAML's AutoML (60 s budget, average precision) on one prepared split; print one JSON line of results.

Runs inside FLAML's own environment (see bench_automl.py), never imported by reportgen.
Usage: python flaml_run.py TRAIN.csv TEST.csv SEED TARGET POSITIVE
"""

import time

started = time.perf_counter()
from flaml import AutoML  # noqa: E402
from peer_common import print_result, read_split  # noqa: E402

TIME_BUDGET = 60
"""Seconds of search; "ap" is FLAML's average precision metric for binary outcomes."""

split = read_split()
automl = AutoML()
fit_started = time.perf_counter()
automl.fit(split.train.drop(columns=split.target), split.train[split.target], task="classification", metric="ap",
           time_budget=TIME_BUDGET, seed=split.seed, verbose=0)
fit_seconds = time.perf_counter() - fit_started
features = split.test.drop(columns=split.target)
print_result("flaml", split, automl.best_estimator, fit_seconds, started, automl.predict_proba(features)[:, 1],
             automl.predict(features))

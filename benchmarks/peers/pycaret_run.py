"""Run PyCaret's compare_models with its defaults on one prepared split; print one JSON line of results.

Runs inside PyCaret's own environment (see bench_automl.py), never imported by reportgen.
Usage: python pycaret_run.py TRAIN.csv TEST.csv SEED TARGET POSITIVE
"""

import time

started = time.perf_counter()
from peer_common import print_result, read_split  # noqa: E402
from pycaret.classification import compare_models, predict_model, setup  # noqa: E402

split = read_split()
setup(data=split.train, test_data=split.test, target=split.target, session_id=split.seed, verbose=False, html=False,
      index=False)
fit_started = time.perf_counter()
best = compare_models(verbose=False)
fit_seconds = time.perf_counter() - fit_started
predictions = predict_model(best, data=split.test.drop(columns=split.target), raw_score=True, verbose=False)
print_result("pycaret", split, type(best).__name__, fit_seconds, started,
             predictions["prediction_score_1"].to_numpy(), predictions["prediction_label"].to_numpy())

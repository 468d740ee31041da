"""Run PyCaret 3.3.2 compare_models on one prepared split; print one JSON line of results.

Runs inside PyCaret's own environment (see bench_automl.py), never imported by reportgen.
Usage: python pycaret_run.py TRAIN.csv TEST.csv SEED
"""

import json
import sys
import time

started = time.perf_counter()
import pandas as pd  # noqa: E402
from pycaret.classification import compare_models, predict_model, setup  # noqa: E402
from sklearn.metrics import average_precision_score, f1_score, roc_auc_score  # noqa: E402

train_path, test_path, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
train = pd.read_csv(train_path, keep_default_na=False, na_values=[""])
test = pd.read_csv(test_path, keep_default_na=False, na_values=[""])
setup(data=train, test_data=test, target="purchased", session_id=seed, verbose=False, html=False, index=False)
search_started = time.perf_counter()
best = compare_models(verbose=False)
search_seconds = time.perf_counter() - search_started
predictions = predict_model(best, data=test.drop(columns="purchased"), raw_score=True, verbose=False)
probabilities = predictions["prediction_score_1"].to_numpy()
labels = predictions["prediction_label"].to_numpy()
y = test["purchased"].to_numpy()
print(json.dumps({
    "tool": "PyCaret 3.3.2", "seed": seed, "model": type(best).__name__,
    "search_seconds": round(search_seconds, 1), "script_seconds": round(time.perf_counter() - started, 1),
    "f1": round(f1_score(y, labels), 4), "roc_auc": round(roc_auc_score(y, probabilities), 4),
    "pr_auc": round(average_precision_score(y, probabilities), 4),
}))

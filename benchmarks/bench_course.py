"""The course's own method as a plain script, against reportgen's whole default report.

The course method (the shared datasets README, "The course's method"): outlier rules, practice
exams started dropped, missing country -> NAM, ordinal-coded country, an 80/20 stratified split
(random_state 365), a statsmodels Logit without intercept, and grid searches scored by accuracy
with 5 folds for KNN (1..50 neighbours x uniform/distance), SVM (inputs scaled to [-1, 1]; linear,
poly, rbf x C 1..10 x gamma scale/auto) and a decision tree (ccp_alpha 0..0.005), then a random
forest (ccp_alpha 0.0001); confusion matrices and classification reports on the test set. No
figures, no report. Searches use every core, as the course's notebooks did with n_jobs=-1.

Both run as commands, timed from outside, back to back and alternating: `reportgen run` (default
preset, PDF included), the course's method, `reportgen run`, the course's method, `reportgen run`
(`--rounds` sets how many course runs); the ratio is the mean report run over the mean course run.
This machine's speed drifts: within one benchmark, report runs a few minutes apart took 12.1 and
16.8 s, and the course's method 88 to 103 s, in either order. A single report run beside a
single course run could land anywhere from 0.12 to 0.19; alternating runs sample the drift on both
sides. Run by hand: `python benchmarks/bench_course.py`; it prints figures and asserts nothing.
Issue 7's target: the report in at most 15% of the course method's time, with a best
purchase-class F1 of at least the course's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import statsmodels.api as sm
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import MinMaxScaler, OrdinalEncoder
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

DATA = Path(__file__).resolve().parents[1] / "data" / "ml_datasource.csv"


def course_method() -> dict[str, float]:
    """The course's pipeline; returns the purchase-class F1 of each model on the test set."""
    frame = pd.read_csv(DATA)
    frame = frame[(frame.minutes_watched <= 1000) & (frame.courses_started <= 10)
                  & (frame.practice_exams_started <= 10) & (frame.minutes_spent_on_exams <= 40)]
    frame = frame.drop(columns="practice_exams_started")
    frame["student_country"] = frame["student_country"].fillna("NAM")
    x, y = frame.drop(columns="purchased"), frame["purchased"]
    x_train, x_test, y_train, y_test = train_test_split(x, y, test_size=0.2, random_state=365, stratify=y)
    encoder = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=170)
    x_train, x_test = x_train.copy(), x_test.copy()
    x_train["student_country"] = encoder.fit_transform(x_train[["student_country"]]).ravel()
    x_test["student_country"] = encoder.transform(x_test[["student_country"]]).ravel()
    found = {}
    logit = sm.Logit(y_train, x_train).fit(disp=0)
    found["logistic regression"] = f1_score(y_test, (logit.predict(x_test) >= 0.5).astype(int))
    searches = {
        "knn": (KNeighborsClassifier(), {"n_neighbors": range(1, 51), "weights": ["uniform", "distance"]}, None),
        "svm": (SVC(), {"kernel": ["linear", "poly", "rbf"], "C": range(1, 11), "gamma": ["scale", "auto"]},
                MinMaxScaler(feature_range=(-1, 1))),
        "decision tree": (DecisionTreeClassifier(random_state=365),
                          {"ccp_alpha": [0, 0.001, 0.002, 0.003, 0.004, 0.005]}, None),
    }
    for name, (estimator, grid, scaler) in searches.items():
        train, test = (scaler.fit_transform(x_train), scaler.transform(x_test)) if scaler else (x_train, x_test)
        search = GridSearchCV(estimator, grid, scoring="accuracy", cv=5, n_jobs=-1).fit(train, y_train)
        predicted = search.best_estimator_.predict(test)
        confusion_matrix(y_test, predicted)
        classification_report(y_test, predicted)
        found[name] = f1_score(y_test, predicted)
    forest = RandomForestClassifier(ccp_alpha=0.0001, random_state=365).fit(x_train, y_train)
    found["random forest"] = f1_score(y_test, forest.predict(x_test))
    return found


def run_course_method() -> tuple[float, dict[str, float]]:
    """The course's script as its own command, timed from outside as `reportgen run` is: its
    interpreter's start and imports count, as ours do."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--course-only"], check=True, capture_output=True, text=True)
    return time.perf_counter() - started, json.loads(done.stdout.splitlines()[-1])


def run_reportgen(out: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "reportgen", "run", "--out", str(out)], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    if sys.argv[1:] == ["--course-only"]:
        print(json.dumps(course_method()))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=lambda text: max(1, int(text)), default=2,
                        help="course runs, each between two report runs (at least 1; default 2: report, course, "
                             "report, course, report)")
    rounds = parser.parse_args().rounds
    ours: list[float] = []
    courses: list[float] = []
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        ours.append(run_reportgen(out / "report-0"))
        for round_ in range(1, rounds + 1):
            seconds, course = run_course_method()
            courses.append(seconds)
            ours.append(run_reportgen(out / f"report-{round_}"))
            print(f"round {round_}: course method {seconds:.1f} s, reportgen {ours[-2]:.1f} s before it and "
                  f"{ours[-1]:.1f} s after it: ratio {(ours[-2] + ours[-1]) / 2 / seconds:.3f}", flush=True)
        results = pd.read_json(out / f"report-{rounds}" / "results.json", typ="series")
    best = next(m for m in results["models"] if m["name"] == results["best_model"])
    ratio = statistics.mean(ours) / statistics.mean(courses)
    print(f"course method: mean {statistics.mean(courses):.1f} s over {len(courses)} runs; purchase-class F1 "
          + ", ".join(f"{name} {f1:.3f}" for name, f1 in course.items()))
    print(f"reportgen run (PDF included): mean {statistics.mean(ours):.1f} s over {len(ours)} runs "
          f"({', '.join(f'{s:.1f}' for s in ours)}); recommended {best['label']}: purchase-class F1 "
          f"{best['test']['f1']:.3f}, PR AUC {best['test']['pr_auc']:.3f}")
    print(f"time ratio reportgen / course method: {ratio:.3f} (target <= 0.15); "
          f"F1 {best['test']['f1'] - max(course.values()):+.3f} against the course's best ({max(course.values()):.3f})")


if __name__ == "__main__":
    main()

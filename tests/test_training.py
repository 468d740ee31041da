"""reportgen/training.py and what reads its facts: the narrative's sentence under each training figure
(reportgen/narrative/training.py), the figure (reportgen/figures/training.py) and the appendix's partial."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import warnings
from types import SimpleNamespace

import matplotlib.pyplot as plt
import pytest
from conftest import words_outside
from imblearn.pipeline import Pipeline
from pypdf import PdfReader
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from reportgen.figures import built_figures, figure_drawers, training_curves
from reportgen.narrative.training import training_summary, with_training_words
from reportgen.render import render_html
from reportgen.result import TrainingEnd, Trends
from reportgen.scoring import load_model
from reportgen.training import classifier_histories, classifier_history, training_history

FALLING = [1.0, 0.8, 0.6, 0.5, 0.45, 0.42, 0.40, 0.39]


@pytest.fixture(autouse=True)
def closed_figures():
    yield
    plt.close("all")


def history(**curves):
    curves = {"training_loss": FALLING, "max_epochs": 100, "stopped_early": False, **curves}
    return training_history("net", "Net", **curves)


# The facts


def test_stopped_early_keeps_the_epoch_of_the_best_validation_score():
    found = history(validation_score=[0.6, 0.7, 0.8, 0.82, 0.81, 0.82, 0.80, 0.81], score_name="accuracy",
                    stopped_early=True)
    assert (found.best_epoch, found.epochs, found.ending) == (4, 8, TrainingEnd.STOPPED_EARLY)
    assert found.overfitting is False  # 0.81 against 0.82: within the margin


def test_without_early_stopping_fewer_epochs_than_allowed_is_convergence_and_all_of_them_the_limit():
    converged = history()
    assert (converged.ending, converged.best_epoch, converged.overfitting) == (TrainingEnd.CONVERGED, 8, False)
    limit = history(max_epochs=8)
    assert (limit.ending, limit.epochs, limit.max_epochs) == (TrainingEnd.REACHED_LIMIT, 8, 8)


def test_a_validation_loss_rising_while_the_training_loss_falls_is_overfitting():
    rising = history(validation_loss=[1.0, 0.8, 0.7, 0.72, 0.76, 0.8, 0.85, 0.9])
    assert (rising.best_epoch, rising.overfitting) == (3, True)
    flat_training = history(training_loss=[1.0, 0.8, 0.7, 0.7, 0.7, 0.71, 0.72, 0.75],
                            validation_loss=[1.0, 0.8, 0.7, 0.72, 0.76, 0.8, 0.85, 0.9])
    assert flat_training.overfitting is False
    noise = history(validation_loss=[1.0, 0.8, 0.7, 0.72, 0.71, 0.73, 0.72, 0.73])
    assert noise.overfitting is False  # gave back 0.03 of the 0.3 it gained
    a_falling_score = history(validation_score=[0.6, 0.7, 0.8, 0.78, 0.75, 0.72, 0.70, 0.70])
    assert (a_falling_score.best_epoch, a_falling_score.overfitting) == (3, True)


def test_curves_are_rounded_and_cut_before_a_value_that_is_not_finite():
    found = history(training_loss=[1 / 3, 0.25, math.nan, 0.2], validation_loss=[0.5, 0.4, 0.3, math.inf])
    assert found.training_loss == [0.333333, 0.25]
    assert found.validation_loss == [0.5, 0.4, 0.3]
    assert (found.epochs, found.best_epoch) == (4, 3)


# The classifier's history, read from scikit-learn's MLP


@pytest.fixture(scope="module")
def rows():
    return make_classification(n_samples=300, n_features=6, random_state=1)


def test_classifier_history_matches_the_mlps_own_attributes(rows):
    x, y = rows
    pipeline = Pipeline([("scale", StandardScaler()), ("model", MLPClassifier(
        hidden_layer_sizes=8, early_stopping=True, n_iter_no_change=5, max_iter=200, learning_rate_init=0.01,
        random_state=1))]).fit(x, y)
    mlp = pipeline.named_steps["model"]
    found = classifier_history(pipeline, "neural_network", "Neural network")
    assert mlp.n_iter_ < mlp.max_iter
    assert found.epochs == mlp.n_iter_ == len(found.training_loss) == len(found.validation_score)
    assert found.training_loss == pytest.approx(mlp.loss_curve_, rel=1e-5)
    assert found.validation_score == pytest.approx(mlp.validation_scores_, rel=1e-5)
    assert found.validation_score[found.best_epoch - 1] == pytest.approx(mlp.best_validation_score_, rel=1e-5)
    assert (found.ending, found.max_epochs, found.score_name) == (TrainingEnd.STOPPED_EARLY, 200, "accuracy")
    assert found.epochs - found.best_epoch == mlp.n_iter_no_change + 1  # scikit-learn stops after more than 5
    assert classifier_history(mlp, "neural_network", "Neural network") == found


def test_classifier_history_tells_the_limit_and_convergence_apart(rows):
    x, y = rows
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        limited = MLPClassifier(hidden_layer_sizes=8, early_stopping=True, max_iter=3, random_state=1).fit(x, y)
    assert classifier_history(limited, "nn", "NN").ending == TrainingEnd.REACHED_LIMIT
    quick = MLPClassifier(hidden_layer_sizes=8, tol=0.05, n_iter_no_change=2, max_iter=200, random_state=1).fit(x, y)
    converged = classifier_history(quick, "nn", "NN")
    assert (converged.ending, converged.validation_score, converged.epochs) == (TrainingEnd.CONVERGED, [],
                                                                                quick.n_iter_)


def test_only_models_that_record_a_loss_curve_have_a_history(rows):
    x, y = rows
    logit = LogisticRegression().fit(x, y)
    mlp = MLPClassifier(hidden_layer_sizes=4, max_iter=20, early_stopping=True, random_state=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        mlp.fit(x, y)
    assert classifier_history(logit, "logistic_regression", "Logistic regression") is None
    fitted = [SimpleNamespace(pipeline=logit, name="logistic_regression", label="Logistic regression"),
              SimpleNamespace(pipeline=mlp, name="neural_network", label="Neural network")]
    assert [h.name for h in classifier_histories(fitted)] == ["neural_network"]


# The sentence


def test_two_histories_read_as_two_different_true_sentences():
    stopped = history(validation_score=[0.6, 0.7, 0.8, 0.82, 0.81, 0.82, 0.80, 0.81], score_name="accuracy",
                      stopped_early=True, max_epochs=300)
    said = training_summary(stopped)
    assert said.startswith("Training stopped early at epoch 8 of at most 300: the accuracy on the held-back "
                           "validation data was best at epoch 4 (82.0%) and did not improve on that in the 4 epochs "
                           "after it, so the network kept its weights from epoch 4.")
    assert "No clear sign of over-fitting: the validation accuracy ended at 81.0%, against 82.0% at its best." in said
    over = history(validation_loss=[1.0, 0.8, 0.7, 0.72, 0.76, 0.8, 0.85, 0.9], loss_name="mean squared error",
                   max_epochs=8)
    said = training_summary(over)
    assert said.startswith("Training ran all 8 epochs it was allowed")
    assert ("It shows over-fitting: after epoch 3 the validation mean squared error worsened from 0.7 to 0.9 while "
            "the training mean squared error went on falling, from 0.6 to 0.39; the weights kept are those of epoch "
            "3, from before it.") in said


def test_a_converged_history_without_validation_says_so():
    said = training_summary(history())
    assert said == ("Training converged at epoch 8 of at most 100: the training loss had stopped improving. "
                    "Without validation data, this training cannot show whether the network over-fitted.")


def test_interpret_words_the_classifiers_and_the_forecasters_histories(stored_synthetic_result):
    trends = Trends(column="day", label="Day", frequency="week", points=[],
                    histories=[history(validation_loss=[0.9, 0.7, 0.6, 0.55, 0.5, 0.5, 0.49, 0.48])])
    result = dataclasses.replace(stored_synthetic_result, trends=trends, training_histories=[history()])
    worded = with_training_words(result)
    assert worded.training_histories[0].summary.startswith("Training converged at epoch 8")
    assert worded.trends.histories[0].summary.endswith("was at its best at the last epoch.")


# The figure and the appendix


def stopped_history():
    return dataclasses.replace(
        history(validation_score=[0.6, 0.7, 0.8, 0.82, 0.81, 0.82, 0.80, 0.81], score_name="accuracy",
                loss_name="log loss with weight penalty", stopped_early=True),
        name="neural_network", label="Neural network", summary="The sentence under the figure.")


def test_the_figure_draws_both_curves_and_marks_the_best_epoch(stored_synthetic_result):
    found = stopped_history()
    fig = training_curves(stored_synthetic_result, found)
    loss_axis, score_axis = fig.axes
    assert list(loss_axis.lines[0].get_ydata()) == found.training_loss
    assert list(score_axis.lines[0].get_ydata()) == found.validation_score
    best = loss_axis.lines[1]
    assert best.get_linestyle() == "--" and list(best.get_xdata()) == [4, 4]
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == ["Training", "Validation accuracy", "Best epoch (4)"]
    assert loss_axis.get_ylabel().replace("\n", " ") == "Training log loss with weight penalty"
    assert words_outside(fig) == []


def test_each_history_of_either_list_gets_its_figure(stored_synthetic_result):
    lstm = dataclasses.replace(history(validation_loss=[0.9, 0.7, 0.6, 0.55, 0.5, 0.5, 0.49, 0.48]),
                               name="lstm_rate", label="LSTM, share of positives")
    trends = Trends(column="day", label="Day", frequency="week", points=[], histories=[lstm])
    result = dataclasses.replace(stored_synthetic_result, trends=trends, training_histories=[stopped_history()])
    assert {"training_neural_network", "training_lstm_rate"} <= set(figure_drawers(result))
    built = built_figures(result)
    assert len(built["training_lstm_rate"].axes) == 1  # the validation loss shares the training loss's axis
    assert "training_neural_network" not in figure_drawers(stored_synthetic_result)


def test_the_appendix_shows_the_training_only_when_there_is_some(stored_synthetic_result):
    result = dataclasses.replace(stored_synthetic_result, training_histories=[stopped_history()],
                                 figures={**stored_synthetic_result.figures,
                                          "training_neural_network": "figures/training_neural_network.png"})
    html = render_html(result)
    assert "How the networks trained" in html and "The sentence under the figure." in html
    assert 'src="figures/training_neural_network.png"' in html
    assert "How the networks trained" not in render_html(dataclasses.replace(stored_synthetic_result,
                                                                              training_histories=[]))


# End to end (slow: `built_report` runs the CLI)


def saved_network(pipeline) -> MLPClassifier | None:
    """The neural network in a saved model: the recommended pipeline's estimator, or an ensemble member's."""
    candidates = [pipeline, *(getattr(pipeline, "named_estimators_", {}).values())]
    steps = [getattr(c, "estimator", c) for c in candidates]
    found = [s.named_steps["model"] for s in steps if hasattr(s, "named_steps")]
    return next((m for m in found if isinstance(m, MLPClassifier)), None)


def test_the_audiobooks_report_shows_how_its_network_trained(built_report):
    built = built_report("audiobooks")
    assert built.completed.returncode == 0, built.completed.stderr
    results = json.loads((built.out / "results.json").read_text(encoding="utf-8"))
    trained = next(h for h in results["training_histories"] if h["name"] == "neural_network")
    assert len(trained["training_loss"]) == len(trained["validation_score"]) == trained["epochs"]
    assert 1 <= trained["best_epoch"] <= trained["epochs"] <= trained["max_epochs"]
    assert (trained["ending"] == "stopped_early") == (trained["epochs"] < trained["max_epochs"])
    network = saved_network(load_model(built.out).pipeline)
    if network is not None:  # saved when it is recommended or in the recommended ensemble
        assert trained["training_loss"] == pytest.approx(network.loss_curve_, rel=1e-5)
        assert trained["epochs"] == network.n_iter_
    assert results["figures"]["training_neural_network"] == "figures/training_neural_network.png"
    pdf = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in PdfReader(built.out / "report.pdf").pages))
    assert "How the networks trained" in pdf
    assert trained["summary"].split(":")[0] in pdf  # 'Training stopped early at epoch 28 of at most 300'

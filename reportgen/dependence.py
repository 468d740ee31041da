"""Stage 3c, dependence: does the recommended model lean on one feature, and what is it worth without it?

When one feature carries most of the recommended model's importance, every figure of the report rests
on it; if it is only known after the outcome, those figures will not hold when the report is acted on.
This stage refits the recommended family without that feature, with the settings it was tuned to and
on the training rows it was fitted on (no new search, nothing learned from the test rows), and
measures both models on the test rows the same way: PR AUC, and the share of positives found when
contacting as many rows as the report recommends.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from sklearn.metrics import average_precision_score

from reportgen.clean import CleanData
from reportgen.config import DatasetConfig
from reportgen.evaluate import driver_groups, drivers
from reportgen.model import FittedModel, model_pipeline, positive_scores
from reportgen.names import name_words
from reportgen.registry import FAMILIES
from reportgen.result import Dependence, Driver, DriverGroup
from reportgen.targeting import ranked

LEANING_SHARE = 0.5
"""The recommended model leans on its strongest driver when that driver carries at least this share of
the summed positive importances (drops in test PR AUC when a column is shuffled), or when its drop alone
is at least this share of the model's test PR AUC above the base rate (most of its lift over contacting
at random). On the bundled students days on platform carries 0.79 of the importance and 0.92 of the lift."""

AFTER_WORDS = {"after", "post", "until", "till", "outcome", "outcomes", "result", "results", "final", "duration",
               "resolution", "resolved", "closed", "refund", "refunded", "cancelled", "canceled", "cancellation",
               "churned", "converted"}
"""A word in a column's name that suggests it is measured after the outcome, or up to it (a call's
duration is known once the call that sells is over; a refund once the customer has left)."""


@dataclass
class Leaning:
    """The feature the recommended model leans on, and how much."""

    driver: Driver
    share: float
    """Its share of the summed positive importances."""
    lift_share: float
    """Its importance over the model's test PR AUC above the base rate."""


@dataclass
class Refit:
    """The recommended family refitted without the feature it leans on: its scores on the test rows."""

    leaning: Leaning
    scores: np.ndarray | None
    """None when the refit failed."""
    failure: str = ""


def hinted_after(name: str) -> bool:
    """Whether a column's name suggests it is measured after or up to the outcome."""
    return any(word in AFTER_WORDS for word in name_words(name))


def known_before(config: DatasetConfig) -> set[str]:
    """Columns the config declares known before the outcome: the check leaves them alone."""
    return {column for column, known in config.known_before_outcome.items() if known}


def leaning(found: list[Driver], pr_auc: float, base_rate: float, silenced: set[str]) -> Leaning | None:
    """The strongest driver when the model leans on it (`LEANING_SHARE`); None when it does not, when the
    config declares that driver known before the outcome, or when it is the model's only feature."""
    positive = [x for x in found if x.importance > 0]
    if len(found) < 2 or not positive:
        return None
    top = max(positive, key=lambda x: x.importance)
    share = top.importance / sum(x.importance for x in positive)
    lift = pr_auc - base_rate
    lift_share = top.importance / lift if lift > 0 else 0.0
    if top.feature in silenced or max(share, lift_share) < LEANING_SHARE:
        return None
    return Leaning(top, round(share, 6), round(lift_share, 6))


def without_feature(clean: CleanData, feature: str) -> CleanData:
    """The cleaned data with one feature left out of the training and test rows."""
    return dataclasses.replace(
        clean,
        x_train=clean.x_train.drop(columns=[feature]),
        x_test=clean.x_test.drop(columns=[feature]),
        numeric=[c for c in clean.numeric if c != feature],
        categorical=[c for c in clean.categorical if c != feature],
        columns=[c for c in clean.columns if c != feature],
    )


def refitted(fitted: FittedModel, clean: CleanData, config: DatasetConfig):
    """The family's final pipeline as `model.tune` builds it (its strategy and tuned settings), fitted on
    the training rows the original was fitted on, with the columns of `clean`."""
    spec = next(s for s in config.models if s.name == fitted.name)
    family = FAMILIES[fitted.name]
    pipeline = model_pipeline(spec, family, clean, config, fitted.strategy)
    pipeline.set_params(**{f"model__{key}": value for key, value in fitted.params.items()})
    if family.out_of_bag:
        pipeline.set_params(model__oob_score=False)
    rows = fitted.fit_positions
    return pipeline.fit(clean.x_train.iloc[rows], clean.y_train.iloc[rows])


def scores_without(fitted: FittedModel, members: list[FittedModel], clean: CleanData, config: DatasetConfig,
                   feature: str) -> np.ndarray:
    """Test scores of the model refitted without `feature`; a soft-voting ensemble's are the mean of its
    members' probabilities, each member refitted with its own settings."""
    rest = without_feature(clean, feature)
    models = members or [fitted]
    return np.mean([positive_scores(refitted(m, rest, config), rest.x_test) for m in models], axis=0)


def drivers_and_refit(fitted: FittedModel, members: list[FittedModel], clean: CleanData,
                      config: DatasetConfig) -> tuple[list[Driver], list[DriverGroup], Refit | None]:
    """The recommended model's drivers, the correlated groups of those it does not list shuffled together, and,
    when it leans on one driver, its scores refitted without it: one task, so that the refit runs where the
    drivers were measured."""
    found = drivers(fitted, clean, config)
    groups = driver_groups(fitted, clean, config, found)
    y = clean.y_test.to_numpy()
    leaned = leaning(found, float(average_precision_score(y, fitted.scores(clean.x_test))), float(y.mean()),
                     known_before(config))
    if leaned is None:
        return found, groups, None
    try:
        return found, groups, Refit(leaned, scores_without(fitted, members, clean, config, leaned.driver.feature))
    except REFIT_ERRORS as error:  # the run goes on; the report says the refit failed and why
        return found, groups, Refit(leaned, None, (str(error).strip().splitlines() or [type(error).__name__])[0])


REFIT_ERRORS = (ValueError, ArithmeticError, np.linalg.LinAlgError)
"""What fitting the family without one feature can raise (a logit left without numeric terms, say)."""


def found_share(y: np.ndarray, scores: np.ndarray, contacted: int) -> float:
    """The share of all positives among the `contacted` rows scored highest."""
    y = np.asarray(y)
    return float(y[ranked(scores)[:contacted]].sum() / y.sum())


def dependence(refit: Refit, y: np.ndarray, scores: np.ndarray, contacted: int, config: DatasetConfig) -> Dependence:
    """Both models on the test rows, contacting the same `contacted` rows (at least one)."""
    y = np.asarray(y)
    contacted = max(1, contacted)
    feature = refit.leaning.driver.feature
    source = config.derived_feature(feature)
    return Dependence(
        feature=feature,
        label=refit.leaning.driver.label,
        share=refit.leaning.share,
        lift_share=refit.leaning.lift_share,
        carries_most=refit.leaning.share >= LEANING_SHARE,
        pr_auc=round(float(average_precision_score(y, scores)), 6),
        pr_auc_without=None if refit.scores is None else round(float(average_precision_score(y, refit.scores)), 6),
        found=round(found_share(y, scores, contacted), 6),
        found_without=None if refit.scores is None else round(found_share(y, refit.scores, contacted), 6),
        contacted=contacted,
        fraction=round(contacted / len(y), 6),
        base_rate=round(float(y.mean()), 6),
        hinted_after=hinted_after(feature) or (source is not None and hinted_after(source.column)),
        refit_failure=refit.failure,
    )

"""The soft-voting ensemble: the best two or three probabilistic models averaged, judged like them."""

from __future__ import annotations

import time

import numpy as np
from sklearn.ensemble import VotingClassifier
from sklearn.frozen import FrozenEstimator

from reportgen.clean import CleanData
from reportgen.config import DatasetConfig
from reportgen.model.fitted import FittedModel
from reportgen.model.pipeline import PROBABILITY_CUT
from reportgen.model.search import TIE_DECIMALS, fold_scores
from reportgen.result import ScoresSource

ENSEMBLE_SIZES = (2, 3)
ENSEMBLE_NAME = "ensemble"


def soft_voting(fitted: list[FittedModel], clean: CleanData, config: DatasetConfig) -> FittedModel | None:
    """Average the probabilities of the best two or three probabilistic models fitted on all rows.

    The members are the tuned, fitted pipelines (frozen, not refitted); the ensemble's
    out-of-fold scores are the average of theirs, on the same folds, so its cross-validated
    score is comparable with theirs and decides, like theirs, whether it is recommended.
    """
    everyone = len(clean.y_train)
    candidates = sorted((f for f in fitted if f.gives_probabilities and len(f.oof_labels) == everyone),
                        key=lambda f: -f.cv_mean)
    if len(candidates) < 2:
        return None
    started = time.perf_counter()
    tried = []
    for size in ENSEMBLE_SIZES:
        if size > len(candidates):
            break
        members = candidates[:size]
        oof = np.mean([m.oof_scores for m in members], axis=0)
        per_fold = fold_scores(oof, clean.x_train, clean.y_train, config, PROBABILITY_CUT)
        tried.append((float(np.mean(per_fold)), float(np.std(per_fold)), members, oof))
    mean, std, members, oof = max(tried, key=lambda t: round(t[0], TIE_DECIMALS))
    voting = VotingClassifier([(m.name, FrozenEstimator(m.pipeline)) for m in members], voting="soft")
    voting.fit(clean.x_train, clean.y_train)
    return FittedModel(
        name=ENSEMBLE_NAME,
        label="Soft-voting ensemble",
        pipeline=voting,
        params={"members": ", ".join(m.name for m in members), "voting": "soft (mean probability)"},
        strategy="each member's own",
        cv_mean=mean,
        cv_std=std,
        candidates=len(tried),
        fit_seconds=round(time.perf_counter() - started, 3),
        grid_edges=[],
        oof_scores=oof,
        oof_labels=clean.y_train.to_numpy(),
        fit_positions=np.arange(everyone),
        default_threshold=PROBABILITY_CUT,
        tuning_rows=everyone,
        fit_rows=everyone,
        scored_by=ScoresSource.MEMBERS,
        members=[m.name for m in members],
        columns_left_out=[c for c in members[0].columns_left_out if all(c in m.columns_left_out for m in members)],
    )

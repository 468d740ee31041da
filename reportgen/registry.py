"""The model families reportgen can tune: adding a model is adding an entry here.

Each family names its estimator factory, its default search space (small on purpose:
the report must arrive in seconds) and whether its inputs need scaling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sklearn.base import ClassifierMixin
from sklearn.ensemble import RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from reportgen.logit import StatsmodelsLogit


@dataclass(frozen=True)
class ModelFamily:
    name: str
    label: str
    make: Callable[[int], ClassifierMixin]
    """Seed -> an unfitted estimator."""
    grid: dict[str, list] = field(default_factory=dict)
    scaler: str = "none"
    importance: str = ""
    """'impurity' where the estimator exposes feature_importances_."""
    supports_class_weight: bool = False
    tuning_rows: int | None = None
    """Tune on a stratified subsample of this many training rows (for costly kernels), then refit."""


FAMILIES: dict[str, ModelFamily] = {
    family.name: family
    for family in [
        ModelFamily(
            name="logistic_regression",
            label="Logistic regression",
            make=lambda seed: StatsmodelsLogit(),
        ),
        ModelFamily(
            name="knn",
            label="k-nearest neighbours",
            make=lambda seed: KNeighborsClassifier(),
            grid={"n_neighbors": [11, 25, 51, 101], "weights": ["uniform", "distance"]},
            scaler="standard",
            tuning_rows=5000,
        ),
        ModelFamily(
            name="svm",
            label="Support vector machine",
            make=lambda seed: SVC(kernel="rbf", random_state=seed, cache_size=500),
            grid={"C": [0.3, 1, 3, 10]},
            scaler="standard",
            supports_class_weight=True,
            tuning_rows=4000,
        ),
        ModelFamily(
            name="decision_tree",
            label="Decision tree",
            make=lambda seed: DecisionTreeClassifier(random_state=seed),
            grid={
                "max_depth": [3, 4, 5, 6, 8, 10],
                "min_samples_leaf": [1, 20, 50, 100],
            },
            importance="impurity",
            supports_class_weight=True,
        ),
        ModelFamily(
            name="random_forest",
            label="Random forest",
            make=lambda seed: RandomForestClassifier(n_estimators=100, random_state=seed, n_jobs=1),
            grid={"min_samples_leaf": [3, 8, 16]},
            importance="impurity",
            supports_class_weight=True,
        ),
    ]
}

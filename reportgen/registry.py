"""The model families reportgen can tune: adding a model is adding an entry here.

Each family names its estimator factory, its default search space (small on purpose:
the report must arrive in seconds) and whether its inputs need scaling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sklearn.base import ClassifierMixin
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier

from reportgen.estimators import StatsmodelsLogit


class HistBoostingUnweightedBins(HistGradientBoostingClassifier):
    """scikit-learn's histogram gradient boosting, its bins cut at unweighted quantiles.

    Since scikit-learn 1.9 the bins are weighted quantiles when the rows carry weights, class weights
    included, computed one quantile at a time: on the students' 11,000 training rows of a fold that
    took about 0.2 s per fit, more than the boosting itself at these depths, and half of the family's
    tuning time (scikit-learn PR #34248 speeds it up in a later release). Unweighted quantiles are
    how LightGBM bins and how scikit-learn did before; the weights still weigh every split."""

    def _bin_data(self, X, sample_weight, is_training_data):
        return super()._bin_data(X, None, is_training_data)


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
    balanced_weights: str = "balanced"
    """The estimator's `class_weight` value for the class-weight strategy."""
    tuning_rows: int | None = None
    """Tune on a stratified subsample of this many training rows, then refit on all of them."""
    tuning_share: float = 0.0
    """With `tuning_rows`, tune on at least this share of the training rows: a sample sized for a small table
    hides what a large one holds (`tuning_size`)."""
    fit_rows: int | None = None
    """Tune and fit on a stratified subsample of this many training rows: for methods whose cost grows faster
    than the rows (a kernel SVM's fit, neighbour queries), so that large tables stay affordable. Their
    cross-validated scores still cover every training row (`ScoresSource.SAMPLE_FITTED_FOLDS`)."""
    search_params: dict[str, object] = field(default_factory=dict)
    """Set during the search and the strategy comparison only, e.g. fewer trees: candidates rank
    the same long before their scores settle. The chosen model is scored and fitted without them."""
    out_of_bag: bool = False
    """A bagged ensemble whose out-of-bag scores can stand in for out-of-fold ones, when it is not
    resampled: one fit instead of one per fold."""
    native_categorical: bool = False
    """The estimator splits on categories itself: it gets one column of codes per categorical."""
    category_codes: bool = False
    """It gets one column of codes per categorical too, and splits them as numbers: a tree ensemble that draws
    a few columns per split would otherwise draw among dozens of one-hot columns of one categorical."""
    native_missing: bool = False
    """The estimator learns at each split which side missing values go: it gets numeric columns with their
    blanks, which filling in with the median would mix with the rows that hold the median."""
    at_most_rows: tuple[str, ...] = ()
    """Parameters that cannot exceed a fold's training rows (the k of k nearest neighbours): a small table's grid
    is capped there."""
    relative_cost: int = 1
    """Rough cost of tuning, to start the costliest searches first when families run in parallel."""
    scored_along: str = ""
    """A parameter whose values the search scores from one fit at the largest (`model.shortcuts.scores_along`):
    one neighbour query answers for every smaller k, a tree grown deepest for every shallower one.
    (Boosting's staged predictions could answer for fewer iterations, but on the students' table
    they took longer than fitting the smaller model.)"""


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
            label="k-nearest neighbours model",
            # Against the few thousand rows it fits on (fit_rows), distances by matrix products beat a
            # k-d tree's search: the students' search took 0.66 s instead of 1.44 s.
            make=lambda seed: KNeighborsClassifier(algorithm="brute"),
            grid={"n_neighbors": [25, 50, 100], "weights": ["uniform", "distance"]},
            at_most_rows=("n_neighbors",),
            scaler="standard",
            fit_rows=4000,
            relative_cost=3,
            scored_along="n_neighbors",
        ),
        ModelFamily(
            name="svm",
            label="Support vector machine",
            make=lambda seed: SVC(kernel="rbf", random_state=seed, cache_size=500),
            grid={"C": [1, 3, 10]},
            scaler="standard",
            supports_class_weight=True,
            fit_rows=4000,
            relative_cost=5,
        ),
        ModelFamily(
            name="decision_tree",
            label="Decision tree",
            make=lambda seed: DecisionTreeClassifier(random_state=seed),
            grid={
                "max_depth": [4, 6, 8, 10],
                "min_samples_leaf": [10, 50, 100],
            },
            importance="impurity",
            supports_class_weight=True,
            tuning_rows=20000,
            relative_cost=2,
            scored_along="max_depth",
        ),
        ModelFamily(
            name="random_forest",
            label="Random forest",
            make=lambda seed: RandomForestClassifier(n_estimators=100, max_samples=0.5, random_state=seed, n_jobs=1),
            grid={"min_samples_leaf": [2, 5, 10]},
            importance="impurity",
            supports_class_weight=True,
            # Weights computed inside each bootstrap sample: 'balanced' would also weight the
            # draw itself, leaving most buyers in every tree and without out-of-bag scores.
            balanced_weights="balanced_subsample",
            tuning_rows=4000,
            fit_rows=100_000,
            search_params={"n_estimators": 40},
            out_of_bag=True,
            # Telecom churn's 51 states as one column of codes, not 19 one-hot columns and 'other': test PR AUC
            # 0.872 against 0.854 (seed 1); the bundled students' countries: 0.854 against 0.841.
            category_codes=True,
            relative_cost=4,
        ),
        ModelFamily(
            name="gradient_boosting",
            label="Gradient boosting model",
            make=lambda seed: HistBoostingUnweightedBins(max_iter=200, learning_rate=0.1, early_stopping=False,
                                                         random_state=seed),
            # Depth 1 is additive, depth 2 adds pairwise interactions; no depth limit grows each tree leaf by leaf
            # up to 31 leaves, for the higher-order interactions a table may hold. On the seed cases, orange
            # juice and caravan, cross-validation prefers the shallow trees (to early stopping too, which holds
            # back a tenth of the rows). On the telecom churn table, whose churners combine plan, minutes and
            # service calls, depth 2 trailed: cross-validated PR AUC 0.83 against 0.86 at depth 4 and 0.87 at
            # depth 6. On 100,000 jittered student rows, trees without a depth limit reached test PR AUC 0.97
            # against 0.94 at depth 4 and 0.90 at depth 2 -- but only a search on a quarter of the rows
            # (cross-validated 0.926, 0.916, 0.895) saw it; on 6,000 rows the three tied (0.87 to 0.88).
            grid={"max_depth": [1, 2, None], "max_iter": [100, 400]},
            supports_class_weight=True,
            native_categorical=True,
            # On audiobooks (seed 3), where the customers without a review have no score, test PR AUC 0.787
            # with the blanks as they are against 0.770 with the median filled in.
            native_missing=True,
            tuning_rows=6000,
            tuning_share=0.25,
            relative_cost=6,
            scored_along="max_iter",
        ),
        ModelFamily(
            name="neural_network",
            label="Neural network",
            # One hidden layer (an int is one layer of that many units, so YAML grids can tune it);
            # early stopping holds back a tenth of the rows and stops when their accuracy stalls. At
            # scikit-learn's default learning rate (0.001) it stalled before learning on the 9%-buyer
            # students table (PR AUC 0.2 in trials); at 0.01 it learns within a few epochs.
            make=lambda seed: MLPClassifier(hidden_layer_sizes=16, early_stopping=True, validation_fraction=0.1,
                                            n_iter_no_change=10, max_iter=300, learning_rate_init=0.01,
                                            random_state=seed),
            grid={"hidden_layer_sizes": [8, 32], "alpha": [1e-4, 1e-2]},
            scaler="standard",
            tuning_rows=4000,
            relative_cost=3,
        ),
    ]
}

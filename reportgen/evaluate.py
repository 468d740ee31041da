"""Stage 3b, evaluate: metrics on train and test, curves, importances and drivers."""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

import numpy as np
import pandas as pd
from scipy.sparse.csgraph import connected_components
from scipy.stats import chi2_contingency
from sklearn.metrics import (
    accuracy_score,
    average_precision_score,
    confusion_matrix,
    f1_score,
    precision_recall_curve,
    precision_score,
    recall_score,
    roc_auc_score,
    roc_curve,
)

from reportgen.clean import CleanData
from reportgen.config import DatasetConfig
from reportgen.logit import readable_term
from reportgen.model import FittedModel, stratified_positions
from reportgen.model.search import TIE_DECIMALS
from reportgen.names import rules_in_words
from reportgen.result import (
    Baseline,
    Contrast,
    ContrastKind,
    Curve,
    CvScore,
    Driver,
    DriverGroup,
    ImbalanceCell,
    ImbalanceRow,
    Importance,
    Metrics,
    ModelResult,
    ThresholdResult,
    TreeSummary,
)
from reportgen.threshold import choose_threshold, flags
from reportgen.uncertainty import importance_intervals, intervals

PERMUTATION_REPEATS = 5
MEASURED_ROWS = 20_000
"""Permutation importance and training metrics use a stratified sample of at most this many
rows: their figures settle long before that, and large tables stay affordable."""
OVERFIT_GAP = 0.05
"""Train-minus-test F1 above which a model is called over-fitted."""
DECIDING_SHARE = 0.05
"""A tree feature 'decides' when it carries at least this share of the impurity reduction."""
STEP_VALUES = (3, 12)
"""A whole-number feature with this many distinct values, fewest to most, reads as a step (`step_cut`)."""


def at_most(x: pd.DataFrame, y: pd.Series, rows: int, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    """x and y, or a stratified sample of `rows` of them, in their original order."""
    kept = stratified_positions(y, rows, seed)
    return (x, y) if kept is None else (x.iloc[kept], y.iloc[kept])


def metrics_for(y: pd.Series, scores: np.ndarray, predicted: np.ndarray) -> Metrics:
    (tn, fp), (fn, tp) = confusion_matrix(y, predicted, labels=[0, 1])
    return Metrics(
        accuracy=round(float(accuracy_score(y, predicted)), 6),
        precision=round(float(precision_score(y, predicted, zero_division=0)), 6),
        recall=round(float(recall_score(y, predicted, zero_division=0)), 6),
        f1=round(float(f1_score(y, predicted, zero_division=0)), 6),
        roc_auc=round(float(roc_auc_score(y, scores)), 6),
        pr_auc=round(float(average_precision_score(y, scores)), 6),
        confusion_matrix=[[int(tn), int(fp)], [int(fn), int(tp)]],
    )


def roc_points(y: pd.Series, scores: np.ndarray) -> Curve:
    fpr, tpr, _ = roc_curve(y, scores)
    return Curve.thinned(fpr, tpr)


def pr_points(y: pd.Series, scores: np.ndarray) -> Curve:
    precision, recall, _ = precision_recall_curve(y, scores)
    return Curve.thinned(recall[::-1], precision[::-1])


def majority_baseline(y: pd.Series) -> Baseline:
    """Always predicting the more common class: what every accuracy should be compared with."""
    rate = float(np.mean(y))
    predicts_positive = rate > 0.5
    return Baseline(
        accuracy=round(max(rate, 1 - rate), 6),
        precision=round(rate if predicts_positive else 0.0, 6),
        recall=1.0 if predicts_positive else 0.0,
        f1=round(2 * rate / (1 + rate) if predicts_positive else 0.0, 6),
        roc_auc=0.5,
        pr_auc=round(rate, 6),
    )


def original_column(name: str, columns: list[str]) -> str:
    """Map an encoded name ('student_country_US') back to its source column."""
    if name in columns:
        return name
    for column in sorted(columns, key=len, reverse=True):
        if name.startswith(column + "_"):
            return column
    return name


def impurity_importance(fitted: FittedModel, clean: CleanData) -> list[Importance]:
    totals: dict[str, float] = {}
    for name, value in zip(fitted.transformed_feature_names(), fitted.estimator.feature_importances_):
        column = original_column(name, clean.features)
        totals[column] = totals.get(column, 0.0) + float(value)
    ranked = sorted(totals.items(), key=lambda item: -item[1])
    return [Importance(feature=f, importance=round(v, 6)) for f, v in ranked]


def plain(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    return value


@dataclass
class MeasuredScores:
    """A model's scores on the rows it is measured on: its training rows (at most `MEASURED_ROWS`,
    `measured_training_rows`) and the test rows."""

    train: np.ndarray
    test: np.ndarray


@dataclass
class Measured:
    """A model's test evaluation, and the scores it was made from."""

    result: ModelResult
    threshold: ThresholdResult
    scores: MeasuredScores


def measured_training_rows(fitted: FittedModel, clean: CleanData,
                           config: DatasetConfig) -> tuple[pd.DataFrame, pd.Series]:
    return at_most(clean.x_train.iloc[fitted.fit_positions], clean.y_train.iloc[fitted.fit_positions],
                   MEASURED_ROWS, config.seed)


def measured_scores(fitted: FittedModel, clean: CleanData, config: DatasetConfig) -> MeasuredScores:
    return MeasuredScores(fitted.scores(measured_training_rows(fitted, clean, config)[0]), fitted.scores(clean.x_test))


def averaged_scores(members: list[MeasuredScores]) -> MeasuredScores:
    """A soft-voting ensemble's scores from its members' (the mean of their probabilities, as
    scikit-learn's `VotingClassifier` takes it), rather than from their predictions made again."""
    return MeasuredScores(np.mean([m.train for m in members], axis=0), np.mean([m.test for m in members], axis=0))


def model_result(fitted: FittedModel, clean: CleanData, config: DatasetConfig,
                 scores: MeasuredScores | None = None) -> Measured:
    """The model's evaluation: on its training rows and the test rows, from `scores` when given."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Found unknown categories", category=UserWarning)
        if scores is None:
            scores = measured_scores(fitted, clean, config)
        return _model_result(fitted, clean, config, scores)


def _model_result(fitted: FittedModel, clean: CleanData, config: DatasetConfig, scores: MeasuredScores) -> Measured:
    importance = fitted.importance
    threshold = choose_threshold(fitted.oof_labels, fitted.oof_scores, fitted.default_threshold, config, fitted.name)
    _, y_fit = measured_training_rows(fitted, clean, config)
    train_scores, test_scores = scores.train, scores.test
    test_flags = flags(test_scores, threshold.value)
    train = metrics_for(y_fit, train_scores, flags(train_scores, threshold.value))
    test = metrics_for(clean.y_test, test_scores, test_flags)
    result = ModelResult(
        name=fitted.name,
        label=fitted.label,
        params={k: plain(v) for k, v in fitted.params.items()},
        cv=CvScore(metric=config.search.scoring, mean=round(fitted.cv_mean, 6), std=round(fitted.cv_std, 6)),
        train=train,
        test=test,
        roc_curve=roc_points(clean.y_test, test_scores),
        pr_curve=pr_points(clean.y_test, test_scores),
        candidates=fitted.candidates,
        feature_importance=impurity_importance(fitted, clean) if importance == "impurity" else [],
        importance_kind="impurity (mean decrease in Gini)" if importance == "impurity" else "",
        search_edges=fitted.grid_edges,
        columns_left_out=list(fitted.columns_left_out),
        missing_as_is=fitted.missing_as_is,
        categories_as_codes=fitted.categories_as_codes,
        strategy=fitted.strategy,
        threshold=threshold.value,  # exact: rounded, it could flag a score equal to it differently
        test_ci=intervals(clean.y_test, test_scores, test_flags, seed=config.seed),
        tuning_rows=fitted.tuning_rows,
        fit_rows=fitted.fit_rows,
        scores_from=fitted.scored_by,
        search_settings={k: plain(v) for k, v in fitted.search_settings.items()},
        scored_along=fitted.scored_along,
        scored_along_from=fitted.scored_along_from,
        overfit=train.f1 - test.f1 > OVERFIT_GAP,
    )
    return Measured(result, threshold, scores)


def imbalance_rows(fitted: list[FittedModel], metric: str) -> list[ImbalanceRow]:
    return [ImbalanceRow(model=f.name, strategy=s.strategy, metric=metric, mean=s.mean, std=s.std,
                         chosen=s.strategy == f.strategy)
            for f in fitted for s in f.strategies]


def with_imbalance_cells(models: list[ModelResult], rows: list[ImbalanceRow]) -> list[ModelResult]:
    """Each compared model with its row of the imbalance table: a cell per strategy of the run, in the order
    the rows first name them, empty where the model was not compared with it."""
    strategies = list(dict.fromkeys(row.strategy for row in rows))
    by_cell = {(row.model, row.strategy): row for row in rows}

    def cells(model: str) -> list[ImbalanceCell]:
        found = [by_cell.get((model, s)) for s in strategies]
        return [ImbalanceCell(strategy=s, mean=row.mean if row else None, chosen=bool(row and row.chosen))
                for s, row in zip(strategies, found)] if any(found) else []

    return [dataclasses.replace(m, strategies=cells(m.name)) for m in models]


def best_model_name(fitted: list[FittedModel]) -> str:
    """The highest cross-validated score on the training rows; ties go to the simpler, earlier model."""
    return max(fitted, key=lambda m: round(m.cv_mean, TIE_DECIMALS)).name if fitted else ""


def tree_summary(fitted: FittedModel, clean: CleanData, config: DatasetConfig) -> TreeSummary:
    from sklearn.tree import export_text

    tree = fitted.estimator
    names = fitted.transformed_feature_names()
    used = tree.tree_.feature[tree.tree_.feature >= 0]
    importances = tree.feature_importances_
    split_features = sorted({names[i] for i in used}, key=lambda n: -importances[names.index(n)])
    root = int(tree.tree_.feature[0])
    rows, rates = node_mix(fitted, clean)
    return TreeSummary(
        depth=int(tree.get_depth()),
        leaves=int(tree.get_n_leaves()),
        root_feature=readable_term(names[root], clean.categorical, clean.numeric) if root >= 0 else "",
        root_threshold=round(float(tree.tree_.threshold[0]), 4) if root >= 0 else 0.0,
        split_features=[
            Importance(feature=readable_term(n, clean.categorical, clean.numeric),
                       importance=round(float(importances[names.index(n)]), 6))
            for n in split_features
        ],
        rules=rules_in_words(export_text(
            tree, feature_names=[readable_term(n, clean.categorical, clean.numeric) for n in names],
            class_names=[config.target.negative_name, config.target.positive_name], max_depth=3, decimals=2)),
        node_rows=rows,
        node_rates=rates,
    )


def node_mix(fitted: FittedModel, clean: CleanData) -> tuple[list[int], list[float]]:
    """The training rows the tree was fitted on that reach each of its nodes, and their share of positives,
    counted as they are: neither class weights nor a resampler change them."""
    rows = fitted.fit_positions
    encoded = clean.x_train.iloc[rows]
    for _, step in fitted.pipeline.steps[:-1]:
        if hasattr(step, "transform"):  # not a resampler (fit_resample only) or 'passthrough': rows pass as scored
            encoded = step.transform(encoded)
    paths = fitted.estimator.decision_path(encoded)
    reached = np.asarray(paths.sum(axis=0)).ravel()
    positives = paths.T @ clean.y_train.to_numpy()[rows]
    return ([int(n) for n in reached],
            [round(float(p / n), 6) if n else 0.0 for p, n in zip(positives, reached)])


def described_rows(column: str, clean: CleanData) -> tuple[pd.Series, pd.Series]:
    """A feature and the outcome on every kept row, training and test: the rows the exploratory section
    and the headline describe, so a driver's sentence gives the same figures as theirs."""
    return pd.concat([clean.x_train[column], clean.x_test[column]]), pd.concat([clean.y_train, clean.y_test])


def class_centres(column: str, clean: CleanData) -> tuple[str, float, float]:
    """A numeric feature's median among the kept rows of each outcome (positives first), or its
    means when the medians tie, and which of the two it is."""
    x, y = described_rows(column, clean)
    pos, neg = x[y == 1].median(), x[y == 0].median()
    if pos == neg:
        return "mean", x[y == 1].mean(), x[y == 0].mean()
    return "median", pos, neg


def raw_sign(column: str, clean: CleanData) -> int | None:
    """+1 when a numeric feature is higher among positives, -1 when lower, 0 when neither (by
    `class_centres`); None for a categorical feature."""
    if column not in clean.numeric:
        return None
    _, pos, neg = class_centres(column, clean)
    return int(np.sign(pos - neg))


def finite(value: float) -> float | None:
    """None for a statistic of no rows (NaN), which results.json cannot hold."""
    return float(value) if np.isfinite(value) else None


def contrast(column: str, clean: CleanData, config: DatasetConfig) -> Contrast:
    """How the feature differs between the two outcomes on all kept rows: its medians (or means) in each, or
    for a category, the positive share of its highest and lowest category large enough to count."""
    x, y = described_rows(column, clean)
    smallest_group = max(20, config.encoding.min_frequency * len(x))
    if column in clean.numeric:
        flag = flag_rates(x, y, smallest_group)
        if flag is not None:
            return flag
        statistic, pos, neg = class_centres(column, clean)
        blank = x.isna().groupby(y).mean()
        missing = {"missing_positive": round(float(blank.get(1, 0.0)), 6),
                   "missing_negative": round(float(blank.get(0, 0.0)), 6)}
        cut = step_cut(x, y, smallest_group, any_count=statistic == "mean")
        if cut is not None:
            above = x >= cut
            below = x < cut
            return Contrast(ContrastKind.STEP, cut=float(cut), lowest=float(x.min()), top_rate=float(y[above].mean()),
                            bottom_rate=float(y[below].mean()), top_rows=int(above.sum()), bottom_rows=int(below.sum()),
                            **missing)
        return Contrast(ContrastKind(statistic), positive=finite(pos), negative=finite(neg), **missing)
    rates = y.groupby(x.astype(str)).agg(["mean", "size"])
    rates = rates[rates["size"] >= smallest_group]
    if len(rates) < 2:
        return Contrast(ContrastKind.FLAT)
    top, bottom = rates["mean"].idxmax(), rates["mean"].idxmin()
    return Contrast(ContrastKind.RATES, top=str(top), top_rate=float(rates.loc[top, "mean"]), bottom=str(bottom),
                    bottom_rate=float(rates.loc[bottom, "mean"]), top_rows=int(rates.loc[top, "size"]),
                    bottom_rows=int(rates.loc[bottom, "size"]))


def flag_rates(x: pd.Series, y: pd.Series, smallest_group: float) -> Contrast | None:
    """A numeric column holding only 0 and 1 read as a flag, as a yes/no category is: the positive share of the rows
    with 1 and with 0, the higher first (its mean alone would be the share holding it, not what it does); None for
    any other column, or when either side is too small to count."""
    known = x.dropna()
    if set(np.unique(known.to_numpy(dtype=float))) != {0.0, 1.0}:
        return None
    held = (known == 1).to_numpy()
    if min(held.sum(), (~held).sum()) < smallest_group:
        return None
    outcome = y[known.index].to_numpy()
    rates = {"1": float(outcome[held].mean()), "0": float(outcome[~held].mean())}
    top, bottom = ("1", "0") if rates["1"] >= rates["0"] else ("0", "1")
    sizes = {"1": int(held.sum()), "0": int((~held).sum())}
    return Contrast(ContrastKind.RATES, top=top, top_rate=rates[top], bottom=bottom, bottom_rate=rates[bottom],
                    top_rows=sizes[top], bottom_rows=sizes[bottom])


def step_cut(x: pd.Series, y: pd.Series, smallest_group: float, any_count: bool = False) -> float | None:
    """For a count with few values (whole numbers, `STEP_VALUES`; with `any_count`, as many as it has: where its
    medians tie and its means would say little), the value at and above which the positive share differs most
    from below it, by the chi-squared statistic of the two groups against the outcome (which weighs the gap by
    how many rows it holds); None for any other feature, or when no cut leaves both groups large enough to
    count."""
    known = x.dropna()
    values = np.unique(known.to_numpy(dtype=float))
    most = len(values) if any_count else STEP_VALUES[1]
    if not STEP_VALUES[0] <= len(values) <= most or not np.all(values == np.round(values)):
        return None
    outcome = y[known.index].to_numpy()
    if len(np.unique(outcome)) < 2:
        return None
    best, best_statistic = None, 0.0
    for cut in values[1:]:
        above = known.to_numpy(dtype=float) >= cut
        if min(above.sum(), (~above).sum()) < smallest_group:
            continue
        table = [[np.sum(above & (outcome == 1)), np.sum(above & (outcome == 0))],
                 [np.sum(~above & (outcome == 1)), np.sum(~above & (outcome == 0))]]
        statistic = chi2_contingency(table, correction=False).statistic
        if statistic > best_statistic:
            best, best_statistic = cut, statistic
    return best


def drivers(fitted: FittedModel, clean: CleanData, config: DatasetConfig) -> list[Driver]:
    """Permutation importance of the recommended model on the held-out rows: how much its PR AUC
    drops when one original column is shuffled, with a 95% interval over resamples of those rows. It
    measures, it does not tune."""
    x_test, y_test = at_most(clean.x_test, clean.y_test, MEASURED_ROWS, config.seed)
    scores = permuted_scores(fitted.pipeline, x_test, PERMUTATION_REPEATS, config.seed)
    importance = drops_from(scores, y_test, PERMUTATION_REPEATS).mean(axis=1)
    interval = importance_intervals(y_test, scores, PERMUTATION_REPEATS, config.seed)
    order = [i for i in np.argsort(-importance) if clean.features[i] not in fitted.columns_left_out]
    return [
        Driver(
            feature=clean.features[i],
            label=config.label(clean.features[i]),
            importance=round(float(importance[i]), 6),
            direction="",
            actionable=clean.features[i] not in config.not_actionable,
            lever=clean.features[i] in config.levers,
            importance_low=round(float(interval[i, 0]), 6),
            importance_high=round(float(interval[i, 1]), 6),
            above_zero=bool(importance[i] > 0 and interval[i, 0] > 0),
            sign=raw_sign(clean.features[i], clean),
            contrast=contrast(clean.features[i], clean, config),
        )
        for i in order
    ]


SCORED_CELLS_PER_CALL = 2_000_000
"""How many cells of shuffled copies `permutation_drops` scores in one call at most."""


def permutation_drops(pipeline, x: pd.DataFrame, y: pd.Series, repeats: int, seed: int) -> np.ndarray:
    """(columns, repeats) drops in PR AUC when each column of x is shuffled: scikit-learn's
    `permutation_importance` with the average-precision scorer, the same shuffles and the same
    numbers, but with the shuffled copies stacked and scored a batch at a time.

    A boosted model's prediction pays a fixed cost per tree and call; scored one copy at a time
    (a call per column and repeat), the recommended gradient-boosting model spent most of the
    evaluate stage in those fixed costs."""
    return drops_from(permuted_scores(pipeline, x, repeats, seed), y, repeats)


def permuted_scores(pipeline, x: pd.DataFrame, repeats: int, seed: int,
                    groups: list[list[str]] | None = None) -> list[np.ndarray]:
    """The model's ranking scores of x, then of each of `shuffled_copies`, scored a batch at a time."""
    per_call = max(1, SCORED_CELLS_PER_CALL // max(1, x.size))
    copies = shuffled_copies(x, repeats, seed, groups)
    scores = []
    while batch := list(islice(copies, per_call)):
        scores.extend(np.split(ranking_scores(pipeline, pd.concat(batch, ignore_index=True)), len(batch)))
    return scores


def drops_from(scores: list[np.ndarray], y: pd.Series, repeats: int) -> np.ndarray:
    """(columns, repeats) drops in average precision from `permuted_scores`."""
    labels = np.asarray(y)
    precision = np.array([average_precision_score(labels, row) for row in scores])
    return (precision[0] - precision[1:]).reshape(-1, repeats)


def shuffled_copies(x: pd.DataFrame, repeats: int, seed: int,
                    groups: list[list[str]] | None = None) -> Iterator[pd.DataFrame]:
    """x itself, then for each column in turn (or each group of columns, shuffled by one order so that they keep
    moving together) `repeats` copies with it shuffled, drawn as scikit-learn's `permutation_importance` draws
    them (one seed for every column, each shuffle applied to the last)."""
    yield x
    seed_per_column = np.random.RandomState(seed).randint(np.iinfo(np.int32).max + 1)
    for group in groups if groups is not None else [[c] for c in x.columns]:
        shuffle = np.random.RandomState(seed_per_column)
        order = np.arange(len(x))
        values = x[group]
        for _ in range(repeats):
            shuffle.shuffle(order)
            values = values.iloc[order].set_axis(x.index)
            shuffled = x.copy()
            for column in group:
                shuffled[column] = values[column]
            yield shuffled


GROUPED_AT = 0.7
"""From this absolute correlation on, features not listed as drivers are also shuffled together: a strong
correlation (Cohen's 'large' is 0.5; 0.7 leaves half of either's variance shared) lets each stand in for the
other when one alone is shuffled (orange juice's price difference, sale price and discounts of one brand)."""


def correlated_groups(features: list[str], correlation: dict[str, dict[str, float]],
                      at: float = GROUPED_AT) -> list[list[str]]:
    """The features linked, directly or through each other, by an absolute correlation of at least `at` (the
    connected components of that graph): groups of two or more, each in the order of `features`."""
    if not features:
        return []
    linked = np.array([[abs(correlation.get(a, {}).get(b, 0.0)) >= at for b in features] for a in features])
    count, component = connected_components(linked, directed=False)
    groups = [[f for f, c in zip(features, component) if c == label] for label in range(count)]
    return sorted((g for g in groups if len(g) > 1), key=lambda g: features.index(g[0]))


def driver_groups(fitted: FittedModel, clean: CleanData, config: DatasetConfig,
                  found: list[Driver]) -> list[DriverGroup]:
    """The correlated groups of features that `drivers` did not list, each shuffled together on the rows the drivers
    were measured on: how much they carry between them."""
    unlisted = [x.feature for x in found if not x.above_zero]
    groups = correlated_groups(unlisted, clean.correlation)
    if not groups:
        return []
    x_test, y_test = at_most(clean.x_test, clean.y_test, MEASURED_ROWS, config.seed)
    scores = permuted_scores(fitted.pipeline, x_test, PERMUTATION_REPEATS, config.seed, groups)
    importance = drops_from(scores, y_test, PERMUTATION_REPEATS).mean(axis=1)
    interval = importance_intervals(y_test, scores, PERMUTATION_REPEATS, config.seed)
    found_groups = []
    for group, drop, (low, high) in zip(groups, importance, interval):
        pairs = [abs(clean.correlation[a][b]) for i, a in enumerate(group) for b in group[i + 1:]
                 if b in clean.correlation.get(a, {})]
        linked = [p for p in pairs if p >= GROUPED_AT] or pairs
        found_groups.append(DriverGroup(
            features=group, labels=[config.label(f) for f in group], importance=round(float(drop), 6),
            importance_low=round(float(low), 6), importance_high=round(float(high), 6),
            correlation_low=round(min(linked), 4), correlation_high=round(max(linked), 4),
            above_zero=bool(drop > 0 and low > 0)))
    return found_groups


def ranking_scores(pipeline, x: pd.DataFrame) -> np.ndarray:
    """The scores scikit-learn's average-precision scorer ranks by: the decision function where
    the model has one, else the class-1 probability."""
    if hasattr(pipeline, "decision_function"):
        return pipeline.decision_function(x)
    return pipeline.predict_proba(x)[:, 1]

"""Stage 3d, segments: k-means on scaled numeric features, k chosen by the silhouette score.

Segments describe the kept rows (training and test together); the outcome is used only to report
each segment's conversion rate, never to form the segments, and nothing here feeds the models.
k-means is fitted on a random sample of large tables and every row is then assigned to its
nearest centre, so the cost stays flat as the table grows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.impute import SimpleImputer
from sklearn.metrics import pairwise_distances, silhouette_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import QuantileTransformer, StandardScaler
from threadpoolctl import threadpool_limits

from reportgen.config import DatasetConfig
from reportgen.errors import ReportInputError
from reportgen.result import SegmentProfile, Segments

DISTINCT_SHARE = 0.5
"""A feature is 'high' or 'low' in a segment when its scaled mean is this many standard deviations
above or below the mean of the other segments' rows. Against the overall mean, which a large segment
mostly makes, the larger of two segments would rarely stand out, and would be named 'close to typical'
while it is the other's mirror image."""
SHOWN_FEATURES = 6
"""The profile table shows at most this many features: those that set the segments apart most."""


@dataclass
class Segmentation:
    """The result block, and each kept row's position in `Segments.profiles` (for tests and callers)."""

    segments: Segments
    labels: pd.Series


def segment_features(config: DatasetConfig, numeric: list[str]) -> list[str]:
    """The configured features, or every numeric feature not declared as no lever (all of them when
    that leaves none)."""
    chosen = config.segments.features
    if chosen is not None:
        wrong = [c for c in chosen if c not in numeric]
        if wrong:
            raise ReportInputError(f"segments.features names {', '.join(wrong)}, "
                                   f"which {'is' if len(wrong) == 1 else 'are'} not a numeric feature after cleaning; "
                                   f"choose from {', '.join(numeric)}.")
        return list(chosen)
    levers = [c for c in numeric if c not in config.not_actionable]
    return levers or list(numeric)


def scaler(kind: str, rows: int, seed: int) -> Pipeline:
    scale = (QuantileTransformer(output_distribution="normal", n_quantiles=min(1000, rows), random_state=seed)
             if kind == "rank" else StandardScaler())
    return make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), scale)


def standing_out(deviation: dict[str, float]) -> tuple[list[str], list[str]]:
    """The features at least `DISTINCT_SHARE` above the other segments' mean, and those as far below, the most distinct
    first (of equals, in feature order)."""
    ranked = sorted(deviation, key=lambda f: -abs(deviation[f]))
    highs = [f for f in ranked if deviation[f] >= DISTINCT_SHARE]
    return highs, [f for f in ranked if deviation[f] <= -DISTINCT_SHARE]


def silhouette_curve(scaled: np.ndarray, config: DatasetConfig, rng: np.random.Generator
                     ) -> tuple[dict[int, float], dict[int, KMeans], int]:
    """k-means for each k in the configured range and its silhouette score on a fixed sample of rows."""
    spec = config.segments
    sample = np.sort(rng.choice(len(scaled), min(spec.silhouette_rows, len(scaled)), replace=False))
    distances = pairwise_distances(scaled[sample])
    distinct = len(np.unique(scaled, axis=0))
    curve, fitted = {}, {}
    for k in range(spec.k_min, min(spec.k_max, distinct) + 1):
        model = KMeans(n_clusters=k, n_init=spec.n_init, random_state=config.seed).fit(scaled)
        labels = model.labels_[sample]
        if 1 < len(np.unique(labels)) < len(sample):
            curve[k] = round(float(silhouette_score(distances, labels, metric="precomputed")), 4)
            fitted[k] = model
    return curve, fitted, len(sample)


def most_distinct(profiles: list[SegmentProfile], columns: list[str]) -> list[str]:
    """The features high or low in some segment (a deviation of `DISTINCT_SHARE` or more), those with the largest
    deviation first, at most `SHOWN_FEATURES`, in table order; the single most distinct one when none is. Columns
    on which every segment sits near the rest (churn's minutes, beside two segments that differ in voicemail
    messages only) would say the segments differ where they do not."""
    spread = {c: max(abs(p.deviation[c]) for p in profiles) for c in columns}
    ranked = sorted(columns, key=lambda c: -spread[c])
    kept = set([c for c in ranked if spread[c] >= DISTINCT_SHARE][:SHOWN_FEATURES] or ranked[:1])
    return [c for c in columns if c in kept]


def medians(values: pd.DataFrame) -> dict[str, float | None]:
    """Each column's median; None for a column missing in every row."""
    return {c: None if pd.isna(v) else round(float(v), 6) for c, v in values.median().items()}


def find_segments(features: pd.DataFrame, outcome: pd.Series, numeric: list[str],
                  config: DatasetConfig) -> Segmentation | None:
    """Segments of the kept rows; None when there is nothing to segment (no numeric feature, or too few
    distinct rows for two segments)."""
    columns = segment_features(config, numeric)
    if not columns:
        return None
    spec = config.segments
    values = features[columns].astype(float)
    rng = np.random.default_rng(config.seed)
    fit = np.sort(rng.choice(len(values), spec.fit_rows, replace=False)) if len(values) > spec.fit_rows \
        else np.arange(len(values))
    pipeline = scaler(spec.scaling, len(fit), config.seed)
    with threadpool_limits(limits=1):
        scaled_fit = pipeline.fit_transform(values.iloc[fit])
        curve, fitted, silhouette_rows = silhouette_curve(scaled_fit, config, rng)
        if not curve:
            return None
        k = max(curve, key=lambda n: (curve[n], -n))
        scaled = pipeline.transform(values)
        found = fitted[k].predict(scaled)
    spread = scaled.std(axis=0)
    spread[spread == 0] = 1.0
    groups = []
    for segment in range(k):
        members = found == segment
        deviation = (scaled[members].mean(axis=0) - scaled[~members].mean(axis=0)) / spread
        groups.append((float(outcome.to_numpy()[members].mean()), int(members.sum()), segment,
                       {c: round(float(d), 4) for c, d in zip(columns, deviation)}))
    groups.sort(key=lambda g: (-g[0], -g[1], g[2]))
    profiles = []
    for rate, size, segment, deviation in groups:
        highs, lows = standing_out(deviation)
        profiles.append(SegmentProfile(name="", size=size, share=round(size / len(values), 6),
                                       conversion_rate=round(rate, 6), typical=medians(values[found == segment]),
                                       deviation=deviation, highs=highs, lows=lows))
    position = np.empty(k, dtype=int)
    position[[g[2] for g in groups]] = np.arange(k)
    segments = Segments(k=k, silhouette=curve[k], curve=curve, profiles=profiles, features=columns,
                        scaling=spec.scaling, rows=len(values), fit_rows=len(fit), silhouette_rows=silhouette_rows,
                        distinct_at=DISTINCT_SHARE, shown=most_distinct(profiles, columns))
    return Segmentation(segments=segments, labels=pd.Series(position[found], index=features.index, name="segment"))

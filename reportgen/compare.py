"""What changed since a previous report: this run's result against a previous `results.json`.

The previous file is read tolerantly: only the fields the comparison needs are validated, so
results written by slightly older versions of reportgen (with fewer or other fields) still load.
This run's result goes through the same reader (as the dictionary `results.json` will hold), so
both sides are read alike. Reports on a different outcome column or positive label are refused:
their rates and scores measure different things.
"""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

from reportgen.config import DatasetConfig
from reportgen.errors import ReportInputError
from reportgen.result import (
    Comparison,
    DriverChange,
    ModelChange,
    RateChange,
    ReportResult,
    SegmentShift,
    to_dict,
)

TOP_DRIVERS = 5
SEGMENTS_SHOWN = 3
"""The report's table of segment shifts shows this many, the largest changes; results.json keeps all."""
COMPARED_SETTINGS = ("target", "features", "exclude", "outliers", "missing", "vif", "encoding", "split", "logit",
                     "models", "search", "ensemble", "imbalance", "threshold", "value", "seed")
"""Settings whose change can move the figures by itself; a change is listed as a caveat."""


class Facts(BaseModel):
    model_config = ConfigDict(extra="ignore")


class DatasetFacts(Facts):
    name: str
    source: str = ""
    target: str
    positive_label: str
    rows_used: int
    positive_rate: float
    features: list[str] = []
    feature_labels: dict[str, str] = {}


class MetricFacts(Facts):
    f1: float
    pr_auc: float


class ModelFacts(Facts):
    name: str
    label: str
    test: MetricFacts
    test_ci: dict[str, list[float]] = {}


class DriverFacts(Facts):
    feature: str
    label: str
    importance: float
    actionable: bool = True


class SegmentFacts(Facts):
    name: str
    share: float
    conversion_rate: float


class SegmentsFacts(Facts):
    profiles: list[SegmentFacts]


class RunFacts(Facts):
    version: str | None = None
    started_at: str | None = None


class ReportFacts(Facts):
    """The fields of a results.json the comparison reads; everything else is ignored."""

    dataset: DatasetFacts
    models: list[ModelFacts]
    best_model: str
    drivers: list[DriverFacts] = []
    settings: dict = {}
    logit: dict = {}
    segments: SegmentsFacts | None = None
    run: RunFacts | None = None

    @field_validator("segments", mode="wrap")
    @classmethod
    def _segments_or_none(cls, value, handler):
        """Segments in a shape this version does not know are skipped, not a reason to refuse the file."""
        try:
            return handler(value)
        except ValidationError:
            return None

    def model(self, name: str) -> ModelFacts | None:
        return next((m for m in self.models if m.name == name), None)


def read_previous(path: str | Path, config: DatasetConfig | None = None) -> ReportFacts:
    """The previous run's facts from its results.json (or the --out folder holding one); with a
    config, also refuses a report on another outcome column or positive label."""
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    where = f"--compare-to {path}"
    if not path.is_file():
        raise ReportInputError(f"{where}: no such file; give the results.json of an earlier run (or its --out folder).")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportInputError(f"{where} is not a reportgen results.json (not JSON: {exc}).") from None
    if not isinstance(data, dict):
        raise ReportInputError(f"{where} is not a reportgen results.json (it holds no object).")
    try:
        previous = ReportFacts.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        raise ReportInputError(f"{where} is not a reportgen results.json ({key}: {first['msg'].lower()}); "
                               f"give the results.json a `reportgen run` wrote.") from None
    if previous.model(previous.best_model) is None:
        raise ReportInputError(f"{where} names a recommended model ({previous.best_model}) it holds no figures "
                               f"for; give the results.json a `reportgen run` wrote.")
    if config is not None:
        check_same_outcome(previous, config.target.column, str(config.target.positive), where)
    return previous


def check_same_outcome(previous: ReportFacts, target: str, positive: str, where: str) -> None:
    before = previous.dataset
    if before.target != target:
        raise ReportInputError(f"{where} reports on the outcome '{before.target}', this run on '{target}'; "
                               f"compare reports on the same outcome column.")
    if before.positive_label != positive:
        raise ReportInputError(f"{where} counts '{before.positive_label}' as converting, this run '{positive}'; "
                               f"run with --positive {before.positive_label} to compare.")


def facts_of(result: ReportResult) -> ReportFacts:
    return ReportFacts.model_validate(to_dict(result))


def compare(previous: ReportFacts, result: ReportResult) -> Comparison:
    """The figures of the changes from the previous run to this one; interpret writes the sentences."""
    current = facts_of(result)
    check_same_outcome(previous, current.dataset.target, current.dataset.positive_label, "the previous report")
    before, after = previous.dataset, current.dataset
    drivers = driver_changes(previous.drivers, current.drivers)
    top_before = {d.feature for d in drivers if d.rank_before is not None and d.rank_before <= TOP_DRIVERS}
    top_after = {d.feature for d in drivers if d.rank_after is not None and d.rank_after <= TOP_DRIVERS}
    drivers = [dataclasses.replace(d, entered=d.feature in top_after - top_before,
                                   left=d.feature in top_before - top_after) for d in drivers]
    shifts = segment_shifts(previous.segments, current.segments)
    models = model_changes(previous, current)
    return Comparison(
        previous_started_at=previous.run.started_at if previous.run else None,
        previous_version=previous.run.version if previous.run else None,
        previous_source=before.source,
        previous_name=before.name,
        rows_before=before.rows_used,
        rows_after=after.rows_used,
        rate=rate_change(before.rows_used, before.positive_rate, after.rows_used, after.positive_rate,
                         float(current.logit.get("alpha", 0.05))),
        recommended_before=previous.best_model,
        recommended_after=current.best_model,
        recommended_before_label=models[-1].label,
        recommended_after_label=models[0].label,
        models=models,
        drivers=drivers,
        entered=[d.feature for d in drivers if d.entered],
        left=[d.feature for d in drivers if d.left],
        segments=shifts,
        segments_shown=min(SEGMENTS_SHOWN, len(shifts or [])),
        settings_changed=changed_settings(previous.settings, current.settings),
        features_added=[f for f in after.features if f not in before.features],
        features_removed=[f for f in before.features if f not in after.features],
        top=TOP_DRIVERS,
    )


def rate_change(rows_before: int, rate_before: float, rows_after: int, rate_after: float, alpha: float) -> RateChange:
    """The change of the positive rate, with a two-proportion z-test and a confidence interval.

    The test treats the two tables as independent samples; when the new table repeats the old
    rows it overstates the uncertainty, never understates it."""
    positives_before, positives_after = round(rate_before * rows_before), round(rate_after * rows_after)
    counts, rows = [positives_after, positives_before], [rows_after, rows_before]
    z = pvalue = None
    low = high = rate_after - rate_before
    if 0 < sum(counts) < sum(rows):
        z, pvalue = (float(v) for v in proportions_ztest(counts, rows))
        low, high = confint_proportions_2indep(positives_after, rows_after, positives_before, rows_before,
                                               compare="diff", alpha=alpha)
    finite = z is not None and math.isfinite(z)
    return RateChange(
        before=rate_before,
        after=rate_after,
        positives_before=positives_before,
        positives_after=positives_after,
        difference=round(rate_after - rate_before, 6),
        interval=[round(float(low), 6), round(float(high), 6)],
        z=round(z, 4) if finite else None,
        pvalue=round(pvalue, 6) if finite else None,
        significant=bool(finite and pvalue < alpha),
        alpha=alpha,
    )


def model_changes(previous: ReportFacts, current: ReportFacts) -> list[ModelChange]:
    """The recommended model's figures then and now; when the recommendation changed, the previous
    recommended model's too."""
    changes = []
    for name in dict.fromkeys([current.best_model, previous.best_model]):
        then, now = previous.model(name), current.model(name)
        shown = now or then
        changes.append(ModelChange(
            name=name,
            label=shown.label,
            f1_before=then.test.f1 if then else None,
            f1_after=now.test.f1 if now else None,
            pr_auc_before=then.test.pr_auc if then else None,
            pr_auc_after=now.test.pr_auc if now else None,
            f1_interval=list(now.test_ci.get("f1", [])) if now else [],
            pr_auc_interval=list(now.test_ci.get("pr_auc", [])) if now else [],
        ))
    return changes


def driver_changes(before: list[DriverFacts], after: list[DriverFacts]) -> list[DriverChange]:
    """Every column in either run's top drivers, with its rank and weight in both runs."""
    rank_before = {d.feature: (rank, d) for rank, d in enumerate(before, 1)}
    rank_after = {d.feature: (rank, d) for rank, d in enumerate(after, 1)}
    top = dict.fromkeys([d.feature for d in after[:TOP_DRIVERS]] + [d.feature for d in before[:TOP_DRIVERS]])
    changes = []
    for feature in top:
        then, now = rank_before.get(feature), rank_after.get(feature)
        changes.append(DriverChange(
            feature=feature,
            label=(now or then)[1].label,
            rank_before=then[0] if then else None,
            rank_after=now[0] if now else None,
            importance_before=then[1].importance if then else None,
            importance_after=now[1].importance if now else None,
            actionable=(now or then)[1].actionable,
        ))
    return changes


def segment_shifts(before: SegmentsFacts | None, after: SegmentsFacts | None) -> list[SegmentShift] | None:
    """The segments of both runs matched by name, largest change in conversion first (ties in this
    run's order); None when either run has none."""
    if before is None or after is None:
        return None
    earlier = {p.name: p for p in before.profiles}
    shifts = [SegmentShift(name=p.name, share_before=earlier[p.name].share, share_after=p.share,
                           conversion_before=earlier[p.name].conversion_rate, conversion_after=p.conversion_rate)
              for p in after.profiles if p.name in earlier]
    return sorted(shifts, key=lambda s: -abs(s.conversion_after - s.conversion_before))


def flat(settings: dict, prefix: str = "") -> dict[str, object]:
    """{'search.cv': 5, ...}: nested settings as dotted keys."""
    found = {}
    for key, value in settings.items():
        if isinstance(value, dict) and value:
            found.update(flat(value, f"{prefix}{key}."))
        else:
            found[f"{prefix}{key}"] = value
    return found


def changed_settings(before: dict, after: dict) -> list[str]:
    """The compared settings that differ; none when the previous run did not record its settings."""
    if not before:
        return []
    old = flat({k: v for k, v in before.items() if k in COMPARED_SETTINGS})
    new = flat({k: v for k, v in after.items() if k in COMPARED_SETTINGS})
    return sorted(key for key in old.keys() | new.keys() if old.get(key) != new.get(key))

"""The whole result (`ReportResult`) and its round trip through `results.json`."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import TypeAdapter

from reportgen.result.comparison import Comparison
from reportgen.result.dataset import DatasetSummary
from reportgen.result.drivers import Driver, DriverChecks, DriverGroup, listed_drivers
from reportgen.result.exploration import Exploration
from reportgen.result.logit import LogitResult
from reportgen.result.models import (
    Baseline,
    Calibration,
    Curve,
    ImbalanceRow,
    ModelResult,
    ThresholdResult,
    TreeSummary,
)
from reportgen.result.preparation import Preprocessing
from reportgen.result.published import Published
from reportgen.result.reliability import Dependence, Strength, Twins
from reportgen.result.run import RunInfo, Theme
from reportgen.result.segments import Segments
from reportgen.result.summary import Question, Summary
from reportgen.result.targeting import Recommendation, TargetingRow
from reportgen.result.training import TrainingHistory
from reportgen.result.trends import Trends


@dataclass
class ReportResult:
    dataset: DatasetSummary
    preprocessing: Preprocessing
    logit: LogitResult
    models: list[ModelResult]
    best_model: str
    tree: TreeSummary | None
    drivers: list[Driver]
    warnings: list[str]
    """Written by the narrative: the data's warnings (`Preprocessing.notices`), then the logit's."""
    settings: dict[str, object]
    driver_rows: int = 0
    """Test rows the drivers were measured on: all of them, or a stratified sample of large tables."""
    driver_checks: DriverChecks = field(default_factory=DriverChecks)
    """Where the logit and the segments read the drivers differently."""
    driver_groups: list[DriverGroup] = field(default_factory=list)
    """Features not listed as drivers that move together, measured shuffled together."""
    families_left_out: list[str] = field(default_factory=list)
    """Labels of the default model families the configuration did not list (its `models_note` says why)."""
    columns_seen: str = ""
    """Which features each model saw, when they differ (the logit's VIF screen); written by the narrative."""
    baseline: Baseline | None = None
    imbalance: list[ImbalanceRow] = field(default_factory=list)
    threshold: ThresholdResult | None = None
    calibration: Calibration | None = None
    twins: Twins | None = None
    """Test rows with an identical training row, and the models' test figures without them."""
    targeting: list[TargetingRow] = field(default_factory=list)
    gains: Curve | None = None
    recommendation: Recommendation | None = None
    theme: Theme | None = None
    summary: Summary | None = None
    questions: list[Question] = field(default_factory=list)
    figures: dict[str, str] = field(default_factory=dict)
    published: Published | None = None
    comparison: Comparison | None = None
    """Changes since a previous run, when the run was asked to compare (--compare-to)."""
    explore: Exploration | None = None
    segments: Segments | None = None
    trends: Trends | None = None
    training_histories: list[TrainingHistory] = field(default_factory=list)
    """The neural-network classifier's training, when it is among the models (the LSTM's are in `trends`)."""
    dependence: Dependence | None = None
    """The recommended model refitted without the one feature it leans on; None when it leans on none."""
    strength: Strength | None = None
    """Whether the recommended model ranks clearly better than chance; None in older results."""
    run: RunInfo | None = None

    def model(self, name: str) -> ModelResult:
        return next(m for m in self.models if m.name == name)

    @property
    def best(self) -> ModelResult:
        return self.model(self.best_model)

    @property
    def searches_sampled(self) -> bool:
        """Whether any model was searched or fitted on a sample of the training rows."""
        return any(0 < m.tuning_rows < self.dataset.train_rows or 0 < m.fit_rows < self.dataset.train_rows
                   for m in self.models)

    @property
    def scored_from_one_fit(self) -> bool:
        """Whether any model's search scored several values of a parameter from one fit."""
        return any(m.scored_along for m in self.models)

    @property
    def listed_drivers(self) -> list[Driver]:
        """The drivers the report names, strongest first (`listed_drivers`)."""
        return listed_drivers(self.drivers)

    @property
    def drivers_sampled(self) -> bool:
        """Whether the drivers were measured on a sample of the test rows rather than all of them."""
        return 0 < self.driver_rows < self.dataset.test_rows


def to_dict(result: ReportResult) -> dict:
    return dataclasses.asdict(result)


def to_json(result: ReportResult) -> str:
    return json.dumps(to_dict(result), indent=2, ensure_ascii=False, allow_nan=False)


def load_result(path: str | Path) -> ReportResult:
    """Read a `results.json` back into the result type (validated)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return TypeAdapter(ReportResult).validate_python(data)

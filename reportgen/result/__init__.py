"""The result object: everything a report says, as plain dataclasses, a module per part of the report.

The engine fills one `ReportResult`; templates and figures only read it, and it
round-trips through `results.json` (`to_json` / `load_result`). Every name is importable from here.
"""

from __future__ import annotations

from reportgen.result.comparison import Comparison, DriverChange, ModelChange, RateChange, SegmentShift
from reportgen.result.dataset import DatasetSummary
from reportgen.result.drivers import (
           DRIVERS_SHOWN,
           Contrast,
           ContrastKind,
           Driver,
           DriverChecks,
           DriverGroup,
           SignDisagreement,
           UnlistedSignal,
           listed_drivers,
)
from reportgen.result.exploration import BoxStats, Exploration, FeatureByClass, FeatureByGroup, GroupRow, MissingRow
from reportgen.result.logit import Coefficient, FitNote, FitNoteKind, LogitResult, RedundantTerm
from reportgen.result.models import (
           Baseline,
           Calibration,
           Curve,
           CvScore,
           GridEdge,
           ImbalanceCell,
           ImbalanceRow,
           Importance,
           Metrics,
           ModelResult,
           ScoresSource,
           ThresholdKind,
           ThresholdResult,
           TreeSummary,
)
from reportgen.result.preparation import (
           READING_NOTES,
           ColumnDecision,
           ColumnReading,
           DerivedColumn,
           Distribution,
           Duplicates,
           Leakage,
           Notice,
           NoticeKind,
           Preprocessing,
           PreprocessingStep,
           ReadingKind,
           StepKind,
           VifRow,
)
from reportgen.result.published import Published, PublishedRow
from reportgen.result.reliability import Dependence, Strength, StrengthKind, Twins, WithoutTwins
from reportgen.result.report import ReportResult, load_result, to_dict, to_json
from reportgen.result.run import RunInfo, Theme
from reportgen.result.segments import SegmentProfile, Segments
from reportgen.result.summary import Question, Summary
from reportgen.result.targeting import Outreach, Recommendation, RuleKind, TargetingRow
from reportgen.result.training import TrainingEnd, TrainingHistory
from reportgen.result.trends import (
           BacktestRow,
           ForecastMethod,
           ForecastModel,
           ForecastPoint,
           MethodStatus,
           NoForecast,
           TrendPoint,
           Trends,
)

__all__ = ["DRIVERS_SHOWN", "READING_NOTES", "BacktestRow", "Baseline", "BoxStats", "Calibration", "Coefficient",
           "ColumnDecision", "ColumnReading", "Comparison", "Contrast", "ContrastKind", "Curve", "CvScore",
           "DatasetSummary", "Dependence", "DerivedColumn", "Distribution", "Driver", "DriverChange", "DriverChecks",
           "DriverGroup", "Duplicates", "Exploration", "FeatureByClass", "FeatureByGroup", "FitNote", "FitNoteKind",
           "ForecastMethod", "ForecastModel", "ForecastPoint", "GridEdge", "GroupRow", "ImbalanceCell", "ImbalanceRow",
           "Importance", "Leakage", "LogitResult", "MethodStatus", "Metrics", "MissingRow", "ModelChange",
           "ModelResult", "NoForecast", "Notice", "NoticeKind", "Outreach", "Preprocessing", "PreprocessingStep",
           "Published", "PublishedRow", "Question", "RateChange", "ReadingKind", "Recommendation", "RedundantTerm",
           "ReportResult", "RuleKind", "RunInfo", "ScoresSource", "SegmentProfile", "Segments", "SegmentShift",
           "SignDisagreement", "StepKind", "Strength", "StrengthKind", "Summary", "TargetingRow", "Theme",
           "ThresholdKind", "ThresholdResult", "TrainingEnd", "TrainingHistory", "TreeSummary", "TrendPoint", "Trends",
           "Twins", "UnlistedSignal", "VifRow", "WithoutTwins", "listed_drivers", "load_result", "to_dict", "to_json"]

"""Stage 4, interpret: every sentence of the report, written from this run's numbers only.

A module per part of the report turns the typed facts the stages return, and the outcome's vocabulary
(`DatasetSummary`: what a row is, what the outcome is in words, what action the report recommends), into
sentences. Nothing here fits a model or touches the data; templates only lay the sentences out.
"""

from __future__ import annotations

import dataclasses

from reportgen.narrative.changes import with_changes
from reportgen.narrative.directions import with_directions
from reportgen.narrative.explore import explore_observations
from reportgen.narrative.models import with_model_words
from reportgen.narrative.preparation import with_preparation
from reportgen.narrative.published import with_published
from reportgen.narrative.questions import questions
from reportgen.narrative.segments import with_segment_words
from reportgen.narrative.summary import summary, with_scores_used, with_twin_notes
from reportgen.narrative.training import with_training_words
from reportgen.narrative.trends import with_trend_words
from reportgen.result import ReportResult


def described(result: ReportResult) -> ReportResult:
    """The result with the sentences of the exploratory, segment and trend sections."""
    updates = {}
    if result.explore is not None:
        updates["explore"] = dataclasses.replace(result.explore, observations=explore_observations(result))
    return dataclasses.replace(result, **updates, segments=with_segment_words(result), trends=with_trend_words(result))


def worded_facts(result: ReportResult) -> ReportResult:
    """The result with the words of the stages' facts that later sentences cite: the appendix's preparation and
    warnings, the models' searches and threshold, and the drivers' directions."""
    return with_directions(with_model_words(with_preparation(result)))


def interpret(result: ReportResult) -> ReportResult:
    """The result with its summary, the seven answers, the sentences of the descriptive sections and under the
    networks' training figures and, when compared, the changes filled in."""
    result = worded_facts(result)
    compared = dataclasses.replace(with_training_words(described(result)), published=with_published(result),
                                   comparison=with_changes(result))
    compared = dataclasses.replace(compared, twins=with_twin_notes(compared), calibration=with_scores_used(compared))
    with_summary = dataclasses.replace(compared, summary=summary(compared))
    return dataclasses.replace(with_summary, questions=questions(with_summary))

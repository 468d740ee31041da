"""Checks behind the drivers: which of them the report may name, and where the logit and the segments
read them differently. Facts only; `interpret` words them."""

from __future__ import annotations

from reportgen.logit import significant_terms
from reportgen.result import (
    DRIVERS_SHOWN,
    Coefficient,
    Driver,
    DriverChecks,
    LogitResult,
    Segments,
    SignDisagreement,
    UnlistedSignal,
    listed_drivers,
)


def column_of(term: Coefficient) -> str:
    """The column a logit term comes from: 'country = US' -> 'country'."""
    return term.feature.partition(" = ")[0]


def significant_by_column(logit: LogitResult) -> dict[str, list[Coefficient]]:
    """The logit's significant terms by the column they come from; none when its fit did not converge."""
    found: dict[str, list[Coefficient]] = {}
    for term in significant_terms(logit):
        found.setdefault(column_of(term), []).append(term)
    return found


def sign_disagreements(drivers: list[Driver], logit: LogitResult) -> list[SignDisagreement]:
    """Numeric drivers higher (lower) among positives whose significant logit coefficient is negative
    (positive)."""
    terms = {t.feature: t for t in significant_terms(logit)}
    return [SignDisagreement(feature=x.feature, label=x.label, sign=x.sign, coefficient=terms[x.feature])
            for x in drivers
            if x.sign and x.feature in terms and terms[x.feature].coef * x.sign < 0]


def standing_out(segments: Segments | None) -> dict[str, list[str]]:
    """Each feature's segments in which it is distinctly high or low (those it names the segment by)."""
    if segments is None:
        return {}
    found: dict[str, list[str]] = {}
    for profile in segments.profiles:
        for feature, deviation in profile.deviation.items():
            if abs(deviation) >= segments.distinct_at:
                found.setdefault(feature, []).append(profile.name)
    return found


def unlisted_signals(drivers: list[Driver], logit: LogitResult, segments: Segments | None,
                     shown: int = DRIVERS_SHOWN) -> list[UnlistedSignal]:
    """Features significant in the logit and setting a segment apart that the drivers table leaves out."""
    listed = [x.feature for x in listed_drivers(drivers)]
    by_feature = {x.feature: x for x in drivers}
    segment_names = standing_out(segments)
    found = []
    for column, terms in significant_by_column(logit).items():
        if column not in segment_names or column in listed[:shown]:
            continue
        driver = by_feature.get(column)
        found.append(UnlistedSignal(
            feature=column,
            label=driver.label if driver else terms[0].label,
            terms=terms,
            segments=segment_names[column],
            importance=driver.importance if driver else None,
            importance_low=driver.importance_low if driver else None,
            importance_high=driver.importance_high if driver else None,
            rank=listed.index(column) + 1 if column in listed else None,
        ))
    return found


def driver_checks(drivers: list[Driver], logit: LogitResult, segments: Segments | None) -> DriverChecks:
    return DriverChecks(shown=DRIVERS_SHOWN, disagreements=sign_disagreements(drivers, logit),
                        unlisted=unlisted_signals(drivers, logit, segments))

"""How each driver differs between the outcomes, in words: the drivers table's direction column."""

from __future__ import annotations

import dataclasses

from reportgen.load import FALSE_WORDS, TRUE_WORDS
from reportgen.narrative.words import in_sentence, readable_number
from reportgen.result import Contrast, ContrastKind, DatasetSummary, Driver, ReportResult

MISSING_WORTH_SAYING = 0.01
"""A numeric driver's blanks are named once this share of either outcome's rows has none."""


def direction_text(driver: Driver, d: DatasetSummary) -> str:
    """'higher among buyers: median 12 vs 3 for non-buyers', or for a category, the positive share of its
    highest and lowest category, or for a count with few values, on either side of its step."""
    c = driver.contrast
    if c is None:
        return driver.direction
    if c.kind == ContrastKind.FLAT:
        return "varies little between the categories the model distinguishes"
    if c.kind == ContrastKind.RATES:
        name = in_sentence(driver.label)
        held = yes_first(c.top, c.bottom)
        units = counted(c.top_rows, d)
        if held is not None:
            first, second = ("with", "of those without") if held else ("without", "of those with it")
            return f"{c.top_rate:.1%} of {units} {first} {name} {d.predicate} vs {c.bottom_rate:.1%} {second}"
        return (f"{c.top_rate:.1%} of {units} with {name} {c.top} {d.predicate} vs {c.bottom_rate:.1%} with {name} "
                f"{c.bottom}")
    if c.kind == ContrastKind.STEP:
        return step_text(c, d) + missing_clause(c, d)
    pos, neg = c.positive, c.negative
    relation = "the same" if pos is None or neg is None or pos == neg else "higher" if pos > neg else "lower"
    return (f"{relation} among {d.positive_noun}: {c.kind.value} {readable_number(pos)} vs {readable_number(neg)} "
            f"for {d.negative_noun}{missing_clause(c, d)}")


def step_text(c: Contrast, d: DatasetSummary) -> str:
    """'50.4% of the 399 customers with 4 or more left vs 11.0% with up to 3': the side with the higher share first. The
    drivers' table and the questions put the behaviour's name just before it."""
    above = f"with {readable_number(c.cut)} or more"
    below = (f"with {readable_number(c.lowest)}" if c.lowest == c.cut - 1
             else f"with up to {readable_number(c.cut - 1)}")
    if c.top_rate >= c.bottom_rate:
        return f"{c.top_rate:.1%} of {counted(c.top_rows, d)} {above} {d.predicate} vs {c.bottom_rate:.1%} {below}"
    return f"{c.bottom_rate:.1%} of {counted(c.bottom_rows, d)} {below} {d.predicate} vs {c.top_rate:.1%} {above}"


def counted(rows: int | None, d: DatasetSummary) -> str:
    """'the 399 customers': how many the first group of a contrast holds, so that a share can be sized; the unit
    alone in results from before it was counted."""
    return d.unit if rows is None else f"the {rows:,} {d.unit}"


def yes_no(value: str) -> bool | None:
    text = str(value).strip().lower()
    return True if text in TRUE_WORDS else False if text in FALSE_WORDS else None


def yes_first(top: str, bottom: str) -> bool | None:
    """For a yes/no column, whether its highest-rate category is the yes (so a driver reads 'with international plan'
    rather than 'with international plan yes'); None for any other pair."""
    first, second = yes_no(top), yes_no(bottom)
    return first if first is not None and second is not None and first != second else None


def missing_clause(c: Contrast, d: DatasetSummary) -> str:
    """'; no value for 74% of repeat buyers vs 84% of other customers' when the blanks are worth a mention: a model
    may read them too."""
    if max(c.missing_positive, c.missing_negative) < MISSING_WORTH_SAYING:
        return ""
    return (f"; no value for {c.missing_positive:.0%} of {d.positive_noun} vs {c.missing_negative:.0%} of "
            f"{d.negative_noun}")


def with_directions(result: ReportResult) -> ReportResult:
    return dataclasses.replace(result, drivers=[dataclasses.replace(x, direction=direction_text(x, result.dataset))
                                                for x in result.drivers])

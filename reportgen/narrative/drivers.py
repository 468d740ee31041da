"""The drivers in words: the strongest one, levers, intervals, and where other analyses disagree."""

from __future__ import annotations

import math

from reportgen.narrative.logit import odds_reading
from reportgen.narrative.words import capitalised, in_sentence, join_words, label_of, ordinal
from reportgen.result import (
    Driver,
    DriverGroup,
    ReportResult,
    SignDisagreement,
    UnlistedSignal,
)


def first_lever(result: ReportResult) -> Driver | None:
    """The strongest listed driver the config declares a lever (`levers`)."""
    return next((x for x in result.listed_drivers if x.lever), None)


def no_lever_reason(result: ReportResult) -> str:
    """Why no listed driver is called a lever, as a clause."""
    declared = [in_sentence(label_of(result, c)) for c in result.settings.get("levers", [])]
    if not declared:
        return "the report was not told which behaviours the business can change (levers)"
    return f"none of the declared levers ({join_words(declared)}) measurably drives the score"


def levers_note(result: ReportResult) -> str:
    """Under the drivers table: which behaviours the business can act on, and that the others only predict.
    Said once here, so neither the action nor the caveats repeat it."""
    if not result.listed_drivers:
        return ("No behaviour measurably drives the model's ranking: shuffling any one of them lowers its test PR "
                "AUC by an amount that cannot be told from zero.")
    experiment = "test a change with an experiment before rolling it out"
    if first_lever(result):
        return (f"Behaviours tagged lever are ones the business can change; none here, lever or not, is shown to "
                f"cause the outcome: {experiment}.")
    if not result.settings.get("levers"):
        return (f"The behaviours above predict the outcome; none is shown to cause it, and the report was not told "
                f"which of them the business can change: {experiment}.")
    return (f"{capitalised(no_lever_reason(result))}, so the behaviours above predict the outcome without being "
            f"shown to cause it: {experiment}.")


def driver_tag(driver: Driver) -> str:
    """'; a declared lever', '; not a lever' (marked so in the config), or nothing."""
    if driver.lever:
        return "; a declared lever"
    return "" if driver.actionable else "; not a lever"


def drop_text(value: float) -> str:
    """A drop in PR AUC with three decimals, never '-0.000'."""
    return f"{round(value, 3) + 0.0:.3f}"


def importance_interval(driver: Driver | UnlistedSignal) -> str:
    """'95% interval 0.129 to 0.188', or nothing in results from before intervals were measured."""
    if driver.importance_low is None or driver.importance_high is None:
        return ""
    return f"95% interval {drop_text(driver.importance_low)} to {drop_text(driver.importance_high)}"


def drivers_clause(top: list[Driver]) -> str:
    """How question 7's short answer names the strongest drivers, and which of them are levers."""
    if not top:
        return "; no feature measurably drives its predictions."
    levers = [in_sentence(x.label) for x in top if x.lever]
    if not levers:
        note = "not a declared lever" if len(top) == 1 else "none is a declared lever"
    elif len(levers) == len(top):
        note = "a declared lever" if len(top) == 1 else "all declared levers"
    else:
        are = "is a declared lever" if len(levers) == 1 else "are declared levers"
        note = f"of these, only {join_words(levers)} {are}"
    verb = "drives" if len(top) == 1 else "drive"
    named = join_words([in_sentence(x.label) for x in top])
    return f"; {named} {verb} its predictions most (predictive, not causal; {note})."


NEAR_COPY = 0.95
"""From this absolute Pearson correlation on, a feature the report does not list moves with a listed driver: shuffled
alone, it leaves that driver to tell the model the same, so its own drop says little about what it carries."""


def listed_twin(feature: str, listed: list[Driver], correlation: dict[str, dict[str, float]]
                ) -> tuple[Driver, float] | None:
    """The listed driver a feature moves with most closely (|r| at least `NEAR_COPY`), and their correlation."""
    row = correlation.get(feature, {})
    close = [(x, row[x.feature]) for x in listed if abs(row.get(x.feature, 0.0)) >= NEAR_COPY]
    return max(close, key=lambda pair: abs(pair[1]), default=None)


def unlisted_drivers_point(result: ReportResult) -> list[str]:
    """The measured features the report does not list as drivers, as one point; none when all are listed. Those
    that move with a listed driver are said apart: their small drop is the listed driver standing in for them."""
    listed = result.listed_drivers
    unlisted = [x for x in result.drivers if x not in listed]
    if not unlisted:
        return []
    twins = {x.feature: listed_twin(x.feature, listed, result.preprocessing.correlation) for x in unlisted}
    plain = [in_sentence(x.label) for x in unlisted if twins[x.feature] is None]
    copies = [(x, *twins[x.feature]) for x in unlisted if twins[x.feature] is not None]
    said = []
    if plain:
        them = "it" if len(plain) == 1 else "them"
        said.append(f"Not listed as drivers: {join_words(plain)}. Shuffling {them} does not measurably lower the "
                    f"model's test PR AUC (the 95% interval of the drop includes zero, or the drop is not positive).")
    if copies:
        either = " either" if plain else ""
        subject = capitalised(join_words([in_sentence(x.label) for x, _, _ in copies]))
        pairs = "; ".join(f"{in_sentence(twin.label)}, correlation {r:.2f}" for _, twin, r in copies)
        if len(copies) == 1:
            said.append(f"{subject} is not listed{either}, but it moves with a listed driver ({pairs}): shuffled "
                        f"alone, it leaves {in_sentence(copies[0][1].label)} to tell the model the same, so its own "
                        f"drop cannot be told from zero.")
        else:
            said.append(f"{subject} are not listed{either}, but each moves with a listed driver ({pairs}): shuffled "
                        f"alone, each leaves the driver it moves with to tell the model the same, so its own drop "
                        f"cannot be told from zero.")
    return [" ".join(said + groups_texts(result.driver_groups))]


def correlation_text(value: float) -> str:
    """Two decimals, cut rather than rounded, so that 0.999 does not read as a perfect 1.00."""
    return f"{math.floor(value * 100 + 1e-9) / 100:.2f}"


def group_parts(group: DriverGroup) -> tuple[str, str, str, str]:
    """A group's members, how closely they move together, its drop and the drop's interval, in words."""
    members = join_words([in_sentence(label) for label in group.labels])
    low, high = correlation_text(group.correlation_low), correlation_text(group.correlation_high)
    together = f"correlation {low}" if low == high else f"correlations {low} to {high}"
    interval = f"95% interval {drop_text(group.importance_low)} to {drop_text(group.importance_high)}"
    return members, together, drop_text(group.importance), interval


def groups_texts(groups: list[DriverGroup]) -> list[str]:
    """What features that move together carry between them, measured shuffled together: a sentence for each group
    that measurably does, one for those that do not."""
    said = []
    for group in (g for g in groups if g.above_zero):
        members, together, drop, interval = group_parts(group)
        said.append(f"{capitalised(members)} move together ({together}), so each shuffled alone leaves the others to "
                    f"stand in for it; shuffled together, they lower the model's test PR AUC by {drop} ({interval}): "
                    f"between them they carry what none measurably does alone.")
    idle = [group_parts(g) for g in groups if not g.above_zero]
    if idle:
        listed = "; ".join(f"{members} ({together}; a drop of {drop}, {interval})"
                           for members, together, drop, interval in idle)
        said.append(f"Features that move together, shuffled together so that none stands in for another, do not "
                    f"measurably lower it either: {listed}.")
    return said


def group_notes(result: ReportResult) -> list[str]:
    """Under the summary's drivers table: the groups of features that predict together though none does alone."""
    notes = []
    for group in result.driver_groups:
        if group.above_zero:
            members, together, drop, interval = group_parts(group)
            notes.append(f"Not in the table, as none counts alone: {members} move together ({together}), and "
                         f"scrambled together they lower the model's ranking quality by {drop} ({interval}).")
    return notes


def disagreement_note(disagreement: SignDisagreement, result: ReportResult) -> str:
    """A driver higher among positives whose logit coefficient is negative (or the reverse), and why both hold."""
    d = result.dataset
    term = disagreement.coefficient
    relation = "higher" if disagreement.sign > 0 else "lower"
    return (f"{disagreement.label} is {relation} among {d.positive_noun}, yet its logit coefficient is "
            f"{'negative' if term.coef < 0 else 'positive'}: holding the other features fixed, "
            f"{odds_reading(term, result)}. The first compares {d.positive_noun} with "
            f"{d.negative_noun} as they are, the second {d.unit} alike in every other feature.")


def segments_named(names: list[str]) -> str:
    """"the segment 'A'", "the segments 'A' and 'B'", or "4 segments"."""
    quoted = [f"'{n}'" for n in names]
    if len(names) == 1:
        return f"the segment {quoted[0]}"
    if len(names) == 2:
        return f"the segments {join_words(quoted)}"
    return f"{len(names)} segments"


def unlisted_note(signal: UnlistedSignal, result: ReportResult, shown: int, subject: str = "") -> str:
    """A feature significant in the logit and setting segments apart that the drivers table leaves out;
    `subject` stands for its label when the sentence before spoke of it."""
    d = result.dataset
    if signal.rank is not None:
        why = f"it ranks {ordinal(signal.rank)} among the drivers, below the {shown} the table shows"
    elif signal.importance is None:
        why = "the drivers do not measure it"
    else:
        interval = importance_interval(signal)
        high = signal.importance_high
        if high is not None and high < 0:
            why = (f"shuffling it raises the model's test PR AUC slightly, by {drop_text(-signal.importance)}"
                   f"{f' ({interval} for the drop)' if interval else ''}: the model does not gain from it")
        else:
            why = (f"shuffling it changes the model's test PR AUC by {drop_text(signal.importance)}"
                   f"{f' ({interval})' if interval else ''}, which cannot be told from zero")
    return (f"{subject or signal.label} is {'also ' if subject else ''}significant in the logit and stands out in "
            f"{segments_named(signal.segments)}, yet it is not in the drivers table: {why}. The logit holds the "
            f"other features fixed and the segments describe how {d.unit} differ; the drivers measure what the "
            f"recommended model's ranking of {d.positive_noun} needs.")


def driver_notes(result: ReportResult) -> list[str]:
    """Where the logit or the segments read a driver differently from the drivers table, a sentence each;
    a feature's two sentences, when it has both, one after the other."""
    checks = result.driver_checks
    unlisted = {x.feature: x for x in checks.unlisted}
    notes = []
    for x in checks.disagreements:
        notes.append(disagreement_note(x, result))
        if x.feature in unlisted:
            notes.append(unlisted_note(unlisted.pop(x.feature), result, checks.shown, subject="It"))
    return notes + [unlisted_note(x, result, checks.shown) for x in unlisted.values()]


def table_notes(result: ReportResult) -> list[str]:
    """The sign disagreements of the drivers the summary's table shows, to read beside their direction
    there; question 7 carries every note."""
    shown = {x.feature for x in result.listed_drivers[:result.driver_checks.shown]}
    return [disagreement_note(x, result) for x in result.driver_checks.disagreements if x.feature in shown]

"""The logistic regression in words: why a fit failed, odds read as changes, terms left out as repeats."""

from __future__ import annotations

import math

from reportgen.config import STRATEGY_LABELS
from reportgen.model.pipeline import RESAMPLING_STRATEGIES
from reportgen.narrative.words import (
    Answer,
    capitalised,
    change_text,
    in_sentence,
    join_words,
    label_of,
    pct,
    plural,
    pvalue_text,
)
from reportgen.result import (
    Coefficient,
    DatasetSummary,
    FitNote,
    FitNoteKind,
    LogitResult,
    RedundantTerm,
    ReportResult,
)


def fit_trouble(logit: LogitResult, d: DatasetSummary) -> str:
    """Why the logit has no usable coefficients, as a clause; empty when its fit converged."""
    if logit.failure:
        return f"the logistic regression could not be fitted (statsmodels: {logit.failure})"
    if logit.converged:
        return ""
    share = logit.separated_share
    if share is None:
        return "the logistic regression's fit did not converge"
    if share >= 1:
        return (f"the logistic regression's fit did not converge (its terms separate {d.positive_noun} from "
                f"{d.negative_noun} completely)")
    return (f"the logistic regression's fit did not converge (its terms predict {pct(share, 0)} of the training "
            f"{d.unit} almost perfectly: quasi-separation)")


def approximate_llr(logit: LogitResult, d: DatasetSummary) -> str:
    """The LLR verdict of a fit that stopped before its maximum: the statistic at the maximum can
    only be larger, so a significant test stands and an insignificant one settles nothing."""
    trouble = capitalised(fit_trouble(logit, d))
    understated = "A fit that stops short of its maximum likelihood can only understate the test"
    if logit.llr_pvalue < logit.alpha:
        return (f"{trouble}, so its LLR test is approximate: the p-value is {pvalue_text(logit.llr_pvalue)}. "
                f"{understated}, so taken together the features still tell {d.positive_noun} from "
                f"{d.negative_noun} better than chance.")
    return (f"{trouble}, so its LLR test is approximate: the p-value is {logit.llr_pvalue:.3f}, not below "
            f"{logit.alpha:g}. {understated}, so this is inconclusive rather than evidence that the features do "
            f"not matter.")


MULTIPLIED_FROM = 2
"""From this odds ratio on, the odds are said to be multiplied ('multiplies the odds by 154'), not raised by a
percentage that no reader pictures ('by 15309%')."""


def odds_change(odds_ratio: float, digits: int) -> str:
    """The change in words, with the odds ratio given to the digits that tell it from 1 (1.0003, not 1)."""
    change = odds_ratio - 1
    if odds_ratio >= MULTIPLIED_FROM:
        return f"multiplies the odds by {odds_ratio:.3g}"
    verb = "raises" if change > 0 else "lowers"
    shown = max(digits, math.floor(-math.log10(abs(change))) + 2) if change else digits
    return f"{verb} the odds by {change_text(change)} (odds ratio {odds_ratio:.{shown}g})"


def reading_step(spread: float) -> float:
    """The change of a numeric column an odds reading is given for: one unit on a scale where a unit is a
    typical change (a standard deviation from 1 to 10: calls, courses), else the round number (1, 2 or 5
    times a power of ten) nearest below its standard deviation. 'Each extra unit' of a share from 0 to 1 is
    the whole scale, and of a count of minutes a step nobody weighs."""
    if spread <= 0 or 1 <= spread < 10:
        return 1.0
    power = 10.0 ** math.floor(math.log10(spread))
    return max(m * power for m in (1, 2, 5) if m * power <= spread)


def odds_reading(term: Coefficient, result: ReportResult) -> str:
    if " = " in term.feature:
        return f"{term.label} {odds_change(term.odds_ratio, 3)}"
    unit = result.dataset.units.get(term.feature)
    label = in_sentence(label_of(result, term.feature))
    step = 1.0 if unit else reading_step(term.step)
    if step == 1:
        subject = f"each extra {unit}" if unit else f"each extra unit of {label}"
        return f"{subject} {odds_change(term.odds_ratio, 4)}"
    ratio = math.exp(min(term.coef * step, 700))
    return f"an increase of {step:,g} in {label} {odds_change(ratio, 4)}"


def repeated_text(term: RedundantTerm) -> str:
    """'Store (repeats Store id and Store7 = Yes)'."""
    if not term.repeats:
        return f"{term.label} (no variation of its own)"
    listed = term.repeats + ([plural(term.more, "more term")] if term.more else [])
    return f"{term.label} (repeats {join_words(listed)})"


def redundancy_point(logit: LogitResult) -> list[str]:
    """The terms left out of the fit because they repeat kept ones, as one point; none without them."""
    if not logit.redundant:
        return []
    if all(t.repeats for t in logit.redundant):
        reason = "because it repeats other terms" if len(logit.redundant) == 1 else "because they repeat other terms"
    else:
        reason = "as redundant"
    return [f"Left out of the logit {reason}: {join_words([repeated_text(t) for t in logit.redundant])}."]


def unfitted_equation(result: ReportResult) -> Answer:
    """Question 2 when the logit's fit failed or did not converge: why there is no equation."""
    logit = result.logit
    trouble = fit_trouble(logit, result.dataset)
    if logit.failure:
        return Answer(f"No equation is given: {trouble}, so there are no coefficients to write one with.",
                      ["The report shows no coefficient for it.", *redundancy_point(logit)])
    short = (f"No equation is given: {trouble}, so its coefficients are where the fit stopped, not estimates, and "
             f"no term can be called significant.")
    table = ("The coefficient table in the logistic regression section shows where the fit stopped, for reference "
             "only; its p-values are not reliable.")
    return Answer(short, [table, *redundancy_point(logit)])


def fit_note_text(note: FitNote) -> str:
    if note.kind == FitNoteKind.QUASI_SEPARATION:
        return (f"The logit's terms predict {note.share:.0%} of the training rows perfectly (quasi-separation), so "
                "some of its coefficients and p-values are not reliable.")
    if note.kind == FitNoteKind.COMPLETE_SEPARATION:
        return ("The logit's terms separate the outcomes perfectly (complete separation), so its coefficients and "
                "p-values are not reliable.")
    return f"The logit's fit reported: {note.message}"


def fit_warnings(logit: LogitResult) -> list[str]:
    """What the fit reported, as sentences a reader of the report can use, then why it failed or did not converge."""
    notes = [fit_note_text(note) for note in logit.fit_notes]
    if logit.failure:
        notes.append(f"statsmodels could not fit the logit ({logit.failure}), so the report gives no coefficient, "
                     "equation or test for it.")
    elif not logit.converged:
        notes.append("The logit's maximum-likelihood fit did not converge, so the report gives no equation and does "
                     "not use its coefficients; their p-values are not reliable.")
    return list(dict.fromkeys(notes))


def rows_note(result: ReportResult) -> str:
    """When the logistic regression compared with the other models was fitted on resampled rows: that its
    coefficients and tests come from a fit on the training rows as they are, and why."""
    model = next((m for m in result.models if m.name == "logistic_regression"), None)
    if model is None or model.strategy not in RESAMPLING_STRATEGIES:
        return ""
    d = result.dataset
    return (f"The coefficients and tests come from the logit fitted on the {result.logit.n_observations:,} training "
            f"{d.unit} as they are. The logistic regression compared with the other models was fitted on them with "
            f"{in_sentence(STRATEGY_LABELS[model.strategy])} to predict; copies of rows would make every coefficient "
            f"look surer than it is.")

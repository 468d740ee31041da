"""The recommended action and the targeting section in words, in the verbs of the action the outcome calls for
(`DatasetSummary.action`): contact, make an offer, reach out to keep, review, or only rank."""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.narrative.words import capitalised, flagged, pct
from reportgen.result import DatasetSummary, ReportResult, StrengthKind


@dataclass(frozen=True)
class ActionWords:
    verb: str
    """What is done to the rows picked, as a verb taking them as object ('make an offer to'); empty when the
    report only ranks."""
    gerund: str
    heading: str
    column: str
    """The targeting table's first column: 'Contact the top'."""


def action_words(d: DatasetSummary) -> ActionWords:
    return {
        "contact": ActionWords("contact", "contacting", "Whom to contact", "Contact the top"),
        "offer": ActionWords("make an offer to", "making offers", "Whom to make an offer", "Offer to the top"),
        "retain": ActionWords("reach out to", "reaching out", "Whom to reach out to", "Reach out to the top"),
        "review": ActionWords("review", "reviewing", f"Which {d.unit} to review", "Review the top"),
    }.get(d.action, ActionWords("", "ranking", f"Where the {d.positive_noun} are", "Top"))


def little_gained(result: ReportResult) -> str:
    """For a weak model, the opening of the recommended action: how little acting on its scores buys."""
    strength = result.strength
    if strength is None or strength.kind != StrengthKind.WEAK:
        return ""
    d = result.dataset
    acting = capitalised(action_words(d).gerund)
    top = {row.top_fraction: row for row in result.targeting}
    if 0.1 not in top:
        return f"{acting} by this model's scores buys little over picking {d.unit} at random. "
    text = (f"{acting} by this model's scores buys little: of the 10% of {d.unit} it scores highest, "
            f"{pct(top[0.1].precision)} {d.predicate}, {top[0.1].lift:.1f}× the {pct(strength.base_rate)} of "
            f"{d.unit} picked at random")
    if strength.top_inverted and 0.05 in top:
        text += (f", and of the top 5% fewer ({pct(top[0.05].precision)}): its ranking is unreliable at the very "
                 f"top")
    return text + ". "


def recommended_action(result: ReportResult) -> str:
    """Whom to act on, how many, and what to expect, from the recommendation and the test rows."""
    d = result.dataset
    rec = result.recommendation
    words = action_words(d)
    if rec is None:
        best = result.best
        picked = (f"{capitalised(words.verb)} the {d.unit} the model flags first" if words.verb
                  else f"The model flags {pct(flagged(best) / d.test_rows, 0)} of {d.unit}")
        return little_gained(result) + f"{picked} ({flagged(best):,} of {d.test_rows:,} in the test set)."
    top = (f"the {pct(rec.fraction, 0)} of {d.unit} the model scores highest ({rec.contacted:,} of the "
           f"{d.test_rows:,} test {d.unit})")
    found = f"{pct(rec.share_of_conversions, 0)} of all {d.positive_noun}"
    if headline_rows(result):
        sentence = f"{capitalised(words.verb)} {top}." if words.verb else ""
    elif words.verb:
        sentence = f"{capitalised(words.verb)} {top}: {pct(rec.precision, 0)} of them {d.predicate}, {found}."
    else:
        sentence = f"Of {top}, {pct(rec.precision, 0)} {d.predicate}: {found}."
    text = little_gained(result) + sentence
    if rec.expected_profit is not None:
        text += (f" Expected profit on those {d.test_rows:,} {d.unit}: {rec.expected_profit:,.0f} (observed "
                 f"{rec.profit:,.0f}); it scales with the number of {d.unit} scored.")
    return text


def headline_rows(result: ReportResult) -> bool:
    """Whether the recommended rows are those the model flags, whose share found and precision the headline
    already gives: the action then says whom to act on and does not repeat them."""
    rec, best = result.recommendation, result.best
    return (rec is not None and rec.contacted == flagged(best)
            and pct(rec.precision, 0) == pct(best.test.precision, 0)
            and pct(rec.share_of_conversions, 0) == pct(best.test.recall, 0))


def targeting_lead(result: ReportResult) -> str:
    """The rule behind the recommended action, and what the table beneath it adds; the action's own numbers are
    in the summary and are not repeated."""
    rec, d = result.recommendation, result.dataset
    if rec is None:
        return ""
    what = "recommendation" if action_words(d).verb else "figures"
    marked = (f"; the row marked ★ gives what it does on the {d.test_rows:,} test {d.unit}, the others what other "
              f"cut-offs would give" if any(row.recommended for row in result.targeting) else
              f". The table shows what other cut-offs would give on the {d.test_rows:,} test {d.unit}")
    return f"The summary's {what} follow{'s' if what == 'recommendation' else ''} one rule: {rec.rule}{marked}."

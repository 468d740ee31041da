"""What changed since the previous report (--compare-to), in words."""

from __future__ import annotations

import dataclasses

from reportgen.narrative.words import (
    in_sentence,
    join_words,
    ordinal,
    pct,
    points_text,
    pvalue_text,
    signed_points,
)
from reportgen.result import (
    Comparison,
    DatasetSummary,
    ModelChange,
    ReportResult,
)


def previous_report(c: Comparison) -> str:
    return f"the previous report ({c.previous_started_at[:10]})" if c.previous_started_at else "the previous report"


def volume_change(c: Comparison, d: DatasetSummary) -> str:
    """How many rows this run analysed against the previous run."""
    if c.rows_after == c.rows_before:
        return f"This report covers as many {d.unit} as {previous_report(c)}: {c.rows_after:,}."
    change = c.rows_after - c.rows_before
    relative = f" ({change / c.rows_before:+.0%})" if c.rows_before else ""
    return (f"This report covers {c.rows_after:,} {d.unit}, {abs(change):,} {'more' if change > 0 else 'fewer'}"
            f"{relative} than the {c.rows_before:,} of {previous_report(c)}.")


def rate_change(c: Comparison, d: DatasetSummary) -> str:
    """The positive rate then and now, and whether the change is more than chance."""
    r = c.rate
    text = f"{pct(r.after)} of {d.unit} {d.predicate}, against {pct(r.before)} before"
    low, high = r.interval
    if r.pvalue is None:
        return text + "; with no variation in the outcome, no test of the change is possible."
    text += f": {points_text(r.difference)} (95% interval {signed_points(low)} to {points_text(high)})."
    if r.significant:
        direction = "rose" if r.difference > 0 else "fell"
        return text + (f" The rate {direction} by more than chance explains (two-proportion z-test, "
                       f"p = {pvalue_text(r.pvalue)}).")
    return text + (f" That is within chance (two-proportion z-test, p = {r.pvalue:.2f}, not below {r.alpha:g}): "
                   f"no evidence that the rate changed.")


def quality_shift(before: float | None, after: float | None, interval: list[float], name: str) -> str:
    """'PR AUC 0.860 → 0.851 (within noise)': noise when the previous figure lies inside this run's
    95% bootstrap interval."""
    if before is None or after is None:
        return f"{name} {after if after is not None else before:.3f}"
    text = f"{name} {before:.3f} → {after:.3f}"
    if len(interval) == 2:
        low, high = interval
        if low <= before <= high:
            return text + " (within noise)"
        return text + (" (clearly higher)" if after > before else " (clearly lower)")
    return text


def model_figures(m: ModelChange) -> str:
    return (f"{quality_shift(m.f1_before, m.f1_after, m.f1_interval, 'F1')}, "
            f"{quality_shift(m.pr_auc_before, m.pr_auc_after, m.pr_auc_interval, 'PR AUC')}")


def model_change(c: Comparison) -> str:
    """The recommended model then and now, and its held-out quality in both runs."""
    now = c.models[0]
    judged = ("'Within noise': the previous figure lies inside this run's 95% bootstrap interval; 'clearly': "
              "outside it.")
    if c.recommended_after == c.recommended_before:
        return (f"The {in_sentence(now.label)} is still recommended; on held-out data: {model_figures(now)}. "
                f"{judged}")
    then = c.models[1]
    if now.f1_before is None:
        new = (f"The {in_sentence(now.label)}, not fitted in the previous report, is now recommended "
               f"(F1 {now.f1_after:.3f}, PR AUC {now.pr_auc_after:.3f} on held-out data)")
    else:
        new = f"The {in_sentence(now.label)} is now recommended ({model_figures(now)} on held-out data)"
    new += f" instead of the {in_sentence(then.label)}"
    if then.f1_after is None:
        return new + (f", which this run did not fit (it scored F1 {then.f1_before:.3f}, PR AUC "
                      f"{then.pr_auc_before:.3f} before). {judged}")
    return new + f", which scores {model_figures(then)}. {judged}"


def drivers_change(c: Comparison) -> str:
    """Which columns entered or left the top drivers, and which moved within them."""
    top = f"top {c.top}"
    moved = [x for x in c.drivers if x.feature not in c.entered + c.left and x.rank_before != x.rank_after
             and x.rank_after is not None and x.rank_before is not None]
    moves = join_words([f"{x.label} moved from {ordinal(x.rank_before)} to {ordinal(x.rank_after)}" for x in moved])
    parts = []
    for x in c.drivers:
        if x.feature in c.entered:
            was = f"was {ordinal(x.rank_before)}" if x.rank_before else "not measured before"
            parts.append(f"{x.label} entered the {top} (now {ordinal(x.rank_after)}, {was})")
        elif x.feature in c.left:
            now = f"now {ordinal(x.rank_after)}" if x.rank_after else "no longer a feature"
            parts.append(f"{x.label} left it ({now}, was {ordinal(x.rank_before)})")
    if not parts:
        text = f"The {top} drivers are the same columns as before"
        text += f". {moves}." if moves else ", in the same order."
    else:
        text = join_words(parts) + "."
        if moves:
            text += f" {moves}."
    if c.recommended_after != c.recommended_before:
        text += (" The drivers are measured on the recommended model, which changed, so part of this shift comes "
                 "from the model, not the data.")
    return text


def segments_change(c: Comparison, d: DatasetSummary) -> str:
    """The segment whose conversion changed most, and how far the others moved; empty without
    segments. The table under it lists every segment (`Comparison.segments`, in the same order)."""
    if c.segments is None:
        return ""
    if not c.segments:
        return "No segment of the previous report reappears by name in this one, so segments cannot be compared."
    first, *others = c.segments
    text = (f"The largest change in conversion is in {first.name}: {pct(first.conversion_before)} → "
            f"{pct(first.conversion_after)} {d.positive_noun}, with {pct(first.share_before)} → "
            f"{pct(first.share_after)} of {d.unit}.")
    if others:
        moved = max(abs(s.conversion_after - s.conversion_before) for s in others)
        text += (f" The other {len(others)} segment{'s' * (len(others) > 1)} moved by at most "
                 f"{moved * 100:.1f} percentage points.")
    return text


def segments_table_note(c: Comparison) -> str:
    """What the segments table leaves out, when it shows fewer segments than both runs share."""
    if not c.segments or c.segments_shown >= len(c.segments):
        return ""
    return (f"The {c.segments_shown} largest changes in conversion; results.json lists all "
            f"{len(c.segments)} segments.")


def comparison_caveats(c: Comparison, d: DatasetSummary) -> list[str]:
    """What besides the data differs between the runs and could explain a change."""
    found = []
    if c.previous_name != d.name:
        found.append(f"The previous report used the '{c.previous_name}' configuration, this one '{d.name}': "
                     f"check that both describe the same population.")
    if c.features_added or c.features_removed:
        changes = []
        if c.features_added:
            changes.append(f"added {join_words(c.features_added)}")
        if c.features_removed:
            changes.append(f"removed {join_words(c.features_removed)}")
        found.append(f"The features differ ({'; '.join(changes)}), which alone can move the models and drivers.")
    if c.settings_changed:
        listed = c.settings_changed[:6] + (["others"] if len(c.settings_changed) > 6 else [])
        found.append(f"The runs' settings differ ({join_words(listed)}): part of the change in model quality and "
                     f"drivers may come from the settings, not the data.")
    return found


def changes_headline(c: Comparison, d: DatasetSummary) -> str:
    """What is new, in one sentence."""
    parts = []
    if c.rows_after != c.rows_before:
        change = (c.rows_after - c.rows_before) / c.rows_before if c.rows_before else 0
        parts.append(f"{abs(change):.0%} {'more' if change > 0 else 'fewer'} {d.unit}")
    if c.rate.significant:
        parts.append(f"the share of {d.positive_noun} {'rose' if c.rate.difference > 0 else 'fell'} from "
                     f"{pct(c.rate.before)} to {pct(c.rate.after)}")
    else:
        parts.append(f"no significant change in the share of {d.positive_noun} ({pct(c.rate.after)})")
    if c.recommended_after != c.recommended_before:
        parts.append(f"a new recommended model, the {in_sentence(c.models[0].label)}")
    else:
        parts.append(f"the same recommended model ({in_sentence(c.models[0].label)})")
    if c.entered:
        parts.append(f"{join_words([in_sentence(x.label) for x in c.drivers if x.feature in c.entered])} now among "
                     f"the top {c.top} drivers")
    else:
        parts.append(f"the same top {c.top} drivers")
    return f"Since {previous_report(c)}: {'; '.join(parts)}."


def previous_text(c: Comparison) -> str:
    """Which report this one is compared with: its source, when it ran and with which version, where known."""
    run = f", run {c.previous_started_at}" if c.previous_started_at else ""
    version = f" with reportgen {c.previous_version}" if c.previous_version else ""
    return f"Previous report: {c.previous_source or 'unknown source'}{run}{version}."


def with_changes(result: ReportResult) -> Comparison | None:
    c = result.comparison
    if c is None:
        return None
    d = result.dataset
    return dataclasses.replace(
        c,
        headline=changes_headline(c, d),
        volume_text=volume_change(c, d),
        rate_text=rate_change(c, d),
        model_text=model_change(c),
        drivers_text=drivers_change(c),
        segments_text=segments_change(c, d),
        segments_table_note=segments_table_note(c),
        caveats=comparison_caveats(c, d),
        previous_text=previous_text(c),
    )

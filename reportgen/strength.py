"""How much the recommended model beats contacting at random, judged by its 95% interval.

A random ranking has a PR AUC equal to the base rate (the test rows' positive share). A model whose
interval's lower bound sits close to that cannot be shown to rank much better than chance, and the
report should lead with that instead of with whom to contact.
"""

from __future__ import annotations

from reportgen.result import ModelResult, Strength, StrengthKind, TargetingRow

CLOSE_SHARE = 0.1
"""The lower bound of the recommended model's test PR AUC is close to the base rate when it stands less
than `margin` above it: the smaller of the base rate itself (the model cannot be shown to rank twice as
well as chance) and this share of the way from the base rate to a perfect 1 (for common outcomes, where
twice the base rate is out of reach). On TikTok, 0.086 against a base rate of 0.063: weak; on the
bundled students, 0.82 against 0.092: clear."""


def closeness_margin(base_rate: float) -> float:
    return min(base_rate, CLOSE_SHARE * (1 - base_rate))


def precision_at(targeting: list[TargetingRow], fraction: float) -> float | None:
    return next((row.precision for row in targeting if row.top_fraction == fraction), None)


def model_strength(best: ModelResult, base_rate: float, targeting: list[TargetingRow]) -> Strength:
    """Weak or clear, from the lower bound of the test PR AUC's interval (the point figure without one)."""
    low, high = best.test_ci.get("pr_auc") or [best.test.pr_auc, best.test.pr_auc]
    margin = closeness_margin(base_rate)
    top, next_ = precision_at(targeting, 0.05), precision_at(targeting, 0.1)
    return Strength(
        kind=StrengthKind.WEAK if low < base_rate + margin else StrengthKind.CLEAR,
        pr_auc=best.test.pr_auc,
        pr_auc_low=low,
        pr_auc_high=high,
        base_rate=round(base_rate, 6),
        margin=round(margin, 6),
        roc_auc=best.test.roc_auc,
        top_inverted=top is not None and next_ is not None and top < next_,
    )

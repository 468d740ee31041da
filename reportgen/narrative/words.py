"""Small phrasing helpers every part of the narrative shares: percentages, lists, plurals, labels."""

from __future__ import annotations

import math
from typing import NamedTuple

from reportgen.clean import VIF_EXACT
from reportgen.result import ModelResult, ReportResult


class Answer(NamedTuple):
    short: str
    points: list[str]


def flagged(model: ModelResult) -> int:
    (tn, fp), (fn, tp) = model.test.confusion_matrix
    return tp + fp


def member_names(model: ModelResult) -> list[str]:
    """The models an ensemble averages, by name, as its params list them; empty for any other model."""
    listed = str(model.params.get("members", ""))
    return listed.split(", ") if listed else []


def positives_in_test(model: ModelResult) -> int:
    """The positives among the test rows the model was read on."""
    (tn, fp), (fn, tp) = model.test.confusion_matrix
    return tp + fn


def pct(value: float, digits: int = 1) -> str:
    return f"{value:.{digits}%}"


def pvalue_text(p: float) -> str:
    if p == 0:
        return "0 to machine precision"
    if p < 0.001:
        return f"{p:.1e}, below 0.001"
    return f"{p:.3f}"


def vif_figure(vif: float) -> str:
    """'VIF 9.7'; 'VIF 715' from 100 up, where a decimal adds nothing."""
    return f"VIF {vif:,.{0 if vif >= 100 else 1}f}"


def labelled_vif(label: str, vif: float) -> str:
    """'Price difference (VIF 12.3)'; for a column other columns reproduce exactly, 'Sale price MM (other columns
    reproduce it exactly)' rather than a VIF that only says how close to exact the arithmetic came."""
    if vif >= VIF_EXACT:
        return f"{label} (other columns reproduce it exactly)"
    return f"{label} ({vif_figure(vif)})"


def join_words(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def singular(noun: str) -> str:
    """'students' -> 'student'; the config's nouns are plain English plurals."""
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def metric_name(metric: str) -> str:
    """One name per metric across the report: 'average_precision' is PR AUC everywhere."""
    return {"average_precision": "PR AUC", "pr_auc": "PR AUC", "roc_auc": "ROC AUC", "f1": "F1",
            "balanced_accuracy": "balanced accuracy"}.get(metric, metric.replace("_", " "))


def possessive(label: str) -> str:
    return f"{label}'" if label.endswith("s") else f"{label}'s"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def label_of(result: ReportResult, feature: str) -> str:
    return result.dataset.feature_labels.get(feature, feature)


def term_label(result: ReportResult, term: str) -> str:
    """'student_country = US' -> 'Country = US'; plain columns -> their display label."""
    column, _, level = term.partition(" = ")
    return f"{label_of(result, column)} = {level}" if level else label_of(result, column)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def change_text(change: float) -> str:
    """+512%, +1.2%, -6.1%, 0.004%: enough digits to be read, no more; a fall short of 100% keeps the digits that
    show it (99.8%, not 100%: the odds never fall to zero)."""
    magnitude = abs(change)
    digits = 0 if magnitude >= 0.1 else 1 if magnitude >= 0.01 else 2
    if 0 < magnitude < 0.0001:  # one significant digit, not '0.00%'
        digits = -math.floor(math.log10(magnitude * 100))
    while magnitude < 1 and round(magnitude * 100, digits) >= 100 and digits < 2:
        digits += 1
    if magnitude < 1 and round(magnitude * 100, digits) >= 100:
        return "more than 99.99%"
    return pct(magnitude, digits)


def ordinal(rank: int) -> str:
    suffix = "th" if 10 <= rank % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(rank % 10, "th")
    return f"{rank}{suffix}"


def signed_points(change: float) -> str:
    """A change of a share in percentage points, '+1.2'; never '-0.0'."""
    return f"{round(100 * change, 1) + 0.0:+.1f}"


def points_text(change: float) -> str:
    return f"{signed_points(change)} points"


def numbers(*values: float) -> list[str]:
    """Values to compare, with the same decimals: whole numbers as such, else 0, 1 or 2 decimals as
    the largest value needs (128 and 1; 44.5 and 5.7; 0.29 and 0.10)."""
    largest = max(abs(v) for v in values)
    digits = 0 if all(float(v).is_integer() for v in values) or largest >= 100 else 1 if largest >= 10 else 2
    return [f"{v:,.{digits}f}" for v in values]


def gap_range(low: float, high: float, baseline: float) -> str:
    """'3.8 to 5.6 points above', or 'from 2.7 points below to 5.6 points above'."""
    low_gap, high_gap = 100 * (low - baseline), 100 * (high - baseline)
    if low_gap >= 0:
        return f"{low_gap:.1f} to {high_gap:.1f} points above"
    if high_gap < 0:
        return f"{-high_gap:.1f} to {-low_gap:.1f} points below"
    return f"from {-low_gap:.1f} points below to {high_gap:.1f} points above"


def readable_number(value: float | None) -> str:
    """About three significant digits, never in scientific notation: 1,510; 36; 0.148."""
    if value is None:
        return "n/a"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:,.3g}" if abs(value) >= 1e-4 or value == 0 else f"{value:.1e}"


def in_sentence(label: str) -> str:
    """A label inside a sentence: lower case but for abbreviations ('Loyal CH' -> 'loyal CH', 'SMOTE' stays)."""
    return " ".join(word if len(word) > 1 and word.isupper() else word.lower() for word in label.split(" "))

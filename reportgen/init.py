"""`reportgen init`: the config inferred from a table, written as commented YAML to edit.

The file declares what inference decided, column by column, with the reason beside each
decision, so running with it repeats the run on the bare table; keys left at their defaults are
not written (the README lists them), and a closing block shows what only a person can add.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import yaml

from reportgen import __version__
from reportgen.config import DatasetConfig
from reportgen.infer import Inference
from reportgen.narrative.preparation import worded_decisions
from reportgen.result import ColumnDecision

WRITTEN_BY_HAND = ["name", "title", "unit", "action", "description", "data", "read", "target", "id_columns", "exclude",
                   "features", "categorical", "types", "derived"]
"""Keys written with a comment beside each entry; the others are written as they are when not default."""

PERSON_ONLY = """\
# Only a person knows these; add them for better sentences and advice:
# labels: {monthly_spend: Monthly spend}          # display names of columns
# units: {monthly_spend: dollar spent}            # reads "each extra dollar spent raises the odds by ..."
# notes: {tenure: counted until the customer left}
# not_actionable: [tenure]                        # strong signals that are not levers
# levers: [onboarding_done]                       # columns the business can act on; the rest only predict
# outliers: [{column: monthly_spend, max: 1000}]  # rows outside the limits are left out
# value: {value_per_conversion: 120, cost_per_contact: 4}   # targeting in money
"""


def flow(value: object) -> str:
    """One YAML value on one line, quoted where YAML needs it."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10**6, allow_unicode=True, sort_keys=False)
    return text.removesuffix("\n...\n").strip()


def with_comment(line: str, comment: str) -> str:
    return f"{line}  # {comment}" if comment else line


def config_yaml(inference: Inference, source: str, leakage: dict[str, str] | None = None) -> str:
    """The completed config as commented YAML that loads back into an equal config; `leakage` adds a
    warning to the entries of columns that alone separate the outcomes."""
    config = inference.config
    rows = inference.rows
    reasons = {d.column: d for d in worded_decisions(inference.decisions)}
    leakage = leakage or {}
    values = config.model_dump(mode="json", exclude_defaults=True)
    lines = [
        f"# reportgen config for {source} ({rows:,} rows), inferred by `reportgen init` (reportgen {__version__}).",
        "# Each decision made from the data carries its reason; review them, then run",
        "#   reportgen run --config THIS_FILE        (reportgen validate THIS_FILE checks it first)",
        "# Keys left out keep their defaults: every model family, 5-fold searches scored by PR AUC, ...",
        f"name: {flow(config.name)}",
        f"title: {flow(config.title)}",
        with_comment(f"unit: {flow(config.unit)}", "plural noun for one row, e.g. customers"),
        with_comment(f"action: {config.action or 'none'}", "what to do with the rows scored highest: contact, offer, "
                     "retain, review or none"),
    ]
    if config.description:
        lines.append(f"description: {flow(config.description)}")
    lines.append(with_comment(f"data: {flow(str(config.data))}", "a relative path is read from this file's folder"))
    lines += read_block(values.get("read", {}), reasons)
    lines += target_block(config)
    lines += list_block("id_columns", config.id_columns, reasons)
    lines += list_block("exclude", config.exclude, reasons)
    if config.features is not None:
        lines.append(f"features: {flow(config.features)}")
    lines += list_block("categorical", config.categorical, reasons)
    if config.types:
        lines.append("types:  # numeric, categorical, text or date")
        lines += [with_comment(f"  {flow(column)}: {kind}", "; ".join(filter(None, [
            reason_of(reasons.get(column)), leakage.get(column, "")]))) for column, kind in config.types.items()]
    if config.derived:
        lines.append("derived:  # features computed from text and date columns; marks of 'does not apply' values")
        lines += [f"  - {flow(feature)}" for feature in values["derived"]]
    rest = {key: value for key, value in values.items() if key not in WRITTEN_BY_HAND}
    if rest:
        lines.append(yaml.safe_dump(rest, sort_keys=False, allow_unicode=True, width=100).rstrip())
    return "\n".join(lines) + "\n" + PERSON_ONLY + known_before_questions(inference, leakage)


def known_before_questions(inference: Inference, leakage: dict[str, str]) -> str:
    """A commented `known_before_outcome` block asking, of each feature column that may be recorded only after
    the outcome (its name suggests so, or it alone separates the outcomes), whether it is known before."""
    from reportgen.dependence import hinted_after

    used = [d.column for d in inference.decisions if d.use != "left out" and d.kind != "outcome"]
    suspects = {column: "it alone separates the outcomes" if column in leakage else
                "its name suggests it is measured after or up to the outcome"
                for column in used if column in leakage or hinted_after(column)}
    if not suspects:
        return ""
    width = max(len(flow(column)) for column in suspects)
    return "\n".join([
        "# Is each of these columns known before the outcome? Uncomment and answer: false leaves it out of the",
        "# models (the report says so); true keeps it and silences the check that the model leans on it.",
        "# known_before_outcome:",
        *(f"#   {flow(column) + ': false':<{width + 7}}  # is {column} known before the outcome? {why}"
          for column, why in suspects.items()),
    ]) + "\n"


def reason_of(decision: ColumnDecision | None) -> str:
    if decision is None or not decision.inferred:
        return ""
    return decision.reason


def read_block(read: dict, reasons: dict[str, ColumnDecision]) -> list[str]:
    if not read:
        return []
    lines = ["read:"]
    for key, value in read.items():
        if key == "missing_markers":
            lines.append("  missing_markers:  # values that mean 'missing', per column")
            lines += [f"    {flow(column)}: {flow(markers)}" for column, markers in value.items()]
        else:
            lines.append(f"  {key}: {flow(value)}")
    return lines


def target_block(config: DatasetConfig) -> list[str]:
    target = config.target
    return [
        "target:",
        f"  column: {flow(target.column)}",
        with_comment(f"  positive: {flow(target.positive)}", "the label that counts as converting"),
        with_comment(f"  positive_name: {flow(target.positive_name)}", "class names in tables"),
        f"  negative_name: {flow(target.negative_name)}",
        with_comment(f"  positive_noun: {flow(target.positive_noun)}", "plural nouns for sentences, e.g. churners"),
        with_comment(f"  negative_noun: {flow(target.negative_noun)}", "e.g. customers who stayed"),
        with_comment(f"  predicate: {flow(target.predicate or 'are ' + target.positive_noun)}",
                     "completes '14% of customers ...', e.g. left"),
    ]


def list_block(key: str, columns: list[str], reasons: dict[str, ColumnDecision]) -> list[str]:
    if not columns:
        return []
    return [f"{key}:"] + [with_comment(f"  - {flow(column)}", reason_of(reasons.get(column))) for column in columns]


def leakage_notes(config: DatasetConfig) -> dict[str, str]:
    """Per source column, a warning when one of its features alone separates the outcomes (as the run
    would flag it), so the person editing the file sees it before running."""
    from reportgen.clean import clean
    from reportgen.load import load

    notes = {}
    for flag in clean(load(config), config).leakage:
        derived = config.derived_feature(flag.feature)
        column = derived.column if derived else flag.feature
        notes[column] = (f"PROBABLE LEAKAGE: {flag.feature} alone separates the outcomes (ROC AUC {flag.auc:.3f}); "
                         f"exclude it if it is recorded after the outcome")
    return notes


def init_config(data: Path, target: str, positive: str | None = None) -> str:
    """Infer a config for the table at `data` and return it as commented YAML."""
    from reportgen.config import resolve_config
    from reportgen.infer import infer

    inference = infer(resolve_config(data, target=target, positive=positive))
    config = inference.config.model_copy(update={"data": Path(inference.config.data).resolve()})
    return config_yaml(dataclasses.replace(inference, config=config), Path(data).name, leakage_notes(config))

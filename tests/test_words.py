"""reportgen/narrative/words.py: the phrasing helpers every part of the narrative shares."""

from __future__ import annotations

import pytest

from reportgen.narrative.words import in_sentence


@pytest.mark.parametrize(("label", "inside"), [
    ("Loyal CH", "loyal CH"), ("Price CH", "price CH"), ("SMOTE", "SMOTE"),
    ("Soft-voting ensemble", "soft-voting ensemble"),
    ("Review score (out of 10)", "review score (out of 10)"), ("Days on platform", "days on platform"),
])
def test_a_label_inside_a_sentence_keeps_its_abbreviations(label, inside):
    assert in_sentence(label) == inside

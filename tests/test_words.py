"""reportgen/narrative/words.py: the phrasing helpers every part of the narrative shares."""

from __future__ import annotations

import pytest

from reportgen.narrative.words import change_text, in_sentence


@pytest.mark.parametrize(("label", "inside"), [
    ("Loyal CH", "loyal CH"), ("Price CH", "price CH"), ("SMOTE", "SMOTE"),
    ("Soft-voting ensemble", "soft-voting ensemble"),
    ("Review score (out of 10)", "review score (out of 10)"), ("Days on platform", "days on platform"),
])
def test_a_label_inside_a_sentence_keeps_its_abbreviations(label, inside):
    assert in_sentence(label) == inside


def test_a_change_just_short_of_everything_keeps_the_digits_that_show_it():
    assert change_text(-0.998324) == "99.8%"
    assert change_text(-0.9999) == "99.99%"
    assert change_text(-0.999999) == "more than 99.99%"
    assert change_text(-0.97) == "97%" and change_text(5.12) == "512%" and change_text(0.012) == "1.2%"

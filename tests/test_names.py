"""reportgen/names.py: column names as words and as labels."""

from __future__ import annotations

import pytest

from reportgen.names import name_words, readable_name


@pytest.mark.parametrize(("column", "label"), [
    ("LoyalCH", "Loyal CH"), ("StoreID", "Store ID"), ("CustomerId", "Customer ID"),
    ("number_vmail_messages", "Number of voicemail messages"), ("num_orders", "Number of orders"),
    ("total_intl_calls", "Total international calls"), ("TotalEveMinutes", "Total evening minutes"),
    ("avg_order_num", "Average order number"), ("min_fee", "Min fee"), ("MINK123M", "MINK123M"),
    ("no_show", "No show"), ("days_on_platform", "Days on platform"), ("ID", "ID"), ("tenure", "Tenure"),
])
def test_labels_split_names_and_keep_abbreviations(column, label):
    assert readable_name(column) == label


def test_name_words_read_every_naming_style_alike():
    assert name_words("CustomerId") == name_words("customer_id") == name_words("Customer ID") == ["customer", "id"]


def test_a_code_in_capitals_and_digits_stays_one_word():
    assert name_words("MINK123M") == ["mink123m"] and name_words("Top10Items") == ["top10", "items"]


def test_a_split_on_a_one_hot_column_reads_as_in_or_not_in_its_category():
    from reportgen.names import rules_in_words, split_words

    assert split_words("international_plan = yes <= 0.50") == "international_plan ≠ yes"
    assert split_words("Voice mail plan = yes > 0.5") == "Voice mail plan = yes"
    assert split_words("total_day_minutes <= 246.65") == "total_day_minutes <= 246.65"
    rules = ("|--- plan = yes <= 0.50\n|   |--- class: Stayed\n|--- plan = yes >  0.50\n"
             "|   |--- minutes <= 0.50\n")
    assert rules_in_words(rules) == ("|--- plan ≠ yes\n|   |--- class: Stayed\n|--- plan = yes\n"
                                     "|   |--- minutes <= 0.50\n")

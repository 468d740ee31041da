"""Column names as words, whatever their naming style."""

from __future__ import annotations

import re

WORD_BREAK = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[0-9])(?=[A-Z][a-z])|(?<=[A-Z])(?=[A-Z][a-z])")
"""Where a word starts inside a name: a capital after a small letter ('customerId'), a capitalised word after a
digit or after capitals ('Top10Items', 'StoreID', 'XMLFile'); a code in capitals and digits stays one word
('MINK123M')."""


def name_words(name: str) -> list[str]:
    """The words of a column name in any naming style: 'CustomerId', 'customer_id', 'Customer ID' and
    'customerID' all give ['customer', 'id']."""
    spaced = WORD_BREAK.sub(" ", str(name))
    return [word.lower() for word in re.split(r"[\W_]+", spaced) if word]


COUNT_WORDS = {"number", "num", "nr"}
"""A leading word that counts what follows: 'number_vmail_messages' reads 'Number of vmail messages'."""


SHORTENED = {"intl": "international", "eve": "evening", "vmail": "voicemail", "avg": "average", "qty": "quantity",
             "amt": "amount", "cnt": "count", "pct": "percent", "acct": "account", "cust": "customer",
             "txn": "transaction", "txns": "transactions", "msg": "message", "msgs": "messages", "yrs": "years",
             "mins": "minutes", "hrs": "hours", "mths": "months", "prev": "previous", "freq": "frequency",
             "dept": "department", "svc": "service", "num": "number", "diff": "difference", "disc": "discount"}
"""Shortened words of column names that read one way only, written out in labels ('total_eve_minutes' ->
'Total evening minutes'). Ambiguous ones ('min': minimum or minutes) and codes in capitals stay as they are."""


def readable_name(name: str) -> str:
    """A column name as a label: words split in any naming style, the first capitalised, abbreviations in capitals
    kept ('LoyalCH' -> 'Loyal CH', 'StoreID' -> 'Store ID'), shortened words written out (`SHORTENED`), a leading
    count word read as 'Number of'."""
    spaced = WORD_BREAK.sub(" ", str(name))
    words = ["ID" if word.lower() == "id" else word if word.isupper() and len(word) > 1 else word.lower()
             for word in re.split(r"[\W_]+", spaced) if word]
    if len(words) > 1 and words[0] in COUNT_WORDS and words[1] != "of":
        words = ["number", "of", *words[1:]]
    words = [SHORTENED.get(word, word) for word in words]
    if not words:
        return str(name)
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


ONE_HOT_SPLIT = re.compile(r"(?P<term>.+ =\s.+?) (?P<side><=|>) +0\.50*", re.DOTALL)
"""A tree's split on a one-hot column ('Plan = yes <= 0.50', its label perhaps wrapped after the '='): its values
are 0 and 1, so the split asks whether the row is in that category."""


def split_words(text: str) -> str:
    """A tree's split as read: 'Plan = yes <= 0.50' (not in that category) as 'Plan ≠ yes', 'Plan = yes > 0.50'
    as 'Plan = yes'; a split on a number as it is."""
    found = ONE_HOT_SPLIT.fullmatch(text)
    if found is None:
        return text
    return found["term"].replace(" =", " ≠", 1) if found["side"] == "<=" else found["term"]


def rules_in_words(rules: str) -> str:
    """scikit-learn's `export_text` rules with each one-hot split read as `split_words` does."""
    lines = []
    for line in rules.splitlines():
        branch, marker, split = line.rpartition("|--- ")
        lines.append(f"{branch}{marker}{split_words(split)}" if marker else line)
    return "\n".join(lines) + ("\n" if rules.endswith("\n") else "")

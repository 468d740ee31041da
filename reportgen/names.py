"""Column names as words, whatever their naming style."""

from __future__ import annotations

import re


def name_words(name: str) -> list[str]:
    """The words of a column name in any naming style: 'CustomerId', 'customer_id', 'Customer ID' and
    'customerID' all give ['customer', 'id']."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", str(name))
    return [word.lower() for word in re.split(r"[\W_]+", spaced) if word]


COUNT_WORDS = {"number", "num", "nr"}
"""A leading word that counts what follows: 'number_vmail_messages' reads 'Number of vmail messages'."""


def readable_name(name: str) -> str:
    """A column name as a label: words split in any naming style, the first capitalised, abbreviations in capitals
    kept ('LoyalCH' -> 'Loyal CH', 'StoreID' -> 'Store ID'), a leading count word read as 'Number of'."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", str(name))
    words = ["ID" if word.lower() == "id" else word if word.isupper() and len(word) > 1 else word.lower()
             for word in re.split(r"[\W_]+", spaced) if word]
    if not words:
        return str(name)
    if len(words) > 1 and words[0] in COUNT_WORDS and words[1] != "of":
        words = ["number", "of", *words[1:]]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])

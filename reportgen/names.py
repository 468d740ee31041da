"""Column names as words, whatever their naming style."""

from __future__ import annotations

import re


def name_words(name: str) -> list[str]:
    """The words of a column name in any naming style: 'CustomerId', 'customer_id', 'Customer ID' and
    'customerID' all give ['customer', 'id']."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", str(name))
    return [word.lower() for word in re.split(r"[\W_]+", spaced) if word]

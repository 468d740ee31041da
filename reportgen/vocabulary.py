"""What a row is and what the outcome is, in words, read from the names of the target, the file and the columns.

A config that declares the words keeps them; a bare table gets the words its names imply (a `churn` target:
customers who leave and customers who stay; a `purchased` one: buyers and non-buyers), or a neutral phrasing
built from the column and label ("rows with Purchase = MM"), never a guess presented as fact.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportgen.names import name_words

LEAVING = {"churn", "churned", "churner", "churners", "exited", "attrition", "left", "leave", "leaver", "leavers",
           "cancel", "cancelled", "canceled", "cancellation", "quit", "lapsed", "defected", "terminated"}
"""Words in a target's name that say the outcome is leaving."""
BUYING = {"purchase", "purchased", "purchases", "buy", "bought", "buyer", "buyers", "converted", "conversion",
          "convert", "upgrade", "upgraded", "subscribed", "subscribe", "revenue", "ordered", "sale"}
"""Words in a target's name that say the outcome is buying."""
UNIT_WORDS = {"customer": "customers", "customers": "customers", "client": "clients", "clients": "clients",
              "user": "users", "users": "users", "student": "students", "students": "students",
              "learner": "learners", "employee": "employees", "employees": "employees", "staff": "employees",
              "member": "members", "members": "members", "subscriber": "subscribers", "account": "accounts",
              "accounts": "accounts", "session": "sessions", "sessions": "sessions", "shopper": "shoppers",
              "shoppers": "shoppers", "visitor": "visitors", "visitors": "visitors", "patient": "patients",
              "video": "videos", "videos": "videos", "player": "players", "lead": "leads", "leads": "leads",
              "applicant": "applicants", "household": "households"}
"""Words in a file's or a column's name that say what one row is, and the plural the sentences use."""
STAFF = {"employee", "employees", "staff", "attrition", "hr"}
"""Words that make leaving an employee's, not a customer's."""


@dataclass(frozen=True)
class Vocabulary:
    unit: str
    """Plural noun for one row: customers, students, sessions; 'rows' when no name says."""
    title: str
    kind: str
    """What the report is about, for its cover: 'Churn report', 'Conversion report', 'Outcome report'."""
    positive_name: str
    negative_name: str
    positive_noun: str
    negative_noun: str
    predicate: str
    """What the rows of the outcome did or are, completing '14% of customers ...': 'left', 'bought'."""
    action: str
    """What the report recommends doing with the rows scored highest (`config.Action`)."""


ID_WORDS = {"id", "ids", "key", "no", "nr", "num", "number"}


def row_unit(file_stem: str, columns: list[str], default: str) -> str:
    """The plural noun for a row: from the file's name first, then the names of identifier columns (CustomerId
    says a row is a customer; account_length says nothing of the kind), else `default`."""
    named = [words for words in map(name_words, columns) if len(words) > 1 and words[-1] in ID_WORDS]
    for words in [name_words(file_stem), *named]:
        found = [UNIT_WORDS[word] for word in words if word in UNIT_WORDS]
        if found:
            return found[0]
    return default


def outcome_vocabulary(target: str, label: str, positive: str, negative: str | None, yes_no: bool,
                       file_stem: str, columns: list[str], unit: str | None = None) -> Vocabulary:
    """The words for a bare table. `label` is the target's display label, `yes_no` whether its labels are a yes
    and a no (only then does a 'churn' or 'purchased' target mean leaving or buying), `columns` the table's other
    columns, `unit` the config's own word for a row, when it declares one."""
    words = set(name_words(target))
    if yes_no and words & LEAVING:
        staff = bool(STAFF & (words | set(name_words(file_stem))))
        unit = unit or row_unit(file_stem, columns, "employees" if staff else "customers")
        return Vocabulary(unit=unit, title=f"Which {unit} will leave?",
                          kind="Attrition report" if staff else "Churn report",
                          positive_name="Left", negative_name="Stayed",
                          positive_noun=f"{unit} who leave", negative_noun=f"{unit} who stay",
                          predicate="left", action="retain")
    if yes_no and words & BUYING:
        unit = unit or row_unit(file_stem, columns, "customers")
        return Vocabulary(unit=unit, title=f"Which {unit} will buy?", kind="Conversion report",
                          positive_name="Bought", negative_name="Did not buy",
                          positive_noun="buyers", negative_noun="non-buyers", predicate="bought",
                          action="offer")
    unit = unit or row_unit(file_stem, columns, "rows")
    named = f"{label} = {positive}"
    other = f"{label} = {negative}" if negative is not None else f"{label}: other"
    return Vocabulary(unit=unit, title=f"What sets {named} apart?", kind="Outcome report",
                      positive_name=named, negative_name=other,
                      positive_noun=f"{unit} with {named}", negative_noun=f"{unit} with {other}"
                      if negative is not None else f"other {unit}", predicate=f"have {named}", action="none")


def predicate_of(unit: str, positive_noun: str) -> str:
    """The predicate a declared noun implies: 'students who buy' -> 'buy', 'rows with churn = yes' ->
    'have churn = yes', 'buyers' -> 'are buyers'; so a sentence never reads '14% of students are students who buy'."""
    for joint, lead in ((" who ", ""), (" with ", "have ")):
        head, found, rest = positive_noun.partition(joint)
        if found and head == unit:
            return lead + rest
    return f"are {positive_noun}"

"""The allow-list: every operator a lieu rule may use, with its arity and how it reads."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    """One allowed operator: name, argument count bounds, and whether it always returns a bool."""

    name: str
    min_args: int
    max_args: int | None
    returns_bool: bool = False
    scoped: bool = False  # second argument runs once per array item, with the item as data
    date: bool = False


_SPECS = (
    OperatorSpec("var", 0, 2),
    OperatorSpec("missing", 0, None),
    OperatorSpec("missing_some", 2, 2),
    OperatorSpec("if", 0, None),
    OperatorSpec("?:", 0, None),
    OperatorSpec("==", 2, 2, returns_bool=True),
    OperatorSpec("===", 2, 2, returns_bool=True),
    OperatorSpec("!=", 2, 2, returns_bool=True),
    OperatorSpec("!==", 2, 2, returns_bool=True),
    OperatorSpec("!", 1, 1, returns_bool=True),
    OperatorSpec("!!", 1, 1, returns_bool=True),
    OperatorSpec("or", 1, None),
    OperatorSpec("and", 1, None),
    OperatorSpec(">", 2, 2, returns_bool=True),
    OperatorSpec(">=", 2, 2, returns_bool=True),
    OperatorSpec("<", 2, 3, returns_bool=True),
    OperatorSpec("<=", 2, 3, returns_bool=True),
    OperatorSpec("max", 1, None),
    OperatorSpec("min", 1, None),
    OperatorSpec("+", 0, None),
    OperatorSpec("-", 1, 2),
    OperatorSpec("*", 1, None),
    OperatorSpec("/", 2, 2),
    OperatorSpec("%", 2, 2),
    OperatorSpec("map", 2, 2, scoped=True),
    OperatorSpec("filter", 2, 2, scoped=True),
    OperatorSpec("reduce", 2, 3, scoped=True),
    OperatorSpec("all", 2, 2, returns_bool=True, scoped=True),
    OperatorSpec("some", 2, 2, returns_bool=True, scoped=True),
    OperatorSpec("none", 2, 2, returns_bool=True, scoped=True),
    OperatorSpec("merge", 0, None),
    OperatorSpec("in", 2, 2, returns_bool=True),
    OperatorSpec("cat", 0, None),
    OperatorSpec("substr", 2, 3),
    OperatorSpec("log", 1, 1),
    OperatorSpec("age_at", 2, 2, date=True),
    OperatorSpec("days_between", 2, 2, date=True),
    OperatorSpec("date_add_days", 2, 2, date=True),
    OperatorSpec("within_days", 3, 3, returns_bool=True, date=True),
)

OPERATORS: dict[str, OperatorSpec] = {spec.name: spec for spec in _SPECS}
COMPARISONS = frozenset({"==", "===", "!=", "!==", ">", ">=", "<", "<="})
LOGICAL = frozenset({"and", "or", "!", "!!", "if", "?:"})


# What authors write for an operator in other rule languages (SQL, Python, spreadsheets, other
# JsonLogic dialects), and lieu's name for it: spelling distance alone finds none of these.
ALIASES: dict[str, str] = {
    "=": "==", "eq": "==", "equal": "==", "equals": "==", "is": "==",
    "ne": "!=", "neq": "!=", "<>": "!=", "not_equal": "!=", "not_equals": "!=",
    "gt": ">", "greater_than": ">", "gte": ">=", "ge": ">=", "=>": ">=",
    "lt": "<", "less_than": "<", "lte": "<=", "le": "<=", "=<": "<=",
    "&&": "and", "&": "and", "all_of": "and", "||": "or", "|": "or", "any_of": "or",
    "not": "!", "negate": "!", "bool": "!!", "truthy": "!!",
    "contains": "in", "includes": "in", "one_of": "in", "any": "some", "every": "all",
    "concat": "cat", "ifelse": "if", "if_else": "if", "case": "if", "ternary": "?:",
    "age": "age_at", "age_on": "age_at", "older_than": "age_at", "younger_than": "age_at",
    "days_since": "days_between", "date_diff": "days_between", "datediff": "days_between",
    "add_days": "date_add_days", "date_add": "date_add_days", "within": "within_days",
    "within_last_days": "within_days", "absent": "missing",
}  # fmt: skip


def suggest(name: str) -> str | None:
    """The allowed operator an unknown name most likely means (`eq` → `==`), if any."""
    lowered = name.strip().lower()
    if lowered in OPERATORS:
        return lowered
    if (alias := ALIASES.get(lowered.replace("-", "_").replace(" ", "_"))) is not None:
        return alias
    matches = difflib.get_close_matches(lowered, list(OPERATORS), n=1, cutoff=0.6)
    return matches[0] if matches else None

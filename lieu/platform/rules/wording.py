"""Facts and their values in the words a provider reads: labels, yes/no, dates, lists.

The rules engine knows fact paths only; whoever compiles criteria may give each path its words
(``FactWords``: a label and what its coded values say), e.g. from the member-facts vocabulary.
A path without words is shown as written.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType

from lieu.platform.rules.dates import parse_date

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_JSON = json.JSONEncoder(ensure_ascii=False, default=str)


@dataclass(frozen=True, slots=True)
class FactWords:
    """How one fact is named ('discharge date') and what its coded values say
    ('inpatient_hospital' → 'inpatient hospital')."""

    label: str
    values: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


Wording = Mapping[str, FactWords]
NO_WORDING: Wording = MappingProxyType({})


def label_of(path: str, wording: Wording) -> str:
    """A fact's label, or its path when it has none."""
    words = wording.get(path)
    return words.label if words is not None else path


def date_words(day: dt.date) -> str:
    """8 March 1945."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@lru_cache(maxsize=4096)
def _date_text(text: str) -> str | None:
    day = parse_date(text)
    return None if day is None else date_words(day)


def listing(items: Sequence[str], conjunction: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (or 'or')."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def say(value: object, words: FactWords | None = None) -> str:
    """A value as a provider reads it: yes/no, a date in words, a list in words, a code's words."""
    kind = type(value)
    if kind is str:
        text: str = value  # type: ignore[assignment]
        if words is not None and text in words.values:
            return words.values[text]
        if len(text) >= 10 and text[4] == "-" and (day := _date_text(text)) is not None:
            return day
        return text or "empty"
    if kind is bool:
        return "yes" if value else "no"
    if kind is int:
        return str(value)
    if kind is float:
        return f"{value:g}"
    if kind is list:
        items: list[object] = value  # type: ignore[assignment]
        return listing([say(item, words) for item in items]) if items else "none"
    if isinstance(value, dt.date):
        return date_words(value)
    return _JSON.encode(value)

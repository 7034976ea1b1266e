"""lieu's date operators: ``age_at``, ``days_between``, ``date_add_days``, ``within_days``.

A date is an ISO 8601 string, ``YYYY-MM-DD`` or a datetime that starts with one
(``2024-03-01T08:30:00Z``); a datetime counts as the calendar date written in it, whatever its
offset. ``datetime.date`` values are accepted as well, for callers that build data in Python.
There is no ``today``: the as-of date is a fact in the data (``{"var": "as_of"}``), so a rule gives
the same answer every time it runs.

Null (or absent) arguments give null (``within_days``: false) in standard evaluation and
unknown in tri-state eligibility.
Any other value that is not a date raises EvaluationError (code ``bad_date``) naming the operator's
JSON pointer and the value, so the caller can report the bad fact instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import math
from functools import lru_cache

from lieu.platform.rules.errors import EvaluationError

_from_iso = dt.date.fromisoformat


@lru_cache(maxsize=4096)
def _parse_iso(text: str) -> dt.date | None:
    if len(text) < 10 or text[4] != "-" or text[7] != "-":
        return None
    try:
        day = dt.date.fromisoformat(text[:10])
        if len(text) > 10:
            if text[10] not in "T ":
                return None
            dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return day


def parse_date(value: object) -> dt.date | None:
    """The calendar date a value names, or None when it names none."""
    if type(value) is str:
        return _parse_iso(value)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _date(value: object, op: str, pointer: str) -> dt.date:
    day = parse_date(value)
    if day is None:
        raise EvaluationError(
            "bad_date",
            pointer,
            f"{op!r} needs a date written YYYY-MM-DD, got {value!r}; correct the fact or rule",
            value,
        )
    return day


def _days(value: object, op: str, pointer: str) -> int:
    if type(value) is int:
        return value
    if type(value) is float and math.isfinite(value) and value.is_integer():
        return int(value)
    raise EvaluationError(
        "bad_number", pointer, f"{op!r} needs a whole number of days, got {value!r}", value
    )


def age_at(birth_date: object, as_of: object, pointer: str = "") -> int | None:
    """Whole years from birth_date to as_of; a Feb 29 birthday counts from Mar 1 in common years.

    The age goes up on the birthday itself, never the day before; null if either date is null.
    """
    if birth_date is None or as_of is None:
        return None
    born = _date(birth_date, "age_at", pointer)
    on = _date(as_of, "age_at", pointer)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def days_between(start: object, end: object, pointer: str = "") -> int | None:
    """``end - start`` in days (negative when end is earlier); null if either date is null."""
    if start is None or end is None:
        return None
    begin = _date(start, "days_between", pointer)
    return (_date(end, "days_between", pointer) - begin).days


def date_add_days(date: object, days: object, pointer: str = "") -> str | None:
    """The ISO date ``days`` whole days after ``date`` (before it when negative)."""
    if date is None or days is None:
        return None
    day = _date(date, "date_add_days", pointer)
    try:
        return (day + dt.timedelta(days=_days(days, "date_add_days", pointer))).isoformat()
    except OverflowError as error:
        raise EvaluationError(
            "bad_number", pointer, f"'date_add_days' leaves the calendar: {error}", days
        ) from None


def within_days(date: object, days: object, as_of: object, pointer: str = "") -> bool:
    """True when ``as_of - days <= date <= as_of``: the date falls in the last ``days`` days.

    A date after as_of is not within; false if any argument is null (a predicate never
    returns null; tri-state eligibility makes it unknown before it gets here).
    """
    if date is None or days is None or as_of is None:
        return False
    day = _date(date, "within_days", pointer)
    span = _days(days, "within_days", pointer)
    gap = (_date(as_of, "within_days", pointer) - day).days
    return 0 <= gap <= span


def within_days_iso(date: object, days: int, as_of: object, pointer: str = "") -> bool:
    """``within_days`` with the days written in the rule as an integer: the same answer, with a
    short path for two ISO strings."""
    if type(date) is str and type(as_of) is str:
        day, on = _parse_iso(date), _parse_iso(as_of)
        if day is not None and on is not None:
            return 0 <= (on - day).days <= days
    return within_days(date, days, as_of, pointer)


def age_at_iso(birth_date: object, as_of: object, pointer: str = "") -> int | None:
    """``age_at`` with a short path for a YYYY-MM-DD birth date (too many to cache) and an ISO
    as-of date."""
    on = _parse_iso(as_of) if type(as_of) is str else None
    if (
        on is not None
        and type(birth_date) is str
        and len(birth_date) == 10
        and birth_date[4] == "-"  # as _parse_iso checks, without its cache
        and birth_date[7] == "-"
    ):
        try:
            born = _from_iso(birth_date)
        except ValueError:
            return age_at(birth_date, as_of, pointer)
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return age_at(birth_date, as_of, pointer)


def age_at_on(birth_date: object, on: dt.date, as_of: str, pointer: str = "") -> int | None:
    """``age_at_iso`` with the as-of date already parsed (``on``, the date ``as_of`` names)."""
    written = type(birth_date) is str and len(birth_date) == 10
    if written and birth_date[4] == "-" and birth_date[7] == "-":  # type: ignore[index]
        try:
            born = _from_iso(birth_date)  # type: ignore[arg-type]
        except ValueError:
            return age_at(birth_date, as_of, pointer)
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return age_at(birth_date, as_of, pointer)


parse_iso = _parse_iso  # the cached ISO parser, for generated code

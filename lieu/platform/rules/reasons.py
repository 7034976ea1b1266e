"""Reasons a provider can read: which criterion held, failed or could not be decided, and why."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """How one criterion came out for one member."""

    HELD = "held"
    FAILED = "failed"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True, slots=True, init=False)
class Reason:
    """One criterion's result with the facts it read (path -> value) and those missing;
    ``text`` says it in words, e.g. ``Member is 18 or older: not met (age 17)``."""

    criterion_id: str
    label: str
    status: Status
    values_seen: Mapping[str, object]
    missing: tuple[str, ...]

    def __init__(
        self,
        criterion_id: str,
        label: str,
        status: Status,
        values_seen: Mapping[str, object],
        missing: tuple[str, ...],
    ) -> None:
        # A frozen dataclass's own __init__ goes through object.__setattr__ per field; the slots'
        # setters do the same job in half the time, and explanations build many reasons.
        _set_criterion_id(self, criterion_id)
        _set_label(self, label)
        _set_status(self, status)
        _set_values_seen(self, values_seen)
        _set_missing(self, missing)

    @property
    def text(self) -> str:
        return reason_text(self.label, self.status, self.values_seen, self.missing)


_set_criterion_id, _set_label, _set_status, _set_values_seen, _set_missing = (
    Reason.__dict__[name].__set__
    for name in ("criterion_id", "label", "status", "values_seen", "missing")
)
_JSON = json.JSONEncoder(ensure_ascii=False, default=str)  # json.dumps with these, built once


def show(value: object) -> str:
    """A fact value as a provider reads it: text bare, everything else as JSON."""
    kind = type(value)
    if kind is bool:
        return "true" if value else "false"
    if kind is str and value:
        return value  # type: ignore[return-value]
    if kind is int:
        return str(value)
    return _JSON.encode(value)


def reason_text(
    label: str, status: Status, values_seen: Mapping[str, object], missing: tuple[str, ...]
) -> str:
    """E.g. ``Member is 18 or older: not met (age 17)``."""
    if status is Status.UNDETERMINED:
        if not missing:
            return f"{label}: undetermined — a fact it reads is missing"
        if len(missing) == 1:
            return f"{label}: undetermined — missing fact {missing[0]}"
        return f"{label}: undetermined — missing facts {', '.join(missing)}"
    verdict = "met" if status is Status.HELD else "not met"
    if not values_seen:
        return f"{label}: {verdict}"
    seen = ", ".join([f"{path} {show(value)}" for path, value in values_seen.items()])
    return f"{label}: {verdict} ({seen})"

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


@dataclass(frozen=True, slots=True)
class Reason:
    """One criterion's result with the facts it read (path -> value) and those missing;
    ``text`` says it in words, e.g. ``Member is 18 or older: not met (age 17)``."""

    criterion_id: str
    label: str
    status: Status
    values_seen: Mapping[str, object]
    missing: tuple[str, ...]

    @property
    def text(self) -> str:
        return reason_text(self.label, self.status, self.values_seen, self.missing)


def show(value: object) -> str:
    """A fact value as a provider reads it: text bare, everything else as JSON."""
    kind = type(value)
    if kind is str and value:
        return value  # type: ignore[return-value]
    if kind is int:
        return str(value)
    if kind is bool:
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False, default=str)


def reason_text(
    label: str, status: Status, values_seen: Mapping[str, object], missing: tuple[str, ...]
) -> str:
    """E.g. ``Member is 18 or older: not met (age 17)``."""
    seen = ", ".join(f"{path} {show(value)}" for path, value in values_seen.items())
    if status is Status.UNDETERMINED:
        if not missing:
            return f"{label}: undetermined — a fact it reads is missing"
        facts = "fact" if len(missing) == 1 else "facts"
        return f"{label}: undetermined — missing {facts} {', '.join(missing)}"
    verdict = "met" if status is Status.HELD else "not met"
    return f"{label}: {verdict} ({seen})" if seen else f"{label}: {verdict}"

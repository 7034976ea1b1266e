"""Reasons a provider can read: which criterion held, failed or could not be decided, and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from lieu.platform.rules.facts import Condition
from lieu.platform.rules.wording import NO_WORDING, Wording, label_of, listing, say


class Status(StrEnum):
    """How one criterion came out for one member."""

    HELD = "held"
    FAILED = "failed"
    UNDETERMINED = "undetermined"


@dataclass(frozen=True, slots=True, init=False)
class Reason:
    """One criterion's result: the facts it read (path -> value), those missing that could change
    it, the tests it makes of facts (for machines), every fact it reads (known or not); ``text``
    says it in words, e.g. ``Member is 18 or older: not met (age: 17)``, naming facts by their
    labels in ``wording``."""

    criterion_id: str
    label: str
    status: Status
    values_seen: Mapping[str, object]
    missing: tuple[str, ...]
    conditions: tuple[Condition, ...]
    wording: Wording
    facts_read: tuple[str, ...]

    def __init__(
        self,
        criterion_id: str,
        label: str,
        status: Status,
        values_seen: Mapping[str, object],
        missing: tuple[str, ...],
        conditions: tuple[Condition, ...] = (),
        wording: Wording = NO_WORDING,
        facts_read: tuple[str, ...] = (),
    ) -> None:
        # A frozen dataclass's own __init__ goes through object.__setattr__ per field; the slots'
        # setters do the same job in half the time, and explanations build many reasons.
        _set_criterion_id(self, criterion_id)
        _set_label(self, label)
        _set_status(self, status)
        _set_values_seen(self, values_seen)
        _set_missing(self, missing)
        _set_conditions(self, conditions)
        _set_wording(self, wording)
        _set_facts_read(self, facts_read)

    @property
    def text(self) -> str:
        return reason_text(self.label, self.status, self.values_seen, self.missing, self.wording)


_FIELDS = (
    "criterion_id", "label", "status", "values_seen", "missing", "conditions", "wording",
    "facts_read",
)  # fmt: skip
(
    _set_criterion_id,
    _set_label,
    _set_status,
    _set_values_seen,
    _set_missing,
    _set_conditions,
    _set_wording,
    _set_facts_read,
) = (Reason.__dict__[name].__set__ for name in _FIELDS)


def reason_text(
    label: str,
    status: Status,
    values_seen: Mapping[str, object],
    missing: tuple[str, ...],
    wording: Wording = NO_WORDING,
) -> str:
    """E.g. ``Member is 18 or older: not met (age: 17)``, or ``Discharged in the last 30 days:
    undetermined — missing: discharge date``; facts by their labels, values in words."""
    get = wording.get
    if status is Status.UNDETERMINED:
        if not missing:
            return f"{label}: undetermined — a fact it reads is missing"
        if len(missing) == 1:
            words = get(missing[0])
            return (
                f"{label}: undetermined — missing: {missing[0] if words is None else words.label}"
            )
        return (
            f"{label}: undetermined — missing: {listing([label_of(p, wording) for p in missing])}"
        )
    verdict = "met" if status is Status.HELD else "not met"
    if not values_seen:
        return f"{label}: {verdict}"
    seen = []
    for path, value in values_seen.items():
        words = get(path)
        seen.append(f"{path if words is None else words.label}: {say(value, words)}")
    return f"{label}: {verdict} ({'; '.join(seen)})"

"""A plan's requested change to what it offers, and the pure checks that accept or refuse it."""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from lieu.platform.definitions.supports import SUPPORTS, support_name
from lieu.platform.elections.calendar import Cycle, ElectionCalendar
from lieu.platform.elections.counties import COUNTY_SET, unknown_county_message


class ChangeKind(enum.StrEnum):
    """Start offering a support in a county, or stop."""

    ADD = "add"
    REMOVE = "remove"


@dataclass(frozen=True, slots=True)
class ElectionChange:
    """One requested change: add or remove `support` in `county` for `plan`, by `actor`."""

    plan: str
    county: str
    support: str
    kind: ChangeKind
    actor: str
    reason: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        """What the change is about; two pending changes may not share it."""
        return (self.plan, self.county, self.support)

    def describe(self) -> str:
        """`add Recuperative Care (Medical Respite) in alameda`."""
        return f"{self.kind.value} {support_name(self.support)} in {self.county}"


class Refusal(Exception):
    """A change the calendar or the current offerings do not allow; `code` names the rule."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def check_calendar(
    change: ElectionChange,
    *,
    cycle: Cycle,
    today: date,
    calendar: ElectionCalendar,
    pending: Iterable[ElectionChange] = (),
) -> None:
    """Raise `Refusal` for what is wrong without looking at the database."""
    if change.county not in COUNTY_SET:
        raise Refusal("unknown_county", unknown_county_message(change.county))
    if change.support not in SUPPORTS:
        raise Refusal(
            "unknown_support",
            f"{change.support!r} is not a Community Support code; use one of "
            + ", ".join(sorted(SUPPORTS)),
        )
    if not cycle.is_open(today):
        following = calendar.next_open_cycle(today)
        raise Refusal(
            "window_closed",
            f"the election window for {cycle.start.isoformat()} is not open on "
            f"{today.isoformat()}; submit the change in {following.describe()}",
        )
    if change.kind is ChangeKind.REMOVE:
        mandate = calendar.mandatory_on(change.support, cycle.start)
        if mandate is not None:
            raise Refusal(
                "mandatory_support",
                f"{support_name(change.support)} is mandatory from "
                f"{mandate.from_date.isoformat()} and cannot be removed",
            )
        if not cycle.annual:
            annual = calendar.next_annual_cycle(today)
            raise Refusal(
                "removal_outside_annual_boundary",
                f"removals take effect only at the annual boundary; submit this removal in "
                f"{annual.describe()}",
            )
    for earlier in pending:
        if earlier.key == change.key:
            raise Refusal(
                "duplicate",
                f"a change to {support_name(change.support)} in {change.county} is already "
                f"pending for {cycle.start.isoformat()} ({earlier.kind.value} by {earlier.actor})",
            )


def check_against_offerings(
    change: ElectionChange,
    *,
    cycle: Cycle,
    offered_on_start: Collection[str],
    published: Collection[str],
) -> None:
    """Raise `Refusal` when the change conflicts with what is offered or published.

    `offered_on_start` are the supports the plan offers in the county on the cycle date without
    this cycle's changes; `published` are the supports with a published definition for the plan
    (its own, or the DHCS baseline).
    """
    if change.kind is ChangeKind.ADD:
        if change.support not in published:
            raise Refusal(
                "support_not_published",
                f"{support_name(change.support)} has no published definition for plan "
                f"{change.plan!r} or the DHCS baseline; publish one first",
            )
        if change.support in offered_on_start:
            raise Refusal(
                "duplicate",
                f"{support_name(change.support)} is already offered in {change.county} on "
                f"{cycle.start.isoformat()}",
            )
    elif change.support not in offered_on_start:
        raise Refusal(
            "not_offered",
            f"{support_name(change.support)} is not offered in {change.county} on "
            f"{cycle.start.isoformat()}, so it cannot be removed",
        )

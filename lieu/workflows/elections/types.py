"""The frozen dataclasses that go in and out of the election workflow and its activities."""

# No `from __future__ import annotations`: pydantic builds these types inside the workflow
# sandbox, where string annotations cannot be resolved.
from dataclasses import dataclass, field
from datetime import date

from lieu.platform.elections.calendar import Cycle, ElectionCalendar, MandatorySupport
from lieu.platform.elections.changes import ElectionChange


@dataclass(frozen=True)
class ElectionCycleInput:
    """Start (or continue) a plan's election cycles; `cycle` is None to pick the next open one."""

    plan: str
    calendar: ElectionCalendar
    cycle: Cycle | None = None
    cycles_completed: int = 0
    # The plan's time zone: windows open and close at its midnight (UTC for workflows started
    # before plans had a clock).
    time_zone: str = "UTC"


@dataclass(frozen=True)
class SubmitChange:
    """A change submitted to the open window (the update's argument)."""

    change: ElectionChange


@dataclass(frozen=True)
class ChangeAccepted:
    """The update's answer when a change is accepted."""

    change_id: int
    cycle_start: date
    takes_effect: date


@dataclass(frozen=True)
class CheckChange:
    """Activity input: check a change against the database as of the cycle date."""

    change: ElectionChange
    cycle: Cycle
    # The supports mandatory by the calendar, and the changes already accepted for the cycle
    # (an addition in a county with the mandatory support added in the same cycle is fine).
    mandatory: tuple[MandatorySupport, ...] = ()
    pending: tuple[ElectionChange, ...] = ()


@dataclass(frozen=True)
class RecordChange:
    """Activity input: store an accepted change (idempotent by `request_id`)."""

    change: ElectionChange
    cycle_start: date
    request_id: str


@dataclass(frozen=True)
class CycleStep:
    """Activity input: schedule or mark effective one plan's changes for one cycle."""

    plan: str
    cycle_start: date


@dataclass(frozen=True)
class CycleState:
    """What the `state` query answers."""

    plan: str
    phase: str
    cycle: Cycle | None
    pending: list[ElectionChange] = field(default_factory=list)
    cycles_completed: int = 0

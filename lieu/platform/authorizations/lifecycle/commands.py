"""What the state machine asks its interpreter to do, and the results that come back as events.

Commands are carried out in the order given. `Assess`, `Reserve` and `Consume` produce a result;
the machine stops after one of them and goes on when its result (`Assessed`, `Reserved`,
`Consumed`) comes back. The others produce nothing the machine needs.
"""

# No `from __future__ import annotations`: the interpreter runs inside the workflow sandbox.
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from lieu.platform.appeals.lifecycle import AppealStart
from lieu.platform.authorizations.lifecycle.actions import Action
from lieu.platform.notices.facts import NoticeFacts


@dataclass(frozen=True)
class Assess:
    """Is the support offered in the member's county on the date, and is the member eligible?"""

    on: date


@dataclass(frozen=True)
class Reserve:
    """Hold what fits of `quantity` on the support's limits, from `start` to `end`."""

    quantity: Decimal
    start: date
    end: date
    key: str
    first: bool


@dataclass(frozen=True)
class Release:
    """Give back `quantity` held (for days: the last days, ending on `end`)."""

    quantity: Decimal
    start: date
    end: date
    key: str
    reason: str
    whole: bool


@dataclass(frozen=True)
class Consume:
    """Record service delivered against the holds."""

    quantity: Decimal
    start: date
    end: date
    key: str
    actor: str
    late: bool = False  # after the end: hold what was released again, then consume


@dataclass(frozen=True)
class Project:
    """Copy the state and the new timeline entries to the database."""


@dataclass(frozen=True)
class LegacyProject:
    """The projection that ran before a review opened, before the `review-opens-at-once` patch;
    the interpreter runs it only when replaying a history recorded before that patch."""


@dataclass(frozen=True)
class ProjectExtension:
    """The projection of a review extension, which was not written until the next action before
    the `extension-projected` patch; the interpreter runs it only in runs that took that patch."""


@dataclass(frozen=True)
class Publish:
    """Set the workflow's search attributes: status and review deadline."""


@dataclass(frozen=True)
class LateReportsWindow:
    """Stay open for late service reports; the interpreter checks the `late-service-reports`
    patch (a history recorded before it ended at once) and answers with `WindowOpened`."""


@dataclass(frozen=True)
class Notify:
    """Issue a notice of action (rendered and stored as documents for the member and provider)."""

    facts: NoticeFacts


@dataclass(frozen=True)
class StartAppeal:
    """Start the appeal's own workflow (it tells the authorization its outcome when it ends)."""

    appeal: AppealStart


Command = (
    Assess
    | Reserve
    | Release
    | Consume
    | Project
    | LegacyProject
    | ProjectExtension
    | Publish
    | LateReportsWindow
    | Notify
    | StartAppeal
)
RESULT_COMMANDS = (Assess, Reserve, Consume, LateReportsWindow)


# --- events --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Started:
    """The workflow began (or began again, from carried state)."""

    now: datetime


@dataclass(frozen=True)
class Assessed:
    """The eligibility check's answer."""

    now: datetime
    offered: bool
    outcome: str  # eligible, not_eligible, undetermined
    explanation: tuple[str, ...]
    missing: tuple[str, ...]
    refusal: str = ""


@dataclass(frozen=True)
class Reserved:
    """What the ledger held (maybe less than asked; 0 when nothing fits)."""

    now: datetime
    quantity: Decimal
    end: date
    message: str


@dataclass(frozen=True)
class Consumed:
    """What the ledger recorded for a service report (0 and why, when it does not fit)."""

    now: datetime
    quantity: Decimal
    message: str


@dataclass(frozen=True)
class WindowOpened:
    """Whether the late-reports window opens (False only when replaying an old history)."""

    now: datetime
    opened: bool


@dataclass(frozen=True)
class Acted:
    """Someone did something (an update was accepted)."""

    now: datetime
    action: Action
    key: str


@dataclass(frozen=True)
class TimerFired:
    """The moment the machine waited for (`timers.next_timer`) has come."""

    now: datetime


@dataclass(frozen=True)
class Failed:
    """A command failed in a way retrying cannot fix (e.g. its pinned definition is missing)."""

    now: datetime
    command: "Command"
    message: str


Event = Started | Assessed | Reserved | Consumed | WindowOpened | Acted | TimerFired | Failed

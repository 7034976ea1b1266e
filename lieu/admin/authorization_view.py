"""What an authorization's page shows besides its facts and forms: the pinned definition and
how the version in force now differs from it, its ledger entries, its deadlines and their
clocks, its documents, and where Temporal shows its workflow's history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.admin.limits import LimitLine, limit_lines
from lieu.admin.notice_lines import NoticeLine, authorization_notices
from lieu.platform.access.authorizations import find_authorization, timelines
from lieu.platform.access.roles import Principal
from lieu.platform.appeals.terms import FILING_DAYS
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.definitions.diff import DifferentSupports, diff_definitions
from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.errors import DefinitionError
from lieu.platform.definitions.versions import effective_in_force, effective_version
from lieu.platform.documents.models import AuthorizationDocument
from lieu.platform.documents.records import list_documents
from lieu.platform.limits.models import LimitEntry
from lieu.platform.notes.models import ReferralNote
from lieu.platform.notes.service import notes_of
from lieu.platform.notices.facts import NoticeKind
from lieu.platform.plans.calendar import PlanCalendar
from lieu.platform.plans.settings import plan_settings

BASELINE_PLAN = "dhcs"
REVIEWING = ("pending_review", "pending_information", "presumptive")


@dataclass(frozen=True, slots=True)
class Pinned:
    """The definition the authorization runs on, and the version in force for its plan now."""

    ref: str  # dhcs/respite/v1
    content_hash: str
    in_force: str  # the ref in force today, "" when none is
    changes: Sequence[str]  # the business-language diff pinned → in force ([] when the same)
    problem: str = ""  # why the diff could not be made, in words

    @property
    def current(self) -> bool:
        return self.in_force == self.ref


@dataclass(frozen=True, slots=True)
class Clock:
    """One deadline: what it is, when, and what happens then."""

    label: str
    at: datetime
    means: str


@dataclass(frozen=True, slots=True)
class Extras:
    pinned: Pinned
    ledger: Sequence[LimitEntry]
    clocks: Sequence[Clock]
    documents: Sequence[AuthorizationDocument]


async def extras(
    session: AsyncSession, row: AuthorizationRecord, notices: Sequence[NoticeLine], now: datetime
) -> Extras:
    """Everything the page adds to the projected row, read in the caller's session."""
    ledger = await session.scalars(
        select(LimitEntry)
        .where(LimitEntry.authorization_id == row.id)
        .order_by(LimitEntry.recorded_at, LimitEntry.id)
    )
    calendar = (await plan_settings(row.plan, session=session)).calendar
    return Extras(
        pinned=await _pinned(session, row, calendar.local_date(now)),
        ledger=list(ledger),
        clocks=_clocks(row, notices, calendar),
        documents=await list_documents(session=session, authorization_id=row.id),
    )


async def _pinned(session: AsyncSession, row: AuthorizationRecord, today: date) -> Pinned:
    ref = f"{row.definition_plan}/{row.support}/v{row.definition_version}"
    current = await effective_in_force(
        session=session, plan=row.plan, support=row.support, on=today
    ) or await effective_in_force(
        session=session, plan=BASELINE_PLAN, support=row.support, on=today
    )
    if current is None:
        return Pinned(ref, row.content_hash, "", [], f"no version of {row.support} is in force")
    in_force = f"{current.ref.plan}/{current.ref.support}/v{current.ref.version}"
    if in_force == ref:
        return Pinned(ref, row.content_hash, in_force, [])
    try:
        pinned: Definition = await effective_version(
            session=session,
            plan=row.definition_plan,
            support=row.support,
            version=row.definition_version,
        )
        changes = diff_definitions(pinned, current)
    except (DefinitionError, DifferentSupports, LookupError, ValueError) as unreadable:
        return Pinned(ref, row.content_hash, in_force, [], f"the diff cannot be made: {unreadable}")
    return Pinned(ref, row.content_hash, in_force, changes)


def _clocks(
    row: AuthorizationRecord, notices: Sequence[NoticeLine], calendar: PlanCalendar
) -> list[Clock]:
    clocks = []
    deadline = row.review_deadline
    if deadline is not None and (row.status in REVIEWING or row.phase == "deemed"):
        clocks.append(Clock("Review due", deadline, "the reviewer's decision is due"))
        clocks.append(
            Clock(
                "Deemed denied at",
                deadline,
                "a decision not made by the deadline is a denial (42 CFR 438.404(c)(5)); a "
                "late decision may still reverse it",
            )
        )
    adverse = [line.notice for line in notices if _adverse(line.notice.kind)]
    if adverse:
        last = max(adverse, key=lambda notice: notice.issued_at)
        clocks.append(
            Clock(
                "Appeal window ends",
                last.issued_at + timedelta(days=FILING_DAYS),
                f"the member may appeal within {FILING_DAYS} calendar days of the "
                f"{last.kind.replace('_', ' ')} notice (42 CFR 438.402(c)(2)(ii))",
            )
        )
    if row.service_end is not None:
        clocks.append(
            Clock(
                "Period ends",
                calendar.day_ends(row.service_end),
                f"the authorized period ends on {row.service_end.isoformat()}",
            )
        )
    return clocks


def _adverse(kind: str) -> bool:
    try:
        return NoticeKind(kind).adverse
    except ValueError:  # a kind from a later lieu: not counted rather than guessed
        return False


@dataclass(frozen=True, slots=True)
class AuthorizationView:
    """Everything the authorization's page shows, read in one session."""

    row: AuthorizationRecord
    events: Sequence[AuthorizationEvent]
    notices: Sequence[NoticeLine]
    limits: Sequence[LimitLine]
    extras: Extras
    notes: Sequence[ReferralNote] = ()  # shared with the provider (read-only here)


async def read_view(
    session: AsyncSession, principal: Principal, number: str, now: datetime
) -> AuthorizationView | None:
    """The page's contents, or None when the caller may not see (or there is no) `number`."""
    row = await find_authorization(session=session, principal=principal, authorization_id=number)
    if row is None:
        return None
    events = (await timelines(session=session, authorization_ids=[number]))[number]
    notices = await authorization_notices(session=session, authorization_id=number)
    limits = await limit_lines(session, row)
    notes = await notes_of(session=session, authorization_id=number)
    found = await extras(session, row, notices, now)
    return AuthorizationView(row, events, notices, limits, found, notes)

"""Requests and their decisions, read from the recorded timelines: one row per request, in SQL.

An authorization's timeline holds one or more *requests*: the first begins at its `received`
entry, and each reauthorization at its `reauthorization_requested` entry; a request's entries run
until the next one begins. Of each request this reads, in the database:

* when it was received (the entry that begins it) and whether it is a reauthorization;
* its **decision**, the plan's determination on it, and when that was made:
  - a denial is the first `denied`, `deemed_denied` or `refused` entry (a reauthorization's
    `reauthorization_denied` or `reauthorization_refused`). A deemed denial is a denial at the
    deadline (42 CFR 438.404(c)(5)), even when a reviewer later reverses it;
  - an approval is the first approving entry (`approved`, `reversed`, `second_review`; a
    reauthorization's `reauthorization_approved` or `renewed`) after the request's last
    `review_requested`: a first reviewer's approval that opens a second review is not yet the
    plan's decision, the second reviewer's is;
  - the *outcome* is what the request ends as: approved when its last approving entry comes after
    its last denying one (a reversal after a deemed denial approves it), denied otherwise. The
    decision's instant is the first denial for a denied request, and the earlier of the first
    denial and the approval for an approved one (a reversed request was decided, adversely, at
    its deadline);
* whether its review timeframe was extended (`review_extended`), whether it was reviewed at all
  (`review_requested`), and whether service was reported under it (`service_reported`).

A request with neither (still in review, pending a second review, cancelled before a decision)
is undecided. The elapsed time is whole seconds from receipt to decision.

`approved_after_appeal` finds the denied requests that an appeal overturned, from the appeals
source (`appeals.AppealRecords`), reading only the authorizations appealed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    CTE,
    BigInteger,
    ColumnElement,
    Integer,
    and_,
    case,
    cast,
    extract,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.reports.appeals import AppealRecords
from lieu.platform.reports.periods import Period

RECEIVED = "received"
REAUTHORIZATION = "reauthorization_requested"
BEGINS = (RECEIVED, REAUTHORIZATION)
APPROVING = ("approved", "reversed", "second_review", "reauthorization_approved", "renewed")
DENYING = (
    "denied",
    "deemed_denied",
    "refused",
    "reauthorization_denied",
    "reauthorization_refused",
)
REVIEW_OPENED = "review_requested"
EXTENDED = "review_extended"
SERVED = "service_reported"
READ = (*APPROVING, *DENYING, REVIEW_OPENED, EXTENDED, SERVED)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.max(case((condition, 1), else_=0))


def _earlier(a: ColumnElement[Any], b: ColumnElement[Any]) -> ColumnElement[Any]:
    # LEAST ignores NULLs on PostgreSQL but not on SQLite (min(a, b)); say it once for both.
    return case((a.is_(None), b), (b.is_(None), a), (a < b, a), else_=b)


def elapsed_seconds(
    dialect: str, start: ColumnElement[Any], end: ColumnElement[Any]
) -> ColumnElement[int]:
    """Whole seconds from `start` to `end` (timestamps stored by `UTCDateTime`)."""
    if dialect == "postgresql":
        seconds: ColumnElement[Any] = extract("epoch", end - start)
    else:  # SQLite keeps them as ISO text in UTC, which julianday() reads
        seconds = (func.julianday(end) - func.julianday(start)) * 86400.0
    return cast(func.round(seconds), BigInteger)


def requests_received(
    plan: str, period: Period, *, dialect: str, only: Sequence[str] | None = None
) -> CTE:
    """The plan's requests received in `period` (of the authorizations `only` names, when
    given), one row each, with their decisions.

    Columns: authorization_id, start_seq, end_seq (NULL for the last request of its
    authorization), received_at, reauthorization, support, urgency,
    member_cin, decided_at (NULL when undecided), approved, extended, reviewed, served, seconds.
    """
    event, record = AuthorizationEvent, AuthorizationRecord
    # The next request's first entry ends each request; only requests from the period's start
    # on are read (an earlier request's end is of no interest).
    begun = (
        select(
            event.authorization_id,
            event.seq.label("start_seq"),
            event.at.label("received_at"),
            (event.kind == REAUTHORIZATION).label("reauthorization"),
            func.lead(event.seq)
            .over(partition_by=event.authorization_id, order_by=event.seq)
            .label("end_seq"),
            record.support,
            record.urgency,
            record.member_cin,
        )
        .join(record, record.id == event.authorization_id)
        .where(
            record.plan == plan,
            event.kind.in_(BEGINS),
            event.at >= period.starts,
            *(() if only is None else (event.authorization_id.in_(only),)),
        )
        .subquery("begun")
    )
    requests = select(begun).where(begun.c.received_at < period.ends).subquery("requests")
    columns = tuple(requests.c)
    keys = (requests.c.authorization_id, requests.c.start_seq)
    entries = (
        select(
            *columns,
            event.kind,
            event.seq,
            event.at,
            func.max(case((event.kind == REVIEW_OPENED, event.seq)))
            .over(partition_by=keys)
            .label("last_review_seq"),
        )
        .select_from(requests)
        .outerjoin(
            event,
            and_(
                event.authorization_id == requests.c.authorization_id,
                event.seq > requests.c.start_seq,
                or_(requests.c.end_seq.is_(None), event.seq < requests.c.end_seq),
                event.kind.in_(READ),
            ),
        )
        .subquery("entries")
    )
    e = entries.c
    approving, denying = e.kind.in_(APPROVING), e.kind.in_(DENYING)
    after_review = e.seq > func.coalesce(e.last_review_seq, literal(0))
    # Grouped by every column of the request (one row each), so nothing is joined back: a join
    # of two derived tables has no index, and SQLite would compare every pair of rows.
    per_request = tuple(e[column.name] for column in columns)
    decisions = (
        select(
            *per_request,
            func.min(case((denying, e.at))).label("denied_at"),
            func.min(case((and_(approving, after_review), e.at))).label("approved_at"),
            func.coalesce(func.max(case((approving, e.seq))), -1).label("last_approving"),
            func.coalesce(func.max(case((denying, e.seq))), -1).label("last_denying"),
            _flag(e.kind == EXTENDED).label("extended"),
            _flag(e.kind == REVIEW_OPENED).label("reviewed"),
            _flag(e.kind == SERVED).label("served"),
        )
        .group_by(*per_request)
        .subquery("decisions")
    )
    d = decisions.c
    approved = d.last_approving > d.last_denying
    decided_at = case((approved, _earlier(d.denied_at, d.approved_at)), else_=d.denied_at)
    return select(
        d.authorization_id,
        d.start_seq,
        d.end_seq,
        d.received_at,
        d.reauthorization,
        d.support,
        d.urgency,
        d.member_cin,
        decided_at.label("decided_at"),
        cast(case((approved, 1), else_=0), Integer).label("approved"),
        d.extended,
        d.reviewed,
        d.served,
        elapsed_seconds(dialect, d.received_at, decided_at).label("seconds"),
    ).cte("requests")


IN_CHUNKS = 500  # authorizations per IN (...) list


@dataclass(frozen=True)
class AppealedRequest:
    """A request denied whose denial an appeal overturned: it is approved after appeal."""

    authorization_id: str
    start_seq: int
    support: str
    urgency: str
    member_cin: str


async def approved_after_appeal(
    *, session: AsyncSession, plan: str, period: Period, appeals: AppealRecords
) -> list[AppealedRequest]:
    """The requests received in `period` that were denied and then approved on appeal: each
    overturned appeal names the entry appealed, which lies in one request of its authorization.
    Only the appealed authorizations are read."""
    if not appeals.recorded:
        return []
    appealed: dict[str, list[int]] = {}
    for appeal in await appeals.overturned(session=session, plan=plan, received=period):
        appealed.setdefault(appeal.authorization_id, []).append(appeal.determination_seq)
    ids = sorted(appealed)
    dialect = session.get_bind().dialect.name
    found = []
    for at in range(0, len(ids), IN_CHUNKS):
        requests = requests_received(plan, period, dialect=dialect, only=ids[at : at + IN_CHUNKS])
        c = requests.c
        rows = await session.execute(
            select(c.authorization_id, c.start_seq, c.end_seq, c.support, c.urgency, c.member_cin)
            .where(c.decided_at.is_not(None), c.approved == 0)
            .order_by(c.authorization_id, c.start_seq)
        )
        for number, start, end, support, urgency, member in rows:
            if any(start < seq and (end is None or seq < end) for seq in appealed[number]):
                found.append(AppealedRequest(number, start, support, urgency, member))
    return found

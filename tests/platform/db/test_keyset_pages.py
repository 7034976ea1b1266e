"""Keyset pages: the next page starts after the last row shown, so rows that leave the set
between two reads shift nothing; pages read back (`last`/`before`) hold the same rows in the same
order; a descending column with ties walks in one piece (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.authorizations import (
    NEWEST_FIRST,
    AuthorizationFilter,
    review_queue,
    search_authorizations,
)
from lieu.platform.access.roles import Principal, Role
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Status
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.db.keyset import Window

PLAN = "demo-plan"
DESK = Principal(token_id="tok-ops", role=Role.OPERATIONS, plan=PLAN)
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def _row(
    number: int, *, created: datetime, deadline: datetime | None = None
) -> AuthorizationRecord:
    return AuthorizationRecord(
        id=f"A-{number:03d}",
        plan=PLAN,
        support="respite",
        definition_plan="dhcs",
        definition_version=1,
        content_hash="0" * 64,
        member_cin="91000001A",
        provider="cbo",
        county="sacramento",
        status=Status.PENDING_REVIEW.value,
        urgency="standard",
        measure="hours",
        quantity_requested=Decimal(40),
        service_start=date(2026, 12, 4),
        review_deadline=deadline,
        requested_by="provider:demo-plan/cbo",
        created_at=created,
        updated_at=created,
    )


async def _store(engine: AsyncEngine, rows: list[AuthorizationRecord]) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        session.add_all(rows)


async def _queue(engine: AsyncEngine, window: Window) -> tuple[list[str], bool, bool]:
    async with create_session_factory(engine)() as session:
        found = await review_queue(session=session, principal=DESK, window=window)
    return [row.id for row in found.rows], found.has_next, found.has_previous


async def _search(
    engine: AsyncEngine, window: Window
) -> tuple[list[AuthorizationRecord], bool, bool]:
    async with create_session_factory(engine)() as session:
        found = await search_authorizations(
            session=session, principal=DESK, where=AuthorizationFilter(), window=window
        )
    return found.rows, found.has_next, found.has_previous


async def test_deciding_a_review_on_page_one_does_not_shift_page_two(engine: AsyncEngine) -> None:
    await _store(
        engine,
        [_row(n, created=NOW, deadline=NOW + timedelta(hours=n)) for n in range(1, 7)],
    )
    first, more, earlier = await _queue(engine, Window(size=2))
    assert (first, more, earlier) == (["A-001", "A-002"], True, False)
    # A reviewer decides the first request: it leaves the queue.
    async with create_session_factory(for_writes(engine)).begin() as session:
        await session.execute(
            update(AuthorizationRecord)
            .where(AuthorizationRecord.id == "A-001")
            .values(status=Status.APPROVED.value)
        )
    last_seen = (NOW + timedelta(hours=2), "A-002")
    second, more, earlier = await _queue(engine, Window(size=2, after=last_seen))
    # An offset of 2 would now start at would never be shown.
    assert (second, more, earlier) == (["A-003", "A-004"], True, True)
    rest, more, _ = await _queue(engine, Window(size=2, after=(NOW + timedelta(hours=4), "A-004")))
    assert (rest, more) == (["A-005", "A-006"], False)


async def test_pages_read_back_hold_the_same_rows_in_the_same_order(engine: AsyncEngine) -> None:
    await _store(
        engine,
        [_row(n, created=NOW, deadline=NOW + timedelta(hours=n)) for n in range(1, 6)],
    )
    tail, more, earlier = await _queue(engine, Window(size=2, backward=True))
    assert (tail, more, earlier) == (["A-004", "A-005"], False, True)
    before_tail = (NOW + timedelta(hours=4), "A-004")
    middle, more, earlier = await _queue(engine, Window(size=2, before=before_tail, backward=True))
    assert (middle, more, earlier) == (["A-002", "A-003"], True, True)
    head, more, earlier = await _queue(
        engine, Window(size=2, before=(NOW + timedelta(hours=2), "A-002"), backward=True)
    )
    assert (head, more, earlier) == (["A-001"], True, False)


async def test_newest_first_walks_ties_in_one_piece_both_ways(engine: AsyncEngine) -> None:
    # Seven requests in three instants: created_at descending, then the number ascending.
    instants = [NOW, NOW, NOW - timedelta(seconds=1), NOW - timedelta(seconds=1)]
    instants += [NOW - timedelta(microseconds=1)] * 3
    await _store(engine, [_row(n, created=at) for n, at in enumerate(instants, start=1)])
    async with create_session_factory(engine)() as session:
        everything = list(
            await session.scalars(
                select(AuthorizationRecord).order_by(
                    AuthorizationRecord.created_at.desc(), AuthorizationRecord.id
                )
            )
        )
    expected = [row.id for row in everything]

    forward: list[str] = []
    window = Window(size=3)
    while True:
        rows, more, _ = await _search(engine, window)
        forward += [row.id for row in rows]
        if not more:
            break
        window = Window(size=3, after=NEWEST_FIRST.key_of(rows[-1]))
    assert forward == expected

    backward: list[str] = []
    window = Window(size=3, backward=True)
    while True:
        rows, _, earlier = await _search(engine, window)
        backward = [row.id for row in rows] + backward
        if not earlier:
            break
        window = Window(size=3, before=NEWEST_FIRST.key_of(rows[0]), backward=True)
    assert backward == expected


async def test_a_numbered_page_skips_the_pages_before_it(engine: AsyncEngine) -> None:
    await _store(engine, [_row(n, created=NOW - timedelta(minutes=n)) for n in range(1, 6)])
    rows, more, earlier = await _search(engine, Window.first(2, offset=2))
    assert ([row.id for row in rows], more, earlier) == (["A-003", "A-004"], True, True)

"""A provider sees a member only while it has a live relationship with them: an authorization or
referral of its own that is not final, or that became final within the plan's grace period (60
days by default); after that, as before it ever asked, only by CIN and birth date. Wrong birth
dates are counted per organization and CIN and per token, and lock the check (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.identity_checks import (
    BUSY_RETRY,
    IdentityBusy,
    IdentityLocked,
    Lock,
    LockoutNotFound,
    begin_check,
    clear_lockout,
    end_check,
    lockouts,
)
from lieu.platform.access.members import BirthDateMiss, MemberNotVisible, is_party, visible_member
from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Principal, Role
from lieu.platform.access.terms import DEFAULT_ACCESS, AccessTerms
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Status
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.members.service import upsert_member
from lieu.platform.plans.settings import PlanSettings, save_settings

PLAN = "demo-plan"
CIN = "91000001A"
BIRTH = date(1945, 3, 8)
NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
CBO = Principal(token_id="tok-cbo", role=Role.PROVIDER, plan=PLAN, provider="cbo", label="cbo")
CBO_AGAIN = Principal(token_id="tok-cbo-2", role=Role.PROVIDER, plan=PLAN, provider="cbo")
CLINIC = Principal(token_id="tok-clinic", role=Role.PROVIDER, plan=PLAN, provider="clinic")
DESK = Principal(token_id="tok-ops", role=Role.OPERATIONS, plan=PLAN)


async def _member(engine: AsyncEngine) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        facts = {"birth_date": BIRTH.isoformat(), "county": "Sacramento"}
        await upsert_member(session=session, plan=PLAN, cin=CIN, facts=facts)


async def _authorization(
    engine: AsyncEngine,
    status: Status,
    updated: datetime,
    provider: str = "cbo",
    reports_until: date | None = None,
) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        session.add(
            AuthorizationRecord(
                id=f"A-{provider}-{status.value}-{updated.timestamp():.0f}"[:64],
                plan=PLAN,
                support="respite",
                definition_plan="dhcs",
                definition_version=1,
                content_hash="0" * 64,
                member_cin=CIN,
                provider=provider,
                county="sacramento",
                status=status.value,
                urgency="standard",
                measure="hours",
                quantity_requested=Decimal(40),
                service_start=updated.date(),
                requested_by=f"provider:{PLAN}/{provider}",
                created_at=updated,
                updated_at=updated,
                reports_until=reports_until,
            )
        )


async def _sees(engine: AsyncEngine, who: Principal, birth_date: date | None = None) -> bool:
    async with create_session_factory(engine)() as session:
        try:
            await visible_member(
                session=session, principal=who, cin=CIN, birth_date=birth_date, now=NOW
            )
        except (MemberNotVisible, IdentityLocked):
            return False
        return True


async def test_a_provider_with_an_open_authorization_sees_the_member(engine: AsyncEngine) -> None:
    await _member(engine)
    await _authorization(engine, Status.PENDING_REVIEW, NOW - timedelta(days=400))
    assert await _sees(engine, CBO)
    assert not await _sees(engine, CLINIC)


async def test_a_denied_request_lets_the_provider_see_the_member_only_for_the_grace_period(
    engine: AsyncEngine,
) -> None:
    await _member(engine)
    await _authorization(engine, Status.DENIED, NOW - timedelta(days=59))
    assert await _sees(engine, CBO)
    async with create_session_factory(engine)() as session:
        assert await is_party(session=session, principal=CBO, cin=CIN, now=NOW)
        later = NOW + timedelta(days=2)
        assert not await is_party(session=session, principal=CBO, cin=CIN, now=later)


async def test_sixty_one_days_after_its_last_authorization_ended_a_provider_needs_the_birth_date(
    engine: AsyncEngine,
) -> None:
    await _member(engine)
    await _authorization(engine, Status.EXPIRED, NOW - timedelta(days=61))
    assert not await _sees(engine, CBO)
    assert await _sees(engine, CBO, BIRTH)


async def test_an_ended_authorization_still_taking_service_reports_keeps_the_member_visible(
    engine: AsyncEngine,
) -> None:
    await _member(engine)
    await _authorization(
        engine, Status.EXPIRED, NOW - timedelta(days=80), reports_until=NOW.date() + timedelta(1)
    )
    assert await _sees(engine, CBO)
    async with create_session_factory(engine)() as session:
        later = NOW + timedelta(days=2)
        assert not await is_party(session=session, principal=CBO, cin=CIN, now=later)


async def test_the_plan_chooses_its_grace_period(engine: AsyncEngine) -> None:
    await _member(engine)
    await _authorization(engine, Status.CANCELLED, NOW - timedelta(days=10))
    async with create_session_factory(for_writes(engine)).begin() as session:
        short = PlanSettings(PLAN, access=AccessTerms(grace_days=7))
        await save_settings(short, session=session, actor="test")
    assert not await _sees(engine, CBO)


async def test_plan_staff_see_every_member_of_the_plan(engine: AsyncEngine) -> None:
    await _member(engine)
    assert await _sees(engine, DESK)


async def test_a_wrong_birth_date_is_a_miss_whether_or_not_the_cin_is_a_member(
    engine: AsyncEngine,
) -> None:
    await _member(engine)
    async with create_session_factory(engine)() as session:
        for cin in (CIN, "99999999Z"):
            with pytest.raises(BirthDateMiss) as missed:
                await visible_member(
                    session=session, principal=CBO, cin=cin, birth_date=date(1950, 1, 1), now=NOW
                )
            assert str(missed.value) == f"no member with CIN {cin!r} that you may see in {PLAN}"


async def _check(
    engine: AsyncEngine, who: Principal, matched: bool, cin: str = CIN, at: datetime = NOW
) -> bool:
    """A counted birth-date check, as GraphQL makes it: False when it was refused as locked."""
    async with create_session_factory(for_writes(engine)).begin() as session:
        terms = DEFAULT_ACCESS
        lock = await begin_check(session=session, principal=who, cin=cin, terms=terms, now=at)
    if lock is not None:
        return False
    async with create_session_factory(for_writes(engine)).begin() as session:
        await end_check(
            session=session, principal=who, cin=cin, terms=terms, matched=matched, now=at
        )
    return True


async def _miss(engine: AsyncEngine, who: Principal, cin: str = CIN, at: datetime = NOW) -> None:
    assert await _check(engine, who, matched=False, cin=cin, at=at)


async def test_five_wrong_birth_dates_lock_the_cin_for_the_organization_for_a_day(
    engine: AsyncEngine,
) -> None:
    await _member(engine)
    for minute in range(4):
        await _miss(engine, CBO, at=NOW - timedelta(minutes=10 - minute))
    assert await _sees(engine, CBO, BIRTH)  # four misses: the right birth date still works
    await _miss(engine, CBO, at=NOW - timedelta(minutes=1))

    async with create_session_factory(engine)() as session:
        with pytest.raises(IdentityLocked) as locked:
            await visible_member(session=session, principal=CBO, cin=CIN, birth_date=BIRTH, now=NOW)
        # another token of the same organization is locked out of the CIN too
        with pytest.raises(IdentityLocked):
            await visible_member(
                session=session, principal=CBO_AGAIN, cin=CIN, birth_date=BIRTH, now=NOW
            )
        audited = await session.scalars(
            select(AuditEntry).where(AuditEntry.action == "identityLockout")
        )
        lines = [(line.target, line.outcome, line.provider) for line in audited]
    assert locked.value.until == NOW - timedelta(minutes=1) + timedelta(hours=24)
    assert "try again after then" in str(locked.value)
    assert lines == [(f"member:{PLAN}/{CIN}", "locked", "cbo")]
    assert await _sees(engine, CLINIC, BIRTH)  # another organization is not locked
    assert await _sees(engine, CBO, BIRTH) is False
    day_later = NOW + timedelta(hours=24)
    async with create_session_factory(engine)() as session:
        member = await visible_member(
            session=session, principal=CBO, cin=CIN, birth_date=BIRTH, now=day_later
        )
    assert member.cin == CIN


async def test_misses_spread_over_more_than_a_day_never_lock(engine: AsyncEngine) -> None:
    await _member(engine)
    for day in range(8):
        await _miss(engine, CBO, at=NOW - timedelta(days=8 - day, hours=1))
    assert await _sees(engine, CBO, BIRTH)


async def test_twenty_misses_across_cins_lock_the_token_for_an_hour(engine: AsyncEngine) -> None:
    await _member(engine)
    for n in range(20):
        await _miss(engine, CBO, cin=f"9100{n:04d}B", at=NOW - timedelta(minutes=30))
    assert not await _sees(engine, CBO, BIRTH)  # the token is locked, for every CIN
    assert await _sees(engine, CBO_AGAIN, BIRTH)  # the organization's other token is not
    async with create_session_factory(engine)() as session:
        found = await lockouts(session=session, plan=PLAN, now=NOW)
    assert [(lockout.scope, lockout.token_id, lockout.misses) for lockout in found] == [
        ("token", "tok-cbo", 20)
    ]


async def test_operations_clear_a_lockout_and_its_misses_are_forgotten(
    engine: AsyncEngine,
) -> None:
    await _member(engine)
    for _ in range(5):
        await _miss(engine, CBO)
    async with create_session_factory(for_writes(engine)).begin() as session:
        (lockout,) = await lockouts(session=session, plan=PLAN, now=NOW)
        with pytest.raises(LockoutNotFound, match="identityLockouts"):
            await clear_lockout(session=session, plan="other-plan", lockout_id=lockout.id, now=NOW)
        await clear_lockout(session=session, plan=PLAN, lockout_id=lockout.id, now=NOW)
    assert await _sees(engine, CBO, BIRTH)
    await _miss(engine, CBO)  # one more miss after clearing does not lock again
    assert await _sees(engine, CBO, BIRTH)


async def test_a_birth_date_that_matched_is_not_counted_as_a_miss(engine: AsyncEngine) -> None:
    await _member(engine)
    for _ in range(4):
        await _miss(engine, CBO)
    for _ in range(10):
        assert await _check(engine, CBO, matched=True)
    await _miss(engine, CBO)  # the fifth miss
    assert not await _check(engine, CBO, matched=True)


async def test_two_replicas_counting_misses_at_once_lose_none(engine: AsyncEngine) -> None:
    import asyncio

    await _member(engine)
    await asyncio.gather(*(_miss(engine, CBO) for _ in range(4)))
    async with create_session_factory(engine)() as session:
        rows = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "locked")
        )
    assert rows == 0
    await _miss(engine, CBO)
    assert not await _sees(engine, CBO, BIRTH)


async def test_a_final_authorization_touched_again_restarts_the_grace_period(
    engine: AsyncEngine,
) -> None:
    await _member(engine)
    await _authorization(engine, Status.EXPIRED, NOW - timedelta(days=90))
    assert not await _sees(engine, CBO)
    async with create_session_factory(for_writes(engine)).begin() as session:
        await session.execute(
            update(AuthorizationRecord).values(updated_at=NOW - timedelta(days=1))
        )
    assert await _sees(engine, CBO)


async def _begin(engine: AsyncEngine, who: Principal, cin: str) -> Lock | None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        return await begin_check(
            session=session, principal=who, cin=cin, terms=DEFAULT_ACCESS, now=NOW
        )


async def _end(engine: AsyncEngine, who: Principal, cin: str, *, matched: bool) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        await end_check(
            session=session, principal=who, cin=cin, terms=DEFAULT_ACCESS, matched=matched, now=NOW
        )


async def test_more_checks_at_once_than_the_limit_are_slowed_never_locked_when_they_match(
    engine: AsyncEngine,
) -> None:
    # 21 eligibility checks of one token sent together locked it for an hour (its limit is 20
    # misses), though every birth date matched
    await _member(engine)
    cins = [f"9200{n:04d}C" for n in range(21)]
    begun = [await _begin(engine, CBO, cin) for cin in cins[:20]]
    assert begun == [None] * 20
    busy = await _begin(engine, CBO, cins[20])
    assert busy is not None and busy.pending == 20 and busy.scope == "token"
    assert busy.until == NOW + BUSY_RETRY
    refused = busy.error(cins[20])
    assert isinstance(refused, IdentityBusy) and "nothing is locked" in str(refused)
    async with create_session_factory(engine)() as session:
        assert await lockouts(session=session, plan=PLAN, now=NOW) == []
        locked = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.outcome == "locked")
        )
    assert locked == 0
    await _end(engine, CBO, cins[0], matched=True)
    assert await _begin(engine, CBO, cins[20]) is None  # one settled: one more may start
    for cin in cins[1:]:
        await _end(engine, CBO, cin, matched=True)
    assert await _sees(engine, CBO, BIRTH)


async def test_pending_checks_and_misses_together_never_pass_the_limit(engine: AsyncEngine) -> None:
    await _member(engine)
    for _ in range(3):
        await _miss(engine, CBO)  # three of the organization's five misses for this CIN
    assert await _begin(engine, CBO, CIN) is None
    assert await _begin(engine, CBO, CIN) is None
    busy = await _begin(engine, CBO, CIN)  # a sixth could miss: refused for a moment
    assert busy is not None and (busy.scope, busy.pending) == ("organization", 2)
    await _end(engine, CBO, CIN, matched=False)
    await _end(engine, CBO, CIN, matched=False)  # the fifth miss: locked for a day
    lock = await _begin(engine, CBO, CIN)
    assert lock is not None and lock.pending == 0
    assert lock.until == NOW + timedelta(hours=24)

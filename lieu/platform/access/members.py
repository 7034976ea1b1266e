"""Members as a caller may see them: the plan's staff see the plan's members; a provider sees the
members it has a live relationship with (an authorization or referral with it that is not final
or still takes service reports, or that became final within the plan's grace period,
`access.terms`), or one whose CIN and birth date it presents (counted and locked after a few
misses, `identity_checks`)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache

from sqlalchemy import (
    ColumnElement,
    Date,
    Select,
    and_,
    bindparam,
    exists,
    func,
    null,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.identity_checks import check_not_locked
from lieu.platform.access.roles import Principal, Role
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import FINAL
from lieu.platform.db.base import utcnow
from lieu.platform.db.keyset import Column, Ordering, Slice, Window, read_page
from lieu.platform.members.models import Member
from lieu.platform.plans.settings import plan_settings

_FINAL = sorted(status.value for status in FINAL)


class MemberNotVisible(LookupError):
    """No such member, or not one the caller may see (the two are not told apart)."""


class BirthDateMiss(MemberNotVisible):
    """A provider gave a birth date that did not identify a member it may see (no such CIN, or
    another birth date): told apart from `MemberNotVisible` only so the miss can be counted."""


def _mine() -> list[ColumnElement[bool]]:
    return [
        AuthorizationRecord.plan == bindparam("plan"),
        AuthorizationRecord.provider == bindparam("provider"),
        AuthorizationRecord.member_cin == bindparam("cin"),
    ]


@cache
def _member_as_seen(provider: bool) -> Select[Member, bool, datetime | None]:
    """The member by plan and CIN; for a provider, whether it has an authorization for them that
    is not final, and when its latest final one last changed. Built once: each request binds
    its values, and SQLAlchemy reuses the statement's compiled form."""
    if provider:
        open_ = exists().where(
            *_mine(),
            or_(
                AuthorizationRecord.status.not_in(_FINAL),
                # service inside the period may still be reported: the provider still serves
                AuthorizationRecord.reports_until >= bindparam("today", type_=Date),
            ),
        )
        last_final = (
            select(func.max(AuthorizationRecord.updated_at))
            .where(and_(*_mine(), AuthorizationRecord.status.in_(_FINAL)))
            .scalar_subquery()
        )
        return select(Member, open_.label("open"), last_final.label("last_final")).where(
            Member.plan == bindparam("plan"), Member.cin == bindparam("cin")
        )
    return select(Member, true().label("open"), null().label("last_final")).where(
        Member.plan == bindparam("plan"), Member.cin == bindparam("cin")
    )


async def is_party(
    *, session: AsyncSession, principal: Principal, cin: str, now: datetime | None = None
) -> bool:
    """Whether the caller has a live relationship with the member: plan staff always; a provider
    through an authorization of its own that is not final, or final within the grace period."""
    if principal.role is not Role.PROVIDER:
        return True
    at = now or utcnow()
    values = {
        "plan": principal.plan,
        "cin": cin,
        "provider": principal.provider or "",
        "today": at.date(),
    }
    found = (await session.execute(_member_as_seen(True), values)).first()
    if found is None:
        return False
    _member, open_, last_final = found
    return await _live(session, principal, bool(open_), last_final, at)


async def _live(
    session: AsyncSession,
    principal: Principal,
    open_: bool,
    last_final: datetime | None,
    now: datetime,
) -> bool:
    if open_:
        return True
    if last_final is None:
        return False
    terms = (await plan_settings(principal.plan, session=session)).access
    return last_final + terms.grace >= now


async def visible_member(
    *,
    session: AsyncSession,
    principal: Principal,
    cin: str,
    birth_date: date | None = None,
    now: datetime | None = None,
) -> Member:
    """The member in the caller's plan; for a provider without a live relationship with the
    member, only when the birth date presented matches (as an eligibility inquiry identifies
    the member) and its birth-date checks are not locked (`IdentityLocked`). A birth date that
    does not identify a member raises `BirthDateMiss`, for the caller to count."""
    provider = principal.role is Role.PROVIDER
    at = now or utcnow()
    values: dict[str, object] = {"plan": principal.plan, "cin": cin}
    if provider:
        values["provider"] = principal.provider or ""
        values["today"] = at.date()
    found = (await session.execute(_member_as_seen(provider), values)).first()
    message = f"no member with CIN {cin!r} that you may see in {principal.plan}"
    if found is not None:
        member, open_, last_final = found
        if not provider or await _live(session, principal, bool(open_), last_final, at):
            return member
    if not provider or birth_date is None:
        raise MemberNotVisible(message)
    # Locked or not, and a miss or not, whether the CIN is a member or not: the answer to a
    # guess tells nothing about who is enrolled.
    await check_not_locked(session=session, principal=principal, cin=cin, now=at)
    if found is not None and found[0].facts.get("birth_date") == birth_date.isoformat():
        return found[0]
    raise BirthDateMiss(message)


BY_CIN = Ordering((Column(Member.plan), Column(Member.cin)))


async def plan_members(
    *, session: AsyncSession, principal: Principal, window: Window
) -> Slice[Member]:
    """A page of the plan's members by CIN."""
    query = select(Member).where(Member.plan == principal.plan)
    return await read_page(session, query, BY_CIN, window)


async def members_by_key(
    *, session: AsyncSession, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], Member]:
    """Members by (plan, CIN), in one query (for a DataLoader; keys come from scoped rows)."""
    if not keys:
        return {}
    cins = sorted({cin for _plan, cin in keys})
    plans = sorted({plan for plan, _cin in keys})
    rows = await session.scalars(select(Member).where(Member.plan.in_(plans), Member.cin.in_(cins)))
    return {(m.plan, m.cin): m for m in rows}

"""Members as a caller may see them: the plan's staff see the plan's members; a provider sees the
members it is party to (an authorization with it), or one whose CIN and birth date it presents."""

from __future__ import annotations

from datetime import date
from functools import cache

from sqlalchemy import Select, bindparam, exists, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.roles import Principal, Role
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.members.models import Member


class MemberNotVisible(LookupError):
    """No such member, or not one the caller may see (the two are not told apart)."""


@cache
def _member_as_seen(provider: bool) -> Select[Member, bool]:
    """The member by plan and CIN, and whether the caller is party to them (a provider: it
    requested an authorization for them; staff: always). Built once: each request binds its
    values, and SQLAlchemy reuses the statement's compiled form without building it again."""
    party = (
        exists().where(
            AuthorizationRecord.plan == bindparam("plan"),
            AuthorizationRecord.provider == bindparam("provider"),
            AuthorizationRecord.member_cin == bindparam("cin"),
        )
        if provider
        else true()
    )
    return select(Member, party.label("party")).where(
        Member.plan == bindparam("plan"), Member.cin == bindparam("cin")
    )


async def is_party(*, session: AsyncSession, principal: Principal, cin: str) -> bool:
    """Whether the caller is party to the member: plan staff always; a provider through an
    authorization it requested."""
    if principal.role is not Role.PROVIDER:
        return True
    found = await session.scalar(
        select(
            exists().where(
                AuthorizationRecord.plan == principal.plan,
                AuthorizationRecord.provider == principal.provider,
                AuthorizationRecord.member_cin == cin,
            )
        )
    )
    return bool(found)


async def visible_member(
    *, session: AsyncSession, principal: Principal, cin: str, birth_date: date | None = None
) -> Member:
    """The member in the caller's plan; for a provider not yet party to the member, only when
    the birth date presented matches (as an eligibility inquiry identifies the member).
    One statement: the member and whether the caller is party to them."""
    provider = principal.role is Role.PROVIDER
    values = {"plan": principal.plan, "cin": cin}
    if provider:
        values["provider"] = principal.provider or ""
    found = (await session.execute(_member_as_seen(provider), values)).first()
    hidden = MemberNotVisible(f"no member with CIN {cin!r} that you may see in {principal.plan}")
    if found is None:
        raise hidden
    member, is_party_to = found
    if is_party_to:
        return member
    if birth_date is not None and member.facts.get("birth_date") == birth_date.isoformat():
        return member
    raise hidden


async def plan_members(
    *, session: AsyncSession, principal: Principal, offset: int, limit: int
) -> tuple[list[Member], int]:
    """A page of the plan's members by CIN, and how many there are."""
    where = Member.plan == principal.plan
    total = await session.scalar(select(func.count()).select_from(Member).where(where))
    rows = await session.scalars(
        select(Member).where(where).order_by(Member.cin).offset(offset).limit(limit)
    )
    return list(rows), int(total or 0)


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

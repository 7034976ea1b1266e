"""Members as stored: read and upsert by plan and CIN (the caller owns the transaction)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.db.base import utcnow
from lieu.platform.members.models import Member


class MemberNotFound(LookupError):
    """No member with that CIN in that plan."""


async def get_member(*, session: AsyncSession, plan: str, cin: str) -> Member:
    """The member enrolled in `plan` with `cin`; MemberNotFound otherwise."""
    member = await session.scalar(select(Member).where(Member.plan == plan, Member.cin == cin))
    if member is None:
        raise MemberNotFound(f"no member with CIN {cin!r} in plan {plan!r}")
    return member


async def upsert_member(
    *, session: AsyncSession, plan: str, cin: str, facts: Mapping[str, Any]
) -> tuple[Member, bool]:
    """Create or replace a member's facts; returns the member and whether it was created."""
    member = await session.scalar(select(Member).where(Member.plan == plan, Member.cin == cin))
    if member is None:
        member = Member(plan=plan, cin=cin, facts=dict(facts))
        session.add(member)
        await session.flush()
        return member, True
    member.facts = dict(facts)
    member.updated_at = utcnow()
    await session.flush()
    return member, False

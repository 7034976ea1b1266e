"""Which plans a database knows, so a report on a mistyped plan is refused rather than empty."""

from __future__ import annotations

from sqlalchemy import exists, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.plans.models import PlanRecord


async def plan_on_record(plan: str, *, session: AsyncSession) -> bool:
    """Whether the plan has stored settings or any request."""
    found = await session.scalar(
        select(
            exists().where(PlanRecord.plan == plan)
            | exists().where(AuthorizationRecord.plan == plan)
        )
    )
    return bool(found)


async def plans_on_record(*, session: AsyncSession) -> list[str]:
    """The plans with stored settings or requests, by code (read only to say which exist)."""
    plans = union(select(PlanRecord.plan), select(AuthorizationRecord.plan).distinct())
    return sorted(await session.scalars(select(plans.subquery().c.plan)))

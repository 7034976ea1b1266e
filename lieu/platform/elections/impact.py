"""Who is affected when an offering ends: the authorizations operations must review first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import FINAL
from lieu.platform.elections.history import scheduled_removals


@dataclass(frozen=True, slots=True)
class Affected:
    """A running authorization in a county and support whose offering ends on `ends_on`.

    It continues to its own end date; only new requests are refused after `ends_on`.
    """

    authorization_id: str
    county: str
    support: str
    status: str
    service_end: date | None
    ends_on: date


async def affected_by_removals(
    *, session: AsyncSession, plan: str, cycle_start: date
) -> list[Affected]:
    """Running authorizations of `plan` in offerings that end on `cycle_start`."""
    removals = await scheduled_removals(session=session, plan=plan, cycle_start=cycle_start)
    if not removals:
        return []
    pairs = or_(
        *(
            and_(AuthorizationRecord.county == county, AuthorizationRecord.support == support)
            for county, support in removals
        )
    )
    rows = await session.scalars(
        select(AuthorizationRecord)
        .where(
            AuthorizationRecord.plan == plan,
            AuthorizationRecord.status.not_in([status.value for status in FINAL]),
            pairs,
        )
        .order_by(AuthorizationRecord.county, AuthorizationRecord.support, AuthorizationRecord.id)
    )
    return [
        Affected(
            authorization_id=row.id,
            county=row.county,
            support=row.support,
            status=row.status,
            service_end=row.service_end,
            ends_on=cycle_start,
        )
        for row in rows
    ]

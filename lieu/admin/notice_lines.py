"""The notices the console lists: an authorization's on its page, a member's with a search by
member; each with where its delivery stands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.roles import Principal
from lieu.platform.notices.deliveries import deliveries_of, latest
from lieu.platform.notices.models import Notice, NoticeDelivery
from lieu.platform.notices.records import member_notices, notices_of


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """A notice as the console lists it: the row and where its delivery stands."""

    notice: Notice
    delivery: NoticeDelivery | None

    @property
    def kind_words(self) -> str:
        return self.notice.kind.replace("_", " ")


async def _lines(session: AsyncSession, rows: Sequence[Notice]) -> list[NoticeLine]:
    steps = await deliveries_of(session=session, notice_ids=[row.id for row in rows])
    return [NoticeLine(row, latest(steps[row.id])) for row in rows]


async def authorization_notices(
    *, session: AsyncSession, authorization_id: str
) -> list[NoticeLine]:
    """An authorization's notices, oldest first (the caller has checked it may see it)."""
    rows = (await notices_of(session=session, authorization_ids=[authorization_id]))[
        authorization_id
    ]
    return await _lines(session, rows)


async def notices_for_member(
    *, session: AsyncSession, principal: Principal, cin: str
) -> list[NoticeLine]:
    """A member's notices in the caller's plan, newest first."""
    rows = await member_notices(session=session, plan=principal.plan, cin=cin)
    return await _lines(session, rows)

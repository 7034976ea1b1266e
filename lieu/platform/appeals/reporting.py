"""The appeals the published metrics read (`reports.appeals.AppealRecords`): those resolved for
the member, wholly or partly, of a plan's requests received in a period."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.appeals.lifecycle import Outcome
from lieu.platform.appeals.models import AppealRecord
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.reports.appeals import OverturnedAppeal
from lieu.platform.reports.periods import Period

FOR_THE_MEMBER = (Outcome.OVERTURNED.value, Outcome.PARTLY_OVERTURNED.value)


class RecordedAppeals:
    """lieu's own appeal records (each appeal's workflow projects them)."""

    @property
    def recorded(self) -> bool:
        return True

    async def overturned(
        self, *, session: AsyncSession, plan: str, received: Period
    ) -> Sequence[OverturnedAppeal]:
        rows = await session.execute(
            select(
                AppealRecord.authorization_id,
                AppealRecord.determination_seq,
                AppealRecord.decided_at,
                AppealRecord.outcome,
            )
            .join(AuthorizationRecord, AuthorizationRecord.id == AppealRecord.authorization_id)
            .where(
                AppealRecord.plan == plan,
                AppealRecord.outcome.in_(FOR_THE_MEMBER),
                AuthorizationRecord.created_at >= received.starts,
                AuthorizationRecord.created_at < received.ends,
            )
            .order_by(AppealRecord.authorization_id, AppealRecord.determination_seq)
        )
        return [
            OverturnedAppeal(
                number, seq, decided_at, partly=outcome == Outcome.PARTLY_OVERTURNED.value
            )
            for number, seq, decided_at, outcome in rows
            if decided_at is not None
        ]

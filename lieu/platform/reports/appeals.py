"""Where the reports read appeals from: an interface, answered by the appeals package.

CMS-0057-F asks for the percent of standard requests "approved after appeal". lieu's appeals
(`lieu.platform.appeals.reporting.RecordedAppeals`) answer this interface with the appeals
resolved in the member's favour; a source that records none (`NO_APPEALS`, for a plan whose
appeals live elsewhere) makes the reports say the figure cannot be computed, never 0%.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.reports.periods import Period

NOT_RECORDED = (
    "approved after appeal: not computed; the appeals source records no appeals, so there is no "
    "source for this figure"
)


@dataclass(frozen=True)
class OverturnedAppeal:
    """An appeal against a determination, resolved wholly or partly for the member.

    `determination_seq` is the `seq` of the timeline entry that was appealed (a `denied`,
    `deemed_denied`, `refused` or `reauthorization_denied` entry of the authorization)."""

    authorization_id: str
    determination_seq: int
    resolved_at: datetime
    partly: bool = False


class AppealRecords(Protocol):
    """A source of overturned appeals for the reports."""

    @property
    def recorded(self) -> bool:
        """Whether appeals are recorded at all (False: figures from appeals are not computed)."""
        ...

    async def overturned(
        self, *, session: AsyncSession, plan: str, received: Period
    ) -> Sequence[OverturnedAppeal]:
        """Overturned appeals of the plan's requests received in `received`."""
        ...


class NoAppealRecords:
    """A source that records no appeals, so it has none to give."""

    @property
    def recorded(self) -> bool:
        return False

    async def overturned(
        self, *, session: AsyncSession, plan: str, received: Period
    ) -> Sequence[OverturnedAppeal]:
        return ()


NO_APPEALS: AppealRecords = NoAppealRecords()


def appeal_records() -> AppealRecords:
    """The appeals source the CLI and the API report from: lieu's own appeal records."""
    from lieu.platform.appeals.reporting import RecordedAppeals  # it reads this module's types

    return RecordedAppeals()

"""Appeal activities: the projection (notices are issued by the notices activity)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity

from lieu.platform.appeals import projection
from lieu.platform.appeals.lifecycle import AppealState


class AppealActivities:
    """Bound to the write session factory by the worker."""

    def __init__(self, writes: async_sessionmaker[AsyncSession]) -> None:
        self.writes = writes

    def all(self) -> Sequence[Callable[..., Any]]:
        return [self.project]

    @activity.defn(name="appeals.project")
    async def project(self, state: AppealState) -> None:
        """Write the appeal's state to the database (never over a newer one)."""
        async with self.writes.begin() as session:
            await projection.project(session=session, state=state)

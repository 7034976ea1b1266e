"""Fixtures for election tests: published definitions to elect."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion
from lieu.platform.definitions.supports import SUPPORTS


async def publish_rows(
    session: AsyncSession, plan: str, supports: frozenset[str] = SUPPORTS
) -> None:
    """Published definition rows (as `definitions publish` leaves them) for `supports`."""
    for support in sorted(supports):
        session.add(
            DefinitionVersion(
                plan=plan,
                support=support,
                version=1,
                title=support,
                status=DefinitionStatus.PUBLISHED,
                effective_from=date(2022, 1, 1),
                document={"plan": plan, "support": support, "version": 1},
                content_hash="0" * 64,
                created_by="test",
                published_at=datetime(2022, 1, 1, tzinfo=UTC),
            )
        )
    await session.flush()

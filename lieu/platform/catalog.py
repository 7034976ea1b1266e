"""The catalog: which Community Supports have a published definition, per plan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """The newest published version of one plan's definition of one support."""

    plan: str
    support: str
    title: str
    version: int
    effective_from: date
    content_hash: str


async def published_supports(
    *, session: AsyncSession, plan: str | None = None
) -> list[CatalogEntry]:
    """The newest published version of each (plan, support), ordered by plan then support."""
    newest = (
        select(
            DefinitionVersion.plan,
            DefinitionVersion.support,
            func.max(DefinitionVersion.version).label("version"),
        )
        .where(DefinitionVersion.status == DefinitionStatus.PUBLISHED)
        .group_by(DefinitionVersion.plan, DefinitionVersion.support)
    )
    if plan is not None:
        newest = newest.where(DefinitionVersion.plan == plan)
    latest = newest.subquery()
    rows = await session.execute(
        select(DefinitionVersion)
        .join(
            latest,
            (DefinitionVersion.plan == latest.c.plan)
            & (DefinitionVersion.support == latest.c.support)
            & (DefinitionVersion.version == latest.c.version),
        )
        .order_by(DefinitionVersion.plan, DefinitionVersion.support)
    )
    return [
        CatalogEntry(
            plan=row.plan,
            support=row.support,
            title=row.title,
            version=row.version,
            effective_from=row.effective_from,
            content_hash=row.content_hash or "",
        )
        for row in rows.scalars()
    ]

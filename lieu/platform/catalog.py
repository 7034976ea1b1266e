"""The catalog: which Community Supports have a published definition, per plan, and which
version of each is in force on a date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion


@dataclass(frozen=True, slots=True)
class PublishedVersion:
    """One published version of a definition, as the catalog lists it."""

    version: int
    title: str
    effective_from: date
    content_hash: str


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One plan's definition of one support on a date: the version in force then (None before
    the first takes effect) and the next published version scheduled after it (None if none)."""

    plan: str
    support: str
    in_force: PublishedVersion | None
    scheduled: PublishedVersion | None

    @property
    def title(self) -> str:
        """The title of the version in force, else of the one to come."""
        shown = self.in_force or self.scheduled
        assert shown is not None, "an entry has a version in force or one scheduled"
        return shown.title


async def published_supports(
    *, session: AsyncSession, on: date, plan: str | None = None
) -> list[CatalogEntry]:
    """Every (plan, support) with a published version, ordered by plan then support: the version
    in force on `on` (the latest effective_from on or before it, as for a date of service) and
    the next one to take effect after it. Retired versions are in force on no date."""
    query = (
        select(
            DefinitionVersion.plan,
            DefinitionVersion.support,
            DefinitionVersion.version,
            DefinitionVersion.title,
            DefinitionVersion.effective_from,
            DefinitionVersion.content_hash,
        )
        .where(DefinitionVersion.status == DefinitionStatus.PUBLISHED)
        .order_by(
            DefinitionVersion.plan,
            DefinitionVersion.support,
            DefinitionVersion.effective_from,
            DefinitionVersion.version,
        )
    )
    if plan is not None:
        query = query.where(DefinitionVersion.plan == plan)
    in_force: dict[tuple[str, str], PublishedVersion] = {}
    scheduled: dict[tuple[str, str], PublishedVersion] = {}
    keys: list[tuple[str, str]] = []
    for row in await session.execute(query):
        key = (row.plan, row.support)
        if not keys or keys[-1] != key:
            keys.append(key)
        found = PublishedVersion(
            version=row.version,
            title=row.title,
            effective_from=row.effective_from,
            content_hash=row.content_hash or "",
        )
        if found.effective_from <= on:
            in_force[key] = found  # rows come oldest first: the last one on or before wins
        elif key not in scheduled or scheduled[key].effective_from == found.effective_from:
            scheduled[key] = found  # the earliest date after `on`; on a tie the higher version
    return [
        CatalogEntry(
            plan=plan_code,
            support=support,
            in_force=in_force.get((plan_code, support)),
            scheduled=scheduled.get((plan_code, support)),
        )
        for plan_code, support in keys
    ]

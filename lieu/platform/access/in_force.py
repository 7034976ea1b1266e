"""Which published definition version is in force for a plan, a support and a date: looked up
in one light statement (no document), and cached for the API's reads.

Published content never changes, but a new version may be published, or one retired, at any
time. The process that does it calls `forget` and sees the change at once; every other process
sees it within `seconds` (LIEU_CACHE_SECONDS, default 5), when its entry is read again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.authorizations.records import DefinitionRef
from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion
from lieu.platform.definitions.supports import BASELINE_PLAN

MAX_ENTRIES = 10_000  # (plan, support, date) answers kept; the oldest read is dropped first


async def ref_in_force(
    *, session: AsyncSession, plan: str, support: str, on: date
) -> DefinitionRef | None:
    """The plan's own published version in force on `on` (latest effective_from on or before
    it), else the DHCS baseline's, else None."""
    own_first = case((DefinitionVersion.plan == plan, 0), else_=1)
    found = (
        await session.execute(
            select(
                DefinitionVersion.plan,
                DefinitionVersion.version,
                DefinitionVersion.content_hash,
            )
            .where(
                DefinitionVersion.plan.in_((plan, BASELINE_PLAN)),
                DefinitionVersion.support == support,
                DefinitionVersion.status == DefinitionStatus.PUBLISHED,
                DefinitionVersion.effective_from <= on,
            )
            .order_by(
                own_first,
                DefinitionVersion.effective_from.desc(),
                DefinitionVersion.version.desc(),
            )
            .limit(1)
        )
    ).first()
    if found is None or found.content_hash is None:
        return None
    return DefinitionRef(found.plan, support, found.version, found.content_hash)


@dataclass(frozen=True, slots=True)
class _Entry:
    ref: DefinitionRef | None
    read_at: float


class VersionsInForce:
    """`ref_in_force`, answered from memory for `seconds` after it was read (0: never)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock  # monotonic seconds (tests move it)
        self._entries: dict[tuple[str, str, date], _Entry] = {}

    async def ref(
        self, *, session: AsyncSession, plan: str, support: str, on: date
    ) -> DefinitionRef | None:
        """The version in force (see `ref_in_force`), read again once `seconds` have passed."""
        key = (plan, support, on)
        entry = self._entries.get(key)
        if entry is not None and self.clock() - entry.read_at < self.seconds:
            return entry.ref
        read_at = self.clock()
        ref = await ref_in_force(session=session, plan=plan, support=support, on=on)
        if self.seconds > 0:
            self._entries.pop(key, None)
            self._entries[key] = _Entry(ref, read_at)
            if len(self._entries) > MAX_ENTRIES:
                del self._entries[next(iter(self._entries))]
        return ref

    def forget(self) -> None:
        """Drop every entry: this process published or retired a version."""
        self._entries.clear()

"""Which definition version is in force: the plan's own before the baseline, by date, in one
light statement; cached for the bound, forgotten by the process that publishes."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import event, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lieu.platform.access.in_force import VersionsInForce, ref_in_force
from lieu.platform.authorizations.records import DefinitionRef
from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion

ON = date(2026, 6, 1)


class Clock:
    def __init__(self) -> None:
        self.now = 10.0

    def __call__(self) -> float:
        return self.now


async def _add(
    session: AsyncSession,
    plan: str,
    version: int,
    effective_from: date,
    status: DefinitionStatus = DefinitionStatus.PUBLISHED,
) -> None:
    session.add(
        DefinitionVersion(
            plan=plan,
            support="respite",
            version=version,
            title="respite",
            status=status,
            effective_from=effective_from,
            document={"large": "x" * 10_000},
            content_hash=None if status is DefinitionStatus.DRAFT else f"{plan}{version}".ljust(64),
            created_by="test",
            published_at=datetime(2022, 1, 1, tzinfo=UTC),
        )
    )
    await session.flush()


def _ref(plan: str, version: int) -> DefinitionRef:
    return DefinitionRef(plan, "respite", version, f"{plan}{version}".ljust(64))


async def test_the_plans_own_version_in_force_wins_over_the_baseline_and_drafts_never_count(
    sqlite_engine: AsyncEngine,
) -> None:
    async with create_session_factory(sqlite_engine).begin() as session:
        await _add(session, "dhcs", 1, date(2024, 1, 1))
        await _add(session, "dhcs", 2, date(2026, 1, 1))
        assert await ref_in_force(session=session, plan="p", support="respite", on=ON) == _ref(
            "dhcs", 2
        )
        await _add(session, "p", 1, date(2025, 1, 1))
        await _add(session, "p", 2, date(2026, 7, 1))  # not yet in force on ON
        await _add(session, "p", 3, date(2022, 1, 1), DefinitionStatus.DRAFT)
        assert await ref_in_force(session=session, plan="p", support="respite", on=ON) == _ref(
            "p", 1
        )
        assert await ref_in_force(
            session=session, plan="p", support="respite", on=date(2026, 7, 1)
        ) == _ref("p", 2)
        assert (
            await ref_in_force(session=session, plan="p", support="respite", on=date(2023, 1, 1))
            is None
        )
        assert await ref_in_force(session=session, plan="p", support="meals", on=ON) is None


async def test_the_lookup_reads_no_document(sqlite_engine: AsyncEngine) -> None:
    seen: list[str] = []
    event.listen(sqlite_engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    async with create_session_factory(sqlite_engine).begin() as session:
        await _add(session, "dhcs", 1, date(2024, 1, 1))
        seen.clear()
        await ref_in_force(session=session, plan="p", support="respite", on=ON)
    [statement] = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert "document" not in statement


async def test_a_version_published_elsewhere_is_seen_once_the_bound_has_passed(
    sqlite_engine: AsyncEngine,
) -> None:
    clock, sessions = Clock(), create_session_factory(sqlite_engine)
    cache = VersionsInForce(5, clock=clock)
    async with sessions.begin() as session:
        await _add(session, "dhcs", 1, date(2024, 1, 1))
        await _add(session, "p", 1, date(2025, 1, 1), DefinitionStatus.DRAFT)
    async with sessions() as session:
        assert await cache.ref(session=session, plan="p", support="respite", on=ON) == _ref(
            "dhcs", 1
        )
    async with sessions.begin() as session:  # another process publishes the plan's draft
        await session.execute(
            update(DefinitionVersion)
            .where(DefinitionVersion.plan == "p")
            .values(status=DefinitionStatus.PUBLISHED, content_hash="p1".ljust(64))
        )
    clock.now += 4.9
    async with sessions() as session:
        assert await cache.ref(session=session, plan="p", support="respite", on=ON) == _ref(
            "dhcs", 1
        )
    clock.now += 0.1
    async with sessions() as session:
        assert await cache.ref(session=session, plan="p", support="respite", on=ON) == _ref("p", 1)


async def test_a_version_published_or_retired_here_is_seen_at_once(
    sqlite_engine: AsyncEngine,
) -> None:
    sessions = create_session_factory(sqlite_engine)
    cache = VersionsInForce(5, clock=Clock())
    async with sessions.begin() as session:
        await _add(session, "dhcs", 1, date(2024, 1, 1))
        assert await cache.ref(session=session, plan="p", support="respite", on=ON) == _ref(
            "dhcs", 1
        )
        await session.execute(update(DefinitionVersion).values(status=DefinitionStatus.RETIRED))
        cache.forget()
        assert await cache.ref(session=session, plan="p", support="respite", on=ON) is None

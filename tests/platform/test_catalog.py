"""The catalog lists, for each plan's support, the version in force on a date (as a date of
service finds it) and the next one scheduled; a newer version is not in force before its date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.catalog import CatalogEntry, PublishedVersion, published_supports
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion

TODAY = date(2026, 12, 2)


def _row(
    support: str,
    version: int,
    effective_from: date,
    status: DefinitionStatus = DefinitionStatus.PUBLISHED,
    plan: str = "demo-plan",
) -> DefinitionVersion:
    return DefinitionVersion(
        plan=plan,
        support=support,
        version=version,
        title=f"{support} v{version}",
        status=status,
        effective_from=effective_from,
        document={"plan": plan, "support": support, "version": version},
        content_hash=f"{version}" * 64,
        created_by="test",
        published_at=datetime(2022, 1, 1, tzinfo=UTC),
    )


def _published(row: DefinitionVersion) -> PublishedVersion:
    return PublishedVersion(row.version, row.title, row.effective_from, row.content_hash or "")


async def test_the_version_in_force_today_is_listed_with_the_next_one_scheduled(
    engine: AsyncEngine,
) -> None:
    respite = [
        _row("respite", 1, date(2022, 1, 1)),
        _row("respite", 2, date(2025, 7, 1)),
        _row("respite", 3, date(2027, 1, 1)),
        _row("respite", 4, date(2027, 7, 1)),
    ]
    meals = [
        _row("medically-tailored-meals", 1, date(2022, 1, 1)),
        _row("medically-tailored-meals", 2, date(2026, 1, 1), DefinitionStatus.RETIRED),
        _row("medically-tailored-meals", 3, date(2026, 6, 1), DefinitionStatus.DRAFT),
    ]
    sobering = [_row("sobering-centers", 1, date(2027, 1, 1))]
    baseline = [_row("respite", 1, date(2022, 1, 1), plan="dhcs")]
    async with create_session_factory(for_writes(engine)).begin() as session:
        session.add_all([*respite, *meals, *sobering, *baseline])
    async with create_session_factory(engine)() as session:
        everything = await published_supports(session=session, on=TODAY)
        demo = await published_supports(session=session, on=TODAY, plan="demo-plan")
        later = await published_supports(session=session, on=date(2027, 1, 1), plan="demo-plan")
    assert demo == [
        CatalogEntry("demo-plan", "medically-tailored-meals", _published(meals[0]), None),
        CatalogEntry("demo-plan", "respite", _published(respite[1]), _published(respite[2])),
        CatalogEntry("demo-plan", "sobering-centers", None, _published(sobering[0])),
    ]
    assert [(e.plan, e.support) for e in everything] == [
        ("demo-plan", "medically-tailored-meals"),
        ("demo-plan", "respite"),
        ("demo-plan", "sobering-centers"),
        ("dhcs", "respite"),
    ]
    assert later[1] == CatalogEntry(
        "demo-plan", "respite", _published(respite[2]), _published(respite[3])
    )
    assert later[2].in_force == _published(sobering[0])
    assert demo[2].title == "sobering-centers v1"

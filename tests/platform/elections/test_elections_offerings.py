"""Offerings as of a date, from the demo plan's seeded elections and from cycle changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion
from lieu.platform.elections import history
from lieu.platform.elections.changes import ChangeKind, ElectionChange
from lieu.platform.elections.offerings import is_offered, offerings, published_for_plan
from lieu.platform.elections.seed import SeedElection, SeedError, import_elections, read_seed
from tests.platform.elections.conftest import publish_rows

SEED = Path(__file__).resolve().parents[3] / "benefit_definitions" / "elections" / "demo-plan.json"
COUNTIES = 10


async def test_demo_elections_match_the_chcf_table_two_shares(engine: AsyncEngine) -> None:
    plan, rows = read_seed(SEED)
    sessions = create_session_factory(engine)
    async with sessions.begin() as session:
        await publish_rows(session, "dhcs")
        assert await import_elections(session=session, plan=plan, rows=rows, actor="seed") == len(
            rows
        )
        # importing again never doubles the rows
        assert await import_elections(session=session, plan=plan, rows=rows, actor="seed") == 0
    expected = {  # CHCF Table 2, rounded to whole counties out of 10
        "housing-transition-navigation": (6, 9, 9, 10),
        "respite": (1, 1, 6, 9),
        "sobering-centers": (2, 3, 3, 7),
        "asthma-remediation": (7, 7, 7, 7),
    }
    dates = (date(2022, 1, 1), date(2022, 7, 1), date(2023, 1, 1), date(2024, 7, 1))
    counties = sorted({row.county for row in rows})
    assert len(counties) == COUNTIES
    async with sessions() as session:
        for support, shares in expected.items():
            for on, share in zip(dates, shares, strict=True):
                offering_counties = [
                    c
                    for c in counties
                    if await is_offered(
                        session=session, plan=plan, county=c, support=support, on=on
                    )
                ]
                assert len(offering_counties) == share, (support, on)
        assert not await is_offered(
            session=session, plan=plan, county="alameda", support="respite", on=date(2021, 12, 31)
        )
        everywhere = [
            await is_offered(
                session=session,
                plan=plan,
                county=c,
                support="transitional-rent",
                on=date(2026, 1, 1),
            )
            for c in counties
        ]
        assert all(everywhere)


async def test_a_removal_ends_the_offering_on_the_cycle_date_and_history_keeps_who(
    engine: AsyncEngine,
) -> None:
    sessions = create_session_factory(engine)
    add = ElectionChange("demo-plan", "fresno", "respite", ChangeKind.ADD, actor="pat")
    remove = ElectionChange("demo-plan", "fresno", "respite", ChangeKind.REMOVE, actor="lee")
    async with sessions.begin() as session:
        await publish_rows(session, "dhcs")
        first = await history.record_change(
            session=session, change=add, cycle_start=date(2027, 7, 1), request_id="r1"
        )
        assert (
            await history.record_change(
                session=session, change=add, cycle_start=date(2027, 7, 1), request_id="r1"
            )
            == first
        )
        assert (
            await history.schedule_cycle(
                session=session, plan="demo-plan", cycle_start=date(2027, 7, 1)
            )
            == 1
        )
        await history.record_change(
            session=session, change=remove, cycle_start=date(2028, 1, 1), request_id="r2"
        )
        await history.schedule_cycle(
            session=session, plan="demo-plan", cycle_start=date(2028, 1, 1)
        )
        assert await history.scheduled_removals(
            session=session, plan="demo-plan", cycle_start=date(2028, 1, 1)
        ) == [("fresno", "respite")]
    async with sessions() as session:

        def on(day: date) -> object:
            return offerings(session=session, county="fresno", on=day, plan="demo-plan")

        assert await on(date(2027, 6, 30)) == []
        assert [o.support for o in await on(date(2027, 7, 1))] == ["respite"]
        assert [o.support for o in await on(date(2027, 12, 31))] == ["respite"]
        assert await on(date(2028, 1, 1)) == []
        entries = await history.change_history(session=session, plan="demo-plan")
    assert [(e.kind, e.actor, e.status) for e in entries] == [
        ("add", "pat", "scheduled"),
        ("remove", "lee", "scheduled"),
    ]


async def test_a_plans_own_published_definition_wins_over_the_baseline(engine: AsyncEngine) -> None:
    sessions = create_session_factory(engine)
    async with sessions.begin() as session:
        await publish_rows(session, "dhcs")
        await publish_rows(session, "demo-plan", frozenset({"recuperative-care"}))
        found = await published_for_plan(session=session, plan="demo-plan")
    assert found["recuperative-care"] == ("demo-plan", 1)
    assert found["respite"] == ("dhcs", 1)


async def test_an_offering_names_the_definition_that_applies_on_the_date_asked(
    engine: AsyncEngine,
) -> None:
    sessions = create_session_factory(engine)
    async with sessions.begin() as session:
        await publish_rows(session, "dhcs")
        fresno = SeedElection("fresno", "respite", date(2022, 1, 1), None)
        await import_elections(session=session, plan="demo-plan", rows=[fresno], actor="seed")
        # the plan publishes its own respite after electing it, in force from 2027
        session.add(
            DefinitionVersion(
                plan="demo-plan",
                support="respite",
                version=1,
                title="respite",
                status=DefinitionStatus.PUBLISHED,
                effective_from=date(2027, 1, 1),
                document={"plan": "demo-plan", "support": "respite", "version": 1},
                content_hash="1" * 64,
                created_by="test",
            )
        )
    async with sessions() as session:

        async def applying(on: date) -> list[str]:
            found = await offerings(session=session, county="fresno", on=on, plan="demo-plan")
            return [o.definition_plan for o in found]

        assert await applying(date(2026, 12, 31)) == ["dhcs"]
        assert await applying(date(2027, 1, 1)) == ["demo-plan"]


def test_a_bad_elections_file_names_the_entry_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "elections.json"
    bad.write_text(
        '{"plan": "p", "elections": [{"county": "alameda", "support": "respite",'
        ' "effective_from": "2022-01-01"}, {"county": "atlantis", "support": "respite",'
        ' "effective_from": "2022-01-01"}]}'
    )
    try:
        read_seed(bad)
    except SeedError as error:
        assert "#/elections/1/county" in str(error)
        assert "'atlantis' is not a California county" in str(error)
    else:
        raise AssertionError("an unknown county must be refused")


async def test_operations_see_running_authorizations_before_their_offering_ends(
    engine: AsyncEngine,
) -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    from lieu.platform.authorizations.models import AuthorizationRecord
    from lieu.platform.elections.impact import affected_by_removals

    sessions = create_session_factory(engine)
    add = ElectionChange("demo-plan", "fresno", "respite", ChangeKind.ADD, actor="pat")
    remove = ElectionChange("demo-plan", "fresno", "respite", ChangeKind.REMOVE, actor="lee")

    def authorization(number: str, status: str) -> AuthorizationRecord:
        return AuthorizationRecord(
            id=number,
            seq=1,
            plan="demo-plan",
            support="respite",
            definition_plan="dhcs",
            definition_version=1,
            content_hash="0" * 64,
            member_cin="12345678A",
            provider="org-a",
            county="fresno",
            status=status,
            urgency="standard",
            measure="hours",
            quantity_requested=Decimal(10),
            service_start=date(2027, 9, 1),
            service_end=date(2028, 3, 1),
            requested_by="x",
            created_at=datetime(2027, 9, 1, tzinfo=UTC),
            updated_at=datetime(2027, 9, 1, tzinfo=UTC),
        )

    async with sessions.begin() as session:
        await publish_rows(session, "dhcs")
        await history.record_change(
            session=session, change=add, cycle_start=date(2027, 7, 1), request_id="a"
        )
        await history.schedule_cycle(
            session=session, plan="demo-plan", cycle_start=date(2027, 7, 1)
        )
        session.add_all([authorization("A-RUNNING", "active"), authorization("A-DONE", "expired")])
        await history.record_change(
            session=session, change=remove, cycle_start=date(2028, 1, 1), request_id="r"
        )
        await history.schedule_cycle(
            session=session, plan="demo-plan", cycle_start=date(2028, 1, 1)
        )
    async with sessions() as session:
        affected = await affected_by_removals(
            session=session, plan="demo-plan", cycle_start=date(2028, 1, 1)
        )
        assert (
            await affected_by_removals(
                session=session, plan="demo-plan", cycle_start=date(2027, 7, 1)
            )
            == []
        )
    assert [(a.authorization_id, a.service_end) for a in affected] == [
        ("A-RUNNING", date(2028, 3, 1))
    ]

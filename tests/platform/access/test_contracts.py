"""Contracts as data: the demo plan's contracts file seeds the organizations the demo and the
tests use; a plan whose administrators changed its contracts keeps theirs when lieu starts
again; a request from an organization without the contract is refused with what it holds."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from lieu.commands.serve import migrate_database
from lieu.commands.setup import publish_definitions
from lieu.platform.access.contracts import (
    ContractError,
    ContractLine,
    NotContracted,
    add_contracts,
    check_contracted,
    contracts,
    known_organizations,
    read_contracts,
    remove_contract,
)
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.settings import Settings

DEMO_ORGANIZATIONS = [
    "cbo",
    "elsewhere",
    "org-a",
    "other-clinic",
    "sac-respite-co",
    "santa-clara-caregivers",
]


async def test_the_demo_plans_contracts_are_seeded_once_and_kept_as_its_admins_leave_them(
    settings: Settings,
) -> None:
    await migrate_database(settings)
    summary = await publish_definitions(settings)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            assert await known_organizations(session=session, plan="demo-plan") == (
                DEMO_ORGANIZATIONS
            )
            await remove_contract(
                session=session, plan="demo-plan", provider="org-a", support="respite"
            )
        assert "contracts seeded: demo-plan" in summary
        assert "contracts seeded" not in await publish_definitions(settings)
        async with create_session_factory(engine)() as session:
            held = await contracts(session=session, plan="demo-plan", provider="org-a")
            assert "respite" not in {row.support for row in held}
            with pytest.raises(NotContracted) as refused:
                await check_contracted(
                    session=session, plan="demo-plan", provider="org-a", support="respite"
                )
            await check_contracted(
                session=session, plan="demo-plan", provider="cbo", support="respite"
            )
    finally:
        await engine.dispose()
    assert str(refused.value).startswith(
        "org-a is not contracted by demo-plan for respite (its contracts cover alf-transitions,"
    )


def test_a_contracts_file_with_problems_names_each_with_its_pointer(tmp_path: Path) -> None:
    path = tmp_path / "p.json"
    path.write_text(
        '{"plan": "P", "contracts": [{"provider": "ok", "supports": "respite"}, {"x": 1}]}'
    )
    with pytest.raises(ContractError) as bad:
        read_contracts(path)
    assert str(bad.value) == (
        f"{path}: /plan: the plan's slug; /contracts/0/supports: a list of support ids; "
        "/contracts/1/provider: an organization id (a slug)"
    )


async def test_many_contracts_are_checked_whole_then_added_after_two_reads(
    settings: Settings,
) -> None:
    await migrate_database(settings)
    await publish_definitions(settings)
    engine = create_engine(settings.database_url)
    statements: list[str] = []

    def counted(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.split()[0])

    lines = [ContractLine(p, s) for s in ("respite", "sobering-centers") for p in ("new-a", "cbo")]
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            before = {
                row.support
                for row in await contracts(session=session, plan="demo-plan", provider="cbo")
            }
            with pytest.raises(ContractError) as unknown:
                await add_contracts(
                    session=session,
                    plan="demo-plan",
                    lines=[*lines, ContractLine("new-b", "no-such-support")],
                    actor="t",
                )
            with pytest.raises(ContractError) as bad_name:
                await add_contracts(
                    session=session,
                    plan="demo-plan",
                    lines=[ContractLine("Bad Name", "respite")],
                    actor="t",
                )
            assert await contracts(session=session, plan="demo-plan", provider="new-a") == []
            event.listen(engine.sync_engine, "before_cursor_execute", counted)
            added = await add_contracts(
                session=session, plan="demo-plan", lines=[*lines, lines[0]], actor="t"
            )
            event.remove(engine.sync_engine, "before_cursor_execute", counted)
        assert [(row.provider, row.support, new) for row, new in added] == [
            ("new-a", "respite", True),
            ("cbo", "respite", "respite" not in before),
            ("new-a", "sobering-centers", True),
            ("cbo", "sobering-centers", "sobering-centers" not in before),
            ("new-a", "respite", False),  # the same line twice is one contract
        ]
        assert added[0][0] is added[4][0]
        # two reads for all the lines; then the inserts (one on PostgreSQL, one a row on SQLite,
        # whose RETURNING cannot be matched to a batch's rows)
        new = sum(fresh for _row, fresh in added)
        assert statements[:2] == ["SELECT", "SELECT"]
        assert set(statements[2:]) == {"INSERT"} and len(statements[2:]) <= new
        async with create_session_factory(engine)() as session:
            held = await contracts(session=session, plan="demo-plan", provider="new-a")
        assert sorted(row.support for row in held) == ["respite", "sobering-centers"]
    finally:
        await engine.dispose()
    assert "no published definition of support 'no-such-support'" in str(unknown.value)
    assert "'Bad Name' is not an organization id" in str(bad_name.value)

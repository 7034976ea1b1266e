"""Contracts as data: the demo plan's contracts file seeds the organizations the demo and the
tests use; a plan whose administrators changed its contracts keeps theirs when lieu starts
again; a request from an organization without the contract is refused with what it holds."""

from __future__ import annotations

from pathlib import Path

import pytest

from lieu.commands.serve import migrate_database
from lieu.commands.setup import publish_definitions
from lieu.platform.access.contracts import (
    ContractError,
    NotContracted,
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

"""A plan's settings file: read with every problem named, stored, and found for its requests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.commands.setup import publish_definitions
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.plans.calendar import CALIFORNIA, PlanCalendar
from lieu.platform.plans.settings import (
    PlanSettings,
    PlanSettingsError,
    parse_settings,
    plan_settings,
    read_settings,
    save_settings,
)
from lieu.settings import Settings
from tests.conftest import migrated_engine

SHIPPED = Path(__file__).resolve().parents[3] / "benefit_definitions" / "plans"


def test_the_demo_plan_works_on_californias_clock() -> None:
    settings = read_settings(SHIPPED / "demo-plan.json")
    assert settings.calendar == CALIFORNIA


def test_every_problem_of_a_plan_file_is_named_with_its_pointer() -> None:
    with pytest.raises(PlanSettingsError) as bad:
        parse_settings(
            {
                "plan": "Demo Plan",
                "time_zone": "Pacific",
                "holidays": {"region": "US-CA", "categories": "public"},
                "colour": "blue",
            },
            source="plans/demo.json",
        )
    message = str(bad.value)
    for pointer in ("/plan", "/time_zone", "/holidays/categories", "/: unknown"):
        assert pointer in message, pointer
    assert message.startswith("plans/demo.json: ")


def test_a_file_must_be_named_after_its_plan(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"plan": "demo-plan"}))
    with pytest.raises(PlanSettingsError, match=r"name it demo-plan\.json"):
        read_settings(path)


def test_a_file_that_is_not_json_says_where(tmp_path: Path) -> None:
    path = tmp_path / "demo-plan.json"
    path.write_text('{"plan": "demo-plan",')
    with pytest.raises(PlanSettingsError, match=r"demo-plan.json:1:\d+: not JSON"):
        read_settings(path)


async def test_stored_settings_are_found_and_a_plan_without_any_gets_california(
    engine: AsyncEngine,
) -> None:
    eastern = PlanSettings("east-plan", PlanCalendar("America/New_York", "US-NY"))
    async with create_session_factory(for_writes(engine)).begin() as session:
        assert await save_settings(eastern, session=session, actor="test")
        assert not await save_settings(eastern, session=session, actor="test")  # unchanged
    async with create_session_factory(engine)() as session:
        assert await plan_settings("east-plan", session=session) == eastern
        assert (await plan_settings("no-file-plan", session=session)).calendar == CALIFORNIA


async def test_setup_stores_each_plans_settings_file_beside_the_definitions(
    settings: Settings,
) -> None:
    engine = await migrated_engine(settings.database_url)
    try:
        summary = await publish_definitions(settings)
        assert "plan settings stored: demo-plan" in summary
        assert "plan settings stored" not in await publish_definitions(settings)  # unchanged
        async with create_session_factory(engine)() as session:
            stored = await plan_settings("demo-plan", session=session)
        assert stored == read_settings(SHIPPED / "demo-plan.json")
    finally:
        await engine.dispose()

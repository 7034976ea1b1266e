"""A plan sets its providers' grace period and birth-date lockouts in its plan file; each value
out of range is named with its JSON pointer, and the stored settings give them back."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.terms import DEFAULT_ACCESS, AccessTerms
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.plans.settings import (
    PlanSettingsError,
    parse_settings,
    plan_settings,
    save_settings,
)


def test_without_a_provider_access_section_a_plan_gets_sixty_days_and_five_misses() -> None:
    settings = parse_settings({"plan": "demo-plan"}, source="demo-plan.json")
    assert settings.access == DEFAULT_ACCESS
    assert (DEFAULT_ACCESS.grace_days, DEFAULT_ACCESS.birth_date_misses) == (60, 5)


def test_every_bad_value_is_named_with_its_pointer() -> None:
    document = {
        "plan": "demo-plan",
        "provider_access": {"grace_days": -1, "birth_date_misses": 50, "lockout": 3},
    }
    with pytest.raises(PlanSettingsError) as bad:
        parse_settings(document, source="demo-plan.json")
    message = str(bad.value)
    assert "/provider_access/grace_days: a whole number from 0 to 366" in message
    assert "/provider_access/birth_date_misses: a whole number from 1 to 10" in message
    assert "/provider_access: unknown field(s) ['lockout']" in message


async def test_the_stored_settings_give_the_plans_terms_back(engine: AsyncEngine) -> None:
    document = {"plan": "demo-plan", "provider_access": {"grace_days": 30, "token_misses": 8}}
    settings = parse_settings(document, source="demo-plan.json")
    async with create_session_factory(for_writes(engine)).begin() as session:
        await save_settings(settings, session=session, actor="test")
    async with create_session_factory(engine)() as session:
        stored = await plan_settings("demo-plan", session=session)
    assert stored.access == AccessTerms(grace_days=30, token_misses=8)

"""A draft is simulated against the plan's members before publishing, and only when it is valid."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.definitions.directory import load_directory, publish_document
from lieu.platform.definitions.errors import InvalidDefinition
from lieu.platform.definitions.simulation import simulate_draft
from lieu.platform.members.facts import DEFINITIONS_ROOT


async def test_a_draft_with_problems_is_not_simulated_and_every_problem_is_named(
    session: AsyncSession, broken_plan_draft: dict[str, Any]
) -> None:
    await load_directory(session=session, root=DEFINITIONS_ROOT, actor="dev")
    await publish_document(session=session, document=broken_plan_draft, actor="lead")
    with pytest.raises(InvalidDefinition, match="cannot be simulated") as refused:
        await simulate_draft(
            session=session,
            plan="demo-plan",
            support="housing-deposits",
            version=3,
            on=date(2027, 7, 1),
        )
    assert [p.code for p in refused.value.problems] == [
        "unknown-operator",
        "undeclared-fact",
        "widens-baseline-limit",
    ]
    assert "did you mean '=='?" in str(refused.value)

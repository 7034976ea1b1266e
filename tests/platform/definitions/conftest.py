"""Fixtures for definition tests: the library from disk, and a session on the shared `engine`
(tests/conftest.py: SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.library import Library, load_library
from lieu.platform.members.facts import DEFINITIONS_ROOT

BROKEN = Path(__file__).parent / "broken"


@pytest.fixture(scope="session")
def library() -> Library:
    """Every valid definition under benefit_definitions/."""
    return load_library()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session in one transaction, rolled back at the end (the caller owns the commit)."""
    async with create_session_factory(engine)() as opened:
        yield opened
        await opened.rollback()


@pytest.fixture
def broken_plan_draft() -> dict[str, Any]:
    """demo-plan's housing deposits v3 as a draft with an unknown operator, an undeclared fact
    and a limit wider than the baseline's."""
    plan = json.loads((DEFINITIONS_ROOT / "demo-plan/housing-deposits/v2.json").read_text())
    base = json.loads((DEFINITIONS_ROOT / "dhcs/housing-deposits/v2.json").read_text())
    wider = {**base["limits"][0], "maximum": 2}
    return {
        **plan,
        "version": 3,
        "status": "draft",
        "effective_from": "2027-07-01",
        "eligibility": {
            "criteria": [
                {"id": "a", "label": "A", "reference": "r", "rule": {"eq": [{"var": "age"}, 1]}},
                {
                    "id": "b",
                    "label": "B",
                    "reference": "r",
                    "rule": {"==": [{"var": "housing.homeles"}, True]},
                },
            ]
        },
        "limits": [*plan["limits"], wider],
    }

"""Limits as DHCS and plans state them, and a migrated database to post them on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.limits.spec import LimitSpec

POOL = [
    "recuperative-care",
    "short-term-post-hospitalization-housing",
    "transitional-rent",
]


def limit(**fields: Any) -> LimitSpec:
    """A limit from definition-shaped JSON, with defaults for what a test does not care about."""
    data: dict[str, Any] = {
        "id": "test-limit",
        "label": "Test limit",
        "reference": "test",
        "exception": {"allowed": False},
    }
    data.update(fields)
    return LimitSpec.from_json(data)


@pytest.fixture
def respite() -> LimitSpec:
    """Respite: 336 hours per calendar year; more by exception (change in caregiver support)."""
    return limit(
        id="respite-336-hours-per-year",
        label="Respite hours per calendar year",
        measure="hours",
        maximum=336,
        window={"kind": "calendar_year"},
        counter="respite-hours",
        pool_supports=["respite"],
        exception={
            "allowed": True,
            "requires": "change in caregiver support",
            "extra_maximum": None,
        },
    )


@pytest.fixture
def six_in_twelve() -> LimitSpec:
    """RC + STPHH + TR: at most 6 months (180 days) in any rolling 12 months (365 days)."""
    return limit(
        id="rc-stphh-tr-6-in-12",
        label="Recuperative care, post-hospital housing and transitional rent",
        measure="days",
        maximum=180,
        window={"kind": "rolling_days", "days": 365},
        counter="rc-stphh-tr-6-in-12",
        pool_supports=POOL,
    )


@pytest.fixture
def deposits_once() -> LimitSpec:
    """Housing deposits: once in a lifetime, one more with documentation of what changed."""
    return limit(
        id="housing-deposits-once",
        label="Housing deposits once per lifetime",
        measure="episodes",
        maximum=1,
        window={"kind": "lifetime"},
        counter="housing-deposits-episodes",
        pool_supports=["housing-deposits"],
        exception={
            "allowed": True,
            "requires": "documentation of what changed and why a second attempt will succeed",
            "extra_maximum": 1,
        },
    )


@pytest.fixture
def deposit_dollars() -> Callable[[float], LimitSpec]:
    """Housing deposit dollars per lifetime, at a plan's cap (Molina: 5,000)."""

    def make(maximum: float) -> LimitSpec:
        return limit(
            id=f"housing-deposits-dollars-{maximum}",
            label="Housing deposit dollars per lifetime",
            measure="dollars",
            maximum=maximum,
            window={"kind": "lifetime"},
            counter="housing-deposits-dollars",
            pool_supports=["housing-deposits"],
        )

    return make


@pytest.fixture
def asthma() -> LimitSpec:
    """Asthma remediation: $7,500 per lifetime."""
    return limit(
        id="asthma-7500-lifetime",
        label="Asthma remediation dollars per lifetime",
        measure="dollars",
        maximum=7500,
        window={"kind": "lifetime"},
        counter="asthma-remediation-dollars",
        pool_supports=["asthma-remediation"],
    )


@pytest.fixture
def rc_stay() -> LimitSpec:
    """Recuperative care: stays of at most 90 days."""
    return limit(
        id="rc-90-day-stay",
        label="Recuperative care stay",
        measure="days",
        maximum=90,
        window={"kind": "per_stay"},
        counter="recuperative-care-stay",
        pool_supports=["recuperative-care"],
    )


@pytest.fixture
def tx(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions whose transactions take SQLite's write lock at BEGIN; `async with tx.begin()`."""
    return create_session_factory(for_writes(engine))

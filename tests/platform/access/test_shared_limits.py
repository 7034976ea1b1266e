"""A limit shared by several plans (it follows the member by CIN): each plan sees what is left,
counting every plan, but only its own holds and use; other plans' use is one "used elsewhere"
figure, without their authorizations. And one request may ask at most what the definition allows
in one window: a rival plan's 100,000 hours are refused before anything is held (SQLite and
PostgreSQL)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.request_limits import over_maximum
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.limits import ledger
from lieu.platform.limits.postings import Posting
from lieu.platform.limits.spec import LimitSpec
from lieu.platform.limits.window_balance import window_balance

RESPITE = Path(__file__).resolve().parents[3] / "benefit_definitions/dhcs/respite/v1.json"
SPEC = LimitSpec.from_json(json.loads(RESPITE.read_text())["limits"][0])  # 336 hours a year
CIN = "91000001A"
DAY = date(2026, 6, 1)


async def _hold(engine: AsyncEngine, plan: str, hours: int, number: str) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        posting = Posting(
            cin=CIN,
            plan=plan,
            support="respite",
            start=DAY,
            end=DAY,
            amount=Decimal(hours),
            key=f"{number}/reserve",
            actor="test",
            authorization_id=number,
        )
        await ledger.reserve(posting, SPEC, session=session)


async def test_a_plan_sees_its_own_holds_and_other_plans_use_as_one_figure(
    engine: AsyncEngine,
) -> None:
    await _hold(engine, "demo-plan", 100, "A-OWN")
    await _hold(engine, "rival-plan", 236, "A-RIVAL")
    async with create_session_factory(engine)() as session:
        own = await window_balance(CIN, SPEC, DAY, viewer_plan="demo-plan", session=session)
        rival = await window_balance(CIN, SPEC, DAY, viewer_plan="rival-plan", session=session)

    assert (own.held, own.used, own.elsewhere, own.remaining) == (100, 0, 236, 0)
    assert (rival.held, rival.elsewhere, rival.remaining) == (236, 100, 0)
    # exhausted: the entries that used it up are the plan's own, others' one sum with no number
    assert [(e.authorization_id, e.counted) for e in own.counting] == [
        ("A-OWN", 100),
        (None, 236),
    ]
    assert "A-RIVAL" not in repr(own.counting)


async def test_one_request_may_ask_at_most_the_limits_maximum(engine: AsyncEngine) -> None:
    async with create_session_factory(engine)() as session:
        huge = await over_maximum(
            session=session,
            plan="rival-plan",
            cin=CIN,
            spec=SPEC,
            quantity=Decimal(100_000),
            on=DAY,
        )
        whole = await over_maximum(
            session=session, plan="demo-plan", cin=CIN, spec=SPEC, quantity=Decimal(336), on=DAY
        )
    assert huge == (
        "336 hours per calendar year: one request may ask at most 336 hours, not 100000; ask at "
        "most 336 (a reviewer's approved exception raises it)"
    )
    assert whole is None

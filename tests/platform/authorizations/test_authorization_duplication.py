"""Duplication rules (issue #10, point 6): a request for a support that may not be given with
another on the same days, or to a member enrolled in a program, is refused with the reason;
a rule holds both ways, whichever of the two definitions states it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.authorizations.duplication import Duplicated, duplication
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.library import load_library

LIBRARY = load_library()
ON = date(2027, 1, 11)
MEALS = LIBRARY.in_force("demo-plan", "medically-tailored-meals", ON)
CARE = LIBRARY.in_force("demo-plan", "recuperative-care", ON)
RESPITE = LIBRARY.in_force("dhcs", "respite", ON)


async def resolve(support: str) -> Definition | None:
    return {d.support: d for d in (MEALS, CARE, RESPITE)}.get(support)


async def authorized(
    engine: AsyncEngine, cin: str, support: str, start: date, end: date | None, status: str
) -> str:
    number = f"A-{support[:4].upper()}{start:%m%d}{status[:3].upper()}{cin[-4:]}"
    async with create_session_factory(engine).begin() as session:
        session.add(
            AuthorizationRecord(
                id=number,
                plan="demo-plan",
                support=support,
                definition_plan="demo-plan",
                definition_version=2,
                content_hash="0" * 64,
                member_cin=cin,
                provider="org-a",
                county="sacramento",
                status=status,
                urgency="standard",
                measure="days",
                quantity_requested=Decimal(30),
                service_start=start,
                service_end=end,
                requested_by="test",
            )
        )
    return number


async def refusal(
    engine: AsyncEngine, definition: Definition, cin: str, facts: dict[str, object]
) -> Duplicated | None:
    async with create_session_factory(engine)() as session:
        return await duplication(
            session,
            definition=definition,
            plan="demo-plan",
            member_cin=cin,
            facts=facts,
            start=ON,
            resolve=resolve,
        )


async def test_meals_during_a_recuperative_care_stay_are_refused_with_the_reason(
    engine: AsyncEngine,
) -> None:
    stay = await authorized(
        engine,
        "10000001X",
        "recuperative-care",
        ON - timedelta(days=5),
        ON + timedelta(days=30),
        "active",
    )
    found = await refusal(engine, MEALS, "10000001X", {})
    assert found is not None and found.code == "duplicate_support"
    assert (
        found.message.startswith("Medically Tailored Meals")
        and "recuperative care provides the member's meals during the stay" in found.message
    )
    assert stay in found.message and found.details()["authorization_id"] == stay
    assert found.details()["rule"] == "meals-during-recuperative-care"


async def test_the_rule_holds_the_other_way_round_when_the_meals_come_first(
    engine: AsyncEngine,
) -> None:
    meals = await authorized(
        engine,
        "10000002X",
        "medically-tailored-meals",
        ON,
        ON + timedelta(days=83),
        "pending_review",
    )
    found = await refusal(engine, CARE, "10000002X", {})
    assert found is not None and found.code == "duplicate_support"
    assert found.details()["authorization_id"] == meals


async def test_an_ended_or_earlier_authorization_or_an_unrelated_support_does_not_duplicate(
    engine: AsyncEngine,
) -> None:
    cin = "10000003X"
    await authorized(engine, cin, "recuperative-care", ON, ON + timedelta(days=30), "denied")
    await authorized(
        engine, cin, "recuperative-care", ON - timedelta(days=90), ON - timedelta(days=1), "active"
    )
    await authorized(engine, cin, "respite", ON, None, "active")
    assert await refusal(engine, MEALS, cin, {}) is None
    # another member's stay is not this member's
    await authorized(engine, "10000004X", "recuperative-care", ON, None, "active")
    assert await refusal(engine, MEALS, cin, {}) is None


async def test_a_member_in_a_program_the_definition_names_is_refused(
    engine: AsyncEngine,
) -> None:
    found = await refusal(engine, MEALS, "10000005X", {"enrollments": ["ecm", "hospice"]})
    assert found is not None and found.code == "duplicate_program"
    assert "not given to a member enrolled in hospice" in found.message
    assert await refusal(engine, MEALS, "10000005X", {"enrollments": ["ecm"]}) is None

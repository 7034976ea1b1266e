"""A plan's appeal and grievance clocks, capped by the rules; grievances recorded with their due
dates; the appeals the published metrics read — on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.roles import Principal, Role
from lieu.platform.appeals import projection, records
from lieu.platform.appeals.lifecycle import (
    AppealDecision,
    AppealExtension,
    AppealStart,
    AppealState,
    Outcome,
    decide,
    decision_refusal,
    extension_refusal,
)
from lieu.platform.appeals.reporting import RecordedAppeals
from lieu.platform.appeals.terms import AppealTerms
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.db.keyset import Window
from lieu.platform.plans.calendar import CALIFORNIA
from lieu.platform.plans.settings import (
    PlanSettings,
    PlanSettingsError,
    parse_settings,
    plan_settings,
    save_settings,
)
from lieu.platform.reports.periods import ReportYear
from tests.platform.reports import scenario

PACIFIC = CALIFORNIA.zone
RECEIVED = datetime(2026, 12, 4, 16, 30, tzinfo=PACIFIC).astimezone(UTC)  # a Friday, 4:30 PM


def plan_file(**sections: object) -> dict[str, object]:
    return {"plan": "demo-plan", **sections}


def test_a_plan_may_shorten_its_appeal_clocks_but_never_pass_the_federal_ones() -> None:
    shorter = parse_settings(
        plan_file(appeals={"standard_days": 20, "expedited_hours": 48}), source="p.json"
    )
    assert shorter.appeals == AppealTerms(standard_days=20, expedited_hours=48)
    with pytest.raises(PlanSettingsError) as longer:
        parse_settings(
            plan_file(
                appeals={"standard_days": 45, "extension_days": 0, "weekly": 1},
                grievances={"resolve_days": 120},
            ),
            source="p.json",
        )
    message = str(longer.value)
    assert (
        "/appeals/standard_days: 45 is more than the 30 allowed (42 CFR 438.408(b)(2):" in message
    )
    assert "/appeals/extension_days: a whole number from 1 to 14" in message
    assert "/appeals: unknown field(s) ['weekly']" in message
    assert "/grievances/resolve_days: 120 is more than the 90 allowed" in message


def test_the_defaults_are_the_federal_appeal_and_californias_grievance_timeframes() -> None:
    terms = parse_settings(plan_file(), source="p.json").appeals
    assert (terms.standard_days, terms.expedited_hours, terms.extension_days) == (30, 72, 14)
    assert (terms.acknowledge_days, terms.resolve_days) == (5, 30)
    # a standard appeal's 30 days keep the local time; an expedited one is 72 hours
    assert terms.deadline(RECEIVED, False, CALIFORNIA).astimezone(PACIFIC) == datetime(
        2027, 1, 3, 16, 30, tzinfo=PACIFIC
    )
    assert terms.deadline(RECEIVED, True, CALIFORNIA) == RECEIVED + timedelta(hours=72)


async def test_a_plans_appeal_terms_are_stored_with_its_settings(engine: AsyncEngine) -> None:
    shorter = PlanSettings("brisk-plan", appeals=AppealTerms(standard_days=15, resolve_days=20))
    async with create_session_factory(for_writes(engine)).begin() as session:
        assert await save_settings(shorter, session=session, actor="test")
    async with create_session_factory(engine)() as session:
        assert (await plan_settings("brisk-plan", session=session)).appeals == shorter.appeals


def start(**changes: object) -> AppealStart:
    values: dict[str, object] = {
        "appeal_id": "A-S2-AP1",
        "authorization_id": "A-S2",
        "plan": scenario.PLAN,
        "support": scenario.RESPITE,
        "definition_version": 1,
        "member_cin": "91000002A",
        "provider": "org-a",
        "measure": "hours",
        "requested": Decimal(40),
        "approved": None,
        "determination": "denial",
        "determination_seq": 3,
        "first_decided_by": "um-1",
        "filed_by": "member-services",
        "on_behalf": "member",
        "reason": "needed",
        "expedited": False,
        "received_at": RECEIVED,
        "deadline": RECEIVED + timedelta(days=30),
        "terms": AppealTerms(),
        "calendar": CALIFORNIA,
    }
    values.update(changes)
    return AppealStart(**values)  # type: ignore[arg-type]


def test_a_resolution_must_name_its_reason_come_from_another_reviewer_and_fit_the_request() -> None:
    s = AppealState(start(approved=Decimal(24)), RECEIVED + timedelta(days=30))
    cases = [
        (AppealDecision("um-1", Outcome.UPHELD, "stands", key="a"), "same_reviewer"),
        (AppealDecision("dr", Outcome.UPHELD, " ", key="b"), "reason_required"),
        (AppealDecision("dr", Outcome.NOT_DECIDED, "x", key="c"), "bad_outcome"),
        (
            AppealDecision("dr", Outcome.PARTLY_OVERTURNED, "x", Decimal(24), key="d"),
            "bad_quantity",
        ),
        (
            AppealDecision("dr", Outcome.PARTLY_OVERTURNED, "x", Decimal(40), key="e"),
            "bad_quantity",
        ),
    ]
    for decision, code in cases:
        assert (decision_refusal(s, decision) or ("",))[0] == code, decision
    assert (
        decision_refusal(s, AppealDecision("dr", Outcome.PARTLY_OVERTURNED, "x", Decimal(30)))
        is None
    )
    assert (extension_refusal(s, AppealExtension("ops", "letter", 15)) or ("",))[0] == "bad_days"
    assert (extension_refusal(s, AppealExtension("ops", " ", 14)) or ("",))[0] == "reason_required"


async def test_the_metrics_count_the_overturned_appeals_lieu_recorded(engine: AsyncEngine) -> None:
    await scenario.seed(engine)
    overturned = AppealState(start(), RECEIVED + timedelta(days=30))
    decide(
        overturned, AppealDecision("dr", Outcome.OVERTURNED, "the letter shows the need"), RECEIVED
    )
    upheld = AppealState(start(appeal_id="A-E3-AP1", authorization_id="A-E3"), RECEIVED)
    decide(upheld, AppealDecision("dr", Outcome.UPHELD, "stands"), RECEIVED)
    still_open = AppealState(start(appeal_id="A-S1-AP1", authorization_id="A-S1"), RECEIVED)
    async with create_session_factory(for_writes(engine)).begin() as session:
        for state in (overturned, upheld, still_open):
            await projection.project(session=session, state=state)
        # a projection older than the one stored changes nothing
        stale = AppealState(start(), RECEIVED + timedelta(days=30))
        await projection.project(session=session, state=stale)
    year = ReportYear.of(2026, CALIFORNIA)
    async with create_session_factory(engine)() as session:
        found = await RecordedAppeals().overturned(
            session=session, plan=scenario.PLAN, received=year.whole
        )
    assert [(a.authorization_id, a.determination_seq, a.partly) for a in found] == [
        ("A-S2", 3, False)
    ]


async def test_a_grievance_is_due_by_the_plans_dates_and_recorded_once_per_key(
    engine: AsyncEngine,
) -> None:
    staff = Principal("t", Role.OPERATIONS, "demo-plan")
    grievance = records.NewGrievance(
        "demo-plan", "91000001A", "timeliness", "the plan took too long", "ops", "g-1"
    )
    writes = create_session_factory(for_writes(engine))
    async with writes.begin() as session:
        first = await records.file_grievance(
            session=session,
            grievance=grievance,
            received_at=RECEIVED,
            terms=AppealTerms(),
            calendar=CALIFORNIA,
        )
        again = await records.file_grievance(
            session=session,
            grievance=grievance,
            received_at=RECEIVED + timedelta(hours=1),
            terms=AppealTerms(),
            calendar=CALIFORNIA,
        )
        assert again.id == first.id
    # received Friday 4 December (Pacific): acknowledged by the end of Wednesday 9 December,
    # resolved by the end of Sunday 3 January
    assert first.acknowledge_by == CALIFORNIA.day_ends(date(2026, 12, 9))
    assert first.resolve_by == CALIFORNIA.day_ends(date(2027, 1, 3))
    late = CALIFORNIA.day_ends(date(2026, 12, 10))
    async with writes.begin() as session:
        overdue = await records.list_grievances(
            session=session, principal=staff, open_only=True, overdue_at=late, window=Window(10)
        )
        assert [g.id for g in overdue.rows] == [first.id]
        await records.acknowledge_grievance(
            session=session, principal=staff, number=first.id, at=late
        )
        left = await records.list_grievances(
            session=session, principal=staff, open_only=True, overdue_at=late, window=Window(10)
        )
        assert not left.rows
        other_plan = Principal("t", Role.OPERATIONS, "other-plan")
        with pytest.raises(records.GrievanceError) as hidden:
            await records.resolve_grievance(
                session=session, principal=other_plan, number=first.id, resolution="x", at=late
            )
        assert hidden.value.code == "not_found"
        with pytest.raises(records.GrievanceError) as empty:
            await records.file_grievance(
                session=session,
                grievance=records.NewGrievance("demo-plan", "1", "access", "  ", "ops", "g-2"),
                received_at=RECEIVED,
                terms=AppealTerms(),
                calendar=CALIFORNIA,
            )
        assert empty.value.code == "description_required"

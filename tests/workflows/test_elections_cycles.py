"""Two years of a plan's election cycles on the time-skipping server, in seconds."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.library import load_library
from lieu.platform.elections.calendar import ElectionCalendar
from lieu.platform.elections.changes import ChangeKind, ElectionChange, Refusal
from lieu.platform.elections.mandates import mandates_of
from lieu.platform.elections.models import Election
from lieu.platform.elections.offerings import offered_supports
from lieu.platform.plans.calendar import CALIFORNIA
from lieu.workflows.elections.activities import ElectionActivities
from lieu.workflows.elections.client import ensure_election_workflow, submit_change
from lieu.workflows.elections.workflow import ElectionCycleWorkflow
from tests.platform.elections.conftest import publish_rows

pytestmark = pytest.mark.temporal

# with the mandates of the shipped baselines (transitional rent from 2026-01-01), as `lieu dev`
CALENDAR = ElectionCalendar.load(
    Path(__file__).resolve().parents[2] / "benefit_definitions" / "elections" / "calendar.json"
).with_mandates(mandates_of(load_library().definitions.values()))
PLAN = "demo-plan"


async def advance_to(env: WorkflowEnvironment, day: date) -> None:
    target = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    now = await env.get_current_time()
    assert target > now, f"cannot go back from {now} to {target}"
    await env.sleep(target - now)


def change(kind: ChangeKind, support: str, county: str = "alameda") -> ElectionChange:
    return ElectionChange(PLAN, county, support, kind, actor="plan-product@demo")


async def refused(env: WorkflowEnvironment, proposed: ElectionChange) -> Refusal:
    with pytest.raises(Refusal) as raised:
        await submit_change(env.client, proposed)
    return raised.value


async def offered(engine: AsyncEngine, county: str, on: date) -> frozenset[str]:
    async with create_session_factory(engine)() as session:
        return await offered_supports(session=session, plan=PLAN, county=county, on=on)


async def test_two_years_of_cycles_add_in_january_and_july_remove_only_in_january(
    time_skipping: WorkflowEnvironment, sqlite_engine: AsyncEngine
) -> None:
    env = time_skipping
    async with create_session_factory(sqlite_engine).begin() as session:
        await publish_rows(session, "dhcs")
        # the plan serves alameda with transitional rent, mandatory from 2026
        session.add(
            Election(
                plan=PLAN,
                county="alameda",
                support="transitional-rent",
                definition_plan="dhcs",
                definition_version=1,
                effective_from=date(2025, 7, 1),
                created_by="test",
            )
        )
    activities = ElectionActivities(
        create_session_factory(sqlite_engine), create_session_factory(for_writes(sqlite_engine))
    )
    queue = f"elections-{uuid.uuid4().hex[:8]}"
    async with Worker(
        env.client, task_queue=queue, workflows=[ElectionCycleWorkflow], activities=activities.all()
    ):
        start = (await env.get_current_time()).date()
        handle: WorkflowHandle[ElectionCycleWorkflow, None] = await ensure_election_workflow(
            env.client, plan=PLAN, calendar=CALENDAR, task_queue=queue, search_attributes=False
        )
        first = CALENDAR.next_open_cycle(start)
        state = await handle.query(ElectionCycleWorkflow.state)
        assert state.cycle == first and state.phase == "waiting"

        early = await refused(env, change(ChangeKind.ADD, "respite"))
        assert early.code == "window_closed"
        assert first.describe() in early.message

        # Four cycles: two July cycles (additions only) and two January cycles.
        cycles = [first]
        while len(cycles) < 4:
            cycles.append(CALENDAR.next_open_cycle(cycles[-1].start))
        additions = ["respite", "sobering-centers", "day-habilitation", "alf-transitions"]
        for index, (cycle, support) in enumerate(zip(cycles, additions, strict=True)):
            await advance_to(env, cycle.window_opens + timedelta(days=3))
            accepted = await submit_change(env.client, change(ChangeKind.ADD, support))
            assert accepted.takes_effect == cycle.start
            # a county the plan would serve without transitional rent: refused, named
            gap = await refused(env, change(ChangeKind.ADD, support, "kern"))
            assert gap.code == "mandatory_support_missing"
            assert "the plan serves Kern without it" in gap.message
            assert (await refused(env, change(ChangeKind.ADD, support))).code == "duplicate"
            assert (await refused(env, change(ChangeKind.ADD, support, "atlantis"))).code == (
                "unknown_county"
            )
            removal = change(ChangeKind.REMOVE, additions[index - 1]) if index else None
            if removal is not None and cycle.annual:
                await submit_change(env.client, removal)
            elif removal is not None:
                why = await refused(env, removal)
                assert why.code == "removal_outside_annual_boundary"
                assert CALENDAR.next_annual_cycle(cycle.window_opens).describe() in why.message
            mandatory = await refused(env, change(ChangeKind.REMOVE, "transitional-rent"))
            assert mandatory.code in {"mandatory_support", "removal_outside_annual_boundary"}

            await advance_to(env, cycle.window_closes + timedelta(days=1))
            late = await refused(env, change(ChangeKind.ADD, "asthma-remediation"))
            assert late.code == "window_closed"
            assert CALENDAR.next_open_cycle(cycle.window_closes).describe() in late.message

            await advance_to(env, cycle.start + timedelta(days=1))
            before = await offered(sqlite_engine, "alameda", cycle.start - timedelta(days=1))
            after = await offered(sqlite_engine, "alameda", cycle.start)
            assert support not in before and support in after
            if removal is not None and cycle.annual:
                assert removal.support in before and removal.support not in after

        state = await handle.query(ElectionCycleWorkflow.state)
        assert state.cycles_completed == 4
        # continue-as-new keeps each run's history short
        described = await env.client.get_workflow_handle(handle.id).describe()
        assert described.history_length < 60
        await handle.terminate("test over")


async def test_a_window_opens_at_midnight_in_the_plans_time_zone_not_utcs(
    time_skipping: WorkflowEnvironment, sqlite_engine: AsyncEngine
) -> None:
    env = time_skipping
    activities = ElectionActivities(
        create_session_factory(sqlite_engine), create_session_factory(for_writes(sqlite_engine))
    )
    queue = f"elections-{uuid.uuid4().hex[:8]}"
    async with Worker(
        env.client, task_queue=queue, workflows=[ElectionCycleWorkflow], activities=activities.all()
    ):
        handle: WorkflowHandle[ElectionCycleWorkflow, None] = await ensure_election_workflow(
            env.client,
            plan="zone-plan",
            calendar=CALENDAR,
            task_queue=queue,
            search_attributes=False,
            time_zone="America/Los_Angeles",
        )
        opens = (await handle.query(ElectionCycleWorkflow.state)).cycle.window_opens
        midnight = CALIFORNIA.day_starts(opens)  # 08:00 UTC in winter, 07:00 in summer
        await env.sleep(midnight - timedelta(minutes=1) - await env.get_current_time())
        assert (await handle.query(ElectionCycleWorkflow.state)).phase == "waiting"
        await env.sleep(timedelta(minutes=2))
        assert (await handle.query(ElectionCycleWorkflow.state)).phase == "open"

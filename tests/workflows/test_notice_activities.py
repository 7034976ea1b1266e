"""The notices.issue activity: a member who prefers Spanish gets a Spanish notice and the plan
an English copy, once per facts key however often Temporal runs it; facts, keys and templates
that cannot make a notice fail for good, saying why."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.members.service import upsert_member
from lieu.platform.notices.facts import NoticeFacts, NoticeKind
from lieu.platform.notices.models import Notice
from lieu.platform.notices.templates import NoticeTemplates
from lieu.settings import PACKAGE_PARENT, Settings
from lieu.workflows import registry
from lieu.workflows.converter import data_converter
from lieu.workflows.notices.activities import NoticeActivities
from lieu.workflows.notices.types import IssuedNotice
from tests.platform.notices.notice_cases import BROKEN, facts

NOTICES = PACKAGE_PARENT / "benefit_definitions" / "notices"


def _activities(engine: AsyncEngine, root: Path = NOTICES) -> NoticeActivities:
    return NoticeActivities(
        create_session_factory(engine),
        create_session_factory(for_writes(engine)),
        NoticeTemplates(root),
    )


async def _enroll(engine: AsyncEngine, **member_facts: object) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        await upsert_member(session=session, plan="demo-plan", cin="91000001A", facts=member_facts)


async def test_a_member_who_prefers_spanish_gets_spanish_and_the_plan_an_english_copy(
    engine: AsyncEngine,
) -> None:
    await _enroll(engine, preferred_language="es-MX")
    issued = await ActivityEnvironment().run(_activities(engine).issue, facts())
    assert issued.key == "A-1:denial"
    assert issued.languages == ("es", "en")
    assert all(notice_id.startswith("N-") for notice_id in issued.notice_ids)


async def test_issuing_the_same_facts_again_returns_the_same_notices(engine: AsyncEngine) -> None:
    activities = _activities(engine)
    first = await ActivityEnvironment().run(activities.issue, facts())
    again = await ActivityEnvironment().run(activities.issue, facts())
    assert again == first
    async with create_session_factory(engine)() as session:
        assert await session.scalar(select(func.count()).select_from(Notice)) == 1


async def test_a_member_not_on_file_gets_the_plans_first_language(
    sqlite_engine: AsyncEngine,
) -> None:
    issued = await ActivityEnvironment().run(_activities(sqlite_engine).issue, facts())
    assert issued.languages == ("en",)


async def test_facts_that_cannot_make_a_notice_fail_for_good_saying_why(
    sqlite_engine: AsyncEngine,
) -> None:
    bad = facts(NoticeKind.REDUCTION, effective_on=None)
    with pytest.raises(ApplicationError) as failed:
        await ActivityEnvironment().run(_activities(sqlite_engine).issue, bad)
    assert failed.value.non_retryable
    assert failed.value.type == "invalid_notice_facts"
    assert "give effective_on" in str(failed.value)


async def test_a_key_reused_for_other_facts_fails_for_good(sqlite_engine: AsyncEngine) -> None:
    activities = _activities(sqlite_engine)
    await ActivityEnvironment().run(activities.issue, facts())
    with pytest.raises(ApplicationError) as failed:
        await ActivityEnvironment().run(activities.issue, replace(facts(), reason="Other words."))
    assert failed.value.non_retryable and failed.value.type == "notice_key_reused"


async def test_a_broken_plan_template_fails_for_good_naming_the_file(
    sqlite_engine: AsyncEngine,
) -> None:
    broken = facts(plan="template-unknown-variable")
    with pytest.raises(ApplicationError) as failed:
        await ActivityEnvironment().run(_activities(sqlite_engine, BROKEN).issue, broken)
    assert failed.value.non_retryable and failed.value.type == "notice_template"
    assert "template-unknown-variable/en/notice.html:3" in str(failed.value)
    async with create_session_factory(sqlite_engine)() as session:
        assert await session.scalar(select(func.count()).select_from(Notice)) == 0


def test_the_facts_and_the_answer_travel_through_temporals_converter() -> None:
    sent = facts(NoticeKind.INFORMATION_REQUEST)
    answer = IssuedNotice("k", ("N-1", "N-2"), ("es", "en"))
    converter = data_converter.payload_converter
    payloads = converter.to_payloads([sent, answer])
    assert converter.from_payloads(payloads, [NoticeFacts, IssuedNotice]) == [sent, answer]


def test_the_worker_registers_notices_issue(settings: Settings, sqlite_engine: AsyncEngine) -> None:
    deps = registry.dependencies(settings, sqlite_engine)
    names = [getattr(fn, "__temporal_activity_definition").name for fn in registry.activities(deps)]
    assert "notices.issue" in names

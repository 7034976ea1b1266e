"""Versions in the database: published ones never change; the version in force is found by date.

Each test runs on SQLite and on PostgreSQL (a temporary database of its own).
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from lieu.platform.db.migrate import check
from lieu.platform.definitions.directory import Action, load_directory, publish_document
from lieu.platform.definitions.errors import (
    BaselineNotPublished,
    ContentConflict,
    InvalidDefinition,
    PublishedVersionImmutable,
    VersionExists,
)
from lieu.platform.definitions.hashing import content_hash
from lieu.platform.definitions.models import DefinitionStatus
from lieu.platform.definitions.versions import (
    create_draft,
    edit_draft,
    effective_in_force,
    effective_version,
    history,
    list_versions,
    publish,
    retire,
    version_in_force,
)
from lieu.platform.members.facts import DEFINITIONS_ROOT


def baseline(support: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        (DEFINITIONS_ROOT / "dhcs" / support / "v1.json").read_text()
    )
    return loaded


def next_version(document: dict[str, Any], version: int, effective_from: str) -> dict[str, Any]:
    return {**document, "version": version, "effective_from": effective_from}


async def test_migrations_match_the_models(engine: AsyncEngine) -> None:
    await check(engine)


async def test_a_published_version_can_never_be_edited(session: AsyncSession) -> None:
    document = baseline("respite")
    await create_draft(session=session, document=document, actor="author")
    row = await publish(session=session, plan="dhcs", support="respite", version=1, actor="lead")
    assert row.content_hash == content_hash(document)
    changed = json.loads(json.dumps(document))
    changed["limits"][0]["maximum"] = 300
    with pytest.raises(PublishedVersionImmutable, match="create version 2"):
        await edit_draft(session=session, document=changed, actor="author")
    with pytest.raises(VersionExists):
        await create_draft(session=session, document=changed, actor="author")


async def test_a_draft_can_be_edited_until_it_is_published(session: AsyncSession) -> None:
    document = {**baseline("respite"), "status": "draft"}
    await create_draft(session=session, document=document, actor="author")
    await edit_draft(session=session, document={**document, "title": "Respite"}, actor="author")
    await session.flush()
    kinds = [e.kind for e in await history(session=session, plan="dhcs", support="respite")]
    assert kinds == ["created", "edited"]


async def test_the_version_in_force_is_found_by_date_of_service(session: AsyncSession) -> None:
    v1 = baseline("housing-deposits")
    v2 = next_version(v1, 2, "2026-07-01")
    for document in (v1, v2):
        await publish_document(session=session, document=document, actor="lead")
    for on, expected in ((date(2021, 12, 31), None), (date(2026, 6, 30), 1), (date(2026, 7, 1), 2)):
        row = await version_in_force(
            session=session, plan="dhcs", support="housing-deposits", on=on
        )
        assert (row.version if row else None) == expected
    await retire(session=session, plan="dhcs", support="housing-deposits", version=2, actor="lead")
    row = await version_in_force(
        session=session, plan="dhcs", support="housing-deposits", on=date(2026, 8, 1)
    )
    assert row is not None and row.version == 1


async def test_a_version_starting_before_the_one_it_follows_is_refused(
    session: AsyncSession,
) -> None:
    v1 = baseline("respite")
    await publish_document(session=session, document=v1, actor="lead")
    with pytest.raises(InvalidDefinition) as refused:
        await publish_document(
            session=session, document=next_version(v1, 2, "2021-01-01"), actor="lead"
        )
    assert [p.code for p in refused.value.problems] == ["effective-date-backwards"]


async def test_loading_the_directory_twice_publishes_nothing_new(session: AsyncSession) -> None:
    first = await load_directory(session=session, root=DEFINITIONS_ROOT, actor="dev")
    assert len(first) == 40 and {r.action for r in first} == {Action.PUBLISHED}
    again = await load_directory(session=session, root=DEFINITIONS_ROOT, actor="dev")
    assert {r.action for r in again} == {Action.UNCHANGED}
    published = await list_versions(session=session, status=DefinitionStatus.PUBLISHED)
    assert len(published) == 40


async def test_changed_content_under_a_published_number_is_a_clear_error(
    session: AsyncSession,
) -> None:
    document = baseline("asthma-remediation")
    await publish_document(session=session, document=document, actor="lead")
    document["limits"][0]["maximum"] = 5000
    with pytest.raises(ContentConflict, match="save the change as version 2"):
        await publish_document(session=session, document=document, actor="lead")


async def test_a_plan_version_in_force_is_combined_with_its_baseline(
    session: AsyncSession,
) -> None:
    await load_directory(session=session, root=DEFINITIONS_ROOT, actor="dev")
    combined = await effective_in_force(
        session=session, plan="demo-plan", support="housing-deposits", on=date(2026, 3, 2)
    )
    assert combined is not None
    assert [limit.maximum for limit in combined.limits] == [1, 5000]
    assert len(combined.criteria) == 3


async def test_a_plan_definition_cannot_be_published_before_its_baseline(
    session: AsyncSession,
) -> None:
    plan = json.loads((DEFINITIONS_ROOT / "demo-plan/transitional-rent/v1.json").read_text())
    with pytest.raises(InvalidDefinition) as refused:
        await publish_document(session=session, document=plan, actor="lead")
    assert [p.code for p in refused.value.problems] == ["unknown-baseline"]


async def test_a_draft_with_problems_is_saved_with_them_listed_and_never_published(
    session: AsyncSession, broken_plan_draft: dict[str, Any]
) -> None:
    await load_directory(session=session, root=DEFINITIONS_ROOT, actor="dev")
    loaded = await publish_document(session=session, document=broken_plan_draft, actor="lead")
    assert loaded.action is Action.DRAFTED
    codes = ["unknown-operator", "undeclared-fact", "widens-baseline-limit"]
    assert [p.code for p in loaded.problems] == codes
    with pytest.raises(InvalidDefinition, match="cannot be published") as refused:
        await publish(
            session=session, plan="demo-plan", support="housing-deposits", version=3, actor="lead"
        )
    assert [p.code for p in refused.value.problems] == codes


async def test_a_document_the_schema_refuses_is_not_stored_and_all_its_problems_are_listed(
    session: AsyncSession, broken_plan_draft: dict[str, Any]
) -> None:
    await load_directory(session=session, root=DEFINITIONS_ROOT, actor="dev")
    document = dict(broken_plan_draft)
    del document["title"]
    with pytest.raises(InvalidDefinition, match="not stored") as refused:
        await create_draft(session=session, document=document, actor="lead")
    assert [p.code for p in refused.value.problems] == [
        "schema-required",
        "unknown-operator",
        "undeclared-fact",
        "widens-baseline-limit",
    ]
    stored = await list_versions(session=session, plan="demo-plan", support="housing-deposits")
    assert [row.version for row in stored] == [1, 2]


async def test_a_stored_plan_version_is_compared_as_in_force_over_its_baseline(
    session: AsyncSession,
) -> None:
    await load_directory(session=session, root=DEFINITIONS_ROOT, actor="dev")
    plan = await effective_version(
        session=session, plan="demo-plan", support="asthma-remediation", version=1
    )
    assert [c.id for c in plan.criteria] == [
        "poorly-controlled-asthma",
        "recent-trigger-assessment",
    ]
    assert plan.authorization is not None and plan.pricing is not None and plan.limits


async def test_a_plan_version_whose_baseline_is_not_published_has_no_effective_form(
    session: AsyncSession,
) -> None:
    plan = json.loads((DEFINITIONS_ROOT / "demo-plan/transitional-rent/v1.json").read_text())
    await create_draft(session=session, document=plan, actor="lead")
    with pytest.raises(BaselineNotPublished, match="publish that baseline first"):
        await effective_version(
            session=session, plan="demo-plan", support="transitional-rent", version=1
        )

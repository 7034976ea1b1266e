"""Notices are kept as issued: the same facts key is one notice per language however often it is
issued, a key is never reused for other facts, and each notice's deliveries say where it stands."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.members.service import upsert_member
from lieu.platform.notices.deliveries import (
    DeliveryKeyReused,
    DeliveryRefused,
    DeliveryReport,
    deliveries_of,
    latest,
    record_delivery,
)
from lieu.platform.notices.facts import NoticeFacts, NoticeKind
from lieu.platform.notices.models import Notice
from lieu.platform.notices.records import (
    Issued,
    KeyReused,
    facts_of,
    find_notice,
    member_notices,
    notices_of,
    preferred_language,
    store_notices,
)
from lieu.platform.notices.rendering import render_for_member
from lieu.platform.notices.templates import NoticeTemplates
from lieu.settings import PACKAGE_PARENT
from tests.platform.notices.notice_cases import facts

DEMO = NoticeTemplates(PACKAGE_PARENT / "benefit_definitions" / "notices")


async def _issue(
    engine: AsyncEngine, notice_facts: NoticeFacts | None = None, preferred: str | None = "es"
) -> Issued:
    notice_facts = notice_facts or facts()
    renderings = render_for_member(DEMO, notice_facts, preferred)
    async with create_session_factory(for_writes(engine)).begin() as session:
        return await store_notices(session=session, facts=notice_facts, renderings=renderings)


async def test_the_same_key_issued_twice_is_one_notice_per_language(engine: AsyncEngine) -> None:
    first = await _issue(engine)
    again = await _issue(engine)
    assert first.created and not again.created
    assert [n.language for n in first.notices] == ["es", "en"]
    assert [n.id for n in again.notices] == [n.id for n in first.notices]
    async with create_session_factory(engine)() as session:
        count = await session.scalar(select(func.count()).select_from(Notice))
        stored = await find_notice(session=session, notice_id=first.notices[0].id)
    assert count == 2
    assert stored is not None and stored.pdf.startswith(b"%PDF-")
    assert "Aviso de acción: negación" in stored.html
    assert facts_of(stored) == facts()


async def test_a_key_reused_for_other_facts_is_refused(engine: AsyncEngine) -> None:
    await _issue(engine)
    with pytest.raises(KeyReused, match="already issued N-"):
        await _issue(engine, replace(facts(), reason="Something else."))


async def test_an_authorizations_notices_list_without_their_content(engine: AsyncEngine) -> None:
    await _issue(engine)
    await _issue(engine, facts(NoticeKind.EXTENSION), preferred="en")
    async with create_session_factory(engine)() as session:
        found = await notices_of(session=session, authorization_ids=["A-1", "A-2"])
    assert [(n.kind, n.language) for n in found["A-1"]] == [
        ("denial", "es"),
        ("denial", "en"),
        ("extension", "en"),
    ]
    assert found["A-2"] == []


async def test_a_members_notices_for_a_provider_are_those_of_its_own_authorizations(
    engine: AsyncEngine,
) -> None:
    await _issue(engine)
    other = replace(facts(), key="A-9:denial", authorization_id="A-9", provider="other-clinic")
    await _issue(engine, other, preferred="en")
    async with create_session_factory(engine)() as session:
        everyone = await member_notices(session=session, plan="demo-plan", cin="91000001A")
        own = await member_notices(
            session=session, plan="demo-plan", cin="91000001A", provider="other-clinic"
        )
        elsewhere = await member_notices(session=session, plan="other-plan", cin="91000001A")
    assert len(everyone) == 3
    assert [n.authorization_id for n in own] == ["A-9"]
    assert elsewhere == []


async def test_the_members_preferred_language_is_read_from_the_members_facts(
    engine: AsyncEngine,
) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        await upsert_member(
            session=session, plan="demo-plan", cin="91000005A", facts={"preferred_language": "vi"}
        )
        await upsert_member(session=session, plan="demo-plan", cin="91000006A", facts={})
    async with create_session_factory(engine)() as session:
        assert await preferred_language(session=session, plan="demo-plan", cin="91000005A") == "vi"
        assert await preferred_language(session=session, plan="demo-plan", cin="91000006A") is None
        assert await preferred_language(session=session, plan="demo-plan", cin="X") is None


def _report(notice: Notice, **changes: object) -> DeliveryReport:
    report = DeliveryReport(
        notice_id=notice.id,
        channel="mail",
        status="sent",
        at=notice.issued_at + timedelta(hours=20),
        recorded_by="operations:demo-plan:desk",
        idempotency_key="mailhouse-1",
    )
    return replace(report, **changes)  # type: ignore[arg-type]


async def test_deliveries_are_recorded_once_per_key_and_the_latest_is_the_status(
    engine: AsyncEngine,
) -> None:
    issued = await _issue(engine, replace(facts(), issued_at=datetime.now(UTC) - timedelta(days=3)))
    notice = issued.notices[0]
    writes = create_session_factory(for_writes(engine))
    async with writes.begin() as session:
        sent = await record_delivery(session=session, notice=notice, report=_report(notice))
        again = await record_delivery(session=session, notice=notice, report=_report(notice))
        returned = _report(
            notice,
            status="returned",
            idempotency_key="mailhouse-2",
            at=notice.issued_at + timedelta(days=2),
        )
        await record_delivery(session=session, notice=notice, report=returned)
    assert sent.created and not again.created and again.delivery.id == sent.delivery.id
    async with create_session_factory(engine)() as session:
        steps = (await deliveries_of(session=session, notice_ids=[notice.id]))[notice.id]
    assert [s.status for s in steps] == ["sent", "returned"]
    found = latest(steps)
    assert found is not None and found.status == "returned"


@pytest.mark.parametrize(
    ("changes", "code", "pointer"),
    [
        ({"channel": "fax"}, "bad_channel", "/channel"),
        ({"status": "lost"}, "bad_status", "/status"),
        ({"at": datetime(2020, 1, 1, tzinfo=UTC)}, "before_issued", "/at"),
        ({"at": datetime.now(UTC) + timedelta(days=1)}, "in_the_future", "/at"),
        ({"idempotency_key": ""}, "bad_idempotency_key", "/idempotencyKey"),
        ({"note": "x" * 2001}, "note_too_long", "/note"),
    ],
)
async def test_a_delivery_that_cannot_be_true_is_refused_at_its_field(
    sqlite_engine: AsyncEngine, changes: dict[str, object], code: str, pointer: str
) -> None:
    issued = await _issue(
        sqlite_engine, replace(facts(), issued_at=datetime.now(UTC) - timedelta(days=3))
    )
    notice = issued.notices[0]
    async with create_session_factory(for_writes(sqlite_engine)).begin() as session:
        with pytest.raises(DeliveryRefused) as refused:
            await record_delivery(session=session, notice=notice, report=_report(notice, **changes))
    assert (refused.value.code, refused.value.pointer) == (code, pointer)


async def test_a_delivery_key_reused_for_another_report_is_refused(
    sqlite_engine: AsyncEngine,
) -> None:
    issued = await _issue(
        sqlite_engine, replace(facts(), issued_at=datetime.now(UTC) - timedelta(days=3))
    )
    notice = issued.notices[0]
    async with create_session_factory(for_writes(sqlite_engine)).begin() as session:
        await record_delivery(session=session, notice=notice, report=_report(notice))
        with pytest.raises(DeliveryKeyReused, match="already recorded mail sent"):
            await record_delivery(
                session=session, notice=notice, report=_report(notice, status="delivered")
            )

"""The Medi-Cal managed care clocks on a real workflow (time-skipping server, real activities):
business dates in Pacific time with California's holidays, the federal ceiling, escalation
before the deadline and the deemed denial at it."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from lieu.platform.access.authorizations import review_queue
from lieu.platform.access.roles import Principal, Role
from lieu.platform.authorizations.status import Status
from lieu.platform.db.keyset import Window
from lieu.platform.notices.models import Notice
from lieu.platform.plans.calendar import CALIFORNIA
from tests.workflows.acting import state
from tests.workflows.authorizations import PLAN, World, cin, enroll, settle
from tests.workflows.test_authorization_terms import publish_changed, step

pytestmark = pytest.mark.temporal

PACIFIC = CALIFORNIA.zone
HOUR = timedelta(hours=1)


async def at(w: World, moment: datetime) -> None:
    """Move the server's clock to `moment`."""
    await w.advance(moment.astimezone(UTC) - await w.env.get_current_time())


def three_working_days(document: dict[str, Any]) -> None:
    step(document, "review")["deadlines"]["standard"] = {"working_days": 3}


async def test_a_friday_evening_receipt_skips_the_weekend_and_martin_luther_king_day(
    w: World,
) -> None:
    # Friday 15 January 2027, 17:30 in Los Angeles: already Saturday in UTC
    await at(w, datetime(2027, 1, 15, 17, 30, tzinfo=PACIFIC))
    await publish_changed(w, "respite", three_working_days)
    ana = cin()
    await enroll(w.engine, ana, "ana", county="Los Angeles")
    handle = await w.request(ana, "respite", "20", measure="hours")
    pending = await settle(handle, lambda s: s.review_deadline is not None)
    assert pending.review_deadline is not None
    due = pending.review_deadline.astimezone(PACIFIC)
    # Monday the 18th is a California state holiday: Tuesday, Wednesday, Thursday
    assert (due.year, due.month, due.day, due.hour) == (2027, 1, 21, 17)
    opened = next(e for e in pending.timeline if e.kind == "review_requested")
    assert "2027-01-21 17:30 PST" in opened.text
    assert pending.service_start.isoformat() == "2027-01-15"  # the plan's date, not UTC's


async def test_a_missed_standard_review_is_a_denial_on_the_deadline_day(w: World) -> None:
    ana = cin()
    await enroll(w.engine, ana, "ana", county="Los Angeles")
    handle = await w.request(ana, "respite", "20", measure="hours")
    pending = await settle(handle, lambda s: s.review_deadline is not None)
    deadline = pending.review_deadline
    assert deadline is not None
    assert deadline - pending.received_at <= timedelta(days=7)  # CMS-0057-F's ceiling
    await at(w, deadline + timedelta(hours=1))
    deemed = await settle(handle, lambda s: s.deemed)
    assert deemed.status is Status.DENIED
    entry = next(e for e in deemed.timeline if e.kind == "deemed_denied")
    assert CALIFORNIA.local_date(entry.at) == CALIFORNIA.local_date(deadline)
    assert (await state(handle)).late_until is not None
    # the member's notice of the adverse determination is issued at the deadline
    async with w.sessions() as session:
        issued = (
            await session.scalars(select(Notice).where(Notice.authorization_id == handle.id))
        ).all()
    (notice,) = [n for n in issued if n.copy_of is None]
    assert notice.kind == "deemed_denial" and notice.reason_code == "timeframe_passed"
    assert timedelta(0) <= notice.issued_at - deadline < timedelta(seconds=1)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(notice.pdf)).pages)
    assert "60" in text and "State Fair Hearing" in text
    # reviewers and operations still see it among the reviews, overdue, for a late decision
    reviewer = Principal("t", Role.REVIEWER, PLAN)
    async with w.sessions() as session:
        overdue = await review_queue(
            session=session, principal=reviewer, window=Window(50), overdue_at=deadline + HOUR
        )
    assert handle.id in [row.id for row in overdue.rows]

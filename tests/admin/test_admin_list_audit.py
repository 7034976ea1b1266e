"""Console pages that list authorizations show members' CINs, so each view is audited with the
authorizations it showed (issue #15 point 4c: every PHI read audited, console pages included)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory
from tests.admin.console_stack import Console

pytestmark = pytest.mark.temporal


async def test_the_overview_and_the_list_are_audited_with_what_they_showed(
    console: Console,
) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        assert (await http.get("/admin/")).status_code == 200
        assert (await http.get("/admin/authorizations")).status_code == 200
        assert (
            await http.get("/admin/authorizations", params={"status": "denied"})
        ).status_code == (200)  # shows nothing: nothing read, no line
    async with create_session_factory(console.engine)() as session:
        rows = list(
            await session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.in_(["console.overview", "console.list_authorizations"]))
                .order_by(AuditEntry.id)
            )
        )
    # signing in reads the overview once (for its CSRF token), then the two views
    assert [(r.action, r.target, r.outcome) for r in rows] == [
        ("console.overview", "authorizations:demo-plan", "ok"),
        ("console.overview", "authorizations:demo-plan", "ok"),
        ("console.list_authorizations", "authorizations:demo-plan", "ok"),
    ]
    assert all(number in r.detail.split() for r in rows)

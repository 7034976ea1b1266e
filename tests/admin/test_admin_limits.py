"""An authorization's page shows what each limit leaves the member — used through lieu, used
elsewhere, held, remaining and why nothing is — and a reviewer approves an exception from it
where a limit holds the request; others see no form and are refused the action."""

from __future__ import annotations

import re
from html import unescape

from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory
from lieu.platform.limits.models import LimitException
from tests.admin.console_stack import Console
from tests.admin.limits_stack import held_by_respite_limit


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


async def test_a_reviewer_sees_the_use_elsewhere_and_approves_an_exception(
    console: Console,
) -> None:
    number = await held_by_respite_limit(console)
    async with await console.signed_in(Role.REVIEWER) as http:
        shown = await http.get(f"/admin/authorizations/{number}")
        words = text_of(shown.text)
        assert "336 hours per calendar year 2026-01-01 to 2026-12-31 336 hours 0 336 0 0 0" in words
        assert "of the cap of 336 hours, 336 used elsewhere (prior use)" in words
        assert "some frees up from 2027-01-01" in words
        assert "Approve an exception" in words

        url = f"/admin/authorizations/{number}/exception"
        form = {"limit": "respite-hours-per-year", "extra": "40h", "reason": "caregiver ill"}
        wrong = await http.submit(url, {**form, "key": "k-1"})
        assert wrong.status_code == 409
        assert "Not approved: '40h' is not a number" in text_of(wrong.text)
        assert 'value="40h"' in wrong.text and 'value="caregiver ill"' in wrong.text

        done = await http.submit(url, {**form, "extra": "40", "key": "k-1"})
        assert done.status_code == 303, done.text
        assert done.headers["location"].endswith("?flash=exception_approved")
        again = await http.submit(url, {**form, "extra": "40", "key": "k-1"})
        assert again.status_code == 303, "the same key records nothing twice"
        after = text_of((await http.get(done.headers["location"])).text)
        assert "Exception approved: the member's cap is raised" in after
        assert "376 hours (with 40 by exception) 0 336 0 0 40" in after
        assert "nothing left" not in after
    async with create_session_factory(console.engine)() as session:
        rows = list(await session.scalars(select(LimitException)))
        audit = list(
            await session.scalars(
                select(AuditEntry.outcome).where(AuditEntry.action == "console.approve_exception")
            )
        )
    assert [(r.extra, r.reason) for r in rows] == [(40, "caregiver ill")]
    assert rows[0].approved_by.startswith("reviewer:demo-plan")
    assert sorted(audit) == ["ok", "ok"]


async def test_operations_see_the_limits_but_may_not_approve_an_exception(
    console: Console,
) -> None:
    number = await held_by_respite_limit(console)
    async with await console.signed_in(Role.OPERATIONS) as http:
        words = text_of((await http.get(f"/admin/authorizations/{number}")).text)
        assert "Used elsewhere" in words and "Approve an exception" not in words
        answer = await http.submit(
            f"/admin/authorizations/{number}/exception",
            {"limit": "respite-hours-per-year", "extra": "40", "reason": "r", "key": "k"},
        )
        assert answer.status_code == 403
        assert "approve a limit exception" in text_of(answer.text)
    async with create_session_factory(console.engine)() as session:
        assert list(await session.scalars(select(LimitException))) == []

"""What an authorization's page shows operations: the pinned definition and how the version in
force differs from it, the deadlines and what each means, the ledger, the Temporal history
link; and which commands it offers (retry only where a step failed; extend with a reason)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import update

from lieu.platform.access.roles import Role
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.db.engine import create_session_factory, for_writes
from tests.admin.console_stack import Console
from tests.admin.test_admin_pages import _plan_respite_v1_and_v2, _text

pytestmark = pytest.mark.temporal


async def test_a_pinned_definition_that_is_the_one_in_force_says_so(console: Console) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        shown = await http.get(f"/admin/authorizations/{number}")
    assert '<strong id="pinned">dhcs/respite/v1</strong>' in shown.text
    assert "It is the version in force today." in shown.text


async def test_the_page_lists_what_the_version_in_force_changes_from_the_pinned_one(
    console: Console,
) -> None:
    await _plan_respite_v1_and_v2(console)
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        shown = await http.get(f"/admin/authorizations/{number}")
    assert "In force today: <strong>demo-plan/respite/v2</strong>" in shown.text
    changes = re.findall(r"<li>([^<]+)</li>", shown.text.split('id="changes"')[1].split("</ul>")[0])
    assert changes and all(change.startswith("Respite Services (2026): ") for change in changes)
    assert any("renamed from &#39;Respite Services&#39;" in change for change in changes)


async def test_a_pending_review_shows_when_it_is_due_and_when_silence_becomes_a_denial(
    console: Console,
) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        shown = await http.get(f"/admin/authorizations/{number}")
    clocks = re.findall(
        r'<tr data-clock="([^"]+)"><th scope="row">[^<]+</th><td><time datetime="([^"]+)"',
        shown.text,
    )
    assert clocks == [
        ("Review due", "2026-12-09T17:30:05+00:00"),
        ("Deemed denied at", "2026-12-09T17:30:05+00:00"),
    ]
    assert "a decision not made by the deadline is a denial (42 CFR 438.404(c)(5))" in shown.text
    assert "Nothing is on the limit ledger for this authorization." in shown.text
    assert "No document is on file." in shown.text


async def test_the_history_link_opens_the_workflow_in_the_temporal_ui(console: Console) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        shown = await http.get(f"/admin/authorizations/{number}")
    assert (
        f'<a id="history" href="http://127.0.0.1:8233/namespaces/default/workflows/{number}"'
        in shown.text
    )


async def test_retry_is_offered_to_operations_only_where_a_step_failed(console: Console) -> None:
    healthy = await console.project()
    stopped = await console.project()
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        await session.execute(
            update(AuthorizationRecord)
            .where(AuthorizationRecord.id == stopped)
            .values(problem="the ledger refused the reservation: limit exceeded")
        )
    async with await console.signed_in(Role.OPERATIONS) as http:
        fine = await http.get(f"/admin/authorizations/{healthy}")
        failed = await http.get(f"/admin/authorizations/{stopped}")
    async with await console.signed_in(Role.REVIEWER) as http:
        reviewer = await http.get(f"/admin/authorizations/{stopped}")
    assert 'id="retry"' not in fine.text
    assert 'id="retry"' in failed.text and "Retry step" in failed.text
    assert "Runs again the step this authorization stopped at: the ledger refused" in failed.text
    assert 'id="retry"' not in reviewer.text
    assert 'id="extend"' in reviewer.text, "reviewers extend reviews too"


async def test_an_extension_without_a_reason_is_refused_beside_its_form(console: Console) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        answer = await http.submit(f"/admin/authorizations/{number}/extend", {"reason": ""})
    assert answer.status_code == 400
    section = _text(answer.text.split('aria-labelledby="extend"')[1].split("</section>")[0])
    assert "Not done: an extension needs a reason; the provider and member read it" in section


async def test_an_authorization_in_force_shows_when_its_period_ends_in_the_plans_time(
    console: Console,
) -> None:
    number = await console.project(status="approved")
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        await session.execute(
            update(AuthorizationRecord)
            .where(AuthorizationRecord.id == number)
            .values(service_end=date(2026, 12, 31))
        )
    async with await console.signed_in(Role.OPERATIONS) as http:
        shown = await http.get(f"/admin/authorizations/{number}")
    clocks = re.findall(
        r'<tr data-clock="([^"]+)"><th scope="row">[^<]+</th><td><time datetime="([^"]+)"',
        shown.text,
    )
    # demo-plan keeps California's clock: the last day ends at the next local midnight
    assert clocks == [("Period ends", "2027-01-01T08:00:00+00:00")]
    assert "the authorized period ends on 2026-12-31" in shown.text
    assert 'id="extend"' not in shown.text, "an approved authorization has no review to extend"

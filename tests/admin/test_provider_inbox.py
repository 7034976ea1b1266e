"""The provider inbox at /provider: provider tokens sign in (plan staff tokens do not), see
their organization's authorizations and no other's, each read audited; every POST needs the
page's CSRF token; webhooks are registered and removed from its settings page."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select

from lieu.admin.access import PROVIDER_PAGES, Shown
from lieu.admin.session import CSRF_FIELD
from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory
from lieu.platform.webhooks.models import WebhookEndpoint
from tests.admin.console_stack import Console, Step, csrf_of, token
from tests.admin.provider_stack import belonging_to, provider_signed_in
from tests.admin.test_admin_access import _graphql_roles

pytestmark = pytest.mark.temporal


@pytest.mark.parametrize("shown", PROVIDER_PAGES.values(), ids=lambda s: s.field)
def test_each_inbox_page_is_open_to_providers_exactly_when_its_graphql_field_is(
    shown: Shown,
) -> None:
    assert shown.roles == _graphql_roles(shown.field) & {Role.PROVIDER}


async def _audit(console: Console, action: str) -> list[AuditEntry]:
    async with create_session_factory(console.engine)() as session:
        rows = await session.scalars(select(AuditEntry).where(AuditEntry.action == action))
        return list(rows)


async def test_plan_staff_tokens_cannot_sign_in_to_the_inbox(console: Console) -> None:
    secret = await token(console.engine, Role.OPERATIONS)
    async with httpx.AsyncClient(base_url=console.base, timeout=30) as browser:
        form = await browser.get("/provider/login")
        answer = await browser.post(
            "/provider/login",
            data={"token": secret, "next": "/provider/", CSRF_FIELD: csrf_of(form.text)},
        )
    assert answer.status_code == 401
    assert "the provider inbox is for provider organizations" in answer.text
    assert (
        "an operations token cannot sign in" in answer.text or "a operations token" in answer.text
    )


async def test_a_console_cookie_does_not_open_the_inbox(console: Console) -> None:
    async with await console.signed_in(Role.OPERATIONS) as staff:
        inbox = await staff.get("/provider/", follow_redirects=False)
    assert inbox.status_code == 303
    assert inbox.headers["location"].startswith("/provider/login")


async def test_a_provider_sees_its_own_authorizations_and_not_another_organizations(
    console_any: Console,
) -> None:
    console = console_any  # SQLite, then PostgreSQL
    ours = await console.project(status="active")
    referral = await console.project(
        status="awaiting_provider",
        steps=[
            Step(
                datetime(2026, 12, 3, 17, tzinfo=UTC),
                "referral_sent",
                "lieu",
                "provider to accept by 2026-12-08",
            ),
        ],
    )
    theirs = await console.project(status="active")
    await belonging_to(console, theirs, "org-b")
    async with await provider_signed_in(console) as provider:
        inbox = await provider.get("/provider/")
        mine = await provider.get(f"/provider/authorizations/{ours}")
        other = await provider.get(f"/provider/authorizations/{theirs}")
    assert inbox.status_code == 200
    assert ours in inbox.text and referral in inbox.text and theirs not in inbox.text
    assert '<time datetime="2026-12-08">2026-12-08</time>' in inbox.text  # answer by
    assert inbox.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in inbox.headers["content-security-policy"]
    assert mine.status_code == 200 and 'id="remaining">24 hours' in mine.text
    assert other.status_code == 404 and "91000001A" not in other.text
    listed = await _audit(console, "provider.list_authorizations")  # signing in shows it too
    assert {line.detail for line in listed} == {" ".join(sorted([ours, referral]))}
    views = await _audit(console, "provider.view_authorization")
    assert sorted((v.target, v.outcome) for v in views) == sorted(
        [(f"authorization:{ours}", "ok"), (f"authorization:{theirs}", "not_found")]
    )
    assert (await _audit(console, "provider.balances"))[0].target == "member:demo-plan/91000001A"


@pytest.mark.parametrize(
    "path",
    [
        "/provider/login",
        "/provider/logout",
        "/provider/authorizations/A-1/respond",
        "/provider/authorizations/A-1/inform",
        "/provider/authorizations/A-1/report",
        "/provider/authorizations/A-1/reauthorize",
        "/provider/authorizations/A-1/upload",
        "/provider/authorizations/A-1/note",
        "/provider/settings/webhooks",
        "/provider/settings/webhooks/wh_1/remove",
    ],
)
async def test_every_inbox_post_without_the_pages_csrf_token_changes_nothing(
    console: Console, path: str
) -> None:
    async with await provider_signed_in(console) as provider:
        forged = await provider.post(path, data={"answer": "accept", "url": "https://x.example"})
    assert forged.status_code == 403, forged.text[:300]
    assert "Nothing was changed" in forged.text
    assert await _audit(console, "provider.registerWebhook") == []


async def test_a_webhook_is_registered_with_its_secret_shown_once_and_removed(
    console: Console,
) -> None:
    async with await provider_signed_in(console) as provider:
        bad = await provider.submit("/provider/settings/webhooks", {"url": "http://example.org/h"})
        made = await provider.submit(
            "/provider/settings/webhooks", {"url": "https://org-a.example/lieu"}
        )
        listed = await provider.get("/provider/settings")
        async with create_session_factory(console.engine)() as session:
            endpoint = await session.scalar(select(WebhookEndpoint))
        assert endpoint is not None
        gone = await provider.submit(f"/provider/settings/webhooks/{endpoint.id}/remove", {})
        after = await provider.get("/provider/settings")
    assert bad.status_code == 400 and "only sent over https" in bad.text
    assert made.status_code == 200 and endpoint.secret in made.text
    assert endpoint.provider == "org-a" and endpoint.url == "https://org-a.example/lieu"
    assert "https://org-a.example/lieu" in listed.text and endpoint.secret not in listed.text
    assert gone.status_code == 303 and "webhook_removed" in gone.headers["location"]
    assert "No webhook yet" in after.text
    registered = await _audit(console, "provider.registerWebhook")
    assert sorted(r.outcome for r in registered) == ["invalid", "ok"]
    assert all(endpoint.secret not in (r.detail or "") for r in registered)
    assert [r.outcome for r in await _audit(console, "provider.removeWebhook")] == ["ok"]


async def test_a_note_from_the_inbox_is_shown_on_the_consoles_authorization_page(
    console_any: Console,
) -> None:
    console = console_any  # SQLite, then PostgreSQL
    number = await console.project(status="active")
    async with await provider_signed_in(console) as provider:
        empty = await provider.submit(f"/provider/authorizations/{number}/note", {"text": " "})
        added = await provider.submit(
            f"/provider/authorizations/{number}/note", {"text": "member moved to a shelter"}
        )
        shown = await provider.get(added.headers["location"])
    async with await console.signed_in(Role.REVIEWER) as reviewer:
        staff_page = await reviewer.get(f"/admin/authorizations/{number}")
    assert empty.status_code == 400 and "Not added: write the note" in empty.text
    assert added.status_code == 303 and "note_added" in added.headers["location"]
    assert "member moved to a shelter" in shown.text
    assert "Notes with the provider" in staff_page.text
    assert "member moved to a shelter" in staff_page.text
    outcomes = [line.outcome for line in await _audit(console, "provider.addReferralNote")]
    assert outcomes == ["invalid", "ok"]


def test_the_csrf_refusals_above_cover_every_inbox_post_route() -> None:
    from starlette.routing import Route

    from lieu.admin.provider.actions import AUDITED
    from lieu.admin.provider.routes import routes

    posts = sorted(
        route.path
        for route in routes()
        if isinstance(route, Route) and "POST" in (route.methods or set())
    )
    assert posts == [
        "/authorizations/{number}/{action}",
        "/login",
        "/logout",
        "/settings/webhooks",
        "/settings/webhooks/{id}/remove",
    ]
    assert sorted(AUDITED) == ["inform", "note", "reauthorize", "report", "respond", "upload"]


async def test_an_upload_passes_the_guard_with_its_token_and_is_refused_when_nothing_is_asked(
    console: Console,
) -> None:
    number = await console.project(status="pending_review")  # no workflow asks for documents
    async with await provider_signed_in(console) as provider:
        sent = await provider.post(
            f"/provider/authorizations/{number}/upload",
            data={"requirement": "caregiver_assessment", CSRF_FIELD: provider.csrf},
            files={"file": ("assessment.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        )
        forged = await provider.post(
            f"/provider/authorizations/{number}/upload",
            data={"requirement": "caregiver_assessment", CSRF_FIELD: "forged"},
            files={"file": ("assessment.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")},
        )
    assert sent.status_code == 400
    assert "Not done: this support asks for no documents" in sent.text
    assert forged.status_code == 403 and "Nothing was changed" in forged.text
    [line] = await _audit(console, "provider.attachDocument")
    assert (line.outcome, line.detail) == ("refused", "unknown_requirement: caregiver_assessment")

"""A page on another origin cannot act in the console in a signed-in person's name: in Chromium,
a form on another port of the same host (same site: the SameSite cookie goes along) and on
another loopback address (cross site) auto-submits to every POST route of the console (listed
from its router, so a new action is covered at once); each is refused with the console's 403
page and nothing changes. The session cookie's flags are read from the browser itself."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from lieu.admin.session import COOKIE, CSRF_FIELD
from lieu.platform.access.models import AuditEntry, ConsoleSession
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.db.engine import create_session_factory
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.admin.console_stack import Console, post_paths, projected_console, token
from tests.e2e.test_e2e_console_browser import browser, sign_in
from tests.serving import serve_app

pytestmark = [pytest.mark.browser, pytest.mark.temporal]
__all__ = ["browser"]  # the fixture, shared with the console's other browser tests

# What a forger would send to each route: everything the real form holds, and a guessed token.
FORGED = {
    "token": "",  # the attacker's own token (login CSRF: sign the victim in as the attacker)
    "next": "/admin/",
    "reason": "forged by another site",
    "confirmed": "yes",
    "decision": "approve",
    "key": "forged-key",
    CSRF_FIELD: "guessed",
}


@pytest.fixture
async def console(
    settings: Settings, sqlite_engine: AsyncEngine, temporal_dev_server: DevServer
) -> AsyncIterator[Console]:
    async with projected_console(settings, sqlite_engine, temporal_dev_server) as served:
        yield served


def forger(target_base: str, fields: dict[str, str]) -> Starlette:
    """Another site: `/?to=/admin/...` is a page whose form posts itself there at once."""

    async def forged_page(request: Request) -> HTMLResponse:
        action = html.escape(target_base + request.query_params["to"])
        inputs = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in fields.items()
        )
        return HTMLResponse(
            f'<!doctype html><form method="post" action="{action}">{inputs}</form>'
            "<script>document.forms[0].submit()</script>"
        )

    return Starlette(routes=[Route("/", forged_page)])


async def _state(console: Console, number: str) -> tuple[int, int, str]:
    """What a forged post could change: audit lines, sessions, the authorization's status."""
    async with create_session_factory(console.engine)() as session:
        audit = await session.scalar(select(func.count()).select_from(AuditEntry))
        sessions = await session.scalar(select(func.count()).select_from(ConsoleSession))
        status = await session.scalar(
            select(AuthorizationRecord.status).where(AuthorizationRecord.id == number)
        )
    return int(audit or 0), int(sessions or 0), str(status)


async def _session_cookie(context: BrowserContext) -> dict[str, object]:
    cookies = [c for c in await context.cookies() if c.get("name") == COOKIE]
    assert len(cookies) == 1, cookies
    return dict(cookies[0])


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.REVIEWER])
@pytest.mark.parametrize(
    "attacker_host", ["127.0.0.1", "127.0.0.2"], ids=["same-site", "cross-site"]
)
@pytest.mark.long
async def test_a_cross_site_post_to_every_console_action_is_refused_and_changes_nothing(
    browser: Browser, console: Console, role: Role, attacker_host: str
) -> None:
    number = await console.project()
    own = await token(console.engine, role)
    fields = {**FORGED, "token": await token(console.engine, Role.OPERATIONS, label="attacker")}
    context = await browser.new_context()
    page = await context.new_page()
    await sign_in(page, console.base, own)
    await page.wait_for_url(f"{console.base}/admin/")

    cookie = await _session_cookie(context)
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Strict"
    assert cookie["secure"] is False, "plain http: a Secure cookie would never be sent back"
    assert cookie["path"] == "/admin"
    assert own not in str(cookie["value"]), "the cookie never holds the token"

    before = await _state(console, number)
    async with serve_app(forger(console.base, fields), attacker_host) as elsewhere:
        for path in post_paths(number):
            async with page.expect_response(
                lambda r, path=path: (
                    r.url.startswith(console.base + path) and r.request.method == "POST"
                )
            ) as answered:
                await page.goto(f"{elsewhere}/?to={path}")
            answer = await answered.value
            assert answer.status == 403, (path, answer.status)
            await page.wait_for_load_state()
            alert = await page.locator("#forbidden").inner_text()
            assert alert.startswith("Nothing was changed: "), (path, alert)
    assert await _state(console, number) == before
    assert await _session_cookie(context) == cookie, "still the same session: no forged sign-in"
    await page.goto(f"{console.base}/admin/authorizations/{number}")
    assert "pending review" in await page.locator("#status").inner_text()
    assert await page.locator(".who").get_attribute("data-role") == role.value
    await context.close()

"""Every console POST (sign-in and sign-out included, and any route added later) is refused with
a 403 page that says nothing was changed unless it carries the CSRF token of the page the console
gave, and comes, by the browser's own account, from the console itself."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import func, select

from lieu.admin.session import COOKIE, CSRF_FIELD
from lieu.platform.access.models import AuditEntry, ConsoleSession
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory
from tests.admin.console_stack import Console, ConsoleClient, csrf_of, post_paths, token

pytestmark = pytest.mark.temporal


async def _counts(console: Console) -> tuple[int, int]:
    async with create_session_factory(console.engine)() as session:
        audit = await session.scalar(select(func.count()).select_from(AuditEntry))
        sessions = await session.scalar(select(func.count()).select_from(ConsoleSession))
    return int(audit or 0), int(sessions or 0)


def _refusal(answer: httpx.Response) -> str:
    assert answer.status_code == 403, (answer.status_code, answer.text[:400])
    found = re.search(r'<p class="error" role="alert" id="forbidden">(.*?)</p>', answer.text)
    assert found is not None, answer.text
    assert "send the form again" in answer.text
    return found.group(1)


def _form(path: str, secret: str) -> dict[str, str]:
    if path.endswith("/login"):
        return {"token": secret, "next": "/admin/"}
    return {
        "reason": "forged",
        "confirmed": "yes",
        "decision": "approve",
        "limit": "respite-hours-per-year",
        "extra": "40",
    }


def test_every_console_action_is_a_post_route_the_refusals_below_cover() -> None:
    assert post_paths("A-1") == [
        "/admin/login",
        "/admin/logout",
        "/admin/authorizations/A-1/cancel",
        "/admin/authorizations/A-1/decide",
        "/admin/authorizations/A-1/exception",
        "/admin/authorizations/A-1/extend",
        "/admin/authorizations/A-1/retry",
        "/admin/studio/elections",
        "/admin/studio/reviews/1/approve",
        "/admin/studio/reviews/1/return",
        "/admin/studio/reviews/1/withdraw",
        "/admin/studio/respite/submit",
        "/admin/studio/respite/edit",
        "/admin/studio/respite/edit/check",
        "/admin/studio/respite/edit/form",
        "/admin/studio/respite/try",
        "/admin/studio/respite/export",
        "/admin/studio/respite/simulate",
        "/admin/bulk",
        "/admin/bulk/B-1/run",
        "/admin/bulk/B-1/stop",
        "/admin/failures/A-1/retry",
    ]


@pytest.mark.parametrize("role", [Role.OPERATIONS, Role.REVIEWER])
async def test_a_post_without_the_pages_csrf_token_is_refused_and_changes_nothing(
    console: Console, role: Role
) -> None:
    number = await console.project()
    other = await token(console.engine, Role.OPERATIONS)
    async with await console.signed_in(role) as http:
        before = await _counts(console)
        for path in post_paths(number):
            for csrf in ("", "x" * 43):
                answer = await http.post(path, data={**_form(path, other), CSRF_FIELD: csrf})
                assert "security token" in _refusal(answer) or "ended" in _refusal(answer)
        assert await _counts(console) == before
        assert (await http.get(f"/admin/authorizations/{number}")).status_code == 200
    shown = await http_page(console, number)
    assert "pending review" in shown


async def http_page(console: Console, number: str) -> str:
    async with await console.signed_in(Role.OPERATIONS) as http:
        return (await http.get(f"/admin/authorizations/{number}")).text


@pytest.mark.parametrize(
    ("headers", "said"),
    [
        ({"sec-fetch-site": "cross-site"}, "from another site (cross-site)"),
        ({"sec-fetch-site": "same-site"}, "from another site (same-site)"),
        ({"origin": "http://evil.example"}, "sent from http://evil.example"),
        ({"origin": "null"}, "sent from null"),
    ],
)
async def test_a_post_the_browser_says_came_from_elsewhere_is_refused_even_with_the_token(
    console: Console, headers: dict[str, str], said: str
) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        before = await _counts(console)
        for path in post_paths(number):
            fields = {**_form(path, "lieu_x_y"), CSRF_FIELD: http.csrf}
            answer = await http.post(path, data=fields, headers=headers)
            assert said in _refusal(answer)
        assert await _counts(console) == before
        assert (await http.get("/admin/authorizations")).status_code == 200, "still signed in"


async def test_a_form_sent_as_plain_text_or_multipart_is_refused(console: Console) -> None:
    number = await console.project()
    async with await console.signed_in(Role.OPERATIONS) as http:
        path = f"/admin/authorizations/{number}/cancel"
        plain = await http.post(
            path,
            content=f"reason=x&confirmed=yes&csrf={http.csrf}",
            headers={"content-type": "text/plain"},
        )
        assert "not text/plain" in _refusal(plain)
        multipart = await http.post(path, data={"csrf": http.csrf}, files={"f": b"x"})
        assert "not multipart/form-data" in _refusal(multipart)


async def test_signing_in_needs_the_sign_in_forms_own_token(console: Console) -> None:
    secret = await token(console.engine, Role.OPERATIONS)
    async with httpx.AsyncClient(base_url=console.base) as http:
        bare = await http.post("/admin/login", data={"token": secret})
        assert "ended" in _refusal(bare)  # no sign-in form was ever opened
        form = await http.get("/admin/login")
        wrong = await http.post("/admin/login", data={"token": secret, CSRF_FIELD: "nope"})
        assert "security token" in _refusal(wrong)
        assert COOKIE not in http.cookies
        right = await http.post(
            "/admin/login", data={"token": secret, CSRF_FIELD: csrf_of(form.text)}
        )
        assert right.status_code == 303
        assert http.cookies.get(COOKIE)


async def test_the_session_token_does_not_serve_another_session(console: Console) -> None:
    number = await console.project()
    async with (
        await console.signed_in(Role.OPERATIONS) as mine,
        await console.signed_in(Role.OPERATIONS) as theirs,
    ):
        stolen = ConsoleClient(base_url=console.base, cookies=theirs.cookies)
        stolen.csrf = mine.csrf
        async with stolen:
            answer = await stolen.submit(f"/admin/authorizations/{number}/cancel", {"reason": "x"})
        assert "security token" in _refusal(answer)

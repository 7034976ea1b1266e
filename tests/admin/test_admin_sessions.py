"""Console sessions: the cookie holds a signed random id (never the token), a new one at every
sign-in; signing out, going idle, growing old or revoking the token ends the session in the
database, so the cookie signs in nowhere any more."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select, update

from lieu.admin.session import COOKIE, CSRF_FIELD, LOGIN_COOKIE
from lieu.platform.access.models import ConsoleSession
from lieu.platform.access.roles import Role
from lieu.platform.access.tokens import revoke_token, token_id_of
from lieu.platform.db.base import utcnow
from lieu.platform.db.engine import create_session_factory, for_writes
from tests.admin.console_stack import Console, csrf_of, sign_in, token
from tests.serving import serve

pytestmark = pytest.mark.temporal


async def _sessions(console: Console) -> int:
    async with create_session_factory(console.engine)() as session:
        return int(await session.scalar(select(func.count()).select_from(ConsoleSession)) or 0)


async def _age_sessions(console: Console, **back: timedelta) -> None:
    """Move every session's clock back (`created_at=…`, `last_seen_at=…`)."""
    now = utcnow()
    values = {column: now - ago for column, ago in back.items()}
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        await session.execute(update(ConsoleSession).values(**values))


async def _reason_on_sign_in_page(http: httpx.AsyncClient) -> str:
    """Where an ended session sends the browser, and what the sign-in page says."""
    page = await http.get("/admin/authorizations")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/admin/login")
    form = await http.get("/admin/login")
    return form.text


def _set_cookie(answer: httpx.Response, name: str) -> str:
    lines = [h for h in answer.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(lines) == 1, answer.headers.get_list("set-cookie")
    return lines[0]


async def test_the_cookie_holds_a_signed_session_id_not_the_token(console: Console) -> None:
    secret = await token(console.engine, Role.OPERATIONS)
    async with httpx.AsyncClient(base_url=console.base) as http:
        form = await http.get("/admin/login")
        assert "httponly" in _set_cookie(form, LOGIN_COOKIE).lower()
        answer = await sign_in(http, secret)
    assert answer.status_code == 303
    header = _set_cookie(answer, COOKIE)
    value = header.split(";", 1)[0].split("=", 1)[1]
    token_id = token_id_of(secret)
    assert token_id is not None
    assert secret not in header and token_id not in header
    flags = {part.strip().lower() for part in header.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/admin"} <= flags
    assert "secure" not in flags, "plain http: a Secure cookie would never come back"
    assert await _sessions(console) == 1
    assert len(value) > 80  # a 256-bit id and its signature


async def test_behind_a_tls_proxy_the_cookie_is_secure(console: Console) -> None:
    secret = await token(console.engine, Role.OPERATIONS)
    tls = {"x-forwarded-proto": "https"}
    # from a client lieu does not trust, the header is not believed (LIEU_TRUSTED_PROXIES)
    async with httpx.AsyncClient(base_url=console.base, headers=tls) as http:
        untrusted = _set_cookie(await http.get("/admin/login"), LOGIN_COOKIE)
    assert "secure" not in untrusted.lower()
    # the proxy (here on loopback) named in LIEU_TRUSTED_PROXIES
    behind = console.settings.with_(trusted_proxies="127.0.0.1")
    async with serve(behind) as base, httpx.AsyncClient(base_url=base, headers=tls) as http:
        form = await http.get("/admin/login")
        login_cookie = _set_cookie(form, LOGIN_COOKIE)
        assert "secure" in login_cookie.lower()
        # The test talks plain http to the proxy's back end: hand the Secure cookie back itself.
        http.cookies.set(LOGIN_COOKIE, login_cookie.split(";", 1)[0].split("=", 1)[1])
        answer = await http.post(
            "/admin/login", data={"token": secret, CSRF_FIELD: csrf_of(form.text)}
        )
    assert answer.status_code == 303
    assert "secure" in {p.strip().lower() for p in _set_cookie(answer, COOKIE).split(";")}


async def test_every_sign_in_gets_a_new_session_and_the_old_one_ends(console: Console) -> None:
    secret = await token(console.engine, Role.OPERATIONS)
    async with httpx.AsyncClient(base_url=console.base) as http:
        await sign_in(http, secret)
        first = http.cookies[COOKIE]
        await sign_in(http, secret)
        second = http.cookies[COOKIE]
    assert first != second
    assert await _sessions(console) == 1
    async with httpx.AsyncClient(base_url=console.base, cookies={COOKIE: first}) as stale:
        assert (await stale.get("/admin/authorizations")).status_code == 303


async def test_signing_out_ends_the_session_so_a_copied_cookie_no_longer_signs_in(
    console: Console,
) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        copied = http.cookies[COOKIE]
        out = await http.submit("/admin/logout", {})
        assert out.status_code == 303
        assert (await http.get("/admin/authorizations")).status_code == 303
    assert await _sessions(console) == 0
    async with httpx.AsyncClient(base_url=console.base, cookies={COOKIE: copied}) as replay:
        assert "you are signed out" in await _reason_on_sign_in_page(replay)


async def test_revoking_the_token_ends_its_console_sessions(console: Console) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        assert (await http.get("/admin/authorizations")).status_code == 200
        async with create_session_factory(for_writes(console.engine)).begin() as session:
            token_id = await session.scalar(select(ConsoleSession.token_id))
            assert token_id is not None
            await revoke_token(session=session, token_id=token_id)
        assert f"token {token_id} was revoked" in await _reason_on_sign_in_page(http)


async def test_a_session_ends_after_30_minutes_without_a_request(console: Console) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        await _age_sessions(console, last_seen_at=timedelta(minutes=29))
        assert (await http.get("/admin/authorizations")).status_code == 200
        async with create_session_factory(console.engine)() as session:
            seen = await session.scalar(select(ConsoleSession.last_seen_at))
        assert seen is not None and utcnow() - seen < timedelta(minutes=1), "activity recorded"
        await _age_sessions(console, last_seen_at=timedelta(minutes=31))
        assert "30 minutes without activity" in await _reason_on_sign_in_page(http)


async def test_a_session_ends_after_12_hours_however_active(console: Console) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        await _age_sessions(console, created_at=timedelta(hours=12, seconds=1))
        assert "ended after 12 hours" in await _reason_on_sign_in_page(http)


async def test_a_cookie_whose_signature_is_not_the_consoles_signs_in_nowhere(
    console: Console,
) -> None:
    async with await console.signed_in(Role.OPERATIONS) as http:
        session_id = http.cookies[COOKIE].rpartition(".")[0]
    forged = f"{session_id}.{'A' * 43}"
    async with httpx.AsyncClient(base_url=console.base, cookies={COOKIE: forged}) as http:
        assert "not one this console issued" in await _reason_on_sign_in_page(http)

"""Signing in to the console: a token opens a server-side session (a row in the database, shared
by every API replica); the browser's cookie holds only that session's random id, signed.

The cookie is HttpOnly, SameSite=Strict, Secure over TLS, scoped to /admin. Every state-changing
form carries a CSRF token derived from the session id (the sign-in form: from a pre-session
cookie), checked by `lieu.admin.guard` before any console route runs.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import timedelta

from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import Response

from lieu.admin.database import is_busy, runtime_of, writes
from lieu.platform.access.console_sessions import (
    SessionEnded,
    SessionLimits,
    end_session,
    find_session,
    open_session,
    touch,
)
from lieu.platform.access.roles import Principal, Role
from lieu.platform.access.tokens import TokenRejected, authenticate
from lieu.platform.db.base import utcnow
from lieu.runtime import Runtime
from lieu.settings import Settings

COOKIE = "lieu_console"  # "<session id>.<signature>"
LOGIN_COOKIE = "lieu_console_login"  # a random nonce the sign-in form's CSRF token is bound to
CSRF_FIELD = "csrf"
COOKIE_PATH = "/admin"
LOGIN_COOKIE_SECONDS = 3600
CONSOLE_ROLES = frozenset({Role.OPERATIONS, Role.REVIEWER, Role.PLAN_ADMIN})


class NotSignedIn(Exception):
    """No usable session: the page sends the browser to the sign-in form, saying why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def limits_of(settings: Settings) -> SessionLimits:
    """The session timeouts the settings give."""
    return SessionLimits(
        idle=timedelta(minutes=settings.console_idle_minutes),
        absolute=timedelta(hours=settings.console_session_hours),
    )


def _sign(secret: bytes, purpose: str, value: str) -> str:
    digest = hmac.new(secret, f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def session_id_of(request: Request) -> str | None:
    """The session id the request's cookie carries, if its signature is ours."""
    raw = request.cookies.get(COOKIE, "")
    session_id, dot, signature = raw.rpartition(".")
    if not dot or not session_id:
        return None
    expected = _sign(runtime_of(request).session_secret, "session", session_id)
    return session_id if hmac.compare_digest(signature, expected) else None


def csrf_token(request: Request) -> str:
    """The CSRF token forms on this request's pages carry: bound to the signed-in session, or
    "" without one."""
    session_id = session_id_of(request)
    if session_id is None:
        return ""
    return _sign(runtime_of(request).session_secret, "csrf", session_id)


def login_csrf_token(request: Request, nonce: str) -> str:
    """The sign-in form's CSRF token, bound to its pre-session cookie's nonce."""
    return _sign(runtime_of(request).session_secret, "login", nonce)


def expected_csrf(request: Request) -> str | None:
    """The CSRF token a POST to this path must carry; None when the request has no cookie
    that one could be bound to."""
    if request.url.path.rstrip("/") == f"{COOKIE_PATH}/login":
        nonce = request.cookies.get(LOGIN_COOKIE)
        return login_csrf_token(request, nonce) if nonce else None
    token = csrf_token(request)
    return token or None


def login_nonce(request: Request) -> tuple[str, bool]:
    """The sign-in form's nonce and whether it is new (and must be set as a cookie)."""
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if len(nonce) >= 32 and nonce.isascii():
        return nonce, False
    return secrets.token_urlsafe(32), True


def set_login_cookie(request: Request, response: Response, nonce: str) -> None:
    """Set the pre-session cookie the sign-in form's CSRF token is bound to."""
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=LOGIN_COOKIE_SECONDS,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


async def principal_of(request: Request) -> Principal:
    """The signed-in plan staff member; NotSignedIn saying why otherwise."""
    if not request.cookies.get(COOKIE):
        raise NotSignedIn("sign in with an API token")
    session_id = session_id_of(request)
    if session_id is None:
        raise NotSignedIn("your console cookie is not one this console issued; sign in again")
    runtime = runtime_of(request)
    now = utcnow()
    async with runtime.sessions() as session:
        try:
            found = await find_session(
                session=session,
                session_id=session_id,
                limits=limits_of(runtime.settings),
                now=now,
            )
        except SessionEnded as ended:
            raise NotSignedIn(str(ended)) from None
    if found.principal.role not in CONSOLE_ROLES:
        raise NotSignedIn("the console is for plan staff; sign in with a plan staff token")
    if found.touch_due:
        try:
            async with writes(request).begin() as session:
                await touch(session=session, key=found.key, now=now)
        except DBAPIError as error:
            if not is_busy(error):
                raise
            # The page still answers; the next request records the activity.
    return found.principal


async def check_token(runtime: Runtime, secret: str) -> Principal:
    """Verify a token for the console: valid, and held by plan staff (not a provider)."""
    async with runtime.sessions() as session:
        try:
            principal = await authenticate(session=session, secret=secret.strip())
        except TokenRejected as rejected:
            raise NotSignedIn(str(rejected)) from None
    if principal.role not in CONSOLE_ROLES:
        raise NotSignedIn(
            f"the console is for plan staff; a {principal.role.value} token cannot sign in"
        )
    return principal


async def sign_in(request: Request, response: Response, principal: Principal) -> None:
    """Open a new session for `principal` (a new id every sign-in: one the browser carried
    before is ended, never reused) and set its cookie on `response`."""
    runtime = runtime_of(request)
    old = session_id_of(request)
    async with writes(request).begin() as session:
        if old is not None:
            await end_session(session=session, session_id=old)
        session_id = await open_session(
            session=session,
            token_id=principal.token_id,
            limits=limits_of(runtime.settings),
            now=utcnow(),
        )
    signed = f"{session_id}.{_sign(runtime.session_secret, 'session', session_id)}"
    response.set_cookie(
        COOKIE,
        signed,
        max_age=runtime.settings.console_session_hours * 3600,
        path=COOKIE_PATH,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_COOKIE, path=COOKIE_PATH)


async def sign_out(request: Request, response: Response) -> None:
    """End the request's session in the database and clear its cookie."""
    session_id = session_id_of(request)
    if session_id is not None:
        async with writes(request).begin() as session:
            await end_session(session=session, session_id=session_id)
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")

"""Signing in to the console: a token opens a server-side session (a row in the database, shared
by every API replica); the browser's cookie holds only that session's random id, signed.

The cookie is HttpOnly, SameSite=Strict, Secure over TLS, scoped to /admin. Every state-changing
form carries a CSRF token derived from the session id (the sign-in form: from a pre-session
cookie), checked by `lieu.admin.guard` before any console route runs.

The provider inbox (/provider) signs in the same way through its own `Door`: its own cookies,
scoped to /provider and signed for it (a console cookie never opens the inbox, nor the other way
round), for provider tokens only.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
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


@dataclass(frozen=True, slots=True)
class Door:
    """One way in: the path its cookies are scoped to, their names, what its signatures are
    bound to, and the roles it lets in (with the words that refuse the others)."""

    path: str
    cookie: str
    login_cookie: str
    purpose: str  # prefixed to what is signed: a cookie of one door is no cookie of another
    roles: frozenset[Role]
    name: str  # "console"
    for_whom: str  # "plan staff"

    def refusal(self, role: Role) -> str:
        return f"the {self.name} is for {self.for_whom}; a {role.value} token cannot sign in"


CONSOLE = Door(COOKIE_PATH, COOKIE, LOGIN_COOKIE, "", CONSOLE_ROLES, "console", "plan staff")
PROVIDER = Door(
    "/provider",
    "lieu_provider",
    "lieu_provider_login",
    "provider:",
    frozenset({Role.PROVIDER}),
    "provider inbox",
    "provider organizations (plan staff sign in at /admin)",
)


def door_of(request: Request) -> Door:
    """The door the request came through, by its path."""
    path = request.url.path
    return PROVIDER if path == PROVIDER.path or path.startswith(PROVIDER.path + "/") else CONSOLE


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


def _sign(request: Request, purpose: str, value: str) -> str:
    secret = runtime_of(request).session_secret
    message = f"{door_of(request).purpose}{purpose}:{value}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def session_id_of(request: Request) -> str | None:
    """The session id the request's cookie carries, if its signature is ours."""
    raw = request.cookies.get(door_of(request).cookie, "")
    session_id, dot, signature = raw.rpartition(".")
    if not dot or not session_id:
        return None
    expected = _sign(request, "session", session_id)
    return session_id if hmac.compare_digest(signature, expected) else None


def csrf_token(request: Request) -> str:
    """The CSRF token forms on this request's pages carry: bound to the signed-in session, or
    "" without one."""
    session_id = session_id_of(request)
    if session_id is None:
        return ""
    return _sign(request, "csrf", session_id)


def login_csrf_token(request: Request, nonce: str) -> str:
    """The sign-in form's CSRF token, bound to its pre-session cookie's nonce."""
    return _sign(request, "login", nonce)


def expected_csrf(request: Request) -> str | None:
    """The CSRF token a POST to this path must carry; None when the request has no cookie
    that one could be bound to."""
    door = door_of(request)
    if request.url.path.rstrip("/") == f"{door.path}/login":
        nonce = request.cookies.get(door.login_cookie)
        return login_csrf_token(request, nonce) if nonce else None
    token = csrf_token(request)
    return token or None


def login_nonce(request: Request) -> tuple[str, bool]:
    """The sign-in form's nonce and whether it is new (and must be set as a cookie)."""
    nonce = request.cookies.get(door_of(request).login_cookie, "")
    if len(nonce) >= 32 and nonce.isascii():
        return nonce, False
    return secrets.token_urlsafe(32), True


def set_login_cookie(request: Request, response: Response, nonce: str) -> None:
    """Set the pre-session cookie the sign-in form's CSRF token is bound to."""
    door = door_of(request)
    response.set_cookie(
        door.login_cookie,
        nonce,
        max_age=LOGIN_COOKIE_SECONDS,
        path=door.path,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


async def principal_of(request: Request) -> Principal:
    """The signed-in caller this door lets in (plan staff at the console, a provider at the
    inbox); NotSignedIn saying why otherwise."""
    door = door_of(request)
    if not request.cookies.get(door.cookie):
        raise NotSignedIn("sign in with an API token")
    session_id = session_id_of(request)
    if session_id is None:
        raise NotSignedIn(f"your cookie is not one this {door.name} issued; sign in again")
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
    if found.principal.role not in door.roles:
        raise NotSignedIn(door.refusal(found.principal.role))
    if found.touch_due:
        try:
            async with writes(request).begin() as session:
                await touch(session=session, key=found.key, now=now)
        except DBAPIError as error:
            if not is_busy(error):
                raise
            # The page still answers; the next request records the activity.
    return found.principal


async def check_token(runtime: Runtime, secret: str, door: Door = CONSOLE) -> Principal:
    """Verify a token for a door: valid, and of a role it lets in (the console: plan staff,
    not a provider; the inbox: a provider)."""
    async with runtime.sessions() as session:
        try:
            principal = await authenticate(session=session, secret=secret.strip())
        except TokenRejected as rejected:
            raise NotSignedIn(str(rejected)) from None
    if principal.role not in door.roles:
        raise NotSignedIn(door.refusal(principal.role))
    return principal


async def sign_in(request: Request, response: Response, principal: Principal) -> None:
    """Open a new session for `principal` (a new id every sign-in: one the browser carried
    before is ended, never reused) and set its cookie on `response`."""
    runtime = runtime_of(request)
    door = door_of(request)
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
    signed = f"{session_id}.{_sign(request, 'session', session_id)}"
    response.set_cookie(
        door.cookie,
        signed,
        max_age=runtime.settings.console_session_hours * 3600,
        path=door.path,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(door.login_cookie, path=door.path)


async def sign_out(request: Request, response: Response) -> None:
    """End the request's session in the database and clear its cookie."""
    session_id = session_id_of(request)
    if session_id is not None:
        async with writes(request).begin() as session:
            await end_session(session=session, session_id=session_id)
    door = door_of(request)
    response.delete_cookie(door.cookie, path=door.path, httponly=True, samesite="strict")

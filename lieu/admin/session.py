"""Signing in to the console with an API token kept in an HttpOnly, same-site cookie."""

from __future__ import annotations

from starlette.requests import Request

from lieu.platform.access.roles import Principal, Role
from lieu.platform.access.tokens import TokenRejected, authenticate
from lieu.runtime import Runtime

COOKIE = "lieu_console"
CONSOLE_ROLES = frozenset({Role.OPERATIONS, Role.REVIEWER, Role.PLAN_ADMIN})


class NotSignedIn(Exception):
    """No usable token: the page sends the browser to the sign-in form, saying why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def principal_of(request: Request) -> Principal:
    """The signed-in plan staff member; NotSignedIn otherwise."""
    secret = request.cookies.get(COOKIE)
    if not secret:
        raise NotSignedIn("sign in with an API token")
    return await check_token(request.app.state.runtime, secret)


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


def same_origin(request: Request) -> bool:
    """A form post from our own pages (the cookie is SameSite=Strict too)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True  # same-origin form posts from some browsers omit it; the cookie guards
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host

"""Rendering console pages: one template environment and the values every page shows."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from functools import wraps
from importlib.metadata import version
from pathlib import Path
from typing import Any

from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from lieu.admin.database import is_busy
from lieu.admin.display import FILTERS
from lieu.admin.flash import flash_message
from lieu.admin.session import csrf_token, login_csrf_token, login_nonce, set_login_cookie
from lieu.platform.access.roles import Principal

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters.update(FILTERS)
# Each rendered form carries a fresh idempotency key: the same form sent twice (a double click,
# a resend after a timeout) is one command.
templates.env.globals["new_key"] = lambda: uuid.uuid4().hex

RETRY_AFTER_SECONDS = 2
Endpoint = Callable[[Request], Awaitable[Response]]


COMMON = frozenset({"version", "principal", "flash", "csrf"})


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    principal: Principal | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render a console page with the common header values and the session's CSRF token (its
    forms carry it). The success banner is the catalogue's text for `?flash=<code>`, about the
    authorization (or bulk batch) the route names."""
    number = request.path_params.get("number") or request.path_params.get("batch")
    shadowed = COMMON & context.keys()
    if shadowed:  # a page's own value would silently replace the header's (it once showed "v3")
        raise ValueError(f"{template}: context keys {sorted(shadowed)} are the header's own")
    return templates.TemplateResponse(
        request,
        template,
        {
            "version": version("lieu"),
            "principal": principal,
            "flash": flash_message(request.query_params.get("flash", ""), number=number),
            "csrf": csrf_token(request),
            **context,
        },
        status_code=status_code,
        headers=headers,
    )


def busy_page(request: Request, *, done: str = "") -> Response:
    """503 when the database stayed busy past its timeout: say what happened and to try again."""
    number = request.path_params.get("number")
    if request.method == "GET":
        again = str(request.url)
    elif number:
        again = str(request.url_for("admin:admin-authorization", number=number))
    else:
        again = str(request.url_for("admin:admin-overview"))
    return page(
        request,
        "busy.html",
        {"done": done, "again": again},
        status_code=503,
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


def answers_when_busy(endpoint: Endpoint) -> Endpoint:
    """The endpoint, answering a busy database with `busy_page` instead of a server error."""

    @wraps(endpoint)
    async def guarded(request: Request) -> Response:
        try:
            return await endpoint(request)
        except DBAPIError as error:
            if not is_busy(error):
                raise
            return busy_page(request)

    return guarded


def login_page(
    request: Request, template: str, context: dict[str, str], status_code: int = 200
) -> Response:
    """A sign-in form (the console's or the provider inbox's), its CSRF token bound to a
    pre-session cookie (set if new)."""
    nonce, new = login_nonce(request)
    response = page(
        request,
        template,
        {**context, "login_csrf": login_csrf_token(request, nonce)},
        status_code=status_code,
    )
    if new:
        set_login_cookie(request, response, nonce)
    return response

"""What every console request passes through, whatever its route: security headers on every
answer, and for every POST (sign-in and sign-out included, and any action added later) a check
that it comes from the console's own page: the browser's fetch metadata and Origin say so, and
the form carries the CSRF token of the session (or of the sign-in form) it was rendered for.

A refused POST reaches no route: nothing is read, changed or audited.
"""

from __future__ import annotations

import hmac
from collections.abc import MutableMapping
from typing import Any
from urllib.parse import parse_qs

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lieu.admin.pages import page
from lieu.admin.session import CSRF_FIELD, expected_csrf

# No inline script or style anywhere in the console; nothing from elsewhere; never framed.
CONSOLE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    "content-security-policy": CONSOLE_POLICY,
    "x-content-type-options": "nosniff",
    # Not no-referrer: under it Chromium sends `Origin: null` with the console's own forms.
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
# Console pages show member data (CINs): no browser or proxy may keep a copy.
NO_STORE = {"cache-control": "no-store"}
STATIC_PREFIX = "/admin/static/"
FORM_TYPE = "application/x-www-form-urlencoded"
UPLOAD_TYPE = "multipart/form-data"  # only where the mount accepts uploads (the provider inbox)
LARGEST_FORM_BYTES = 64 * 1024
CROSS_SITE = frozenset({"cross-site", "same-site"})


class Refused(Exception):
    """A POST that did not come from the console's own form; the message says why."""


class ConsoleGuard:
    """ASGI middleware for the console's mount (and the provider inbox's: it also takes
    multipart uploads up to `largest_upload` bytes, and refuses with its own page)."""

    def __init__(
        self, app: ASGIApp, *, largest_upload: int = 0, refusal: str = "forbidden.html"
    ) -> None:
        self.app = app
        self.largest_upload = largest_upload
        self.refusal = refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]  # the whole path (a Mount keeps it, setting root_path)
        extra = HEADERS if path.startswith(STATIC_PREFIX) else {**HEADERS, **NO_STORE}
        refusal = self.refusal

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                _add_missing(message, extra)
            await send(message)

        if scope["method"] != "POST":
            await self.app(scope, receive, send_with_headers)
            return
        request = Request(scope, receive)
        try:
            body = await _checked(request, self.largest_upload)
        except Refused as refused:
            response = page(request, refusal, {"why": str(refused)}, status_code=403)
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, _replay(body, receive), send_with_headers)


async def _checked(request: Request, largest_upload: int = 0) -> bytes:
    """The POST's body once it is shown to come from the console's own form; Refused if not."""
    site = request.headers.get("sec-fetch-site")
    if site in CROSS_SITE:
        raise Refused(f"the browser says the form was sent from another site ({site})")
    origin = request.headers.get("origin")
    host = request.headers.get("host", "")
    if origin is not None and origin.split("://", 1)[-1] != host:
        raise Refused(f"the form was sent from {origin}, not from this console ({host})")
    kind = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    upload = kind == UPLOAD_TYPE and largest_upload > 0
    if kind != FORM_TYPE and not upload:
        raise Refused(f"the console's forms are sent as {FORM_TYPE}, not {kind or 'nothing'}")
    largest = LARGEST_FORM_BYTES + (largest_upload if upload else 0)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > largest:
            raise Refused(f"the form is larger than {largest // 1024} KiB; send a smaller file")
    expected = expected_csrf(request)
    if expected is None:
        raise Refused("the page it came from belongs to a sign-in that has ended")
    sent = await _multipart_csrf(request, bytes(body)) if upload else _form_csrf(bytes(body))
    if not hmac.compare_digest(sent.encode("latin-1", "replace"), expected.encode()):
        raise Refused("it does not carry the security token of the page the console gave you")
    return bytes(body)


def _form_csrf(body: bytes) -> str:
    return parse_qs(body.decode("latin-1")).get(CSRF_FIELD, [""])[0]


async def _multipart_csrf(request: Request, body: bytes) -> str:
    """The CSRF field of a multipart form (parsed from the body already read; the route
    parses it again from the same bytes)."""

    async def nothing_more() -> Message:
        return {"type": "http.disconnect"}

    probe = Request(request.scope, _replay(body, nothing_more))
    try:
        form = await probe.form()
    except (HTTPException, ValueError):  # Starlette's answer to a malformed multipart body
        raise Refused("the upload is not a well-formed multipart form") from None
    try:
        sent = form.get(CSRF_FIELD, "")
        return sent if isinstance(sent, str) else ""
    finally:
        await form.close()


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive channel that hands the route the body already read, then the client's."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def _add_missing(message: MutableMapping[str, Any], extra: dict[str, str]) -> None:
    """Add the headers the route did not set itself (a notice sets its own policy)."""
    headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
    present = {name.lower() for name, _ in headers}
    for name, value in extra.items():
        if name.encode() not in present:
            headers.append((name.encode(), value.encode("latin-1")))
    message["headers"] = headers

"""The ASGI GraphQL endpoint (HTTP, GraphiQL and graphql-transport-ws): authenticates the bearer
token, notes where the request came from, holds each caller to its rate limit (HTTP 429 with
`Retry-After`), refuses oversized bodies (by Content-Length before reading, and by counting the
bytes as they arrive, so a chunked upload cannot bypass the cap) and unreadable ones (not
UTF-8, nested absurdly deep, numbers of thousands of digits) with a 400 that says why, takes file
uploads (multipart requests), and serves the explorer from lieu's own files."""

from __future__ import annotations

import json
from typing import Any

from cross_web import HTTPException
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import ClientDisconnect, HTTPConnection, Request
from starlette.responses import JSONResponse, Response
from starlette.types import Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UnsetType

from lieu.graphql.budget import RATE_LIMITS_KEY
from lieu.graphql.context import Context, ReadSession
from lieu.graphql.explorer.page import explorer_page
from lieu.graphql.guards import (
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    MAX_NUMBER_DIGITS,
    MULTIPART_OVERHEAD_BYTES,
)
from lieu.graphql.loaders import build_loaders
from lieu.graphql.rate_limits import Allowance, RateLimits, Refusal
from lieu.platform.access.audit import Origin
from lieu.platform.access.roles import Principal
from lieu.platform.access.tokens import TokenRejected
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.runtime import Runtime

BEARER = "bearer"
TOO_LARGE = "BODY_TOO_LARGE"
REQUEST_KEY = "lieu.graphql.request"  # where the view leaves its Request in the ASGI scope


class LieuGraphQL(GraphQL[Context, None]):
    """Strawberry's ASGI app, with lieu's context built from the app's runtime."""

    def __init__(self, schema: Schema) -> None:
        # Multipart uploads are off by default in Strawberry because a browser may send a form
        # across sites (CSRF). lieu authenticates by the Authorization header only, never by a
        # cookie, and no cross-site form can set that header.
        super().__init__(
            schema,
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            multipart_uploads_enabled=True,
        )
        self.definitions = PinnedDefinitions()
        self._writes: dict[int, async_sessionmaker[AsyncSession]] = {}
        self._limits: dict[int, RateLimits] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        runtime = _runtime_of(scope)
        if runtime is not None and scope["type"] in ("http", "websocket"):
            scope[RATE_LIMITS_KEY] = self._limits_for(runtime)
        cap: tuple[int, str] | None = None
        if scope["type"] == "http":
            headers = dict(scope.get("headers", []))
            length = headers.get(b"content-length", b"0")
            cap = body_limit(scope, headers.get(b"content-type", b""))
            if length.isdigit() and int(length) > cap[0]:
                await too_large(*cap)(scope, receive, send)
                return
            receive = capped(receive, cap[0])
        try:
            await super().__call__(scope, receive, send)
        except ClientDisconnect:
            return  # gone before its request was read: nothing to answer, nothing went wrong
        except BodyTooLarge:
            # Only `capped` raises it, over HTTP, while Strawberry reads the body (it reads the
            # whole body before it answers): nothing has been sent yet.
            if cap is None:
                raise
            await too_large(*cap)(scope, receive, send)
        except RateLimited as limited:
            await limited.response()(scope, receive, send)
        finally:
            # Strawberry never closes the files of a multipart upload (spooled to disk past
            # 1 MiB); the request closes them, whatever became of the operation.
            request = scope.get(REQUEST_KEY)
            if isinstance(request, Request):
                await request.close()

    async def get_root_value(self, request: Request | WebSocket) -> None:
        """No root value; the first hook Strawberry calls with its Request, noted for closing."""
        if isinstance(request, Request):
            request.scope[REQUEST_KEY] = request

    async def render_graphql_ide(self, request: Request) -> Response:
        """GraphiQL from /graphql/explorer/ (no CDN), or how to build it when it is missing."""
        return explorer_page()

    def parse_json(self, data: str | bytes) -> Any:
        try:
            return self.decode_json(data)
        except UnreadableJson as unreadable:
            raise HTTPException(400, str(unreadable)) from None
        except json.JSONDecodeError as error:
            raise HTTPException(400, f"the request body is not JSON: {error}") from None

    def decode_json(self, data: str | bytes) -> object:
        """JSON in UTF-8, nested at most MAX_JSON_DEPTH deep, numbers of bounded length (an
        `UnreadableJson` otherwise: a 400 over HTTP, a closed socket over websockets)."""
        return read_json(data)

    def _limits_for(self, runtime: Runtime) -> RateLimits:
        key = id(runtime)
        if key not in self._limits:
            settings = runtime.settings
            self._limits = {
                key: RateLimits(
                    per_token=Allowance(settings.rate_limit_per_minute),
                    per_address=Allowance(settings.rate_limit_anonymous_per_minute),
                    expensive=Allowance(settings.rate_limit_expensive_per_minute),
                )
            }
        return self._limits[key]

    def _writes_for(self, runtime: Runtime) -> async_sessionmaker[AsyncSession]:
        key = id(runtime)
        if key not in self._writes:
            self._writes = {key: create_session_factory(for_writes(runtime.engine))}
        return self._writes[key]

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> Context:
        runtime: Runtime = request.app.state.runtime
        principal, rejection = await caller_of(runtime, request.headers.get("authorization"))
        origin = origin_of(request)
        if isinstance(request, Request):
            # One HTTP request, one unit, before its body is read or its query parsed; over a
            # websocket each operation draws one instead (lieu.graphql.budget).
            refused = self._limits_for(runtime).admit(principal, origin.client_ip)
            if refused is not None:
                raise RateLimited(refused)
        # Over HTTP a context serves one operation, whose reads may share one session; a
        # websocket's context serves many operations at once, each read opens its own.
        reading = ReadSession(runtime.sessions) if isinstance(request, Request) else None
        return Context(
            runtime=runtime,
            request=request,
            response=response,
            writes=self._writes_for(runtime),
            definitions=self.definitions,
            loaders=build_loaders(reading or runtime.sessions),
            principal=principal,
            rejection=rejection,
            origin=origin,
            reading=reading,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, Any] | None:
        """A browser cannot set headers on a websocket: take the token from connection_init."""
        params = context.connection_params or {}
        header = params.get("Authorization") or params.get("authorization")
        if context.principal is None and isinstance(header, str):
            context.principal, context.rejection = await caller_of(context.runtime, header)
        return await super().on_ws_connect(context)


class BodyTooLarge(Exception):
    """The body grew past its limit while it was being read."""


class RateLimited(Exception):
    """The caller's bucket is empty: answered 429 with `Retry-After`."""

    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal

    def response(self) -> JSONResponse:
        refusal = self.refusal
        body = _error(refusal.message, refusal.code)
        body["errors"][0]["extensions"]["retryAfter"] = refusal.retry_after
        return JSONResponse(
            body, status_code=429, headers={"Retry-After": str(refusal.retry_after)}
        )


def capped(receive: Receive, limit: int) -> Receive:
    """`receive`, raising BodyTooLarge as soon as the body's bytes pass `limit` (whatever the
    Content-Length said, or with none: chunked), so at most one chunk past it is held."""
    received = 0

    async def receive_capped() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                raise BodyTooLarge
        return message

    return receive_capped


def too_large(limit: int, why: str) -> JSONResponse:
    """The 413 for a body over `limit` bytes, with what to do instead."""
    return JSONResponse(
        _error(f"the request body is over {limit} bytes{why}", TOO_LARGE), status_code=413
    )


def _error(message: str, code: str) -> dict[str, Any]:
    return {"errors": [{"message": message, "extensions": {"code": code}}]}


def _runtime_of(scope: Scope) -> Runtime | None:
    app = scope.get("app")
    runtime: Runtime | None = getattr(getattr(app, "state", None), "runtime", None)
    return runtime


def body_limit(scope: Scope, content_type: bytes) -> tuple[int, str]:
    """The largest body to read, and what to add to a refusal: an upload may be as large as
    one document (LIEU_DOCUMENT_MAX_BYTES) and its multipart envelope; a JSON body 1 MiB."""
    if not content_type.lower().startswith(b"multipart/form-data"):
        return MAX_BODY_BYTES, (
            "; send less in one request (member and prior-use files larger than that go "
            "through `lieu members import` and `lieu limits import-prior-use`)"
        )
    runtime = _runtime_of(scope)
    if runtime is None:
        return MAX_BODY_BYTES, ""
    largest = runtime.settings.document_max_bytes
    limit = max(MAX_BODY_BYTES, largest + MULTIPART_OVERHEAD_BYTES)
    return limit, (
        f"; a document may be at most {largest} bytes (LIEU_DOCUMENT_MAX_BYTES): compress it, "
        "scan it at a lower resolution, or attach it in parts"
    )


async def caller_of(runtime: Runtime, header: str | None) -> tuple[Principal | None, str]:
    """The principal of an `Authorization` header, or None and why not."""
    if not header:
        return None, ""
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != BEARER or not token.strip():
        return None, "the Authorization header must read `Bearer <token>`"
    try:
        principal = await runtime.tokens.authenticate(
            sessions=runtime.sessions, secret=token.strip()
        )
    except TokenRejected as rejected:
        return None, str(rejected)
    return principal, ""


def origin_of(connection: HTTPConnection) -> Origin:
    """The client address and user agent (behind a proxy, run uvicorn with --proxy-headers)."""
    client = connection.client
    return Origin(
        client_ip=client.host if client else "",
        user_agent=connection.headers.get("user-agent", ""),
    )


class UnreadableJson(json.JSONDecodeError):
    """A body that is not JSON lieu will read; the message says why (a JSONDecodeError, so the
    websocket transport treats it as a malformed message)."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "", 0)
        self.args = (message,)

    def __str__(self) -> str:
        return str(self.args[0])


def read_json(data: str | bytes) -> object:
    """Decode a request body or message; refuse what is not UTF-8, too deep or too long a number."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as bad:
            raise UnreadableJson(
                f"the request body is not valid UTF-8 (byte 0x{bad.object[bad.start]:02x} at "
                f"offset {bad.start}); send JSON encoded as UTF-8"
            ) from None
    try:
        value = json.loads(data, parse_int=_bounded_int)
    except RecursionError:
        raise UnreadableJson(_too_deep()) from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise UnreadableJson(_too_deep())
    return value


def _bounded_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_NUMBER_DIGITS:
        raise UnreadableJson(
            f"the request body has a number of {digits} digits; numbers may have at most "
            f'{MAX_NUMBER_DIGITS} (send a decimal as a string, e.g. "12.5")'
        )
    return int(text)


def _depth(value: object) -> int:
    """How deep objects and arrays nest in `value` (without recursion)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
        else:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_JSON_DEPTH:
            break
    return deepest


def _too_deep() -> str:
    return f"the request body nests objects or arrays more than {MAX_JSON_DEPTH} deep"

"""POST /codec/decode and /codec/encode: Temporal's remote codec protocol, so that the Temporal UI
and CLI can show the payloads lieu seals (`lieu.workflows.codec`) to operations staff.

A payload holds member facts: every call needs an operations token (`Authorization: Bearer …`)
and is audited (`temporal.decode` / `temporal.encode`, with the namespace and the count). A
browser may call it only from the Temporal UI's origin (LIEU_TEMPORAL_UI_ORIGIN, by default the
local UI's), which is the only origin CORS answers; a request from any other is refused.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from google.protobuf import json_format
from google.protobuf.message import DecodeError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from temporalio.api.common.v1 import Payloads

from lieu.platform.access.audit import AuditRecord, Origin, record
from lieu.platform.access.roles import Principal, Role
from lieu.platform.access.tokens import TokenRejected
from lieu.runtime import Runtime
from lieu.settings import payload_keys
from lieu.workflows.codec import EncryptionCodec, PayloadKeyMissing

PATH = "/codec"
MAX_BODY_BYTES = 8 * 1024 * 1024  # a history event's payloads (Temporal's blob limit is 2 MiB)
ALLOWED_HEADERS = "Authorization, Content-Type, X-Namespace"
PREFLIGHT_SECONDS = "600"


class CodecEndpoint:
    """The two routes over one codec per runtime (its keys read once)."""

    def __init__(self) -> None:
        self._codecs: dict[int, EncryptionCodec] = {}

    def codec(self, runtime: Runtime) -> EncryptionCodec:
        key = id(runtime)
        if key not in self._codecs:
            self._codecs = {key: EncryptionCodec(payload_keys(runtime.settings))}
        return self._codecs[key]

    def routes(self) -> list[Route]:
        return [
            Route(f"{PATH}/decode", self._handler("decode"), methods=["POST", "OPTIONS"]),
            Route(f"{PATH}/encode", self._handler("encode"), methods=["POST", "OPTIONS"]),
        ]

    def _handler(self, direction: str) -> Callable[[Request], Awaitable[Response]]:
        async def handle(request: Request) -> Response:
            return await self.answer(request, direction)

        return handle

    async def answer(self, request: Request, direction: str) -> Response:
        runtime: Runtime = request.app.state.runtime
        origin = request.headers.get("origin")
        allowed = runtime.settings.codec_origins
        if origin is not None and origin not in allowed:
            return _refusal(
                403,
                "FORBIDDEN_ORIGIN",
                f"the codec endpoint answers browsers on {', '.join(allowed)} only (the "
                "Temporal UI; set LIEU_TEMPORAL_UI_ORIGIN to the UI's origin)",
            )
        cors = _cors(origin)
        if request.method == "OPTIONS":
            return Response(status_code=204, headers=cors)
        principal, why = await _operations(runtime, request.headers.get("authorization"))
        if principal is None:
            return _refusal(401, "UNAUTHENTICATED", why, cors | {"WWW-Authenticate": "Bearer"})
        if principal.role is not Role.OPERATIONS:
            return _refusal(
                403,
                "FORBIDDEN",
                f"Temporal payloads are open to operations tokens only, not {principal.role}",
                cors,
            )
        body = await _read(request)
        if body is None:
            return _refusal(
                413, "TOO_LARGE", f"the request body is over {MAX_BODY_BYTES} bytes", cors
            )
        payloads, problem = _payloads(body)
        if payloads is None:
            return _refusal(400, "BAD_REQUEST", problem, cors)
        codec = self.codec(runtime)
        namespace = request.headers.get("x-namespace", runtime.settings.temporal_namespace)
        try:
            if direction == "decode":
                done = await codec.decode(payloads.payloads)
            else:
                done = await codec.encode(payloads.payloads)
        except PayloadKeyMissing as missing:
            await _audit(runtime, request, principal, direction, namespace, "failed")
            return _refusal(422, "KEY_MISSING", str(missing), cors)
        await _audit(runtime, request, principal, direction, namespace, f"{len(done)}")
        answer = Payloads(payloads=done)
        return Response(
            json_format.MessageToJson(answer),
            media_type="application/json",
            headers=cors | {"Cache-Control": "no-store"},
        )


def _cors(origin: str | None) -> dict[str, str]:
    if origin is None:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": ALLOWED_HEADERS,
        "Access-Control-Max-Age": PREFLIGHT_SECONDS,
        "Vary": "Origin",
    }


async def _operations(runtime: Runtime, header: str | None) -> tuple[Principal | None, str]:
    """The principal of a bearer token, or None and why not."""
    scheme, _, token = (header or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None, "send an operations token: `Authorization: Bearer <token>`"
    try:
        principal = await runtime.tokens.authenticate(
            sessions=runtime.sessions, secret=token.strip()
        )
    except TokenRejected as rejected:
        return None, str(rejected)
    return principal, ""


async def _read(request: Request) -> bytes | None:
    """The body, or None past MAX_BODY_BYTES (counted as it streams, whatever it declares)."""
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return None
            chunks.append(chunk)
    except ClientDisconnect:
        return b""
    return b"".join(chunks)


def _payloads(body: bytes) -> tuple[Payloads | None, str]:
    try:
        return json_format.Parse(body, Payloads()), ""
    except (json_format.ParseError, DecodeError, UnicodeDecodeError, ValueError):
        return None, (
            'the body is not Temporal payloads as JSON; send {"payloads": [{"metadata": '
            '{"encoding": "<base64>"}, "data": "<base64>"}]}'
        )


async def _audit(
    runtime: Runtime,
    request: Request,
    principal: Principal,
    direction: str,
    namespace: str,
    detail: str,
) -> None:
    client = request.client
    origin = Origin(
        client_ip=client.host if client else "", user_agent=request.headers.get("user-agent", "")
    )
    entry = AuditRecord(
        principal,
        f"temporal.{direction}",
        f"namespace:{namespace}",
        "failed" if detail == "failed" else "ok",
        origin,
        "" if detail == "failed" else f"{detail} payloads",
    )
    async with runtime.sessions.begin() as session:
        record(session, [entry])


def _refusal(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse({"error": {"code": code, "message": message}}, status, headers=headers)

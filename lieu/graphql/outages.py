"""A dependency that is not answering (the database, the Temporal server) is an outage, not a
bug: the caller is told which part is away and to send the same request again, with HTTP 503
and `Retry-After`, never a bare 500 or "Unexpected error". Commands are idempotent by their
keys, so sending one again after an outage does it once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import structlog
from graphql import GraphQLError
from sqlalchemy import exc as sa
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from temporalio.service import RPCError, RPCStatusCode

log = structlog.get_logger(__name__)

CODE = "UNAVAILABLE"
AUDIT_CODE = "AUDIT_UNAVAILABLE"  # the audit trail's own: its write failed, nothing answered
RETRY_AFTER_SECONDS = 5
_AWAY = (
    "{part} is not answering right now; send the same request again in a few seconds "
    "(a command sent again with the same idempotency key is done once)"
)
DATABASE = _AWAY.format(part="lieu's database")
TEMPORAL = _AWAY.format(part="lieu's workflow server (Temporal)")
WORKERS = _AWAY.format(part="no lieu worker answering its workflows")
# PostgreSQL SQLSTATE classes and codes that mean "not now": connection exceptions, insufficient
# resources, operator intervention (shutdown, starting up), serialization failure and deadlock.
_AWAY_SQLSTATE_CLASSES = ("08", "53", "57")
_BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
_BUSY_WORDS = ("database is locked", "database table is locked", "database is busy")
_TEMPORAL_AWAY = frozenset(
    {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.RESOURCE_EXHAUSTED}
)


def away(error: BaseException | None) -> str | None:
    """The message for a failure that means a dependency is away (None for any other failure),
    looking through the exceptions it was raised from."""
    seen = 0
    while error is not None and seen < 8:
        message = _away(error)
        if message is not None:
            return message
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def _away(error: BaseException) -> str | None:
    if isinstance(error, RPCError):
        if error.status in _TEMPORAL_AWAY:
            return TEMPORAL
        # a query no worker took up in time: Temporal answers, the workers do not
        timed_out = error.status is RPCStatusCode.CANCELLED and "timeout" in error.message.lower()
        return WORKERS if timed_out else None
    if isinstance(error, (sa.DisconnectionError, sa.TimeoutError)):
        return DATABASE  # a dead pooled connection; no connection free in time
    if isinstance(error, sa.DBAPIError):
        if error.connection_invalidated or isinstance(error.orig, OSError):
            return DATABASE
        sqlstate = str(getattr(error.orig, "sqlstate", "") or "")
        if sqlstate in _BUSY_SQLSTATES or sqlstate.startswith(_AWAY_SQLSTATE_CLASSES):
            return DATABASE
        if any(words in str(error.orig).lower() for words in _BUSY_WORDS):
            return DATABASE
        return None
    if isinstance(error, OSError):  # connection refused or reset, before any DBAPI wrapping
        return DATABASE if _from_database(error) else TEMPORAL if _from_temporal(error) else None
    return None


def _from_database(error: BaseException) -> bool:
    frames = _modules(error)
    return any(m.startswith(("asyncpg", "sqlalchemy", "aiosqlite")) for m in frames)


def _from_temporal(error: BaseException) -> bool:
    return any(m.startswith("temporalio") for m in _modules(error))


def _modules(error: BaseException) -> list[str]:
    modules = []
    trace = error.__traceback__
    while trace is not None:
        modules.append(str(trace.tb_frame.f_globals.get("__name__", "")))
        trace = trace.tb_next
    return modules


class Outages(SchemaExtension):
    """Turns an error raised because a dependency is away into a `code: UNAVAILABLE` error
    saying to send again, and the HTTP answer into a 503 with Retry-After (before error
    masking, which would otherwise say "Unexpected error")."""

    async def on_operation(self) -> AsyncIterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        retryable = False
        errors: list[GraphQLError] = []
        for error in result.errors:
            message = away(error.original_error)
            if message is not None:
                log.warning("dependency away", error=type(error.original_error).__name__)
                error = GraphQLError(
                    message,
                    nodes=error.nodes,
                    path=error.path,
                    extensions={"code": CODE},  # no original error: never masked
                )
                retryable = True
            elif (error.extensions or {}).get("code") in (CODE, AUDIT_CODE):
                retryable = True
            errors.append(error)
        if not retryable:
            return
        result.errors = errors
        response = getattr(self.execution_context.context, "response", None)
        if isinstance(response, Response):
            response.status_code = 503
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)


class AnswerOutages:
    """ASGI wrapper of the GraphQL endpoint: an outage met before the operation runs (reading
    the caller's token) is answered 503, `Retry-After`, code UNAVAILABLE, not a server error."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def noting(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, noting)
        except Exception as failure:
            message = away(failure)
            if message is None or started:
                raise
            log.warning("dependency away", error=type(failure).__name__)
            body = {"data": None, "errors": [{"message": message, "extensions": {"code": CODE}}]}
            await Response(
                json.dumps(body),
                status_code=503,
                media_type="application/json",
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )(scope, receive, send)

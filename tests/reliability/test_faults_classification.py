"""Which failures are outages (answered 503, Retry-After, code UNAVAILABLE) and which are not
(left to error masking): unit tests of lieu/graphql/outages.py, with the failures the fault
tests met, built by hand."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import exc as sa
from starlette.types import Receive, Scope, Send
from temporalio.service import RPCError, RPCStatusCode

from lieu.graphql.outages import CODE, DATABASE, TEMPORAL, WORKERS, AnswerOutages, away


class Closed(Exception):
    """Stands for asyncpg's ConnectionDoesNotExistError (the DBAPI error under SQLAlchemy's)."""


def _dbapi(orig: BaseException, *, invalidated: bool = False) -> sa.DBAPIError:
    return sa.DBAPIError("SELECT 1", {}, orig, connection_invalidated=invalidated)


class SqlState(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def test_a_dropped_or_refused_database_connection_is_an_outage() -> None:
    assert away(_dbapi(Closed("connection was closed"), invalidated=True)) == DATABASE
    assert away(_dbapi(ConnectionRefusedError())) == DATABASE
    assert away(sa.TimeoutError("QueuePool limit reached")) == DATABASE
    assert away(_dbapi(SqlState("57P01"))) == DATABASE  # admin shutdown
    assert away(_dbapi(SqlState("40P01"))) == DATABASE  # deadlock: try again
    assert away(_dbapi(Exception("database is locked"))) == DATABASE


def test_an_outage_is_found_under_the_exception_that_was_raised_from_it() -> None:
    try:
        try:
            raise _dbapi(ConnectionResetError(), invalidated=True)
        except sa.DBAPIError as cause:
            raise RuntimeError("projection failed") from cause
    except RuntimeError as wrapped:
        assert away(wrapped) == DATABASE


def test_a_bad_statement_or_a_broken_constraint_is_not_an_outage() -> None:
    assert away(_dbapi(SqlState("23505"))) is None  # unique violation
    assert away(_dbapi(SqlState("22P05"))) is None  # untranslatable character (NUL)
    assert away(_dbapi(Exception("no such table: members"))) is None
    assert away(ValueError("bad")) is None
    assert away(ConnectionResetError()) is None  # raised by neither the database nor Temporal


def test_temporal_unavailable_is_an_outage_and_a_query_no_worker_took_says_so() -> None:
    assert away(RPCError("connection refused", RPCStatusCode.UNAVAILABLE, b"")) == TEMPORAL
    assert away(RPCError("deadline", RPCStatusCode.DEADLINE_EXCEEDED, b"")) == TEMPORAL
    assert away(RPCError("Timeout expired", RPCStatusCode.CANCELLED, b"")) == WORKERS
    assert away(RPCError("not found", RPCStatusCode.NOT_FOUND, b"")) is None
    assert away(RPCError("bad", RPCStatusCode.INVALID_ARGUMENT, b"")) is None


async def test_an_outage_before_the_operation_is_a_503_that_says_to_send_again() -> None:
    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        raise _dbapi(ConnectionRefusedError(), invalidated=True)  # e.g. reading the token

    transport = httpx.ASGITransport(app=AnswerOutages(failing))
    async with httpx.AsyncClient(transport=transport, base_url="http://lieu.test") as http:
        answer = await http.post("/graphql", json={"query": "{ __typename }"})
    assert answer.status_code == 503
    assert int(answer.headers["retry-after"]) > 0
    body = json.loads(answer.text)
    assert body["errors"] == [{"message": DATABASE, "extensions": {"code": CODE}}]


async def test_any_other_failure_before_the_operation_is_not_dressed_as_an_outage() -> None:
    async def failing(scope: Scope, receive: Receive, send: Send) -> None:
        raise ValueError("a bug")

    transport = httpx.ASGITransport(app=AnswerOutages(failing), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://lieu.test") as http:
        answer = await http.post("/graphql", json={"query": "{ __typename }"})
    assert answer.status_code == 500

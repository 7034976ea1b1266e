"""The minimal endpoint `lieu bench api` measures lieu against: plain Starlette and SQLAlchemy
Core, none of lieu's code.

Each request does the essential work of a provider's read and no more: find the bearer token
(by its id, comparing the SHA-256 of the secret, refusing a revoked or expired one), one indexed
SELECT (the member by plan and CIN, or the authorization by id), one audit INSERT, and the
commit, all in one transaction; the answer is the row as JSON.

SQLite takes one writer at a time, so on SQLite the pool holds one connection and each request's
transaction begins IMMEDIATE (a deferred read that then writes fails with SQLITE_BUSY when
another connection committed in between); requests queue on the pool, never on SQLite's busy
sleep. PostgreSQL gets a pool of ten. Run it with LIEU_DATABASE_URL set as
`uvicorn --factory benchmarks.api_minimal:create_app`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    bindparam,
    event,
    insert,
    select,
)
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

metadata = MetaData()
tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String, primary_key=True),
    Column("secret_hash", String),
    Column("role", String),
    Column("plan", String),
    Column("provider", String),
    Column("expires_at", DateTime(timezone=True)),
    Column("revoked_at", DateTime(timezone=True)),
)
members = Table(
    "members",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("plan", String),
    Column("cin", String),
    Column("facts", JSON),
)
authorizations = Table(
    "authorizations",
    metadata,
    Column("id", String, primary_key=True),
    Column("plan", String),
    Column("provider", String),
    Column("status", String),
    Column("quantity_reserved", Numeric(14, 2)),
    Column("quantity_used", Numeric(14, 2)),
    Column("review_deadline", DateTime(timezone=True)),
)
audit = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True)),
    Column("token_id", String),
    Column("role", String),
    Column("plan", String),
    Column("provider", String),
    Column("action", String),
    Column("target", String),
    Column("outcome", String),
    Column("client_ip", String),
    Column("user_agent", String),
    Column("detail", Text),
)
TOKEN = select(
    tokens.c.secret_hash,
    tokens.c.role,
    tokens.c.plan,
    tokens.c.provider,
    tokens.c.expires_at,
    tokens.c.revoked_at,
).where(tokens.c.id == bindparam("id"))
MEMBER = select(members.c.cin, members.c.facts).where(
    members.c.plan == bindparam("plan"),
    members.c.cin == bindparam("cin"),
)
AUTHORIZATION = select(
    authorizations.c.id,
    authorizations.c.status,
    authorizations.c.quantity_reserved,
    authorizations.c.quantity_used,
    authorizations.c.review_deadline,
).where(
    authorizations.c.id == bindparam("id"),
    authorizations.c.plan == bindparam("plan"),
    authorizations.c.provider == bindparam("provider"),
)
AUDIT = insert(audit)


def engine_for(url: str) -> AsyncEngine:
    """One connection, BEGIN IMMEDIATE, WAL on SQLite; a pool of ten on PostgreSQL."""
    if not url.startswith("sqlite"):
        return create_async_engine(url, pool_size=10, max_overflow=0)
    engine = create_async_engine(url, pool_size=1, max_overflow=0, connect_args={"timeout": 10})

    @event.listens_for(engine.sync_engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def create_app() -> Starlette:
    """The two endpoints (POST a JSON body, as a GraphQL client does)."""
    engine = engine_for(os.environ["LIEU_DATABASE_URL"])

    def refused(why: str) -> Response:
        return JSONResponse({"error": why}, status_code=401)

    async def answer(request: Request, action: str) -> Response:
        body = json.loads(await request.body())
        bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        parts = bearer.split("_", 2)
        if len(parts) != 3:
            return refused("malformed token")
        now = datetime.now(UTC)
        async with engine.begin() as conn:
            token = (await conn.execute(TOKEN, {"id": parts[1]})).first()
            digest = hashlib.sha256(bearer.encode()).hexdigest()
            if token is None or not hmac.compare_digest(token.secret_hash, digest):
                return refused("invalid token")
            if token.revoked_at is not None:
                return refused("revoked token")
            if token.expires_at is not None and token.expires_at.replace(tzinfo=UTC) <= now:
                return refused("expired token")
            if action == "eligibility":
                target = f"member:{token.plan}/{body['cin']}"
                found = await conn.execute(MEMBER, {"plan": token.plan, "cin": body["cin"]})
            else:
                target = f"authorization:{body['id']}"
                found = await conn.execute(
                    AUTHORIZATION,
                    {"id": body["id"], "plan": token.plan, "provider": token.provider},
                )
            row = found.first()
            client = request.client
            await conn.execute(
                AUDIT,
                {
                    "at": now,
                    "token_id": parts[1],
                    "role": token.role,
                    "plan": token.plan,
                    "provider": token.provider,
                    "action": action,
                    "target": target,
                    "outcome": "ok" if row is not None else "not_found",
                    "client_ip": client.host if client else "",
                    "user_agent": request.headers.get("user-agent", ""),
                    "detail": "",
                },
            )
        if row is None:
            return JSONResponse({"error": "not found"}, status_code=404)
        return JSONResponse({"data": {key: _plain(value) for key, value in row._mapping.items()}})

    async def eligibility(request: Request) -> Response:
        return await answer(request, "eligibility")

    async def status(request: Request) -> Response:
        return await answer(request, "authorization")

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    return Starlette(
        routes=[
            Route("/eligibility", eligibility, methods=["POST"]),
            Route("/status", status, methods=["POST"]),
        ],
        lifespan=lifespan,
    )


def _plain(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value) if isinstance(value, Decimal) else value

"""A token's lookup is kept for the cache bound: a revocation is honoured once the bound has
passed, an expiry at once, and a refusal is never kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.roles import Role
from lieu.platform.access.token_cache import TokenCache
from lieu.platform.access.tokens import TokenRejected, issue_token, revoke_token
from lieu.platform.db.base import utcnow
from lieu.platform.db.engine import create_session_factory


class Clock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


async def _issue(engine: AsyncEngine, expires_in_days: int | None = None) -> str:
    async with create_session_factory(engine).begin() as session:
        issued = await issue_token(
            session=session,
            role=Role.PROVIDER,
            plan="demo-plan",
            provider="cbo",
            expires_in_days=expires_in_days,
            actor="test",
        )
    return issued.secret


async def _revoke(engine: AsyncEngine, secret: str) -> None:
    async with create_session_factory(engine).begin() as session:
        await revoke_token(session=session, token_id=secret.split("_")[1])


def _statements(engine: AsyncEngine) -> list[str]:
    seen: list[str] = []
    event.listen(engine.sync_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


async def test_a_token_is_read_once_within_the_bound(sqlite_engine: AsyncEngine) -> None:
    secret = await _issue(sqlite_engine)
    cache, sessions = TokenCache(5, clock=Clock()), create_session_factory(sqlite_engine)
    statements = _statements(sqlite_engine)
    first = await cache.authenticate(sessions=sessions, secret=secret)
    second = await cache.authenticate(sessions=sessions, secret=secret)
    assert first == second and first.provider == "cbo"
    assert len([s for s in statements if "api_tokens" in s]) == 1


async def test_a_revoked_token_is_refused_once_the_bound_has_passed(
    sqlite_engine: AsyncEngine,
) -> None:
    secret, clock = await _issue(sqlite_engine), Clock()
    cache, sessions = TokenCache(5, clock=clock), create_session_factory(sqlite_engine)
    await cache.authenticate(sessions=sessions, secret=secret)
    await _revoke(sqlite_engine, secret)
    clock.now += 4.9
    await cache.authenticate(sessions=sessions, secret=secret)  # still within 5 s of reading
    clock.now += 0.1
    with pytest.raises(TokenRejected, match="was revoked on"):
        await cache.authenticate(sessions=sessions, secret=secret)
    with pytest.raises(TokenRejected, match="was revoked on"):  # and the refusal is not kept
        await cache.authenticate(sessions=sessions, secret=secret)


async def test_with_a_bound_of_zero_every_request_reads_its_token(
    sqlite_engine: AsyncEngine,
) -> None:
    secret = await _issue(sqlite_engine)
    cache, sessions = TokenCache(0, clock=Clock()), create_session_factory(sqlite_engine)
    await cache.authenticate(sessions=sessions, secret=secret)
    await _revoke(sqlite_engine, secret)
    with pytest.raises(TokenRejected, match="was revoked on"):
        await cache.authenticate(sessions=sessions, secret=secret)


async def test_a_cached_token_is_refused_the_moment_it_expires(sqlite_engine: AsyncEngine) -> None:
    secret = await _issue(sqlite_engine, expires_in_days=1)
    cache, sessions = TokenCache(5, clock=Clock()), create_session_factory(sqlite_engine)
    await cache.authenticate(sessions=sessions, secret=secret)
    statements = _statements(sqlite_engine)
    later = utcnow() + timedelta(days=2)
    with pytest.raises(TokenRejected, match="expired on"):
        await cache.authenticate(sessions=sessions, secret=secret, now=later)
    assert statements == []  # refused from the cached expiry, without reading the token again


async def test_a_wrong_secret_for_a_cached_token_id_is_refused(sqlite_engine: AsyncEngine) -> None:
    secret = await _issue(sqlite_engine)
    cache, sessions = TokenCache(5, clock=Clock()), create_session_factory(sqlite_engine)
    await cache.authenticate(sessions=sessions, secret=secret)
    forged = secret[:-4] + ("aaaa" if not secret.endswith("aaaa") else "bbbb")
    with pytest.raises(TokenRejected, match="not valid"):
        await cache.authenticate(sessions=sessions, secret=forged)

"""Console sessions kept in the database: opened when plan staff sign in with a token, found on
each request, ended by signing out, by going idle, by growing old, or by the token's revocation.

The browser holds a random session id (the console signs it); the database holds only its
SHA-256, so reading the table gives no one a live session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.models import ApiToken, ConsoleSession
from lieu.platform.access.roles import Principal
from lieu.platform.access.tokens import TokenRejected, verify_row

# A session's last activity is written at most this often (not on every page view).
TOUCH_EVERY = timedelta(minutes=1)


class SessionEnded(Exception):
    """The session cannot be used (any more); the message says why, for the sign-in page."""


@dataclass(frozen=True, slots=True)
class SessionLimits:
    """How long a session lasts without a request (`idle`) and at most (`absolute`)."""

    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True, slots=True)
class FoundSession:
    """A live session: who signed in, and whether its last activity is due to be written."""

    key: str  # the row's id (the hash), for `touch` and `end_session`
    principal: Principal
    touch_due: bool


def session_key(session_id: str) -> str:
    """The row id of the session the browser knows by `session_id`."""
    return hashlib.sha256(session_id.encode()).hexdigest()


async def open_session(
    *, session: AsyncSession, token_id: str, limits: SessionLimits, now: datetime
) -> str:
    """A new session for the token that signed in; returns its id (for the cookie only). The
    sessions that have run out, anyone's, are removed on the way."""
    await session.execute(
        delete(ConsoleSession).where(
            or_(
                ConsoleSession.last_seen_at <= now - limits.idle,
                ConsoleSession.created_at <= now - limits.absolute,
            )
        )
    )
    session_id = secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            id=session_key(session_id), token_id=token_id, created_at=now, last_seen_at=now
        )
    )
    await session.flush()
    return session_id


async def find_session(
    *, session: AsyncSession, session_id: str, limits: SessionLimits, now: datetime
) -> FoundSession:
    """The live session `session_id` names; SessionEnded saying why it is not one."""
    key = session_key(session_id)
    found = (
        await session.execute(
            select(ConsoleSession, ApiToken)
            .join(ApiToken, ApiToken.id == ConsoleSession.token_id)
            .where(ConsoleSession.id == key)
        )
    ).one_or_none()
    if found is None:
        raise SessionEnded("you are signed out (or your session ended); sign in again")
    row, token = found
    if row.created_at <= now - limits.absolute:
        hours = limits.absolute / timedelta(hours=1)
        raise SessionEnded(f"your session ended after {hours:g} hours; sign in again")
    if row.last_seen_at <= now - limits.idle:
        minutes = limits.idle / timedelta(minutes=1)
        raise SessionEnded(
            f"your session ended after {minutes:g} minutes without activity; sign in again"
        )
    try:
        principal = verify_row(token, now).principal
    except TokenRejected as rejected:
        raise SessionEnded(f"{rejected}; sign in with another token") from None
    return FoundSession(key, principal, touch_due=row.last_seen_at <= now - TOUCH_EVERY)


async def touch(*, session: AsyncSession, key: str, now: datetime) -> None:
    """Record activity on the session (what the idle timeout counts from)."""
    await session.execute(
        update(ConsoleSession).where(ConsoleSession.id == key).values(last_seen_at=now)
    )


async def end_session(*, session: AsyncSession, session_id: str) -> None:
    """End the session at once (signing out); ending one already gone does nothing."""
    await session.execute(
        delete(ConsoleSession).where(ConsoleSession.id == session_key(session_id))
    )

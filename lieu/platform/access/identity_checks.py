"""The birth-date check a provider passes to see a member it does not serve yet, counted and
locked: misses per (provider organization, CIN) and per token, in the database so every API
replica counts the same; past the plan's limit (`access.terms`) the check is refused until the
lockout ends, whatever birth date is given, and an audit row says so. Operations see and clear
lockouts."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.audit import AuditRecord, Origin, record
from lieu.platform.access.models import IdentityMisses
from lieu.platform.access.roles import Principal
from lieu.platform.access.terms import AccessTerms
from lieu.platform.db.base import utcnow

ORGANIZATION = "organization"
TOKEN = "token"


class IdentityLocked(LookupError):
    """Birth-date checks are locked for the caller (for this CIN, or for its token) until
    `until`; the message says when to try again and who can clear it."""

    def __init__(self, cin: str, until: datetime, scope: str) -> None:
        whom = (
            f"for CIN {cin!r} by your organization"
            if scope == ORGANIZATION
            else "for your token (too many birth dates that did not match, across members)"
        )
        self._refuse(
            f"birth-date checks are locked {whom} until {until.isoformat(timespec='minutes')}; "
            "try again after then, with the birth date on the member's Medi-Cal card, or ask "
            "the plan's operations staff to clear the lockout",
            until,
            scope,
        )

    def _refuse(self, message: str, until: datetime, scope: str) -> None:
        LookupError.__init__(self, message)
        self.until = until
        self.scope = scope


class IdentityBusy(IdentityLocked):
    """As many birth-date checks are being compared at once as the scope has misses left: one
    more may not start until one of them is settled (seconds). Nothing is locked."""

    def __init__(self, cin: str, until: datetime, scope: str, pending: int) -> None:
        whose = "of this CIN by your organization" if scope == ORGANIZATION else "of your token"
        self._refuse(
            f"{pending} birth-date checks {whose} are being compared at this moment, as many as "
            f"may still miss; try again after {until.isoformat(timespec='seconds')} (nothing is "
            "locked)",
            until,
            scope,
        )


@dataclass(frozen=True, slots=True)
class Lockout:
    """A scope whose birth-date checks are locked, as operations see it."""

    id: str
    scope: str
    plan: str
    provider: str
    cin: str
    token_id: str
    misses: int
    last_miss_at: datetime
    locked_until: datetime


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def organization_key(plan: str, provider: str, cin: str) -> str:
    """The key of a (plan, provider organization, CIN) scope."""
    return _key(ORGANIZATION, plan, provider, cin)


def token_key(token_id: str) -> str:
    """The key of a token's scope."""
    return _key(TOKEN, token_id)


def _keys(principal: Principal, cin: str) -> dict[str, str]:
    return {
        ORGANIZATION: organization_key(principal.plan, principal.provider or "", cin),
        TOKEN: token_key(principal.token_id),
    }


async def check_not_locked(
    *, session: AsyncSession, principal: Principal, cin: str, now: datetime | None = None
) -> None:
    """Raise `IdentityLocked` when the caller's birth-date checks for `cin` are locked."""
    at = now or utcnow()
    keys = _keys(principal, cin)
    rows = await session.scalars(
        select(IdentityMisses).where(
            IdentityMisses.key.in_(list(keys.values())), IdentityMisses.locked_until > at
        )
    )
    locked = max(rows, key=lambda row: row.locked_until or at, default=None)
    if locked is not None and locked.locked_until is not None:
        raise IdentityLocked(cin, locked.locked_until, locked.scope)


BUSY_RETRY = timedelta(seconds=2)  # when a check refused as busy may be tried again


@dataclass(frozen=True, slots=True)
class Lock:
    """A scope found locked (or, with `pending`, too busy to count one more check): until
    when, and which."""

    until: datetime
    scope: str
    pending: int = 0  # > 0: busy, not locked

    def error(self, cin: str) -> IdentityLocked:
        if self.pending:
            return IdentityBusy(cin, self.until, self.scope, self.pending)
        return IdentityLocked(cin, self.until, self.scope)


async def begin_check(
    *,
    session: AsyncSession,
    principal: Principal,
    cin: str,
    terms: AccessTerms,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> Lock | None:
    """Count a birth-date check before it is made, in the caller's transaction (commit it before
    comparing): each scope's row is locked while it is counted, so checks made at once (aliases
    of one request, requests to several replicas) are counted one after the other, as pending,
    and misses and pending checks together never pass the plan's limit: no more checks than the
    limit allows can ever miss. Returns the lock when the check may not be made: the scope is
    locked (or has reached its limit in misses: the lock starts now, audited), or as many checks
    are pending as misses are left (busy: nothing is locked, try again in seconds; a provider
    checking many members at once is slowed, never locked out by its own matching checks).
    `end_check` settles the check."""
    at = now or utcnow()
    rows = await _rows(session, principal, cin, terms, at)
    found: Lock | None = None
    for scope, row in rows.items():
        limit = _limits(terms)[scope][0]
        if row.locked_until is not None and row.locked_until > at:
            found = _later(found, Lock(row.locked_until, scope))
        elif row.misses >= limit:
            found = _later(found, _lock(session, principal, cin, terms, scope, row, origin, at))
        elif row.misses + row.pending >= limit and found is None:
            found = Lock(at + BUSY_RETRY, scope, pending=row.pending)
    if found is None:
        for row in rows.values():
            row.pending += 1
    await session.flush()
    return found


async def end_check(
    *,
    session: AsyncSession,
    principal: Principal,
    cin: str,
    terms: AccessTerms,
    matched: bool,
    origin: Origin | None = None,
    now: datetime | None = None,
) -> datetime | None:
    """Settle a check `begin_check` counted: it is no longer pending; a birth date that did not
    match is a miss, and locks its scope once the limit is reached (audited). Returns until
    when, when it locked."""
    at = now or utcnow()
    rows = await _rows(session, principal, cin, terms, at)
    locked: Lock | None = None
    for scope, row in rows.items():
        row.pending = max(0, row.pending - 1)
        if matched:
            continue
        row.misses += 1
        row.last_miss_at = at
        if row.misses >= _limits(terms)[scope][0] and not (
            row.locked_until is not None and row.locked_until > at
        ):
            locked = _later(locked, _lock(session, principal, cin, terms, scope, row, origin, at))
    await session.flush()
    return None if locked is None else locked.until


def _limits(terms: AccessTerms) -> dict[str, tuple[int, timedelta]]:
    return {
        ORGANIZATION: (terms.birth_date_misses, terms.lockout),
        TOKEN: (terms.token_misses, terms.token_lockout),
    }


def _later(one: Lock | None, other: Lock) -> Lock:
    return other if one is None or other.until > one.until else one


async def _rows(
    session: AsyncSession, principal: Principal, cin: str, terms: AccessTerms, at: datetime
) -> dict[str, IdentityMisses]:
    """Both scopes' rows, locked for the transaction, with counts older than their window
    (the lockout's length) started over."""
    rows = {}
    for scope, key in _keys(principal, cin).items():
        row = await _row_for_update(
            session,
            key,
            {
                "key": key,
                "scope": scope,
                "plan": principal.plan,
                "provider": principal.provider or "",
                "cin": cin[:64] if scope == ORGANIZATION else "",
                "token_id": principal.token_id if scope == TOKEN else "",
                "misses": 0,
                "pending": 0,
                "first_miss_at": at,
                "last_miss_at": at,
            },
        )
        window = _limits(terms)[scope][1]
        locked = row.locked_until is not None and row.locked_until > at
        if not locked and row.first_miss_at + window <= at:
            # a window's misses are forgotten after it; so is a check counted then and never
            # settled (its process died): pending checks are seconds old
            row.misses, row.pending, row.first_miss_at = 0, 0, at
        rows[scope] = row
    return rows


def _lock(
    session: AsyncSession,
    principal: Principal,
    cin: str,
    terms: AccessTerms,
    scope: str,
    row: IdentityMisses,
    origin: Origin | None,
    at: datetime,
) -> Lock:
    """Lock the scope from now, with its audit row."""
    most, lock_for = _limits(terms)[scope]
    row.locked_until = at + lock_for
    row.first_miss_at = at  # counting starts over once the lockout ends
    target = f"member:{principal.plan}/{cin}" if scope == ORGANIZATION else f"token:{row.key[:16]}"
    record(
        session,
        [
            AuditRecord(
                principal,
                "identityLockout",
                target,
                "locked",
                origin or Origin(),
                f"{scope}: {most} birth dates that did not match within {_hours(lock_for)}; "
                f"locked until {row.locked_until.isoformat()}",
                at,
            )
        ],
    )
    return Lock(row.locked_until, scope)


def _hours(span: timedelta) -> str:
    hours = int(span.total_seconds() // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"


async def _row_for_update(
    session: AsyncSession, key: str, values: dict[str, object]
) -> IdentityMisses:
    """The scope's row, locked for this transaction (made when missing; replicas racing to make
    it both end up with the one row)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(insert(IdentityMisses).values(**values).on_conflict_do_nothing())
    row = await session.scalar(
        select(IdentityMisses)
        .where(IdentityMisses.key == key)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None, "the row was just made"
    return row


async def lockouts(
    *, session: AsyncSession, plan: str, now: datetime | None = None
) -> list[Lockout]:
    """The plan's scopes locked now, the latest ending last."""
    at = now or utcnow()
    rows = await session.scalars(
        select(IdentityMisses)
        .where(IdentityMisses.plan == plan, IdentityMisses.locked_until > at)
        .order_by(IdentityMisses.locked_until, IdentityMisses.key)
    )
    return [_lockout(row) for row in rows]


def _lockout(row: IdentityMisses) -> Lockout:
    assert row.locked_until is not None
    return Lockout(
        id=row.key,
        scope=row.scope,
        plan=row.plan,
        provider=row.provider,
        cin=row.cin,
        token_id=row.token_id,
        misses=row.misses,
        last_miss_at=row.last_miss_at,
        locked_until=row.locked_until,
    )


class LockoutNotFound(LookupError):
    """No lockout with that id in the plan (or it has ended)."""


async def clear_lockout(
    *, session: AsyncSession, plan: str, lockout_id: str, now: datetime | None = None
) -> Lockout:
    """End a lockout now and forget its misses; `LockoutNotFound` when there is none."""
    at = now or utcnow()
    row = await session.get(IdentityMisses, lockout_id, with_for_update=True)
    if row is None or row.plan != plan or row.locked_until is None or row.locked_until <= at:
        raise LockoutNotFound(
            f"no lockout {lockout_id!r} in {plan} that is in force; `identityLockouts` lists them"
        )
    cleared = _lockout(row)
    row.locked_until, row.misses, row.first_miss_at = None, 0, at
    await session.flush()
    return cleared

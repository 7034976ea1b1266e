"""The audit log: every read of member data and every write, with who, what, when, where."""

from __future__ import annotations

import getpass
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Principal
from lieu.platform.db.base import utcnow
from lieu.platform.db.keyset import Column, Ordering, Slice, Window, read_page


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a request came from."""

    client_ip: str = ""
    user_agent: str = ""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One line of the audit log, before it is stored."""

    principal: Principal
    action: str
    target: str
    outcome: str
    origin: Origin
    detail: str = ""
    at: datetime = field(default_factory=utcnow)  # when it happened, not when it was stored

    def row(self) -> AuditEntry:
        """The row to insert."""
        return AuditEntry(**self.values())

    def values(self) -> dict[str, Any]:
        """The row's column values (for a Core INSERT of many)."""
        return {
            "at": self.at,
            "token_id": self.principal.token_id,
            "role": self.principal.role.value,
            "plan": self.principal.plan,
            "provider": self.principal.provider,
            "action": self.action[:64],
            "target": self.target[:200],
            "outcome": self.outcome,
            "client_ip": self.origin.client_ip[:64],
            "user_agent": self.origin.user_agent[:300],
            "detail": self.detail,
        }


NEWEST_FIRST = Ordering(
    (Column(AuditEntry.at, descending=True), Column(AuditEntry.id, descending=True))
)


def record(session: AsyncSession, records: Sequence[AuditRecord]) -> None:
    """Add the records to the caller's transaction (a write and its audit commit together)."""
    session.add_all([r.row() for r in records])


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which lines of a plan's audit log to read; empty means any. `starts`/`ends`: [from, to)."""

    target: str | None = None
    token_id: str | None = None
    action: str | None = None
    starts: datetime | None = None
    ends: datetime | None = None

    def conditions(self, plan: str) -> list[ColumnElement[bool]]:
        found: list[ColumnElement[bool]] = [AuditEntry.plan == plan]
        if self.target is not None:
            found.append(AuditEntry.target == self.target)
        if self.token_id is not None:
            found.append(AuditEntry.token_id == self.token_id)
        if self.action is not None:
            found.append(AuditEntry.action == self.action)
        if self.starts is not None:
            found.append(AuditEntry.at >= self.starts)
        if self.ends is not None:
            found.append(AuditEntry.at < self.ends)
        return found


async def audit_trail(
    *,
    session: AsyncSession,
    plan: str,
    window: Window,
    target: str | None = None,
    token_id: str | None = None,
    where: AuditFilter | None = None,
) -> Slice[AuditEntry]:
    """A plan's audit log, newest first, optionally for one target or one token (or `where`)."""
    chosen = where or AuditFilter(target=target, token_id=token_id)
    query = select(AuditEntry).where(*chosen.conditions(plan))
    return await read_page(session, query, NEWEST_FIRST, window)


async def count_audit(*, session: AsyncSession, plan: str, where: AuditFilter) -> int:
    """How many lines of the plan's audit log match (one COUNT)."""
    found = await session.scalar(
        select(func.count()).select_from(AuditEntry).where(*where.conditions(plan))
    )
    return int(found or 0)


def command_line_actor() -> str:
    """Who runs a `lieu` command, as the audit log names them: `cli:<user>@<host>`."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container's)
        user = "unknown"
    return f"cli:{user}@{socket.gethostname()}"[:200]


def record_command(
    session: AsyncSession, *, plan: str, action: str, target: str, outcome: str, detail: str = ""
) -> None:
    """Audit a `lieu` command's write in its own transaction: no token is involved, so the row
    names the operating-system user and host (`token_id` `cli`, role `cli`)."""
    session.add(
        AuditEntry(
            at=utcnow(),
            token_id="cli",
            role="cli",
            plan=plan,
            provider=None,
            action=action[:64],
            target=target[:200],
            outcome=outcome,
            client_ip="",
            user_agent=command_line_actor()[:300],
            detail=detail,
        )
    )

"""API tokens (stored hashed), the console's sessions, the audit log of member-data reads and
every write, birth-date misses and lockouts, and the supports a provider organization is
contracted for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.db.base import Base, UTCDateTime, utcnow


class ApiToken(Base):
    """A bearer token: only the SHA-256 of its secret is kept; revocable; may expire."""

    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # public part of the token
    secret_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    plan: Mapped[str] = mapped_column(String(64), index=True)
    provider: Mapped[str | None] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    # reviewers: the review roles a step may ask for, comma-separated (utilization_management,...)
    review_roles: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # plan_admin tokens: may approve a colleague's definition draft (never their own)
    approver: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    """Who did what, when and from where (append-only)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_plan_at", "plan", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    token_id: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))
    plan: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str | None] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))  # the GraphQL field, e.g. `eligibility`
    target: Mapped[str] = mapped_column(String(200))  # e.g. `member:demo-plan/91000001A`
    outcome: Mapped[str] = mapped_column(String(16))  # ok, denied, not_found, refused, invalid
    client_ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")


class ConsoleSession(Base):
    """A signed-in console visit: the browser's cookie holds a random id whose SHA-256 is this
    row's key; the row names the token that signed in, so revoking the token ends the session.
    Shared by every API replica through the database."""

    __tablename__ = "console_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie's id
    token_id: Mapped[str] = mapped_column(
        ForeignKey("api_tokens.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class IdentityMisses(Base):
    """Birth dates given that did not identify a member, counted for one scope: a provider
    organization and a CIN (`organization`), or one token across every CIN (`token`); past the
    plan's limit the scope is locked until `locked_until`. The checks still being compared are
    counted apart (`pending`): misses and pending checks together never pass the limit. In the
    database, so every API replica counts the same."""

    __tablename__ = "identity_misses"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the scope
    scope: Mapped[str] = mapped_column(String(16))  # organization | token
    plan: Mapped[str] = mapped_column(String(64), index=True)
    provider: Mapped[str] = mapped_column(String(64))
    cin: Mapped[str] = mapped_column(String(64), default="")  # organization scope only
    token_id: Mapped[str] = mapped_column(String(32), default="")  # token scope only
    misses: Mapped[int] = mapped_column(Integer, default=0)  # since first_miss_at
    # checks counted by begin_check and not yet settled by end_check: each may still miss
    pending: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    first_miss_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_miss_at: Mapped[datetime] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProviderContract(Base):
    """A provider organization is contracted by a plan for a support: it may request it."""

    __tablename__ = "provider_contracts"
    __table_args__ = (UniqueConstraint("plan", "provider", "support"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(64))
    support: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

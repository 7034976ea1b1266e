"""Benefit definition versions and their history, as stored."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, Enum, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.db.base import Base, JSONDocument, UTCDateTime, utcnow
from lieu.platform.definitions.document import DefinitionRef


class DefinitionStatus(enum.StrEnum):
    """Draft (editable) → published (immutable, hashed) → retired (no longer in force)."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


class DefinitionVersion(Base):
    """One version of one plan's definition of one Community Support.

    The DHCS baseline is plan ``dhcs``. A published row never changes again except to be retired;
    its ``content_hash`` is the SHA-256 of the canonical JSON of ``document``.
    """

    __tablename__ = "definition_versions"
    __table_args__ = (
        UniqueConstraint("plan", "support", "version"),
        Index("ix_definition_versions_in_force", "plan", "support", "status", "effective_from"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan: Mapped[str] = mapped_column(String(64))
    support: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[DefinitionStatus] = mapped_column(
        Enum(
            DefinitionStatus,
            native_enum=False,
            length=16,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=DefinitionStatus.DRAFT,
    )
    effective_from: Mapped[date] = mapped_column(Date)
    extends_plan: Mapped[str | None] = mapped_column(String(64))
    extends_support: Mapped[str | None] = mapped_column(String(64))
    extends_version: Mapped[int | None] = mapped_column(Integer)
    document: Mapped[dict[str, Any]] = mapped_column(JSONDocument)
    content_hash: Mapped[str | None] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def ref(self) -> DefinitionRef:
        """This version's identity."""
        return DefinitionRef(self.plan, self.support, self.version)


class DefinitionEvent(Base):
    """Append-only history of what happened to a definition version, by whom and when."""

    __tablename__ = "definition_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(
        ForeignKey("definition_versions.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))  # created, edited, published, retired
    actor: Mapped[str] = mapped_column(String(200))
    detail: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReviewStatus(enum.StrEnum):
    """A draft submitted for approval: pending → approved (published) or returned (editable
    again), or withdrawn by its author."""

    PENDING = "pending"
    APPROVED = "approved"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class DefinitionReview(Base):
    """One submission of a draft for a colleague's approval, and its decision (append-only in
    spirit: a decided review is never changed; a resubmission is a new row)."""

    __tablename__ = "definition_reviews"
    __table_args__ = (Index("ix_definition_reviews_plan_status", "plan", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(
        ForeignKey("definition_versions.id", ondelete="RESTRICT"), index=True
    )
    plan: Mapped[str] = mapped_column(String(64))
    support: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[ReviewStatus] = mapped_column(
        Enum(
            ReviewStatus,
            native_enum=False,
            length=16,
            validate_strings=True,
            values_callable=lambda e: [m.value for m in e],
        ),
        default=ReviewStatus.PENDING,
    )
    # the SHA-256 of the document as submitted: what the approver saw is what is published
    submitted_hash: Mapped[str] = mapped_column(String(64))
    submitted_by: Mapped[str] = mapped_column(String(200))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    comment: Mapped[str] = mapped_column(Text, default="")
    effective_from: Mapped[date | None] = mapped_column(Date)

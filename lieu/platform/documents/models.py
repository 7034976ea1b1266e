"""Documents on file for an authorization: what was attached, by whom, and where its bytes are
(the bytes themselves are in the document store, never in this row)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from lieu.platform.db.base import Base, UTCDateTime, utcnow


class AuthorizationDocument(Base):
    """One attached document (append-only). No foreign key to `authorizations`: a document may
    come before the workflow has projected its authorization."""

    __tablename__ = "authorization_documents"
    __table_args__ = (UniqueConstraint("authorization_id", "idempotency_key"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # D-<32 hex>
    # Looked up by authorization: the unique (authorization_id, idempotency_key) index serves.
    authorization_id: Mapped[str] = mapped_column(String(64))
    requirement: Mapped[str] = mapped_column(String(64))  # the document's id in the step
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(64))  # as sniffed from the bytes
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(200))
    # The caller's actor: role, plan, provider and a token label of up to 200 characters.
    uploaded_by: Mapped[str] = mapped_column(String(400))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

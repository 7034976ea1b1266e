"""Keeping documents for authorizations: check, write the bytes, then the row (the bytes go again
if the row does not make it); list and read them back. The caller owns the session."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.db.base import utcnow
from lieu.platform.documents.kinds import DocumentRefused, check_document, clean_filename
from lieu.platform.documents.models import AuthorizationDocument
from lieu.platform.documents.store import DocumentMissing, DocumentStore, check_key

# The same shape as the ids in benefit definitions (`provider-order`), underscores allowed too.
REQUIREMENT = re.compile(r"[a-z0-9][a-z0-9_-]{0,62}")
MAX_IDEMPOTENCY_KEY = 200
DOCUMENT_PREFIX = "D-"


@dataclass(frozen=True, slots=True)
class Upload:
    """A document as it arrived: for which authorization and requirement, its bytes, and what
    the client said about them."""

    authorization_id: str
    requirement: str
    filename: str
    claimed_type: str
    content: bytes
    idempotency_key: str
    uploaded_by: str


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    """A stored document without its bytes: what the API shows and the workflow is told."""

    id: str
    authorization_id: str
    requirement: str
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_at: datetime

    @classmethod
    def of(cls, row: AuthorizationDocument) -> DocumentInfo:
        return cls(
            id=row.id,
            authorization_id=row.authorization_id,
            requirement=row.requirement,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            uploaded_by=row.uploaded_by,
            uploaded_at=row.uploaded_at,
        )


@dataclass(frozen=True, slots=True)
class Stored:
    """The document kept for an upload; `created` is False when the idempotency key had
    already stored it (nothing new was written)."""

    document: AuthorizationDocument
    created: bool


class IdempotencyKeyReused(ValueError):
    """The key already stored a different document on this authorization."""

    def __init__(self, key: str, first: AuthorizationDocument) -> None:
        super().__init__(
            f"idempotency key {key!r} already attached document {first.id} "
            f"({first.requirement}, {first.filename!r}, {first.size} bytes) to authorization "
            f"{first.authorization_id}; use a new key for a different document"
        )
        # The id, not the row: a rollback expires the row before a caller reads it.
        self.first_id = first.id


class DocumentNotFound(LookupError):
    """No document with that id."""


class DocumentDamaged(RuntimeError):
    """The store's bytes are missing or are not the bytes that were stored."""


async def store_document(
    *, session: AsyncSession, store: DocumentStore, upload: Upload, max_bytes: int
) -> Stored:
    """Check the upload, write its bytes to the store, then its row; the first document stored
    with the same idempotency key when there is one. Raises `DocumentRefused` for bad input and
    `IdempotencyKeyReused` when the key stored another document.

    The row is flushed (not committed) before the bytes are written, so its id and storage key
    are claimed first and no upload can ever overwrite another's bytes; it becomes visible only
    when the caller commits, after the bytes are in the store. If the bytes cannot be written
    the row goes (a savepoint); if the caller's commit fails, it calls `discard`."""
    _check_fields(upload)
    kind = check_document(
        upload.content, upload.claimed_type, filename=upload.filename, max_bytes=max_bytes
    )
    sha256 = hashlib.sha256(upload.content).hexdigest()
    first = await _by_key(session, upload.authorization_id, upload.idempotency_key)
    if first is not None:
        return _replayed(first, upload, sha256)
    document_id = f"{DOCUMENT_PREFIX}{uuid.uuid4().hex.upper()}"
    row = AuthorizationDocument(
        id=document_id,
        authorization_id=upload.authorization_id,
        requirement=upload.requirement,
        filename=clean_filename(upload.filename, fallback=upload.requirement, kind=kind),
        content_type=kind.content_type,
        size=len(upload.content),
        sha256=sha256,
        # One key per stored document, never reused: deleting it can only remove this upload.
        storage_key=check_key(f"{upload.authorization_id}/{document_id}"),
        idempotency_key=upload.idempotency_key,
        uploaded_by=upload.uploaded_by,
        uploaded_at=utcnow(),
    )
    written = False
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()  # a duplicate id, storage key or idempotency key fails here
            await store.put(row.storage_key, upload.content, kind.content_type)
            written = True
    except BaseException as failure:
        if written:  # the savepoint did not make it: neither may the bytes
            await store.delete(row.storage_key)
        if isinstance(failure, IntegrityError):
            # Another request with the same idempotency key stored its row first.
            first = await _by_key(session, upload.authorization_id, upload.idempotency_key)
            if first is not None:
                return _replayed(first, upload, sha256)
        raise
    return Stored(row, created=True)


async def discard(*, session: AsyncSession, store: DocumentStore, stored: Stored) -> bool:
    """After the caller's commit failed: delete the bytes `store_document` wrote, unless the row
    is there after all (a commit can fail after the database made it durable). `session` is a
    new one. Returns whether the bytes were deleted (a replay's never are)."""
    if not stored.created:
        return False
    if await find_document(session=session, document_id=stored.document.id) is not None:
        return False
    await store.delete(stored.document.storage_key)
    return True


async def list_documents(
    *, session: AsyncSession, authorization_id: str
) -> list[AuthorizationDocument]:
    """The documents on file for an authorization, oldest first."""
    found = await documents_of(session=session, authorization_ids=[authorization_id])
    return found[authorization_id]


async def documents_of(
    *, session: AsyncSession, authorization_ids: Sequence[str]
) -> dict[str, list[AuthorizationDocument]]:
    """The documents of several authorizations in one query, oldest first."""
    found: dict[str, list[AuthorizationDocument]] = {i: [] for i in authorization_ids}
    if not authorization_ids:
        return found
    rows = await session.scalars(
        select(AuthorizationDocument)
        .where(AuthorizationDocument.authorization_id.in_(list(authorization_ids)))
        .order_by(AuthorizationDocument.uploaded_at, AuthorizationDocument.id)
    )
    for row in rows:
        found[row.authorization_id].append(row)
    return found


async def requirements_on_file(*, session: AsyncSession, authorization_id: str) -> frozenset[str]:
    """The requirements at least one stored document answers, e.g. {"provider_order"}."""
    rows = await list_documents(session=session, authorization_id=authorization_id)
    return frozenset(row.requirement for row in rows)


async def find_document(*, session: AsyncSession, document_id: str) -> AuthorizationDocument | None:
    """The row of a document, or None."""
    found: AuthorizationDocument | None = await session.get(AuthorizationDocument, document_id)
    return found


async def read_document(
    *, session: AsyncSession, store: DocumentStore, document_id: str
) -> tuple[AuthorizationDocument, bytes]:
    """A document's row and its bytes, checked against the stored size and SHA-256
    (`DocumentNotFound`, or `DocumentDamaged` when the store lost or changed them)."""
    row = await find_document(session=session, document_id=document_id)
    if row is None:
        raise DocumentNotFound(f"no document {document_id!r}")
    return row, await read_content(store=store, document=row)


async def read_content(*, store: DocumentStore, document: AuthorizationDocument) -> bytes:
    """The bytes of a document whose row the caller has, checked against its size and hash."""
    try:
        content = await store.get(document.storage_key)
    except DocumentMissing:
        raise DocumentDamaged(
            f"document {document.id} ({document.filename!r}) has no content in "
            f"{store.describe()} under {document.storage_key!r}; restore it from a backup"
        ) from None
    if len(content) != document.size or hashlib.sha256(content).hexdigest() != document.sha256:
        raise DocumentDamaged(
            f"document {document.id} ({document.filename!r}) in {store.describe()} is not the "
            f"file that was stored ({len(content)} bytes, {document.size} expected, or another "
            "SHA-256); restore it from a backup"
        )
    return content


def _check_fields(upload: Upload) -> None:
    if not REQUIREMENT.fullmatch(upload.requirement):
        raise DocumentRefused(
            "bad_requirement",
            f"requirement {upload.requirement[:80]!r} is not a document id; use the id the "
            "authorization's documentation step gives it, e.g. 'provider_order' (lowercase "
            "letters, digits, '_' or '-', at most 63)",
            pointer="/requirement",
        )
    key = upload.idempotency_key
    if not key.strip() or len(key) > MAX_IDEMPOTENCY_KEY:
        raise DocumentRefused(
            "bad_idempotency_key",
            f"give an idempotency key of 1 to {MAX_IDEMPOTENCY_KEY} characters (your id for "
            "this upload; resending it returns the first document instead of a second copy)",
            pointer="/idempotencyKey",
        )


async def _by_key(
    session: AsyncSession, authorization_id: str, key: str
) -> AuthorizationDocument | None:
    found: AuthorizationDocument | None = await session.scalar(
        select(AuthorizationDocument).where(
            AuthorizationDocument.authorization_id == authorization_id,
            AuthorizationDocument.idempotency_key == key,
        )
    )
    return found


def _replayed(first: AuthorizationDocument, upload: Upload, sha256: str) -> Stored:
    if first.sha256 != sha256 or first.requirement != upload.requirement:
        raise IdempotencyKeyReused(upload.idempotency_key, first)
    return Stored(first, created=False)

"""Keeping a document: checked, bytes in the store, row in the database; a resend stores
nothing new; nothing is left half-kept when a step fails (SQLite and PostgreSQL)."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.documents import records
from lieu.platform.documents.kinds import DocumentRefused
from lieu.platform.documents.models import AuthorizationDocument
from lieu.platform.documents.records import (
    DocumentDamaged,
    DocumentInfo,
    DocumentNotFound,
    IdempotencyKeyReused,
    Upload,
    discard,
    list_documents,
    read_document,
    requirements_on_file,
    store_document,
)
from lieu.platform.documents.store import FolderStore

AUTHORIZATION = "A-1F2E3D4C5B6A7988"
ORDER = b"%PDF-1.7 order for asthma remediation: HEPA filter, pest management\n%%EOF"
PLAN = "Housing support plan for transitional rent, month 1 of 6.\n"
MAX = 64 * 1024


def upload(content: bytes = ORDER, **changes: str) -> Upload:
    fields = {
        "authorization_id": AUTHORIZATION,
        "requirement": "provider_order",
        "filename": "order.pdf",
        "claimed_type": "application/pdf",
        "idempotency_key": "order-1",
        "uploaded_by": "provider:demo-plan/breathe-easy:intake",
    }
    fields.update(changes)
    return Upload(content=content, **fields)


@pytest.fixture
def writes(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(for_writes(engine))


@pytest.fixture
def store(tmp_path: Path) -> FolderStore:
    return FolderStore(tmp_path / "documents")


def files_in(store: FolderStore) -> list[Path]:
    return sorted(p for p in store.root.rglob("*") if p.is_file()) if store.root.exists() else []


async def count_rows(writes: async_sessionmaker[AsyncSession]) -> int:
    async with writes() as session:
        return int(await session.scalar(select(func.count(AuthorizationDocument.id))) or 0)


async def keep(
    writes: async_sessionmaker[AsyncSession], store: FolderStore, given: Upload
) -> records.Stored:
    async with writes.begin() as session:
        return await store_document(session=session, store=store, upload=given, max_bytes=MAX)


async def test_a_document_is_kept_as_bytes_in_the_store_and_a_row_that_says_where(
    writes: async_sessionmaker[AsyncSession], store: FolderStore
) -> None:
    stored = await keep(writes, store, upload())
    assert stored.created
    document = stored.document
    assert document.id.startswith("D-")
    assert (document.authorization_id, document.requirement) == (AUTHORIZATION, "provider_order")
    assert (document.filename, document.content_type, document.size) == (
        "order.pdf",
        "application/pdf",
        len(ORDER),
    )
    assert document.sha256 == hashlib.sha256(ORDER).hexdigest()
    assert document.storage_key == f"{AUTHORIZATION}/{document.id}"
    assert await store.get(document.storage_key) == ORDER
    async with writes() as session:
        [row] = await list_documents(session=session, authorization_id=AUTHORIZATION)
        assert row.id == document.id and row.uploaded_at.tzinfo is not None
        found, content = await read_document(session=session, store=store, document_id=row.id)
    assert (found.id, content) == (document.id, ORDER)
    assert DocumentInfo.of(found).requirement == "provider_order"


async def test_resending_the_same_idempotency_key_returns_the_first_and_stores_nothing(
    writes: async_sessionmaker[AsyncSession], store: FolderStore
) -> None:
    first = await keep(writes, store, upload())
    again = await keep(writes, store, upload(filename="order (1).pdf"))
    assert not again.created
    assert again.document.id == first.document.id
    assert again.document.filename == "order.pdf"
    assert await count_rows(writes) == 1
    assert len(files_in(store)) == 1


async def test_two_resends_at_once_store_one_document(
    writes: async_sessionmaker[AsyncSession], store: FolderStore
) -> None:
    both = await asyncio.gather(keep(writes, store, upload()), keep(writes, store, upload()))
    assert sorted(stored.created for stored in both) == [False, True]
    assert both[0].document.id == both[1].document.id
    assert await count_rows(writes) == 1
    assert len(files_in(store)) == 1


async def test_the_same_key_for_a_different_document_is_refused_and_stores_nothing(
    writes: async_sessionmaker[AsyncSession], store: FolderStore
) -> None:
    first = await keep(writes, store, upload())
    with pytest.raises(IdempotencyKeyReused) as reused:
        await keep(writes, store, upload(PLAN.encode(), claimed_type="text/plain"))
    assert str(reused.value) == (
        f"idempotency key 'order-1' already attached document {first.document.id} "
        f"(provider_order, 'order.pdf', {len(ORDER)} bytes) to authorization {AUTHORIZATION}; "
        "use a new key for a different document"
    )
    assert await count_rows(writes) == 1
    assert len(files_in(store)) == 1


async def test_a_refused_document_leaves_no_bytes_and_no_row(
    writes: async_sessionmaker[AsyncSession], store: FolderStore
) -> None:
    with pytest.raises(DocumentRefused, match="sent as application/pdf but its content is plain"):
        await keep(writes, store, upload(PLAN.encode()))
    with pytest.raises(DocumentRefused, match="is empty"):
        await keep(writes, store, upload(b""))
    assert await count_rows(writes) == 0
    assert files_in(store) == []


@pytest.mark.parametrize(
    ("changes", "pointer", "code"),
    [
        ({"requirement": "Provider Order"}, "/requirement", "bad_requirement"),
        ({"requirement": "../x"}, "/requirement", "bad_requirement"),
        ({"idempotency_key": "  "}, "/idempotencyKey", "bad_idempotency_key"),
        ({"idempotency_key": "k" * 201}, "/idempotencyKey", "bad_idempotency_key"),
    ],
)
async def test_a_bad_requirement_or_key_is_refused_with_its_pointer(
    writes: async_sessionmaker[AsyncSession],
    store: FolderStore,
    changes: dict[str, str],
    pointer: str,
    code: str,
) -> None:
    with pytest.raises(DocumentRefused) as refused:
        await keep(writes, store, upload(**changes))
    assert (refused.value.pointer, refused.value.code) == (pointer, code)
    assert await count_rows(writes) == 0 and files_in(store) == []


async def test_when_the_bytes_cannot_be_written_no_row_is_kept(
    writes: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    (tmp_path / "not-a-folder").write_text("a file where the store's folder should be")
    broken = FolderStore(tmp_path / "not-a-folder")
    with pytest.raises(OSError):
        await keep(writes, broken, upload())
    assert await count_rows(writes) == 0


async def test_when_the_commit_fails_discard_deletes_the_bytes_of_the_row_that_never_was(
    writes: async_sessionmaker[AsyncSession], store: FolderStore
) -> None:
    async with writes() as session:
        await session.begin()
        stored = await store_document(session=session, store=store, upload=upload(), max_bytes=MAX)
        assert await store.exists(stored.document.storage_key)
        await session.rollback()  # what a failed commit leaves
    async with writes() as session:
        assert await discard(session=session, store=store, stored=stored)
    assert files_in(store) == [] and await count_rows(writes) == 0


async def test_discard_keeps_the_bytes_when_the_row_committed_after_all(
    writes: async_sessionmaker[AsyncSession], store: FolderStore
) -> None:
    stored = await keep(writes, store, upload())
    async with writes() as session:
        assert not await discard(session=session, store=store, stored=stored)
    assert await store.get(stored.document.storage_key) == ORDER


async def test_an_upload_can_never_overwrite_another_documents_bytes(
    writes: async_sessionmaker[AsyncSession], store: FolderStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    same = uuid.uuid4()
    monkeypatch.setattr(records.uuid, "uuid4", lambda: same)  # two uploads draw the same id
    first = await keep(writes, store, upload())
    with pytest.raises(IntegrityError):
        await keep(writes, store, upload(PLAN.encode(), claimed_type="", idempotency_key="p-1"))
    assert await store.get(first.document.storage_key) == ORDER
    assert await count_rows(writes) == 1


async def test_documents_are_listed_oldest_first_with_the_requirements_they_answer(
    writes: async_sessionmaker[AsyncSession], store: FolderStore
) -> None:
    consent = upload(
        PLAN.encode(), requirement="owner_consent", claimed_type="text/plain", idempotency_key="c"
    )
    png = b"\x89PNG\r\n\x1a\n" + bytes(8)
    report = upload(png, requirement="home_visit_report", claimed_type="", idempotency_key="r")
    await keep(writes, store, consent)
    await keep(writes, store, report)
    await keep(writes, store, upload(authorization_id="A-0000000000000001"))
    async with writes() as session:
        rows = await list_documents(session=session, authorization_id=AUTHORIZATION)
        on_file = await requirements_on_file(session=session, authorization_id=AUTHORIZATION)
    assert [(r.requirement, r.content_type) for r in rows] == [
        ("owner_consent", "text/plain"),
        ("home_visit_report", "image/png"),
    ]
    assert on_file == {"owner_consent", "home_visit_report"}


async def test_reading_bytes_the_store_lost_or_changed_says_so(
    writes: async_sessionmaker[AsyncSession], store: FolderStore
) -> None:
    stored = await keep(writes, store, upload())
    key = stored.document.storage_key
    (store.root / key).write_bytes(ORDER.replace(b"HEPA", b"XXXX"))
    async with writes() as session:
        with pytest.raises(DocumentDamaged, match="is not the file that was stored"):
            await read_document(session=session, store=store, document_id=stored.document.id)
        await store.delete(key)
        with pytest.raises(DocumentDamaged, match=f"has no content in folder .* under '{key}'"):
            await read_document(session=session, store=store, document_id=stored.document.id)
        with pytest.raises(DocumentNotFound, match="no document 'D-NOPE'"):
            await read_document(session=session, store=store, document_id="D-NOPE")

"""The folder store keeps bytes under the data dir, writes them all or nothing, and no key can
name a place outside its folder."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from lieu.platform.documents.store import (
    BadDocumentKey,
    DocumentMissing,
    FolderStore,
    check_key,
    open_store,
)
from lieu.settings import Settings

KEY = "A-1F2E3D4C5B6A7988/D-0123456789ABCDEF"
ORDER = b"%PDF-1.7 provider's order for asthma remediation"


async def test_a_document_comes_back_as_it_was_put_and_goes_when_deleted(tmp_path: Path) -> None:
    store = FolderStore(tmp_path / "documents")
    assert not await store.exists(KEY)
    await store.put(KEY, ORDER, "application/pdf")
    assert await store.exists(KEY)
    assert await store.get(KEY) == ORDER
    assert (tmp_path / "documents" / KEY).read_bytes() == ORDER
    await store.delete(KEY)
    assert not await store.exists(KEY)
    await store.delete(KEY)  # deleting what is not there is not an error


async def test_reading_a_key_with_nothing_under_it_says_so(tmp_path: Path) -> None:
    store = FolderStore(tmp_path)
    with pytest.raises(DocumentMissing, match=f"no document under '{KEY}' in folder {tmp_path}"):
        await store.get(KEY)


async def test_the_store_creates_nothing_until_a_document_is_put(tmp_path: Path) -> None:
    settings = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path / ".lieu")})
    store = open_store(settings)
    assert isinstance(store, FolderStore)
    assert store.root == tmp_path / ".lieu" / "documents"
    assert not await store.exists(KEY)
    assert not (tmp_path / ".lieu").exists()


async def test_a_put_leaves_no_temporary_file_behind(tmp_path: Path) -> None:
    store = FolderStore(tmp_path)
    await store.put(KEY, ORDER, "application/pdf")
    await store.put(KEY, ORDER + b" (replaced)", "application/pdf")
    assert sorted(p.name for p in (tmp_path / KEY).parent.iterdir()) == [Path(KEY).name]


async def test_a_write_that_fails_keeps_the_earlier_bytes_and_leaves_no_part_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FolderStore(tmp_path)
    await store.put(KEY, ORDER, "application/pdf")

    def disk_full(_fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    with pytest.raises(OSError, match="No space left"):
        await store.put(KEY, b"%PDF- half of a new version", "application/pdf")
    monkeypatch.undo()
    assert await store.get(KEY) == ORDER
    assert [p.name for p in (tmp_path / KEY).parent.iterdir()] == [Path(KEY).name]


async def test_a_reader_sees_the_old_document_or_the_new_one_never_half(tmp_path: Path) -> None:
    store = FolderStore(tmp_path)
    path = store.path_of(KEY)
    versions = (b"%PDF-" + b"a" * 2_000_000, b"%PDF-" + b"b" * 3_000_000)
    await store.put(KEY, versions[0], "application/pdf")
    seen: list[bytes] = []
    done = threading.Event()

    def read_while_written() -> None:
        while not done.is_set() and len(seen) < 400:
            seen.append(path.read_bytes())

    reader = threading.Thread(target=read_while_written)
    reader.start()
    try:
        for turn in range(30):
            await store.put(KEY, versions[turn % 2], "application/pdf")
    finally:
        done.set()
        reader.join(timeout=30)
    assert seen, "the reader read nothing"
    assert all(content in versions for content in seen)


@pytest.mark.parametrize(
    ("key", "why"),
    [
        ("../outside.pdf", "has a '..' segment"),
        ("A-1/../../outside.pdf", "has a '..' segment"),
        ("/etc/passwd", "starts with '/'"),
        ("A-1//D-2", "has an empty segment"),
        ("A-1/D-2/", "has an empty segment"),
        ("A-1/./D-2", "has a '.' segment"),
        (".hidden", "segment '.hidden' has a character outside"),
        ("A-1\\..\\outside", "segment 'A-1\\\\..\\\\outside' has a character outside"),
        ("A-1/D-2\x00.pdf", "has a character outside"),
        ("", "it is empty"),
        ("a" * 513, "is 513 characters long, over 512"),
    ],
)
async def test_a_key_that_could_escape_the_folder_is_refused_saying_why(
    tmp_path: Path, key: str, why: str
) -> None:
    store = FolderStore(tmp_path / "documents")
    with pytest.raises(BadDocumentKey) as refused:
        await store.put(key, ORDER, "application/pdf")
    assert why in str(refused.value)
    assert "joined by '/'" in str(refused.value)
    with pytest.raises(BadDocumentKey):
        await store.get(key)
    with pytest.raises(BadDocumentKey):
        await store.delete(key)
    assert not (tmp_path / "documents").exists()
    assert not (tmp_path / "outside.pdf").exists()


async def test_a_symbolic_link_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    root = tmp_path / "documents"
    outside = tmp_path / "elsewhere"
    root.mkdir()
    outside.mkdir()
    (root / "A-1").symlink_to(outside, target_is_directory=True)
    store = FolderStore(root)
    with pytest.raises(BadDocumentKey, match=r"leads outside .* \(through a symbolic link\)"):
        await store.put("A-1/D-2", ORDER, "application/pdf")
    assert list(outside.iterdir()) == []


def test_safe_keys_pass_unchanged() -> None:
    assert check_key(KEY) == KEY
    assert check_key("a/b.c_d-e/F9") == "a/b.c_d-e/F9"

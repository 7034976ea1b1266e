"""Where documents' bytes live: one `DocumentStore` interface, a folder under the data dir by
default, any S3-compatible store (MinIO, AWS) when API replicas scale out. Never the database
row, never a workflow's history: rows and workflows carry the key, size and SHA-256 only."""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from pathlib import Path
from typing import Any, Protocol

from lieu.settings import Settings

MAX_KEY_LENGTH = 512
# One segment of a key: letters, digits, '.', '_' and '-', starting with a letter or digit (so
# no '.', '..' or hidden name, and never the name of a FolderStore temporary file).
KEY_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
KEY_EXAMPLE = "A-1F2E3D4C5B6A7988/D-9C0B"
S3_CONNECT_TIMEOUT_SECONDS = 5
S3_READ_TIMEOUT_SECONDS = 30


class BadDocumentKey(ValueError):
    """A storage key that could name a place outside the store; the message says why."""


class DocumentMissing(LookupError):
    """Nothing is stored under the key."""


class StoreUnavailable(RuntimeError):
    """The store did not do what was asked (unreachable, no bucket, access denied); the message
    names the store and what to check."""


class DocumentStore(Protocol):
    """Bytes by key. Keys are validated by `check_key`; every method may be awaited from the
    event loop (blocking work runs in a thread)."""

    async def put(self, key: str, content: bytes, content_type: str) -> None:
        """Store `content` under `key` (replacing what was there), all or nothing."""
        ...

    async def get(self, key: str) -> bytes:
        """The bytes under `key`; `DocumentMissing` when there are none."""
        ...

    async def delete(self, key: str) -> None:
        """Remove what is under `key`; nothing there is not an error."""
        ...

    async def exists(self, key: str) -> bool:
        """Is anything stored under `key`?"""
        ...

    def describe(self) -> str:
        """Where the store is, for messages and logs (never a secret)."""
        ...


def check_key(key: str) -> str:
    """`key` if it is a relative path of safe segments, else `BadDocumentKey` saying why."""
    why = _key_problem(key)
    if why:
        raise BadDocumentKey(
            f"document key {key[:80]!r} is not allowed: {why}; a key is segments of letters, "
            f"digits, '.', '_' and '-' (each starting with a letter or digit) joined by '/', "
            f"e.g. {KEY_EXAMPLE!r}"
        )
    return key


def _key_problem(key: str) -> str:
    if not key:
        return "it is empty"
    if len(key) > MAX_KEY_LENGTH:
        return f"it is {len(key)} characters long, over {MAX_KEY_LENGTH}"
    if key.startswith("/"):
        return "it starts with '/'"
    for segment in key.split("/"):
        if not segment:
            return "it has an empty segment ('//' or a trailing '/')"
        if segment in (".", ".."):
            return f"it has a {segment!r} segment"
        if not KEY_SEGMENT.fullmatch(segment):
            return f"segment {segment[:40]!r} has a character outside a-z A-Z 0-9 . _ -"
    return ""


class FolderStore:
    """Files under one folder (by default `LIEU_DATA_DIR/documents`), written to a temporary file
    beside the target and renamed into place, so a reader never sees half a document."""

    def __init__(self, root: Path) -> None:
        self.root = root.absolute()

    def describe(self) -> str:
        return f"folder {self.root}"

    def path_of(self, key: str) -> Path:
        """The file of `key`, checked to stay inside the root (symbolic links included)."""
        path = self.root / check_key(key)
        resolved_root = self.root.resolve()
        if not path.resolve().is_relative_to(resolved_root):
            raise BadDocumentKey(
                f"document key {key!r} leads outside {self.root} (through a symbolic link); "
                "remove the link from the document folder"
            )
        return path

    async def put(self, key: str, content: bytes, content_type: str) -> None:
        await asyncio.to_thread(self._write, self.path_of(key), content)

    async def get(self, key: str) -> bytes:
        path = self.path_of(key)
        try:
            return await asyncio.to_thread(path.read_bytes)
        except FileNotFoundError:
            raise DocumentMissing(f"no document under {key!r} in {self.describe()}") from None

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.path_of(key).unlink, missing_ok=True)

    async def exists(self, key: str) -> bool:
        return await asyncio.to_thread(self.path_of(key).is_file)

    @staticmethod
    def _write(path: Path, content: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # The temporary name starts with '.', which no key segment may: it is never read as a key.
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.partial")
        try:
            with temporary.open("xb") as file:
                file.write(content)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where folders cannot be opened)."""
    try:
        handle = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass
    finally:
        os.close(handle)


class S3Store:
    """Objects in one bucket of an S3-compatible store. boto3 is blocking: every call runs in a
    thread (a boto3 client is safe to share between threads)."""

    def __init__(
        self,
        *,
        bucket: str,
        endpoint: str = "",
        access_key: str = "",
        secret_key: str = "",
        region: str = "us-east-1",
    ) -> None:
        # Imported here: processes on the folder store never pay for importing boto3.
        import boto3
        from botocore.config import Config

        self.bucket = bucket
        self.endpoint = endpoint
        config = Config(
            connect_timeout=S3_CONNECT_TIMEOUT_SECONDS,
            read_timeout=S3_READ_TIMEOUT_SECONDS,
            retries={"max_attempts": 3, "mode": "standard"},
            # MinIO and most S3-compatible stores address buckets by path, not by host name.
            s3={"addressing_style": "path" if endpoint else "auto"},
        )
        credentials = (
            {"aws_access_key_id": access_key, "aws_secret_access_key": secret_key}
            if access_key
            else {}
        )
        self._client: Any = boto3.session.Session().client(
            "s3",
            endpoint_url=endpoint or None,
            region_name=region,
            config=config,
            **credentials,
        )

    def describe(self) -> str:
        where = f" at {self.endpoint}" if self.endpoint else ""
        return f"s3://{self.bucket}{where}"

    async def put(self, key: str, content: bytes, content_type: str) -> None:
        await self._call(
            "put_object",
            Bucket=self.bucket,
            Key=check_key(key),
            Body=content,
            ContentType=content_type,
        )

    async def get(self, key: str) -> bytes:
        response = await self._call("get_object", Bucket=self.bucket, Key=check_key(key))
        body: bytes = await asyncio.to_thread(response["Body"].read)
        return body

    async def delete(self, key: str) -> None:
        await self._call("delete_object", Bucket=self.bucket, Key=check_key(key))

    async def exists(self, key: str) -> bool:
        try:
            await self._call("head_object", Bucket=self.bucket, Key=check_key(key))
        except DocumentMissing:
            return False
        return True

    async def _call(self, operation: str, **arguments: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        key = arguments.get("Key", "")
        try:
            return await asyncio.to_thread(getattr(self._client, operation), **arguments)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in ("NoSuchKey", "404", "NotFound") and operation != "put_object":
                raise DocumentMissing(f"no document under {key!r} in {self.describe()}") from None
            raise StoreUnavailable(self._explain(operation, code, str(error))) from None
        except BotoCoreError as error:
            raise StoreUnavailable(
                f"the document store {self.describe()} did not answer ({operation}: {error}); "
                "check that it runs and that LIEU_S3_ENDPOINT points at it"
            ) from None

    def _explain(self, operation: str, code: str, text: str) -> str:
        if code == "NoSuchBucket":
            return (
                f"bucket {self.bucket!r} does not exist in {self.describe()}; create it (the "
                "compose stack's minio-setup does) or fix LIEU_DOCUMENT_STORE"
            )
        if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "403"):
            return (
                f"{self.describe()} refused {operation} ({code}); check LIEU_S3_ACCESS_KEY and "
                f"LIEU_S3_SECRET_KEY and that they may write to bucket {self.bucket!r}"
            )
        return f"{self.describe()} failed {operation}: {text}"


def open_store(settings: Settings) -> DocumentStore:
    """The store `LIEU_DOCUMENT_STORE` names: `folder` (the default) or `s3://bucket`. Nothing
    is created or contacted until the first document is stored."""
    bucket = settings.s3_bucket
    if bucket is None:
        return FolderStore(settings.documents_dir)
    return S3Store(
        bucket=bucket,
        endpoint=settings.s3_endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        region=settings.s3_region,
    )

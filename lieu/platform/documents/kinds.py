"""What an uploaded document really is, read from its bytes: PDF, PNG, JPEG, TIFF or UTF-8
plain text, and nothing else. The type a client claims must agree with the bytes, so a file is
always served back as what it is."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

OCTET_STREAM = "application/octet-stream"
MAX_FILENAME_LENGTH = 200
ACCEPTED_WORDS = "a PDF, PNG, JPEG or TIFF file, or UTF-8 plain text"
# Control characters (Unicode category Cc) but tab, line feed, form feed and carriage return.
NOT_TEXT = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True, slots=True)
class Kind:
    """An accepted type: its media type, a word for people, and the usual file extension."""

    content_type: str
    label: str
    extension: str


PDF = Kind("application/pdf", "PDF", ".pdf")
PNG = Kind("image/png", "PNG image", ".png")
JPEG = Kind("image/jpeg", "JPEG image", ".jpg")
TIFF = Kind("image/tiff", "TIFF image", ".tif")
TEXT = Kind("text/plain", "plain text", ".txt")
ACCEPTED = (PDF, PNG, JPEG, TIFF, TEXT)
BY_TYPE = {kind.content_type: kind for kind in ACCEPTED}
# Names clients use for the same types.
ALIASES = {"image/jpg": JPEG, "image/pjpeg": JPEG, "image/tif": TIFF, "application/x-pdf": PDF}
SIGNATURES = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),  # little-endian TIFF
    (b"MM\x00*", TIFF),  # big-endian TIFF
)


class DocumentRefused(ValueError):
    """A document lieu will not keep: `code` says which check, the message what to do."""

    def __init__(self, code: str, message: str, pointer: str = "/file") -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.pointer = pointer


def sniff(content: bytes) -> Kind | None:
    """The accepted type `content` is, by its first bytes (or as text), else None."""
    for signature, kind in SIGNATURES:
        if content.startswith(signature):
            return kind
    return TEXT if not _text_problem(content) else None


def check_document(content: bytes, claimed: str, *, filename: str, max_bytes: int) -> Kind:
    """The document's real type, or `DocumentRefused` when it is empty, larger than
    `max_bytes`, of a type lieu does not accept, or not the type the client claimed."""
    name = repr(filename) if filename else "the file"
    size = len(content)
    if size == 0:
        raise DocumentRefused(
            "empty", f"{name} is empty (0 bytes); attach the document itself: {ACCEPTED_WORDS}"
        )
    if size > max_bytes:
        raise DocumentRefused(
            "too_large",
            f"{name} is over the limit of {_size(max_bytes)} ({max_bytes} bytes) for one "
            f"document (LIEU_DOCUMENT_MAX_BYTES); scan it at a lower resolution, compress it, "
            "or attach it in parts",
        )
    kind = sniff(content)
    if kind is None:
        raise DocumentRefused(
            "type_not_accepted",
            f"{name} is not {ACCEPTED_WORDS} ({_why_not(content)}); save or scan the document "
            "as a PDF and attach that",
        )
    said = media_type(claimed)
    if said in ("", OCTET_STREAM):
        return kind  # the client did not say; the bytes do
    meant = BY_TYPE.get(said) or ALIASES.get(said)
    if meant is not kind:
        raise DocumentRefused(
            "type_mismatch",
            f"{name} was sent as {said} but its content is {kind.label} ({kind.content_type}); "
            f"send it with the content type {kind.content_type}, or attach the file you meant",
        )
    return kind


def media_type(header: str) -> str:
    """`type/subtype` of a Content-Type header, lowercased, without parameters."""
    return header.split(";", 1)[0].strip().lower()


def clean_filename(raw: str | None, *, fallback: str, kind: Kind) -> str:
    """The name to keep and serve: the last part of what the client sent (browsers may send a
    whole path), without control characters or quotes, at most MAX_FILENAME_LENGTH long; when
    nothing is left, `fallback` with the type's extension."""
    name = (raw or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(
        " " if unicodedata.category(c).startswith(("C", "Z")) and c != " " else c
        for c in unicodedata.normalize("NFC", name)
    )
    name = " ".join(name.replace('"', "'").split()).strip(" .")
    if not name:
        name = fallback + kind.extension
    if len(name) > MAX_FILENAME_LENGTH:
        _, dot, extension = name.rpartition(".")
        keep = extension if dot and len(extension) <= 10 else ""
        name = name[: MAX_FILENAME_LENGTH - len(keep) - 1].rstrip() + (f".{keep}" if keep else "")
    return name


def _text_problem(content: bytes) -> str:
    """Why `content` is not plain UTF-8 text, or ''."""
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError as bad:
        return f"byte 0x{content[bad.start]:02x} at offset {bad.start} is not UTF-8"
    control = NOT_TEXT.search(text)
    if control is not None:
        return f"it holds control character U+{ord(control.group()):04X} at {control.start()}"
    return ""


def _why_not(content: bytes) -> str:
    first = content[:8].hex(" ")
    problem = _text_problem(content)
    return f"it starts with bytes {first}, and as text {problem}"


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):g} MiB"
    if count >= 1024:
        return f"{count / 1024:g} KiB"
    return f"{count} bytes"

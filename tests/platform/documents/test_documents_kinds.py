"""A document is what its bytes say: PDF, PNG, JPEG, TIFF or UTF-8 text, and only if the client
said the same; empty and oversized files are refused with what to do."""

from __future__ import annotations

import pytest

from lieu.platform.documents.kinds import (
    JPEG,
    MAX_FILENAME_LENGTH,
    PDF,
    PNG,
    TEXT,
    TIFF,
    DocumentRefused,
    Kind,
    check_document,
    clean_filename,
    sniff,
)

PDF_BYTES = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(13)
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(16) + b"\xff\xd9"
TIFF_LE = b"II*\x00\x08\x00\x00\x00" + bytes(16)
TIFF_BE = b"MM\x00*\x00\x00\x00\x08" + bytes(16)
HOME_VISIT_REPORT = "Home visit 2026-11-30: ramp needed at the front door; Señora R. consents.\n"
DOCX_BYTES = b"PK\x03\x04\x14\x00\x06\x00" + bytes(20)  # a Word file is a ZIP


def check(content: bytes, claimed: str, max_bytes: int = 1024) -> Kind:
    return check_document(content, claimed, filename="order.pdf", max_bytes=max_bytes)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (PDF_BYTES, PDF),
        (PNG_BYTES, PNG),
        (JPEG_BYTES, JPEG),
        (TIFF_LE, TIFF),
        (TIFF_BE, TIFF),
        (HOME_VISIT_REPORT.encode(), TEXT),
        ("\ufeffwith a byte-order mark\r\n\ttabbed\f".encode(), TEXT),
    ],
    ids=["pdf", "png", "jpeg", "tiff-little-endian", "tiff-big-endian", "utf8-text", "bom-text"],
)
def test_each_accepted_type_is_read_from_its_bytes(content: bytes, kind: Kind) -> None:
    assert sniff(content) is kind
    assert check(content, kind.content_type) is kind


@pytest.mark.parametrize(
    "content",
    [DOCX_BYTES, b"GIF89a\x01\x00\x01\x00", "café".encode("latin-1"), b"text with a NUL\x00 byte"],
    ids=["word-zip", "gif", "latin-1-text", "nul-in-text"],
)
def test_anything_else_is_not_accepted_and_the_message_says_to_send_a_pdf(content: bytes) -> None:
    assert sniff(content) is None
    with pytest.raises(DocumentRefused) as refused:
        check(content, "application/pdf")
    assert refused.value.code == "type_not_accepted"
    assert refused.value.pointer == "/file"
    assert "'order.pdf' is not a PDF, PNG, JPEG or TIFF file, or UTF-8 plain text" in str(
        refused.value
    )
    assert f"it starts with bytes {content[:8].hex(' ')}" in str(refused.value)
    assert str(refused.value).endswith("save or scan the document as a PDF and attach that")


def test_latin1_text_is_refused_naming_the_byte_that_is_not_utf8() -> None:
    with pytest.raises(DocumentRefused, match=r"byte 0xe9 at offset 3 is not UTF-8"):
        check("café".encode("latin-1"), "text/plain")


def test_a_png_sent_as_a_pdf_is_refused_as_a_mismatch_naming_both_types() -> None:
    with pytest.raises(DocumentRefused) as refused:
        check(PNG_BYTES, "application/pdf")
    assert refused.value.code == "type_mismatch"
    assert str(refused.value) == (
        "'order.pdf' was sent as application/pdf but its content is PNG image (image/png); "
        "send it with the content type image/png, or attach the file you meant"
    )


def test_a_pdf_claimed_as_a_word_document_is_a_mismatch_too() -> None:
    with pytest.raises(DocumentRefused, match="sent as application/msword but its content is PDF"):
        check(PDF_BYTES, "application/msword")


def test_parameters_case_and_common_aliases_of_the_claimed_type_agree() -> None:
    assert check(HOME_VISIT_REPORT.encode(), "Text/Plain; charset=UTF-8") is TEXT
    assert check(JPEG_BYTES, "image/jpg") is JPEG
    assert check(TIFF_LE, "image/tif") is TIFF


def test_a_client_that_names_no_type_gets_the_type_of_the_bytes() -> None:
    assert check(PDF_BYTES, "") is PDF
    assert check(PNG_BYTES, "application/octet-stream") is PNG


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(DocumentRefused) as refused:
        check(b"", "application/pdf")
    assert refused.value.code == "empty"
    assert str(refused.value) == (
        "'order.pdf' is empty (0 bytes); attach the document itself: a PDF, PNG, JPEG or TIFF "
        "file, or UTF-8 plain text"
    )


def test_a_file_over_the_limit_is_refused_with_the_limit_and_how_to_fix_it() -> None:
    five_mib = 5 * 1024 * 1024
    assert check(PDF_BYTES + bytes(five_mib - len(PDF_BYTES)), "", max_bytes=five_mib) is PDF
    with pytest.raises(DocumentRefused) as refused:
        check(PDF_BYTES + bytes(five_mib), "application/pdf", max_bytes=five_mib)
    assert refused.value.code == "too_large"
    assert str(refused.value) == (
        f"'order.pdf' is over the limit of 5 MiB ({five_mib} bytes) for one document "
        "(LIEU_DOCUMENT_MAX_BYTES); scan it at a lower resolution, compress it, or attach it "
        "in parts"
    )


def test_the_size_is_checked_before_the_type() -> None:
    with pytest.raises(DocumentRefused, match="over the limit of 16 bytes"):
        check(DOCX_BYTES, "application/pdf", max_bytes=16)


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("provider order.pdf", "provider order.pdf"),
        ("C:\\fakepath\\consent.pdf", "consent.pdf"),
        ("../../etc/passwd", "passwd"),
        ('say "cheese".png', "say 'cheese'.png"),
        ("report\r\nX-Injected: 1.txt", "report X-Injected: 1.txt"),
        ("evil\u202etxt.pdf", "evil txt.pdf"),
        ("", "home_visit_report.pdf"),
        ("   ...  ", "home_visit_report.pdf"),
    ],
)
def test_a_filename_keeps_its_last_part_without_control_characters(raw: str, kept: str) -> None:
    assert clean_filename(raw, fallback="home_visit_report", kind=PDF) == kept


def test_a_long_filename_is_cut_keeping_its_extension() -> None:
    kept = clean_filename("a" * 500 + ".pdf", fallback="x", kind=PDF)
    assert len(kept) == MAX_FILENAME_LENGTH
    assert kept.endswith("aaa.pdf")

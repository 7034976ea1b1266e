"""Logs: a traceback says where it failed, never what the frames held (tokens, member facts)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog

from lieu import logs
from lieu.settings import Settings


@pytest.fixture
def restored_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        structlog.reset_defaults()


def _fail_holding(secret: str) -> None:
    bearer = f"Bearer {secret}"
    raise RuntimeError(f"failed with a header of {len(bearer)} characters")


def test_a_logged_traceback_shows_no_local_variables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    logs.configure(Settings.from_env({"LIEU_DATA_DIR": str(tmp_path)}))
    try:
        _fail_holding("lieu_abc_" + "hunter".upper() + "2")  # (its source line is shown)
    except RuntimeError:
        structlog.get_logger("test").exception("request failed")
    written = capsys.readouterr().err
    assert "request failed" in written and "_fail_holding" in written
    assert "RuntimeError" in written
    assert "HUNTER2" not in written


CIN = "97531864Q"


def _refuse(cin: str) -> None:
    raise LookupError(f"no member with CIN {cin!r} in plan 'demo-plan'")


@pytest.mark.parametrize("log_format", ["console", "json"])
def test_a_logged_exception_says_its_type_and_where_never_its_message(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    restored_logging: None,
    log_format: str,
) -> None:
    logs.configure(
        Settings.from_env({"LIEU_DATA_DIR": str(tmp_path), "LIEU_LOG_FORMAT": log_format})
    )
    try:
        try:
            _refuse(CIN)
        except LookupError as missing:
            raise RuntimeError(f"projection of {CIN} failed") from missing
    except RuntimeError:
        structlog.get_logger("test").exception("projection failed")
        logging.getLogger("temporalio.activity").warning("Completing activity", exc_info=True)
    written = capsys.readouterr().err
    assert CIN not in written
    # two lines logged (structlog's and the stdlib's), each with the chain of two exceptions
    assert written.count("LookupError") == 2 * 2 and written.count("RuntimeError") == 2 * 2
    assert "_refuse" in written and "direct cause" in written and "messages and locals" in written


def test_an_operating_system_error_keeps_its_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    logs.configure(Settings.from_env({"LIEU_DATA_DIR": str(tmp_path)}))
    try:
        raise ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 5432)")
    except OSError:
        structlog.get_logger("test").exception("database unreachable")
    assert "Connect call failed ('127.0.0.1', 5432)" in capsys.readouterr().err


def test_libraries_that_log_statements_and_bodies_are_held_at_warning_even_in_debug(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    logs.configure(Settings.from_env({"LIEU_DATA_DIR": str(tmp_path), "LIEU_LOG_LEVEL": "debug"}))
    for name in ("aiosqlite", "sqlalchemy.engine.Engine", "httpx", "botocore.endpoint"):
        logging.getLogger(name).debug("executing SELECT ... (%r,)", CIN)
    logging.getLogger("lieu.test").debug("lieu's own debug line")
    written = capsys.readouterr().err
    assert CIN not in written and "lieu's own debug line" in written


def test_a_missing_payload_key_is_logged_with_the_key_it_lacks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], restored_logging: None
) -> None:
    from lieu.workflows.codec import PayloadKeyMissing

    logs.configure(Settings.from_env({"LIEU_DATA_DIR": str(tmp_path)}))
    try:
        raise PayloadKeyMissing("a Temporal payload is sealed with key '2026-06', which is not …")
    except PayloadKeyMissing:
        logging.getLogger("temporalio.worker").warning("Failed activation", exc_info=True)
    assert "sealed with key '2026-06'" in capsys.readouterr().err

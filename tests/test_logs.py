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

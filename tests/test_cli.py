"""The `lieu` command: user errors are one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from lieu.workflows.devserver import free_port


def lieu(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lieu", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgres://nobody@nowhere/x", "driver 'postgres'"),
        ("not a url at all", "is not a database URL"),
        (f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/x", "cannot use the database"),
    ],
)
def test_a_bad_database_url_gives_one_clear_line_and_a_non_zero_exit(url: str, words: str) -> None:
    result = lieu("migrate", env={"LIEU_DATABASE_URL": url})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("lieu: error: ")
    assert words in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_migrate_creates_the_tables_and_says_at_which_revision(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    first = lieu("migrate", env={"LIEU_DATABASE_URL": url})
    again = lieu("migrate", env={"LIEU_DATABASE_URL": url})
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("database at revision ")
    assert again.stdout == first.stdout


def test_lieu_dev_refuses_a_busy_api_port_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = lieu(
            "dev",
            env={"LIEU_DATA_DIR": str(tmp_path), "LIEU_API_PORT": str(port)},
        )
    assert result.returncode == 2
    assert f"port {port} is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_commands() -> None:
    result = lieu("--help")
    assert result.returncode == 0
    for command in ("dev", "api", "worker", "migrate"):
        assert command in result.stdout

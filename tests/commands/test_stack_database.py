"""Commands find the stack's database or say in one line how to point at it; reading commands
never create a folder or a database, and never migrate one."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from lieu.cli import run
from lieu.commands.database import latest_revision
from lieu.commands.serve import migrate_database
from lieu.platform.members.facts import DEFINITIONS_ROOT
from lieu.settings import Settings

ANA = DEFINITIONS_ROOT / "members" / "ana.yaml"
RESPITE = DEFINITIONS_ROOT / "dhcs" / "respite" / "v1.json"


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory that is not the checkout, and a stack folder that does not exist."""
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.delenv("LIEU_DATABASE_URL", raising=False)
    monkeypatch.setenv("LIEU_DATA_DIR", str(tmp_path / "stack"))
    return work


def _files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*"))


@pytest.mark.parametrize(
    "argv",
    [
        ["tokens", "create", "--role", "plan_admin", "--plan", "demo-plan"],
        ["tokens", "list"],
        ["tokens", "revoke", "abc"],
        ["members", "import", str(DEFINITIONS_ROOT / "members"), "--plan", "demo-plan"],
        ["definitions", "list"],
        ["definitions", "publish", str(RESPITE)],
        ["definitions", "diff", str(RESPITE), "dhcs/respite/v1"],
        ["eligibility", "check", "--member", str(ANA), "--support", "respite"],
        ["report", "prior-authorization", "--plan", "demo-plan", "--year", "2026"],
        ["report", "community-supports", "--plan", "demo-plan", "--year", "2026"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_without_a_stack_a_command_that_needs_one_says_how_in_one_line_and_creates_nothing(
    argv: list[str], elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = elsewhere.parent / "stack"
    assert run(argv) == 1
    error = capsys.readouterr().err.strip()
    assert error == (
        f"lieu: error: no lieu database at {stack / 'lieu.db'}; start `make run` once (or run "
        "`lieu migrate`), or set LIEU_DATA_DIR to the stack's folder or LIEU_DATABASE_URL to "
        "its database"
    )
    assert not stack.exists()
    assert _files(elsewhere) == []


def test_reading_commands_never_create_a_folder_or_a_database(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    members = elsewhere / "members.jsonl"
    assert run(["members", "synth", "--count", "20", "--out", str(members)]) == 0
    assert run(["screen", str(members), "--out", str(elsewhere / "screened.jsonl")]) == 0
    assert run(["definitions", "validate", str(RESPITE)]) == 0
    assert run(["definitions", "diff", str(RESPITE), str(RESPITE)]) == 0
    assert run(["definitions", "list"]) == 1  # needs the stack, which is not there
    assert run(["eligibility", "check", "--member", str(ANA), "--support", "respite"]) == 1
    capsys.readouterr()
    assert _files(elsewhere) == [Path("members.jsonl"), Path("screened.jsonl")]
    assert not (elsewhere.parent / "stack").exists()


def _revision(database: Path) -> str:
    with sqlite3.connect(database) as connection:
        (revision,) = connection.execute("select version_num from alembic_version").fetchone()
    return str(revision)


def test_an_old_database_is_refused_not_migrated_by_a_reading_command(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = elsewhere.parent / "stack" / "lieu.db"
    # (migrate in-process through the API: `lieu migrate` would configure logging for the session)
    asyncio.run(migrate_database(Settings.from_env(), "0004"))
    for argv in (
        ["eligibility", "check", "--member", str(ANA), "--support", "respite"],
        ["definitions", "list"],
        ["tokens", "list"],
    ):
        assert run(argv) == 1
        assert capsys.readouterr().err.strip() == (
            f"lieu: error: the database {database} is at revision 0004, not "
            f"{latest_revision()}; run "
            "`lieu migrate` (or restart `make run`) to upgrade it"
        )
    assert _revision(database) == "0004"


def test_an_empty_database_file_says_it_has_no_lieu_tables(
    elsewhere: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack = elsewhere.parent / "stack"
    stack.mkdir()
    (stack / "lieu.db").touch()
    assert run(["tokens", "list"]) == 1
    assert capsys.readouterr().err.strip() == (
        f"lieu: error: the database {stack / 'lieu.db'} has no lieu tables; start `make run` "
        "once (or run `lieu migrate`)"
    )
    assert (stack / "lieu.db").stat().st_size == 0


def test_the_installed_command_run_elsewhere_leaves_no_dot_lieu_behind(tmp_path: Path) -> None:
    """Without LIEU_DATA_DIR the stack is the checkout's: found, or named in the one line."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIEU_")}
    done = subprocess.run(
        [sys.executable, "-m", "lieu", "tokens", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in done.stderr
    if done.returncode:
        checkout = Path(__file__).resolve().parents[2]
        assert done.returncode == 1
        assert done.stderr.startswith(f"lieu: error: no lieu database at {checkout / '.lieu'}")
        assert done.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []

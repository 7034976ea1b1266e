"""The `lieu` commands that write (tokens create and revoke, members import, prior-use import)
leave an audit line in the same transaction as their write, naming the operating-system user and
host, since no token is involved (issue #15 point 4c)."""

from __future__ import annotations

import asyncio
import getpass
import socket
from pathlib import Path

import pytest
from sqlalchemy import select

from lieu.cli import run
from lieu.platform.access.models import AuditEntry
from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.definitions.directory import load_directory
from lieu.platform.members.service import upsert_member
from tests.commands.test_limits_command import CIN, GOOD, ROOT


async def _prepare(url: str) -> None:
    """Migrated, with the shipped definitions (so demo-plan is a known plan) and one member."""
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        async with create_session_factory(for_writes(engine)).begin() as session:
            await load_directory(session=session, root=ROOT, actor="test")
            await upsert_member(session=session, plan="demo-plan", cin=CIN, facts={})
    finally:
        await engine.dispose()


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'lieu.db'}"
    asyncio.run(_prepare(url))
    monkeypatch.setenv("LIEU_DATABASE_URL", url)
    return url


async def _lines(url: str) -> list[tuple[str, str, str, str, str]]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.scalars(
                select(AuditEntry).where(AuditEntry.role == "cli").order_by(AuditEntry.id)
            )
            return [(r.action, r.target, r.outcome, r.token_id, r.user_agent) for r in rows]
    finally:
        await engine.dispose()


def test_each_writing_command_leaves_an_audit_line_naming_who_ran_it(
    stack: str, tmp_path: Path
) -> None:
    prior = tmp_path / "prior.csv"
    prior.write_text(GOOD)
    members = tmp_path / "members.jsonl"
    members.write_text(f'{{"cin": "{CIN}", "facts": {{"county": "Kern"}}}}\n')
    argv = ["limits", "import-prior-use", str(prior), "--plan", "demo-plan", "--source", "old"]
    assert run(argv) == 0
    assert run(["members", "import", str(members), "--plan", "demo-plan", "--quiet"]) == 0
    assert run(["tokens", "create", "--role", "operations", "--plan", "demo-plan"]) == 0
    lines = asyncio.run(_lines(stack))
    actions = [line[0] for line in lines]
    assert actions == ["cli.import_prior_use", "cli.members_import", "cli.tokens_create"]
    who = f"cli:{getpass.getuser()}@{socket.gethostname()}"
    assert all(line[2] == "ok" and line[3] == "cli" and line[4] == who for line in lines)
    assert lines[0][1] == "prior_use:demo-plan" and lines[1][1] == "members:demo-plan"
    number = lines[2][1].removeprefix("token:")
    assert run(["tokens", "revoke", number]) == 0  # the line names the token created
    assert asyncio.run(_lines(stack))[-1][:2] == ("cli.tokens_revoke", f"token:{number}")

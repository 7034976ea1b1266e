"""`LieuMemberKey` (issue #14 point 2 under #15's PHI rule): a member's workflows are findable in
Temporal by a keyed digest of plan and CIN, never the CIN; the secret comes from
LIEU_MEMBER_KEY_SECRET or is made once in the data dir; `lieu workflows member-key` prints the
query to paste into the Temporal UI and is audited as a read of the member."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from lieu.cli import run
from lieu.platform.access.models import AuditEntry
from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine, create_session_factory
from lieu.settings import MEMBER_KEY_SECRET_FILE, Settings, SettingsError, member_key_secret
from lieu.workflows.search import DECLARED, MEMBER_KEY_CHARS, member_key, member_query

SECRET = b"a-member-key-secret-of-forty-characters!"
CIN = "91234567A"


def test_the_digest_is_the_truncated_hmac_of_plan_and_cin_and_the_same_every_time() -> None:
    expected = hmac.new(SECRET, f"demo-plan\x1f{CIN}".encode(), hashlib.sha256).hexdigest()
    assert member_key(SECRET, "demo-plan", CIN) == expected[:MEMBER_KEY_CHARS]
    assert member_key(SECRET, "demo-plan", CIN) == member_key(SECRET, "demo-plan", CIN)
    assert len(member_key(SECRET, "demo-plan", CIN)) == 32
    assert member_key(SECRET, "demo-plan", f" {CIN.lower()} ") == member_key(
        SECRET, "demo-plan", CIN
    )


def test_another_secret_or_another_plan_gives_another_digest_and_none_holds_the_cin() -> None:
    mine = member_key(SECRET, "demo-plan", CIN)
    assert member_key(b"another-secret-another-secret-another!!", "demo-plan", CIN) != mine
    assert member_key(SECRET, "other-plan", CIN) != mine
    assert member_key(SECRET, "demo-plan", "91234568A") != mine
    assert CIN not in mine and CIN.lower() not in mine and "91234567" not in mine


def test_a_digest_without_a_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="needs the secret"):
        member_key(b"", "demo-plan", CIN)


def test_the_query_names_the_search_attribute_the_servers_declare() -> None:
    assert member_query(SECRET, "demo-plan", CIN) == (
        f"LieuMemberKey = '{member_key(SECRET, 'demo-plan', CIN)}'"
    )
    assert DECLARED["LieuMemberKey"] == "Keyword"


def test_the_secret_from_the_environment_is_used_and_a_short_one_refused(tmp_path: Path) -> None:
    env = {"LIEU_DATA_DIR": str(tmp_path), "LIEU_MEMBER_KEY_SECRET": "m" * 40}
    settings = Settings.from_env(env)
    assert member_key_secret(settings) == b"m" * 40
    assert "m" * 40 not in repr(settings)
    assert not (tmp_path / MEMBER_KEY_SECRET_FILE).exists()
    with pytest.raises(SettingsError, match="LIEU_MEMBER_KEY_SECRET is 5 characters long"):
        Settings.from_env({**env, "LIEU_MEMBER_KEY_SECRET": "short"})


def test_without_one_the_secret_is_made_once_in_the_data_dir_readable_by_its_owner_only(
    tmp_path: Path,
) -> None:
    settings = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path / ".lieu")})
    first = member_key_secret(settings)
    assert len(first) >= 32 and member_key_secret(settings) == first
    made = tmp_path / ".lieu" / MEMBER_KEY_SECRET_FILE
    assert stat.S_IMODE(made.stat().st_mode) == 0o600


def test_a_truncated_secret_file_is_refused_saying_what_deleting_it_costs(tmp_path: Path) -> None:
    (tmp_path / MEMBER_KEY_SECRET_FILE).write_text("too-short\n")
    with pytest.raises(SettingsError, match="workflows started before are then not found"):
        member_key_secret(Settings.from_env({"LIEU_DATA_DIR": str(tmp_path)}))


async def _audit(url: str) -> list[tuple[str, str, str, str]]:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.scalars(select(AuditEntry).where(AuditEntry.role == "cli"))
            return [(r.action, r.plan, r.target, r.outcome) for r in rows]
    finally:
        await engine.dispose()


def _migrated(url: str) -> None:
    async def go() -> None:
        engine = create_engine(url)
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(go())


def test_the_command_prints_the_query_with_the_stacks_secret_and_audits_the_member_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'lieu.db'}"
    _migrated(url)
    monkeypatch.setenv("LIEU_DATABASE_URL", url)
    monkeypatch.setenv("LIEU_DATA_DIR", str(tmp_path / ".lieu"))
    monkeypatch.delenv("LIEU_MEMBER_KEY_SECRET", raising=False)
    assert run(["workflows", "member-key", "--plan", "demo-plan", "--cin", CIN]) == 0
    secret = member_key_secret(Settings.from_env())  # the one the API of this stack uses
    printed = capsys.readouterr()
    assert printed.out.strip() == member_query(secret, "demo-plan", CIN)
    assert "LIEU_MEMBER_KEY_SECRET is unset" in printed.err  # whose secret keyed it
    monkeypatch.setenv("LIEU_MEMBER_KEY_SECRET", "x" * 40)
    assert run(["workflows", "member-key", "--plan", "demo-plan", "--cin", CIN]) == 0
    printed = capsys.readouterr()
    assert printed.out.strip() == member_query(b"x" * 40, "demo-plan", CIN) and not printed.err
    assert (
        asyncio.run(_audit(url))
        == [("cli.member_key", "demo-plan", f"member:demo-plan/{CIN}", "ok")] * 2
    )


def test_the_command_refuses_what_is_not_a_cin_and_audits_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'lieu.db'}"
    _migrated(url)
    monkeypatch.setenv("LIEU_DATABASE_URL", url)
    monkeypatch.setenv("LIEU_DATA_DIR", str(tmp_path / ".lieu"))
    assert run(["workflows", "member-key", "--plan", "demo-plan", "--cin", "9123'; --"]) == 2
    assert "is not a CIN" in capsys.readouterr().err
    assert asyncio.run(_audit(url)) == []

"""`lieu limits import-prior-use FILE --plan P`: records of prior use checked whole and loaded,
a re-run of the same file loads nothing, and a file with problems is refused line by line with
nothing stored."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lieu.cli import run
from lieu.platform.db import migrate
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.definitions.directory import load_directory
from lieu.platform.limits.models import LimitEntry
from lieu.platform.members.service import upsert_member

ROOT = Path(__file__).resolve().parents[2] / "benefit_definitions"
CIN = "91000001A"
GOOD = (
    "cin,support,amount,measure,service_start,service_end,source_record_id,note\n"
    f"{CIN},respite,336,hours,2026-02-01,2026-02-28,old-1,caregiver relief\n"
    f"{CIN},housing-deposits,1,episodes,2024-05-01,,old-2,\n"
)


async def _prepare(url: str) -> None:
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        async with create_session_factory(for_writes(engine)).begin() as session:
            await load_directory(session=session, root=ROOT / "dhcs", actor="test")
            await upsert_member(session=session, plan="demo-plan", cin=CIN, facts={})
    finally:
        await engine.dispose()


async def _entries(url: str) -> int:
    engine = create_engine(url)
    try:
        async with create_session_factory(engine)() as session:
            return int(await session.scalar(select(func.count()).select_from(LimitEntry)) or 0)
    finally:
        await engine.dispose()


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'lieu.db'}"
    asyncio.run(_prepare(url))
    monkeypatch.setenv("LIEU_DATABASE_URL", url)
    yield url


def test_a_file_is_loaded_once_and_a_rerun_loads_nothing(stack: str, tmp_path: Path) -> None:
    path = tmp_path / "prior.csv"
    path.write_text(GOOD)
    argv = ["limits", "import-prior-use", str(path), "--plan", "demo-plan", "--source", "old"]
    first = subprocess.run(
        [sys.executable, "-m", "lieu", *argv],
        env={**os.environ, "LIEU_DATABASE_URL": stack},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    assert "2 record(s) of prior use loaded (2 ledger entries), 0 already loaded" in first.stdout
    assert asyncio.run(_entries(stack)) == 2
    assert run(argv) == 0
    assert asyncio.run(_entries(stack)) == 2


def test_a_file_with_problems_is_refused_line_by_line_and_nothing_is_stored(
    stack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "prior.jsonl"
    path.write_text(
        f'{{"cin": "{CIN}", "support": "respite", "amount": 10, "service_start": "2026-02-01", '
        '"source_record_id": "a"}\n'
        f'{{"cin": "{CIN}", "support": "respite", "amount": "lots", "service_start": '
        '"2026-02-01", "source_record_id": "b"}\n'
        "not json\n"
    )
    assert run(["limits", "import-prior-use", str(path), "--plan", "demo-plan"]) == 1
    err = capsys.readouterr().err
    assert "problem(s) in" in err and "nothing was imported" in err
    assert f"{path}:1 source: missing" in err
    assert f"{path}:2 amount: 'lots' is not a number" in err
    assert f"{path}:3 (record): not JSON" in err
    assert asyncio.run(_entries(stack)) == 0


def test_a_file_of_unknown_format_is_a_usage_error(
    stack: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "prior.txt"
    path.write_text(GOOD)
    assert run(["limits", "import-prior-use", str(path), "--plan", "demo-plan"]) == 2
    assert "pass --format csv or jsonl" in capsys.readouterr().err

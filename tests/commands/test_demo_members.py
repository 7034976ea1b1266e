"""`lieu dev` enrolls the personas and seeded synthetic members in demo-plan once; `lieu members
import` takes the persona folder as well as JSON Lines, and says what it wants."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from lieu.cli import run
from lieu.commands.serve import migrate_database
from lieu.commands.setup import DEMO_PLAN, demo_members, load_demo_members
from lieu.platform.db.engine import create_engine, create_session_factory
from lieu.platform.elections.counties import county_slug
from lieu.platform.elections.seed import read_seed
from lieu.platform.members.facts import DEFINITIONS_ROOT
from lieu.platform.members.models import Member
from lieu.settings import Settings

FIRST_START = dt.date(2026, 12, 2)


async def _stored(settings: Settings) -> dict[str, dict[str, object]]:
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            rows = await session.scalars(select(Member).where(Member.plan == DEMO_PLAN))
            return {row.cin: row.facts for row in rows}
    finally:
        await engine.dispose()


async def test_the_first_start_enrolls_15_personas_and_2000_synthetic_members_and_a_second_none(
    settings: Settings,
) -> None:
    await migrate_database(settings)
    first = await load_demo_members(settings, FIRST_START)
    assert (first.personas, first.synthetic, first.existing) == (15, 2000, 0)
    assert str(first) == (
        "demo members: 15 personas (CINs 91000001A…) and 2,000 synthetic members (CINs 0…S) "
        "added to demo-plan"
    )
    stored = await _stored(settings)
    second = await load_demo_members(settings, FIRST_START + dt.timedelta(days=30))
    assert (second.personas, second.synthetic, second.existing) == (0, 0, 2015)
    assert str(second) == "demo members: all 2,015 already in demo-plan"
    assert await _stored(settings) == stored  # a later start changes nothing


async def test_demo_personas_read_as_of_the_first_start(settings: Settings) -> None:
    await migrate_database(settings)
    await load_demo_members(settings, FIRST_START)
    stored = await _stored(settings)
    ray, ana = stored["91000002A"], stored["91000001A"]
    assert ray["recent_discharge"] == {  # "discharged today"
        "date": "2026-12-02",
        "setting": "inpatient_hospital",
        "length_of_stay_days": 5,
        "skilled_needs": ["wound_care"],
    }
    assert (ana["county"], ana["birth_date"]) == ("Sacramento", "1945-03-08")


def test_synthetic_demo_members_are_the_same_every_time_and_live_in_demo_plans_counties(
    settings: Settings,
) -> None:
    personas, synthetic = demo_members(settings, FIRST_START)
    again = demo_members(settings, FIRST_START)[1]
    assert [(m.cin, m.facts) for m in synthetic] == [(m.cin, m.facts) for m in again]
    _plan, rows = read_seed(DEFINITIONS_ROOT / "elections" / "demo-plan.json")
    counties = {county_slug(m.facts["county"]) for m in synthetic if "county" in m.facts}
    assert counties == {row.county for row in rows}
    assert not {m.cin for m in personas} & {m.cin for m in synthetic}


@pytest.fixture
def stack(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("LIEU_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LIEU_DATA_DIR", str(settings.data_dir))
    asyncio.run(migrate_database(settings))
    return settings


def test_members_import_takes_the_persona_folder_and_updates_on_a_second_run(
    stack: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = DEFINITIONS_ROOT / "members"
    assert run(["members", "import", str(folder), "--plan", DEMO_PLAN]) == 0
    first = capsys.readouterr()
    assert first.out == "demo-plan: 15 created, 0 updated\n"
    assert first.err.startswith("lieu: stored 15 members in demo-plan in ")
    assert run(["members", "import", str(folder / "ana.yaml"), "--plan", DEMO_PLAN]) == 0
    assert capsys.readouterr().out == "demo-plan: 0 created, 1 updated\n"


def test_members_import_of_a_persona_without_a_cin_stores_nothing(
    stack: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "personas"
    folder.mkdir()
    for name in ("ana", "kai"):
        (folder / f"{name}.yaml").write_text(
            (DEFINITIONS_ROOT / "members" / f"{name}.yaml").read_text()
        )
    kai = folder / "kai.yaml"
    kai.write_text(kai.read_text().replace('"91000006A"', "demo-kai"))
    assert run(["members", "import", str(folder), "--plan", DEMO_PLAN]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"lieu: error: 1 problem(s) in {folder}; nothing was imported:",
        f"{kai}#/member_id: 'demo-kai' is not a CIN; a persona's member_id is its CIN",
    ]
    assert asyncio.run(_stored(stack)) == {}


def test_members_import_of_a_json_document_says_it_wants_json_lines(
    stack: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = tmp_path / "members.json"
    document.write_text(json.dumps([{"cin": "94000001D", "facts": {}}], indent=2))
    assert run(["members", "import", str(document), "--plan", DEMO_PLAN]) == 1
    error = capsys.readouterr().err.splitlines()
    assert error[0] == f"lieu: error: 6 problem(s) in {document}; nothing was imported:"
    assert error[1] == (
        f"{document}:1#: not JSON: Expecting value at column 1; each line must be one JSON "
        'object {"cin": ..., "facts": {...}} (JSON Lines)'
    )


def test_members_import_of_a_folder_without_personas_says_what_it_takes(
    stack: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["members", "import", str(tmp_path), "--plan", DEMO_PLAN]) == 1
    assert capsys.readouterr().err.strip() == (
        f"lieu: error: {tmp_path} holds no persona files (*.yaml); give JSON Lines ({{cin, facts}}"
        " per line) or a folder of persona YAML files"
    )


def test_the_readmes_say_how_many_synthetic_members_there_are(settings: Settings) -> None:
    _personas, synthetic = demo_members(settings, FIRST_START)
    for readme in (DEFINITIONS_ROOT.parent / "README.md", DEFINITIONS_ROOT / "members/README.md"):
        assert f"{len(synthetic):,} synthetic" in readme.read_text("utf-8"), readme

"""First-start setup shared by `lieu dev` and tests: definitions, elections, election workflows."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from temporalio.client import Client

from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.definitions.directory import load_directory
from lieu.platform.elections.calendar import ElectionCalendar
from lieu.platform.elections.seed import import_elections, read_seed
from lieu.settings import Settings
from lieu.workflows.elections.client import ensure_election_workflow


def elections_dir(settings: Settings) -> Path:
    """Where the election calendar and plans' election files live."""
    return settings.definitions_dir / "elections"


def election_files(settings: Settings) -> list[Path]:
    """Plans' election files (every JSON file beside the calendar)."""
    return sorted(p for p in elections_dir(settings).glob("*.json") if p.name != "calendar.json")


async def publish_definitions(settings: Settings) -> str:
    """Publish every definition under `settings.definitions_dir` not yet published; a summary."""
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            loaded = await load_directory(
                session=session, root=settings.definitions_dir, actor="lieu-setup"
            )
    finally:
        await engine.dispose()
    counts = Counter(item.action.value for item in loaded)
    return ", ".join(f"{counts[action]} {action}" for action in sorted(counts)) or "none found"


async def seed_elections(settings: Settings) -> int:
    """Import each plan's elections file unless that plan has elections already."""
    engine = create_engine(settings.database_url)
    imported = 0
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            for path in election_files(settings):
                plan, rows = read_seed(path)
                imported += await import_elections(
                    session=session, plan=plan, rows=rows, actor=f"seed:{path.name}"
                )
    finally:
        await engine.dispose()
    return imported


async def start_election_workflows(settings: Settings, client: Client) -> list[str]:
    """Make sure every plan with an elections file has its election workflow running."""
    calendar = ElectionCalendar.load(elections_dir(settings) / "calendar.json")
    started = []
    for path in election_files(settings):
        plan, _rows = read_seed(path)
        handle = await ensure_election_workflow(
            client, plan=plan, calendar=calendar, task_queue=settings.task_queue
        )
        started.append(handle.id)
    return started

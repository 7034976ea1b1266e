"""`lieu members import FILE.jsonl --plan P`: upsert members by CIN, every line checked against
the member-facts schema first; one wrong line and nothing is stored."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from lieu.commands.errors import CommandError
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.members.importing import ImportOutcome, import_members, parse_members
from lieu.settings import Settings

SHOWN_PROBLEMS = 20


async def _store(settings: Settings, plan: str, path: Path) -> ImportOutcome:
    with path.open(encoding="utf-8") as lines:
        members, problems = parse_members(lines)
    if problems:
        shown = [p.render(str(path)) for p in problems[:SHOWN_PROBLEMS]]
        more = len(problems) - len(shown)
        raise CommandError(
            f"{len(problems)} problem(s) in {path}; nothing was imported:\n"
            + "\n".join(shown)
            + (f"\n… and {more} more" if more else "")
        )
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            return await import_members(session=session, plan=plan, members=members)
    finally:
        await engine.dispose()


def import_file(
    file: Annotated[Path, typer.Argument(help="JSON Lines: {cin, facts} per line.")],
    plan: Annotated[str, typer.Option(help="The plan the members are enrolled in.")],
) -> None:
    """Import members (upsert by CIN); a `plan` key on the lines is ignored."""
    if not file.is_file():
        raise CommandError(f"{file} is not a file")
    outcome = asyncio.run(_store(Settings.from_env(), plan, file))
    typer.echo(f"{plan}: {outcome.created} created, {outcome.updated} updated")

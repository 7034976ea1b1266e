"""`lieu members import SOURCE --plan P`: upsert members by CIN, every member checked against the
member-facts schema first; one wrong member and nothing is stored.

SOURCE is JSON Lines (`{"cin", "facts"}` per line, what `lieu members synth` writes), or persona
YAML (one member's facts per file, the CIN in `member_id`, as in `benefit_definitions/members/`):
a `.yaml` file or a folder of them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated

import typer

from lieu.commands.database import require_database, stack_engine
from lieu.commands.errors import CommandError
from lieu.commands.members import Quiet
from lieu.commands.progress import Progress
from lieu.platform.access.audit import record_command
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.members.importing import ImportOutcome, MemberLine, import_members, parse_members
from lieu.platform.members.personas import persona_files, read_personas
from lieu.settings import Settings

SHOWN_PROBLEMS = 20
YAML_SUFFIXES = (".yaml", ".yml")


def _refused(problems: list[str], source: Path) -> CommandError:
    shown = problems[:SHOWN_PROBLEMS]
    more = len(problems) - len(shown)
    return CommandError(
        f"{len(problems)} problem(s) in {source}; nothing was imported:\n"
        + "\n".join(shown)
        + (f"\n… and {more} more" if more else "")
    )


def _counted(lines: Iterable[str], progress: Progress) -> Iterator[str]:
    for line in lines:
        progress.advance(nbytes=len(line))  # characters: close enough to bytes for a percentage
        yield line


def _from_jsonl(path: Path, quiet: bool) -> list[MemberLine]:
    try:
        size = os.path.getsize(path)
        with (
            path.open(encoding="utf-8") as lines,
            Progress("checking", "lines", total_bytes=size, quiet=quiet) as progress,
        ):
            members, problems = parse_members(_counted(lines, progress))
    except UnicodeDecodeError as error:
        raise CommandError(f"{path} is not UTF-8 text ({error.reason}); give JSON Lines") from None
    if problems:
        raise _refused([p.render(str(path)) for p in problems], path)
    return members


def _from_yaml(source: Path) -> list[MemberLine]:
    files = persona_files(source) if source.is_dir() else [source]
    if not files:
        raise CommandError(
            f"{source} holds no persona files (*.yaml); give JSON Lines ({{cin, facts}} per "
            "line) or a folder of persona YAML files"
        )
    members, problems = read_personas(files)
    if problems:
        raise _refused([p.render() for p in problems], source)
    return members


def read_source(source: Path, *, quiet: bool = False) -> list[MemberLine]:
    """The members of a JSON Lines file, a persona YAML file or a folder of them, all checked."""
    if source.is_dir() or source.suffix in YAML_SUFFIXES:
        return _from_yaml(source)
    return _from_jsonl(source, quiet)


async def _store(settings: Settings, plan: str, members: list[MemberLine], quiet: bool) -> str:
    async with stack_engine(settings) as engine:
        with Progress("storing", "members", total=len(members), quiet=quiet) as progress:
            async with create_session_factory(for_writes(engine)).begin() as session:
                outcome: ImportOutcome = await import_members(
                    session=session, plan=plan, members=members, on_stored=progress.advance
                )
                record_command(
                    session,
                    plan=plan,
                    action="cli.members_import",
                    target=f"members:{plan}",
                    outcome="ok",
                    detail=f"{outcome.created} created, {outcome.updated} updated",
                )
            progress.finish("stored", f"in {plan}")
    return f"{plan}: {outcome.created} created, {outcome.updated} updated"


def import_file(
    source: Annotated[
        Path,
        typer.Argument(
            help="JSON Lines ({cin, facts} per line), or persona YAML: a file or a folder of them."
        ),
    ],
    plan: Annotated[str, typer.Option(help="The plan the members are enrolled in.")],
    quiet: Quiet = False,
) -> None:
    """Import members (upsert by CIN): JSON Lines, or persona YAML files whose member_id is the
    CIN. Every member is checked first; one problem and nothing is stored."""
    if not source.exists():
        raise CommandError(
            f"{source} does not exist; give a JSON Lines file or a folder of persona YAML files"
        )
    settings = Settings.from_env()
    require_database(settings)  # before reading a large file, not after
    members = read_source(source, quiet=quiet)
    typer.echo(asyncio.run(_store(settings, plan, members, quiet)))

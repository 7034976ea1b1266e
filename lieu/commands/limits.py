"""`lieu limits import-prior-use FILE --plan P`: count service members had outside lieu (before
go-live, or with another plan) against lieu's caps.

FILE is CSV (a header line names the columns) or JSON Lines, one record per line: cin, support
(or limit), amount in the limit's measure, measure, service_start, service_end, source,
source_record_id, note. Every record is checked first, and one problem means nothing is stored;
a record already loaded (same source and source_record_id) is not loaded again, so a re-run of
the same file writes nothing. The file is read twice, a chunk at a time: any size fits.
"""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer

from lieu.commands.database import require_database, stack_engine
from lieu.commands.errors import CommandError
from lieu.platform.access.audit import record_command
from lieu.platform.access.prior_use import PriorUseRejected, import_prior_use
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.limits.prior_lines import Format
from lieu.settings import Settings

SHOWN_PROBLEMS = 20

limits_app = typer.Typer(
    name="limits",
    help="Limits: import prior use (service given outside lieu) so that every cap counts it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@limits_app.callback()
def limits() -> None:
    """Limits: import prior use (service given outside lieu) so that every cap counts it."""


def _format(source: Path, given: str | None) -> Format:
    if given is not None:
        try:
            return Format(given.lower())
        except ValueError:
            raise typer.BadParameter(
                f"{given!r} is not a format; use csv or jsonl", param_hint="--format"
            ) from None
    if source.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return Format.JSONL
    if source.suffix.lower() == ".csv":
        return Format.CSV
    raise typer.BadParameter(
        f"cannot tell the format of {source.name} from its name; pass --format csv or jsonl",
        param_hint="--format",
    )


def _lines(path: Path) -> Iterator[str]:
    try:
        with path.open(encoding="utf-8", newline="") as lines:
            yield from lines
    except UnicodeDecodeError as error:
        raise CommandError(f"{path} is not UTF-8 text ({error.reason}); save it as UTF-8") from None


async def _import(
    settings: Settings, path: Path, plan: str, fmt: Format, source: str | None, actor: str
) -> str:
    async with stack_engine(settings) as engine:
        try:
            async with create_session_factory(for_writes(engine)).begin() as session:
                outcome = await import_prior_use(
                    session=session,
                    cache=PinnedDefinitions(),
                    plan=plan,
                    actor=actor,
                    lines=lambda: _lines(path),
                    fmt=fmt,
                    default_source=source,
                )
                record_command(
                    session,
                    plan=plan,
                    action="cli.import_prior_use",
                    target=f"prior_use:{plan}",
                    outcome="ok",
                    detail=f"{outcome.loaded} loaded, {outcome.already_loaded} already loaded "
                    f"from {path.name}",
                )
        except PriorUseRejected as refused:
            shown = [p.render(str(path)) for p in refused.problems[:SHOWN_PROBLEMS]]
            more = refused.total - len(shown)
            raise CommandError(
                f"{refused.total} problem(s) in {path}; nothing was imported:\n"
                + "\n".join(shown)
                + (f"\n… and {more} more" if more else "")
            ) from None
    return (
        f"{plan}: {outcome.loaded} record(s) of prior use loaded ({outcome.entries} ledger "
        f"entries), {outcome.already_loaded} already loaded"
    )


@limits_app.command("import-prior-use")
def import_prior_use_file(
    source_file: Annotated[
        Path, typer.Argument(metavar="FILE", help="CSV (with a header line) or JSON Lines.")
    ],
    plan: Annotated[str, typer.Option(help="The plan loading it (its members, its definitions).")],
    file_format: Annotated[
        str | None,
        typer.Option("--format", help="csv or jsonl (default: from the file's extension)."),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(help="The source system of records that name none (e.g. the old plan)."),
    ] = None,
    actor: Annotated[
        str, typer.Option(help="Who is loading it, as the ledger records (default: your login).")
    ] = "",
) -> None:
    """Import prior use: checked whole first (nothing is stored if any record is wrong), then
    posted on every counter its support counts on; a re-run loads nothing twice."""
    if not source_file.is_file():
        raise CommandError(f"{source_file} does not exist; give a CSV or JSON Lines file")
    fmt = _format(source_file, file_format)
    settings = Settings.from_env()
    require_database(settings)
    who = actor or f"cli:{getpass.getuser()}"
    typer.echo(asyncio.run(_import(settings, source_file, plan, fmt, source, who)))

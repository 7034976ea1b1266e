"""The `lieu` command: every error is a few clear lines and an exit status, never a traceback.

A usage error (unknown command or option, a missing or malformed value, a group without its
sub-command) prints the usage, the error and where help is, and exits 2. A domain error (the
command is well formed but cannot be done) prints one `lieu: error: …` line and exits 1; so does a
database or Temporal server that does not answer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import typer
from sqlalchemy.exc import DBAPIError

# Typer 0.29 vendors its own copy of click and raises *its* exceptions (not the `click`
# package's, which other dependencies install): catch those.
from typer._click import exceptions as click_errors
from typer._click.core import Context
from typer.core import TyperGroup

from lieu.commands import dev as dev_command
from lieu.commands import members_import, serve
from lieu.commands.bench import bench
from lieu.commands.database import needing_database
from lieu.commands.definitions import definitions_app, eligibility_app
from lieu.commands.errors import (
    DOMAIN_EXIT,
    USAGE_EXIT,
    CommandError,
    database_unreachable,
    is_temporal_connect_failure,
    temporal_unreachable,
)
from lieu.commands.limits import limits_app
from lieu.commands.members import members_app
from lieu.commands.notices import notices_app
from lieu.commands.report import report_app
from lieu.commands.screen import screen
from lieu.commands.tokens import tokens_app
from lieu.commands.workflows import workflows_app
from lieu.settings import Settings, SettingsError
from lieu.workflows.devserver import DevServerError

app = typer.Typer(
    name="lieu",
    help="Configure and run CalAIM Community Supports as versioned JSON benefit definitions.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command()(dev_command.dev)
app.command()(serve.api)
app.command()(serve.worker)
app.command()(serve.migrate)
# Reading commands of these groups use the stack's database as it is: they check it exists and is
# migrated first, and never create or migrate one (`lieu dev` and `lieu migrate` do that).
app.add_typer(
    needing_database(definitions_app, always=("list", "publish"), unless_files=("diff",)),
    name="definitions",
)
app.add_typer(needing_database(eligibility_app, always=("check",)), name="eligibility")
members_app.command("import")(members_import.import_file)
app.add_typer(members_app, name="members")
app.add_typer(limits_app, name="limits")
app.command()(screen)
app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(bench)
app.add_typer(tokens_app, name="tokens")
app.add_typer(notices_app, name="notices")
app.add_typer(report_app, name="report")
app.add_typer(workflows_app, name="workflows")

DOMAIN_ERRORS = (CommandError, SettingsError, DevServerError)


def _one_line(text: str) -> str:
    return "; ".join(part.strip() for part in text.strip().splitlines() if part.strip())


def _usage_error(ctx: Context | None, message: str) -> int:
    """Usage, the error, and where help is: three lines on stderr, exit 2."""
    lines = []
    if ctx is not None:
        pieces = " ".join(ctx.command.collect_usage_pieces(ctx))
        lines.append(f"usage: {ctx.command_path} {pieces}".rstrip())
    lines.append(f"lieu: error: {_one_line(message)}")
    if ctx is not None:
        lines.append(f"Try '{ctx.command_path} --help' for help.")
    typer.echo("\n".join(lines), err=True)
    return USAGE_EXIT


def _missing_command(ctx: Context) -> str:
    group = ctx.command
    names = group.list_commands(ctx) if isinstance(group, TyperGroup) else []
    return f"missing a command; one of: {', '.join(names)}" if names else "missing a command"


def _domain_error(message: str) -> int:
    typer.echo(f"lieu: error: {message}", err=True)
    return DOMAIN_EXIT


def _database_url() -> str:
    try:
        return Settings.from_env().database_url
    except SettingsError:
        return os.environ.get("LIEU_DATABASE_URL", "sqlite+aiosqlite:///.lieu/lieu.db")


def _groups(command: object) -> Iterator[TyperGroup]:
    if isinstance(command, TyperGroup):
        yield command
        for child in command.commands.values():
            yield from _groups(child)


def command_tree() -> TyperGroup:
    """The click command of `app`, whose groups answer a missing sub-command as a usage error
    (Typer's `no_args_is_help` would print the whole help, to stdout, as the error)."""
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    for group in _groups(root):
        group.no_args_is_help = False
    return root


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    try:
        result = command_tree().main(args=argv, prog_name="lieu", standalone_mode=False)
    except click_errors.UsageError as usage:
        ctx = usage.ctx
        missing = (
            ctx is not None
            and isinstance(ctx.command, TyperGroup)
            and (usage.message == "Missing command.")
        )
        message = _missing_command(ctx) if missing and ctx else usage.format_message()
        return _usage_error(ctx, message)
    except click_errors.ClickException as failure:
        return _domain_error(_one_line(failure.format_message()))
    except typer.Abort:
        typer.echo("lieu: interrupted", err=True)
        return 130
    except DOMAIN_ERRORS as error:
        typer.echo(f"lieu: error: {error}", err=True)
        return DOMAIN_EXIT
    except DBAPIError as failure:
        return _domain_error(str(database_unreachable(_database_url(), failure)))
    except RuntimeError as failure:
        if not is_temporal_connect_failure(failure):
            raise
        address = os.environ.get("LIEU_TEMPORAL_ADDRESS", "127.0.0.1:7233")
        return _domain_error(str(temporal_unreachable(address, failure)))
    return result if isinstance(result, int) else 0


def main() -> None:
    """Entry point. Ends the process with `os._exit` once everything has shut down cleanly:
    temporalio's core can abort at interpreter exit (sdk-python#300) after the work is done,
    which would replace the true exit status."""
    status = run()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)

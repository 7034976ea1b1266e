"""The `lieu` command: one line and a non-zero exit for every user error, never a traceback."""

from __future__ import annotations

import os
import sys

import click
import typer

from lieu.commands import dev as dev_command
from lieu.commands import serve
from lieu.commands.bench import bench
from lieu.commands.definitions import definitions_app, eligibility_app
from lieu.commands.errors import CommandError
from lieu.commands.members import members_app
from lieu.commands.screen import screen
from lieu.settings import SettingsError
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
app.add_typer(definitions_app, name="definitions")
app.add_typer(eligibility_app, name="eligibility")
app.add_typer(members_app, name="members")
app.command()(screen)
app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(bench)

USER_ERRORS = (CommandError, SettingsError, DevServerError)


def run(argv: list[str] | None = None) -> int:
    """Run the command line and return its exit status."""
    try:
        result = app(args=argv, prog_name="lieu", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as usage:
        usage.show()
        return usage.exit_code
    except click.exceptions.Abort:
        typer.echo("lieu: interrupted", err=True)
        return 130
    except USER_ERRORS as error:
        typer.echo(f"lieu: error: {error}", err=True)
        return getattr(error, "exit_code", 2)
    return result if isinstance(result, int) else 0


def main() -> None:
    """Entry point. Ends the process with `os._exit` once everything has shut down cleanly:
    temporalio's core can abort at interpreter exit (sdk-python#300) after the work is done,
    which would replace the true exit status."""
    status = run()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


# GraphQL API access and member import (issue 7).
from lieu.commands import members_import  # noqa: E402
from lieu.commands.tokens import tokens_app  # noqa: E402

app.add_typer(tokens_app, name="tokens")
members_app.command("import")(members_import.import_file)

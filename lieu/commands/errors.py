"""Errors the command line reports as one clear line and a non-zero exit, never a traceback.

Two kinds, two exit codes: a *usage* error (the command line itself is wrong: an unknown
command or option, a missing or malformed value) exits 2 and is raised as `typer.BadParameter`
so it is shown with the command's usage; a *domain* error (the command is well formed but cannot
be done: a file with problems, an unknown token, no database, a server that does not answer)
exits 1 and is a `CommandError`.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

USAGE_EXIT = 2
DOMAIN_EXIT = 1


class CommandError(Exception):
    """A problem the user can fix; the message says what, where and how."""

    exit_code = DOMAIN_EXIT


def first_line(failure: BaseException) -> str:
    """The first line of an exception's message, or its type when it has none."""
    text = str(failure).strip()
    return text.splitlines()[0] if text else type(failure).__name__


def database_unreachable(database_url: str, failure: BaseException) -> CommandError:
    """Explain a failed database connection without leaking the password."""
    shown = make_url(database_url).render_as_string(hide_password=True)
    return CommandError(
        f"cannot use the database {shown}: {first_line(failure)}. Check LIEU_DATABASE_URL and "
        "that the database server is running and reachable."
    )


def temporal_unreachable(address: str, failure: BaseException) -> CommandError:
    """Explain a failed Temporal connection: where lieu looked and how to point it elsewhere."""
    text = first_line(failure)
    refused = "Connection refused" in text or "ConnectionRefused" in text
    reason = "nothing answers there (connection refused)" if refused else text[:200]
    return CommandError(
        f"cannot reach Temporal at {address}: {reason}. Start it (`make run` starts one) or set "
        "LIEU_TEMPORAL_ADDRESS to a running server's host:port."
    )


def is_temporal_connect_failure(failure: BaseException) -> bool:
    """Whether an exception is the Temporal SDK's failure to connect (a plain RuntimeError)."""
    return isinstance(failure, RuntimeError) and str(failure).startswith("Failed client connect")

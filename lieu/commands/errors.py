"""Errors the command line reports as one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

from sqlalchemy.engine import make_url


class CommandError(Exception):
    """A problem the user can fix; the message says what, where and how."""

    exit_code = 2


def database_unreachable(database_url: str, failure: BaseException) -> CommandError:
    """Explain a failed database connection without leaking the password."""
    shown = make_url(database_url).render_as_string(hide_password=True)
    reason = str(failure).splitlines()[0] if str(failure) else type(failure).__name__
    return CommandError(
        f"cannot use the database {shown}: {reason}. Check LIEU_DATABASE_URL and that the "
        "database server is running and reachable."
    )

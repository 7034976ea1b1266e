"""`lieu screen MEMBERS.jsonl`: every member against every support in force, as JSON lines."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Annotated

import typer

from lieu.commands.errors import CommandError
from lieu.commands.members import Quiet, open_output, parse_as_of
from lieu.commands.progress import Progress
from lieu.platform.definitions.library import load_library
from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.screening.screener import UnknownPlan, screener_for
from lieu.platform.screening.stream import BadLine, screen_lines


@contextlib.contextmanager
def _open_input(path: Path) -> Iterator[IO[bytes]]:
    if str(path) == "-":
        yield sys.stdin.buffer
        return
    try:
        source = path.open("rb")
    except OSError as error:
        raise CommandError(f"cannot read {path}: {error.strerror or error}") from None
    with source:
        yield source


def _size(source: IO[bytes]) -> int | None:
    """The size of a regular file being read (None for a pipe or a terminal)."""
    with contextlib.suppress(OSError, ValueError):
        info = os.fstat(source.fileno())
        return info.st_size if stat.S_ISREG(info.st_mode) else None
    return None


def _label(path: Path) -> str:
    return "<stdin>" if str(path) == "-" else str(path)


def screen(
    members: Annotated[Path, typer.Argument(help="Members as JSON lines; - for stdin.")],
    plan: Annotated[str, typer.Option(help="Plan whose definitions apply.")] = BASELINE_PLAN,
    as_of: Annotated[str, typer.Option(help="Date of screening YYYY-MM-DD (default today).")] = "",
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
    validate: Annotated[
        bool,
        typer.Option(
            help="Check each member against the member-facts schema "
            "(a compiled check that adds about 15% to the time; --no-validate skips it for trusted "
            "input such as `lieu members synth`)."
        ),
    ] = True,
    quiet: Quiet = False,
) -> None:
    """Screen every member against every support in force for the plan, one JSON line each.

    Output lines are {"cin", "as_of", "results": {support: {"outcome", "reasons", "missing"}}};
    reasons and missing facts are given for outcomes other than eligible. --plan decides the
    definitions (a line's own "plan" is not read). A bad input line is reported on stderr as
    FILE:LINE: problem, the others are still screened, and the exit status is 1. Progress (count,
    rate, ETA) is shown on stderr when it is a terminal; a summary line is always printed there.
    """
    on = parse_as_of(as_of)
    try:
        screener = screener_for(load_library(), plan, on)
    except UnknownPlan as error:
        raise CommandError(str(error)) from None
    label = _label(members)
    bad = 0
    with (
        _open_input(members) as source,
        open_output(out) as target,
        Progress("screening", "members", total_bytes=_size(source), quiet=quiet) as progress,
    ):
        for result in screen_lines(_counted(source, progress), screener, validate=validate):
            if isinstance(result, BadLine):
                bad += 1
                progress.clear()
                typer.echo(f"{label}:{result.line}: {result.problem}", err=True)
            else:
                target.write(result.text + "\n")
                progress.advance()
        if not bad:
            supports = len(screener.compiled)
            progress.finish("screened", f"against {supports} supports of {plan} in force on {on},")
            return
        progress.clear()
        typer.echo(
            f"lieu: error: {bad:,} of {bad + progress.done:,} member lines in {label} were bad "
            f"(listed above); the other {progress.done:,} were screened {progress.timing()}",
            err=True,
        )
    raise typer.Exit(1)


def _counted(source: IO[bytes], progress: Progress) -> Iterator[bytes]:
    """The lines of ``source``, counting the bytes read for the progress line's percentage."""
    for line in source:
        progress.bytes += len(line)
        yield line

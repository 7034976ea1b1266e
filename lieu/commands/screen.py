"""`lieu screen MEMBERS.jsonl`: every member against every support in force, as JSON lines."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Annotated

import typer

from lieu.commands.errors import CommandError
from lieu.commands.members import open_output, parse_as_of
from lieu.platform.definitions.library import load_library
from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.screening.screener import UnknownPlan, screener_for
from lieu.platform.screening.stream import BadLine, screen_lines

_RENDER_EVERY = 256 * 1024  # bytes read between progress bar redraws


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


def _with_progress(source: IO[bytes]) -> Iterator[bytes]:
    """The lines of ``source``, drawing a progress bar on stderr when it is a terminal."""
    size = 0
    with contextlib.suppress(OSError, ValueError):
        info = os.fstat(source.fileno())
        size = info.st_size if stat.S_ISREG(info.st_mode) else 0
    if not size or not sys.stderr.isatty():
        yield from source
        return
    with typer.progressbar(
        length=size, label="screening", file=sys.stderr, update_min_steps=_RENDER_EVERY
    ) as bar:
        for line in source:
            bar.update(len(line))
            yield line


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
            "(--no-validate: about twice as fast, for trusted input such as `lieu members synth`)."
        ),
    ] = True,
) -> None:
    """Screen every member against every support in force for the plan, one JSON line each.

    Output lines are {"cin", "as_of", "results": {support: {"outcome", "reasons", "missing"}}};
    reasons and missing facts are given for outcomes other than eligible. --plan decides the
    definitions (a line's own "plan" is not read). A bad input line is reported on stderr as
    FILE:LINE: problem, the others are still screened, and the exit status is 1.
    """
    on = parse_as_of(as_of)
    try:
        screener = screener_for(load_library(), plan, on)
    except UnknownPlan as error:
        raise CommandError(str(error)) from None
    label = _label(members)
    bad = screened = 0
    with _open_input(members) as source, open_output(out) as target:
        lines: Iterable[bytes] = _with_progress(source)
        for result in screen_lines(lines, screener, validate=validate):
            if isinstance(result, BadLine):
                bad += 1
                typer.echo(f"{label}:{result.line}: {result.problem}", err=True)
            else:
                screened += 1
                target.write(result.text + "\n")
    if bad:
        total = bad + screened
        typer.echo(
            f"lieu: error: {bad:,} of {total:,} member lines in {label} were bad (listed above); "
            f"the other {screened:,} were screened",
            err=True,
        )
        raise typer.Exit(1)

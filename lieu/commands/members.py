"""`lieu members synth`: realistic synthetic members as JSON lines, for demos and benchmarks."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Annotated, TextIO

import typer

from lieu.commands.errors import CommandError
from lieu.commands.progress import Progress
from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.members.cins import MAX_SYNTHETIC
from lieu.platform.members.synth import DEFAULT_MISSING_RATE, member_line, synthetic_members

members_app = typer.Typer(
    name="members",
    help="Members: synthetic ones for demos and benchmarks; import into a plan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@members_app.callback()
def members() -> None:
    """Members: synthetic ones for demos and benchmarks; import into a plan."""


Quiet = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress line on stderr (the summary stays).")
]


def parse_as_of(text: str) -> date:
    """The --as-of date (today when empty), or a usage error saying how to write it."""
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date; write YYYY-MM-DD", param_hint="--as-of"
        ) from None


@contextlib.contextmanager
def open_output(path: Path | None) -> Iterator[TextIO]:
    """The --out file (or stdout); a closed pipe (`| head`) ends the output quietly."""
    if path is not None:
        try:
            target = path.open("w", encoding="utf-8", newline="\n")
        except OSError as error:
            raise CommandError(f"cannot write {path}: {error.strerror or error}") from None
        with target:
            yield target
        return
    try:
        yield sys.stdout
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away: stop writing, and keep the interpreter from failing to flush.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


@members_app.command()
def synth(
    count: Annotated[int, typer.Option(help="How many members to write.")],
    seed: Annotated[
        int, typer.Option(help="Random seed: the same seed gives the same members.")
    ] = 0,
    plan: Annotated[str, typer.Option(help="Plan written on each member.")] = BASELINE_PLAN,
    as_of: Annotated[
        str, typer.Option(help="Dates are relative to this day (default today).")
    ] = "",
    out: Annotated[Path | None, typer.Option(help="Write here instead of stdout.")] = None,
    missing: Annotated[
        float, typer.Option(help="Share of facts left out, as real data lacks them (0-1).")
    ] = DEFAULT_MISSING_RATE,
    quiet: Quiet = False,
) -> None:
    """Write COUNT synthetic members as JSON lines {"cin", "plan", "facts"}.

    CINs have the real shape (8 digits and a letter) but always start with 0 and end with S,
    so they are recognisably synthetic.
    """
    if not 0 <= count <= MAX_SYNTHETIC:
        raise typer.BadParameter(
            f"must be between 0 and {MAX_SYNTHETIC:,}, got {count:,}", param_hint="--count"
        )
    if not 0.0 <= missing <= 1.0:
        raise typer.BadParameter(f"must be between 0 and 1, got {missing}", param_hint="--missing")
    on = parse_as_of(as_of)
    stream = synthetic_members(count, seed=seed, plan=plan, as_of=on, missing_rate=missing)
    with open_output(out) as target, Progress("writing", "members", total=count, quiet=quiet) as p:
        for member in stream:
            target.write(member_line(member))
            p.advance()
        p.finish("wrote", f"(seed {seed}, as of {on})" + (f" to {out}" if out else ""))

"""What the benchmarks that write JSON share: `--json` and `--table-from`, their errors, and
the machine a run was measured on (the README's tables are printed again from that JSON)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.rounds import machine, read_results
from lieu.commands.errors import CommandError

__all__ = ["BenchError", "add_json_options", "earlier_table", "machine"]


class BenchError(CommandError):
    """The benchmark cannot run here; the message says why and what to do (`lieu bench`
    prints it as one line and exits 1)."""


def add_json_options(parser: argparse.ArgumentParser) -> None:
    """`--json PATH` (write the results) and `--table-from JSON` (print an earlier run's)."""
    parser.add_argument("--json", type=Path, default=None, help="also write the results here")
    parser.add_argument(
        "--table-from",
        type=Path,
        default=None,
        metavar="JSON",
        help="print the table of an earlier run's --json file, measuring nothing",
    )


def earlier_table(
    path: Path, benchmark: str, table: Callable[[list[dict[str, Any]], dict[str, Any], str], str]
) -> str:
    """The table of the run whose `--json` file is `path` (its summary, arguments and date)."""
    try:
        earlier = read_results(path, benchmark)
        return table(earlier["summary"], earlier["arguments"], earlier["date"])
    except (KeyError, TypeError) as unreadable:
        raise BenchError(
            f"cannot read {path} as the JSON of a `lieu bench {benchmark} --json` run "
            f"({unreadable!r}); run the benchmark with --json PATH to make one"
        ) from None
    except ValueError as unreadable:
        raise BenchError(str(unreadable)) from None

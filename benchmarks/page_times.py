"""What `lieu bench console` and `lieu bench studio` share: pages of lieu's app and of a minimal
baseline asked in this process through httpx's ASGI transport (server time, no network), in
interleaved rounds, summarized as medians with lieu's ratio to the baseline and a 200 ms target."""

from __future__ import annotations

import argparse
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from benchmarks.report_json import BenchError
from benchmarks.rounds import MIN_ROUNDS, interleaved, median, ratio

TARGET_MS = 200.0
CSRF = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)">')
LABEL = {"sqlite": "SQLite", "postgres": "PostgreSQL"}


@dataclass(frozen=True, slots=True)
class Run:
    """One page asked of one server `requests` times in one round."""

    database: str
    page: str
    server: str
    rep: int
    median_ms: float
    lowest_ms: float
    highest_ms: float
    status: int


async def signed_in(http: httpx.AsyncClient, secret: str, next_path: str) -> None:
    """Sign in through the console's form, as a person does (the cookie lands in `http`)."""
    form = await http.get("/admin/login")
    found = CSRF.search(form.text)
    if found is None:
        raise BenchError("the console's sign-in page carries no CSRF token; is it the console?")
    answer = await http.post(
        "/admin/login", data={"token": secret, "next": next_path, "csrf": found.group(1)}
    )
    if answer.status_code != 303:
        raise BenchError(f"signing in to the console answered {answer.status_code}, not 303")


async def timed(
    http: httpx.AsyncClient, path: str, requests: int, before: Callable[[], None] | None = None
) -> tuple[list[float], int]:
    """`requests` GETs of `path` (`before` runs ahead of each, untimed): their times in ms, and
    the last status that was not 200 (200 when all were)."""
    times, status = [], 200
    for _ in range(requests):
        if before is not None:
            before()
        started = time.perf_counter()
        answer = await http.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if answer.status_code != 200:
            status = answer.status_code
    return times, status


async def rounds(
    kind: str,
    servers: Mapping[str, httpx.AsyncClient],
    pages: Mapping[str, str],
    args: argparse.Namespace,
    before: Callable[[str, str], Callable[[], None] | None] = lambda page, server: None,
) -> list[Run]:
    """A warm-up, then `args.reps` interleaved rounds of every page on every server."""
    for page, path in pages.items():  # caches, pools, templates
        for name, http in servers.items():
            await timed(http, path, 2, before(page, name))
    runs = []
    contenders = [(page, server) for page in pages for server in servers]
    for rep, (page, name) in interleaved(args.reps, contenders):
        times, status = await timed(servers[name], pages[page], args.requests, before(page, name))
        runs.append(Run(kind, page, name, rep, median(times), min(times), max(times), status))
    return runs


def summarize(runs: list[Run], order: list[str]) -> list[dict[str, Any]]:
    """Per database and page: both servers' median of the rounds, and lieu's ratio."""
    rows = []
    keys = sorted({(r.database, r.page) for r in runs}, key=lambda k: (k[0], order.index(k[1])))
    for kind, page in keys:
        mine = sorted(
            (r for r in runs if (r.database, r.page) == (kind, page)), key=lambda r: r.rep
        )
        lieu = [r.median_ms for r in mine if r.server == "lieu"]
        floor = [r.median_ms for r in mine if r.server == "minimal"]
        rows.append(
            {
                "database": kind,
                "page": page,
                "lieu_ms": median(lieu),
                "minimal_ms": median(floor),
                "ratio": ratio(lieu, floor).as_dict(),
                "failures": sum(1 for r in mine if r.status != 200),
                "target_met": median(lieu) < TARGET_MS,
            }
        )
    return rows


def table(caption: str, summary: list[dict[str, Any]]) -> str:
    """The markdown table of the medians under its caption."""
    lines = [
        caption,
        "",
        f"| database | page | lieu ms | baseline ms | lieu / baseline | non-200 | "
        f"< {TARGET_MS:g} ms |",
        "|---|---|---:|---:|---:|---:|:-:|",
    ]
    for row in summary:
        spread = row["ratio"]
        lines.append(
            f"| {LABEL[row['database']]} | {row['page']} | {row['lieu_ms']:.1f} | "
            f"{row['minimal_ms']:.1f} | {spread['median']:.2f} ({spread['low']:.2f}–"
            f"{spread['high']:.2f}) | {row['failures']} | {'✓' if row['target_met'] else '✗'} |"
        )
    return "\n".join(lines)


def common_options(parser: argparse.ArgumentParser) -> None:
    """--databases, --reps, --requests, --json, --table-from."""
    parser.add_argument("--databases", default="sqlite", help="sqlite and/or postgres (comma)")
    parser.add_argument("--reps", type=int, default=5, help=f"rounds (median; >= {MIN_ROUNDS})")
    parser.add_argument("--requests", type=int, default=5, help="per page per round")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    parser.add_argument("--table-from", type=Path, default=None, metavar="JSON")


def checked(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.Namespace:
    """The options checked: enough rounds (unless quick), known databases (as `args.kinds`)."""
    if not args.quick and args.reps < MIN_ROUNDS:
        parser.error(f"--reps must be at least {MIN_ROUNDS} (a median of fewer says little)")
    kinds = [kind.strip() for kind in args.databases.split(",") if kind.strip()]
    if not kinds or any(kind not in LABEL for kind in kinds):
        parser.error(f"--databases takes sqlite and/or postgres, not {args.databases!r}")
    args.kinds = kinds
    return args

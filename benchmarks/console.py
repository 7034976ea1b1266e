"""`lieu bench console`: server time per console page with 10,000 authorizations in the database,
against a minimal Starlette handler doing the page's essential SQL.

Pages: the dashboard (`/admin/`), a search (`?status=pending_review`, total and first 50), the
failures page, the audit log (10,000 lines), a member's page (authorizations, balances) and an
authorization's page. The console is lieu's app as it ships (`create_app`, its lifespan run), a
session signed in through the login form; the baseline (`benchmarks/console_minimal.py`) calls
the same platform functions over the same database and Temporal dev server and answers a few
bytes. Both are called in this process through httpx's ASGI transport, so a figure is the
server's time (no network, no browser): per round, each page is asked of lieu then of the
baseline (interleaved), `--requests` times each, and the round's figure is the median; the
reported figure is the median of the rounds (>= 3). Target: every page < 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert

from benchmarks.api import database
from benchmarks.console_minimal import create_app as minimal_app
from benchmarks.page_times import (
    TARGET_MS,
    Run,
    checked,
    common_options,
    rounds,
    signed_in,
    summarize,
)
from benchmarks.page_times import table as page_table
from benchmarks.report_json import BenchError
from benchmarks.rounds import (
    read_results,
    results_path,
    write_results,
)
from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Principal, Role
from lieu.platform.access.tokens import issue_token
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.members.service import upsert_member
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer, free_port

ROOT = Path(__file__).resolve().parent.parent
PLAN = "demo-plan"
MEMBER = "96000001M"
FACTS: dict[str, Any] = {
    "birth_date": "1945-03-08",
    "county": "Sacramento",
    "caregiver": {"has_caregiver": True, "dependent_on_caregiver": True},
    "function": {"adl_limitations": 4, "functional_deficits": True},
    "conditions": ["dementia"],
}
SUPPORTS = ("respite", "medically-tailored-meals", "recuperative-care", "housing-deposits")
STATUSES = ("pending_review", "approved", "active", "denied", "expired", "cancelled")


# --- the database ------------------------------------------------------------------------------


async def prepare(settings: Settings, count: int) -> tuple[str, str]:
    """Migrate, publish, seed elections; `count` authorizations with timelines, as many audit
    lines, one member; an operations token. Returns (token secret, one authorization number)."""
    from lieu.commands.serve import migrate_database
    from lieu.commands.setup import publish_definitions, seed_elections

    await migrate_database(settings)
    await publish_definitions(settings)
    await seed_elections(settings)
    engine = create_engine(settings.database_url)
    shuffle = random.Random(14)
    now = datetime.now(UTC)
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            await upsert_member(session=session, plan=PLAN, cin=MEMBER, facts=FACTS)
            issued = await issue_token(
                session=session, role=Role.OPERATIONS, plan=PLAN, label="bench", actor="bench"
            )
        numbers = [f"A-B{index:08d}" for index in range(count)]
        for start in range(0, count, 1000):
            records, events, audit = [], [], []
            for index in range(start, min(start + 1000, count)):
                received = now - timedelta(minutes=shuffle.randint(0, 12 * 7 * 24 * 60))
                status = STATUSES[index % len(STATUSES)]
                records.append(
                    _record(numbers[index], status, received, shuffle, now, index % 200 == 0)
                )
                events.append(_event(numbers[index], 1, received, "received"))
                if status != "pending_review":
                    decided = received + timedelta(hours=shuffle.randint(1, 96))
                    kind = "denied" if status == "denied" else "approved"
                    events.append(_event(numbers[index], 2, min(decided, now), kind))
                audit.append(_audit_line(numbers[index], received))
            async with create_session_factory(for_writes(engine)).begin() as session:
                await session.execute(insert(AuthorizationRecord), records)
                await session.execute(insert(AuthorizationEvent), events)
                await session.execute(insert(AuditEntry), audit)
    finally:
        await engine.dispose()
    return issued.secret, numbers[0]


def _record(
    number: str, status: str, received: datetime, shuffle: random.Random, now: datetime, mine: bool
) -> dict[str, Any]:
    reviewing = status == "pending_review"
    return {
        "id": number,
        "seq": 2,
        "plan": PLAN,
        "support": SUPPORTS[shuffle.randrange(len(SUPPORTS))],
        "definition_plan": "dhcs",
        "definition_version": 1,
        "content_hash": "0" * 64,
        "member_cin": MEMBER if mine else f"{shuffle.randrange(10**8):08d}C",
        "provider": f"org-{shuffle.randrange(20)}",
        "county": "sacramento",
        "status": status,
        "urgency": "standard",
        "measure": "hours",
        "quantity_requested": Decimal(24),
        "quantity_reserved": Decimal(0),
        "quantity_used": Decimal(0),
        "service_start": received.date(),
        "service_end": (now + timedelta(days=shuffle.randint(-30, 90))).date(),
        "review_deadline": received + timedelta(days=5) if reviewing else None,
        "escalated": False,
        "renewals_used": 0,
        "requested_by": "bench",
        "phase": "",
        "problem": "the eligibility activity failed: bench" if shuffle.random() < 0.002 else "",
        "flagged_reports": "",
        "created_at": received,
        "updated_at": received,
    }


def _event(number: str, seq: int, at: datetime, kind: str) -> dict[str, Any]:
    return {
        "authorization_id": number,
        "seq": seq,
        "at": at,
        "kind": kind,
        "actor": "lieu",
        "text": kind,
        "data": {},
    }


def _audit_line(number: str, at: datetime) -> dict[str, Any]:
    return {
        "at": at,
        "token_id": "bench",
        "role": "operations",
        "plan": PLAN,
        "provider": None,
        "action": "authorization",
        "target": f"authorization:{number}",
        "outcome": "ok",
        "client_ip": "127.0.0.1",
        "user_agent": "bench",
        "detail": "",
    }


# --- the two servers ---------------------------------------------------------------------------


def pages(number: str) -> dict[str, str]:
    """Each measured page's path."""
    return {
        "dashboard": "/admin/",
        "dashboard, charts cold": "/admin/?cold",
        "search": "/admin/authorizations?status=pending_review",
        "failures": "/admin/failures",
        "audit log": "/admin/audit",
        "member": f"/admin/members/{MEMBER}",
        "authorization": f"/admin/authorizations/{number}",
    }


async def measure(kind: str, url: str, folder: Path, args: argparse.Namespace) -> list[Run]:
    """Every round on one database."""
    from temporalio.client import Client

    from lieu.app import create_app

    server = DevServer(port=free_port(), ui_port=None, log_file=folder / "temporal.log").start()
    try:
        settings = Settings.from_env(
            {
                "LIEU_DATA_DIR": str(folder),
                "LIEU_DATABASE_URL": url,
                "LIEU_TEMPORAL_ADDRESS": server.address,
                "LIEU_LOG_LEVEL": "warning",
                "LIEU_DEFINITIONS_DIR": str(ROOT / "benefit_definitions"),
            }
        )
        print(f"{kind}: seeding {args.authorizations:,} authorizations …", file=sys.stderr)
        secret, number = await prepare(settings, args.authorizations)
        app = create_app(settings, freeze_heap=True)  # as `lieu api` serves it
        engine = create_engine(url)
        client = await Client.connect(server.address)
        principal = Principal(token_id="bench", role=Role.OPERATIONS, plan=PLAN)
        baseline = minimal_app(create_session_factory(engine), client, principal)
        runs: list[Run] = []
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://console"
            ) as console,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=baseline), base_url="http://console"
            ) as minimal,
        ):
            await signed_in(console, secret, "/admin/")

            def before(page: str, server: str) -> Callable[[], None] | None:
                if server != "lieu" or not pages(number)[page].endswith("?cold"):
                    return None

                def cold() -> None:
                    app.state.dashboard_weeks = None  # the charts' weeks are worked out again

                return cold

            servers = {"lieu": console, "minimal": minimal}
            runs = await rounds(kind, servers, pages(number), args, before)
            print(f"{kind}: {args.reps} rounds measured", file=sys.stderr)
        await engine.dispose()
        return runs
    finally:
        server.stop()


def table(summary: list[dict[str, Any]], arguments: dict[str, Any], measured_on: str) -> str:
    """The markdown table of the medians (from a run, or from its JSON)."""
    caption = (
        f"Console pages' server time with {arguments['authorizations']:,} authorizations (and "
        f"as many audit lines), in process through ASGI; the baseline runs each page's "
        f"essential SQL in a minimal Starlette handler; median of {arguments['reps']} "
        f"interleaved rounds of {arguments['requests']} requests; {measured_on}."
    )
    return page_table(caption, summary)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="lieu bench console", description=(__doc__ or "").split("\n")[0]
    )
    common_options(parser)
    parser.add_argument("--authorizations", type=int, default=10_000, help="rows seeded")
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 500 authorizations, 1 round"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.authorizations, args.reps, args.requests = 500, 1, 2
    checked(parser, args)
    return args


def run(argv: list[str]) -> str:
    """Run the benchmark; return its markdown table (and write the JSON)."""
    args = parse(argv)
    if args.table_from is not None:
        try:
            earlier = read_results(args.table_from, "console")
            return table(earlier["summary"], earlier["arguments"], earlier["date"])
        except (ValueError, KeyError, TypeError) as unreadable:
            raise BenchError(str(unreadable)) from None
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="lieu-bench-console-") as folder:
        for kind in args.kinds:
            workdir = Path(folder) / kind
            workdir.mkdir()
            with database(kind, workdir) as url:
                runs += asyncio.run(measure(kind, url, workdir, args))
    summary = summarize(runs, list(pages("")))
    arguments = {k: getattr(args, k) for k in ("authorizations", "reps", "requests", "databases")}
    path = results_path("console", args.json, quick=args.quick)
    if path is not None:
        report = {
            "arguments": arguments,
            "targets": {"page_ms_under": TARGET_MS},
            "summary": summary,
            "runs": [asdict(r) for r in runs],
        }
        write_results(path, "console", report)
    return table(summary, arguments, date.today().isoformat())


def main(argv: list[str]) -> int:
    """`python benchmarks/console.py …`: print the table; a BenchError is one line and exit 1."""
    try:
        print(run(argv))
    except BenchError as error:
        print(f"lieu bench console: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""`lieu bench studio`: server time per studio page with every support's versions (the 15
supports, 14 versions of the plan's own each beside the DHCS baseline's: 210 plan versions, as
many as 20 supports × 10) and 10,000 members, against a minimal Starlette handler reading the
same rows.

Pages: the studio's list of supports, a support's page (its versions, the counties offering it,
the newest draft's problems, diffs and cases), the same with a persona tried under the version in
force and the draft, the editor (the schema-generated form of the draft), the reviews list and a
review's page. The studio is lieu's app as it ships (`create_app`, its lifespan run), signed in
through the login form as a plan_admin; the baseline reads the versions (and, for a support, the
elections in force) and answers a few bytes: it is the database's part, not a second studio.
Both are called in this process through httpx's ASGI transport (server time, no network); per
round each page is asked of lieu then of the baseline, `--requests` times each; the figure is the
median of the rounds' medians (>= 3 rounds). Target: every page < 200 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import insert, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from benchmarks.api import database
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
from lieu.platform.access.roles import Role
from lieu.platform.access.tokens import issue_token
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.definitions.hashing import content_hash
from lieu.platform.definitions.models import DefinitionReview, DefinitionStatus, DefinitionVersion
from lieu.platform.definitions.reviews import submit
from lieu.platform.definitions.supports import SUPPORTS
from lieu.platform.elections.models import Election
from lieu.platform.elections.offerings import in_force
from lieu.platform.members.cins import synthetic_cin
from lieu.platform.members.models import Member
from lieu.platform.members.synth_facts import complete_facts
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer, free_port

ROOT = Path(__file__).resolve().parent.parent
PLAN = "demo-plan"
VERSIONS = 14  # of the plan's own per support: 15 × 14 = 210 ≥ 20 supports × 10
SUPPORT = "medically-tailored-meals"


async def prepare(settings: Settings, members: int) -> tuple[str, int]:
    """Migrate, publish, seed elections; VERSIONS plan versions of every support (the newest a
    draft, submitted for review for SUPPORT), `members` synthetic members; a plan_admin token.
    Returns (token secret, the review's id)."""
    from lieu.commands.serve import migrate_database
    from lieu.commands.setup import publish_definitions, seed_elections

    await migrate_database(settings)
    await publish_definitions(settings)
    await seed_elections(settings)
    engine = create_engine(settings.database_url)
    shuffle = random.Random(13)
    today = datetime.now(UTC).date()
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            issued = await issue_token(
                session=session, role=Role.PLAN_ADMIN, plan=PLAN, label="bench", actor="bench"
            )
            for support in sorted(SUPPORTS):
                await _versions_of(session, support, today)
        for start in range(0, members, 2000):
            rows = [
                {
                    "plan": PLAN,
                    "cin": synthetic_cin(index, 13),
                    "facts": complete_facts(shuffle, today),
                }
                for index in range(start, min(start + 2000, members))
            ]
            async with create_session_factory(for_writes(engine)).begin() as session:
                await session.execute(insert(Member), rows)
        async with create_session_factory(for_writes(engine)).begin() as session:
            newest = VERSIONS + 2
            review = await submit(
                session=session, plan=PLAN, support=SUPPORT, version=newest, actor="bench:author"
            )
            review_id = review.id
    finally:
        await engine.dispose()
    return issued.secret, review_id


async def _versions_of(session: Any, support: str, today: date) -> None:
    """The plan's versions of `support` after the shipped ones: published a month apart, the
    newest a draft, each extending the newest published baseline and adding no criterion."""
    baselines = list(
        await session.scalars(
            select(DefinitionVersion)
            .where(DefinitionVersion.plan == "dhcs", DefinitionVersion.support == support)
            .order_by(DefinitionVersion.version)
        )
    )
    own = list(
        await session.scalars(
            select(DefinitionVersion).where(
                DefinitionVersion.plan == PLAN, DefinitionVersion.support == support
            )
        )
    )
    base = baselines[-1]
    first = max((r.version for r in own), default=0) + 1
    # a month apart, after the baseline's and the plan's own dates (some in force, some later)
    begin = max([base.effective_from, today - timedelta(days=30 * VERSIONS)])
    begin = max([begin, *(r.effective_from for r in own)])
    for number in range(first, first + VERSIONS):
        draft = number == first + VERSIONS - 1
        effective = begin + timedelta(days=30 * (number - first + 1))
        document = {
            "plan": PLAN,
            "support": support,
            "version": number,
            "title": base.title,
            "extends": {"plan": "dhcs", "support": support, "version": base.version},
            "effective_from": effective.isoformat(),
            "reference": "lieu bench studio",
            "status": "draft" if draft else "published",
            "eligibility": {"criteria": []},
        }
        session.add(
            DefinitionVersion(
                plan=PLAN,
                support=support,
                version=number,
                title=base.title,
                status=DefinitionStatus.DRAFT if draft else DefinitionStatus.PUBLISHED,
                effective_from=effective,
                extends_plan="dhcs",
                extends_support=support,
                extends_version=base.version,
                document=document,
                content_hash=None if draft else content_hash(document),
                created_by="bench",
                published_at=None if draft else datetime.now(UTC),
            )
        )
    await session.flush()


def pages(review: int) -> dict[str, str]:
    """Each measured page's path."""
    support = f"/admin/studio/{SUPPORT}"
    return {
        "supports": "/admin/studio",
        "support": support,
        "support, persona tried": f"{support}?persona=grace",
        "editor": f"{support}/edit",
        "reviews": "/admin/studio/reviews",
        "review": f"/admin/studio/reviews/{review}",
    }


def minimal_app(url: str) -> tuple[Starlette, Any]:
    """The baseline: the rows each page reads (the versions and the elections in force; for the
    reviews, the reviews, and a review's support's versions)."""
    engine = create_engine(url)
    sessions = create_session_factory(engine)

    async def versions(request: Request) -> Response:
        support = request.path_params.get("support")
        async with sessions() as session:
            query = select(DefinitionVersion).where(DefinitionVersion.plan.in_([PLAN, "dhcs"]))
            if support:
                query = query.where(DefinitionVersion.support == support)
            rows = list(await session.scalars(query.order_by(DefinitionVersion.version)))
            offered = list(
                await session.scalars(
                    select(Election.county).where(
                        Election.plan == PLAN, in_force(datetime.now(UTC).date())
                    )
                )
            )
        return PlainTextResponse(f"{len(rows)} {len(offered)}")

    async def reviews(request: Request) -> Response:
        number = request.path_params.get("id")
        async with sessions() as session:
            query = select(DefinitionReview).where(DefinitionReview.plan == PLAN)
            if number is not None:
                query = query.where(DefinitionReview.id == int(number))
            found = list(await session.scalars(query))
            rows = []
            if number is not None and found:
                rows = list(
                    await session.scalars(
                        select(DefinitionVersion).where(
                            DefinitionVersion.plan.in_([PLAN, "dhcs"]),
                            DefinitionVersion.support == found[0].support,
                        )
                    )
                )
        return PlainTextResponse(f"{len(found)} {len(rows)}")

    app = Starlette(
        routes=[
            Route("/admin/studio", versions),
            Route("/admin/studio/reviews", reviews),
            Route("/admin/studio/reviews/{id}", reviews),
            Route("/admin/studio/{support}", versions),
            Route("/admin/studio/{support}/edit", versions),
        ]
    )
    return app, engine


async def measure(kind: str, url: str, folder: Path, args: argparse.Namespace) -> list[Run]:
    """Every round on one database."""
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
        print(f"{kind}: seeding {args.members:,} members and the versions …", file=sys.stderr)
        secret, review = await prepare(settings, args.members)
        app = create_app(settings, freeze_heap=True)  # as `lieu api` serves it
        baseline, engine = minimal_app(url)
        runs: list[Run] = []
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://console"
            ) as studio,
            httpx.AsyncClient(
                transport=httpx.ASGITransport(app=baseline), base_url="http://console"
            ) as minimal,
        ):
            await signed_in(studio, secret, "/admin/studio")
            servers = {"lieu": studio, "minimal": minimal}
            runs = await rounds(kind, servers, pages(review), args)
            print(f"{kind}: {args.reps} rounds measured", file=sys.stderr)
        await engine.dispose()
        return runs
    finally:
        server.stop()


def table(summary: list[dict[str, Any]], arguments: dict[str, Any], measured_on: str) -> str:
    """The markdown table of the medians (from a run, or from its JSON)."""
    caption = (
        f"Studio pages' server time with {len(SUPPORTS)} supports × {VERSIONS} plan versions "
        f"(beside the baseline's) and {arguments['members']:,} members, in process through "
        f"ASGI; the baseline reads the same versions (and elections) in a minimal Starlette "
        f"handler; median of {arguments['reps']} interleaved rounds of {arguments['requests']} "
        f"requests; {measured_on}."
    )
    return page_table(caption, summary)


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="lieu bench studio", description=(__doc__ or "").split("\n")[0]
    )
    common_options(parser)
    parser.add_argument("--members", type=int, default=10_000, help="members seeded")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 500 members, 1 round")
    args = parser.parse_args(argv)
    if args.quick:
        args.members, args.reps, args.requests = 500, 1, 2
    checked(parser, args)
    return args


def run(argv: list[str]) -> str:
    """Run the benchmark; return its markdown table (and write the JSON)."""
    args = parse(argv)
    if args.table_from is not None:
        try:
            earlier = read_results(args.table_from, "studio")
            return table(earlier["summary"], earlier["arguments"], earlier["date"])
        except (ValueError, KeyError, TypeError) as unreadable:
            raise BenchError(str(unreadable)) from None
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="lieu-bench-studio-") as folder:
        for kind in args.kinds:
            workdir = Path(folder) / kind
            workdir.mkdir()
            with database(kind, workdir) as url:
                runs += asyncio.run(measure(kind, url, workdir, args))
    summary = summarize(runs, list(pages(0)))
    arguments = {k: getattr(args, k) for k in ("members", "reps", "requests", "databases")}
    path = results_path("studio", args.json, quick=args.quick)
    if path is not None:
        report = {
            "arguments": arguments,
            "targets": {"page_ms_under": TARGET_MS},
            "summary": summary,
            "runs": [asdict(r) for r in runs],
        }
        write_results(path, "studio", report)
    return table(summary, arguments, date.today().isoformat())


def main(argv: list[str]) -> int:
    """`python benchmarks/studio.py …`: print the table; a BenchError is one line and exit 1."""
    try:
        print(run(argv))
    except BenchError as error:
        print(f"lieu bench studio: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

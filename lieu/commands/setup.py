"""First-start setup shared by `lieu dev` and tests: definitions, elections, election workflows,
demo members."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from temporalio.client import Client

from lieu.commands.errors import CommandError
from lieu.platform.access.contracts import ContractError, read_contracts, seed_contracts
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.definitions.directory import load_directory
from lieu.platform.elections.calendar import ElectionCalendar
from lieu.platform.elections.counties import county_slug
from lieu.platform.elections.mandates import published_mandates
from lieu.platform.elections.seed import import_elections, read_seed
from lieu.platform.members.importing import MemberLine, import_members
from lieu.platform.members.personas import moved_to, persona_files, read_personas
from lieu.platform.members.population import COUNTIES
from lieu.platform.members.synth import synthetic_members
from lieu.platform.plans.calendar import CALIFORNIA
from lieu.platform.plans.settings import PlanSettingsError, read_settings, save_settings
from lieu.settings import Settings
from lieu.workflows.elections.client import ensure_election_workflow

DEMO_PLAN = "demo-plan"
DEMO_SYNTHETIC = 2_000
DEMO_SEED = 2026


def elections_dir(settings: Settings) -> Path:
    """Where the election calendar and plans' election files live."""
    return settings.definitions_dir / "elections"


def election_files(settings: Settings) -> list[Path]:
    """Plans' election files (every JSON file beside the calendar)."""
    return sorted(p for p in elections_dir(settings).glob("*.json") if p.name != "calendar.json")


def plan_files(settings: Settings) -> list[Path]:
    """Plans' settings files: `plans/<plan>.json` in the definitions directory."""
    return sorted((settings.definitions_dir / "plans").glob("*.json"))


def contract_files(settings: Settings) -> list[Path]:
    """Plans' contracts files: `contracts/<plan>.json` in the definitions directory."""
    return sorted((settings.definitions_dir / "contracts").glob("*.json"))


async def publish_definitions(settings: Settings) -> str:
    """Publish every definition under `settings.definitions_dir` not yet published, store each
    plan's settings file (`plans/<plan>.json`) and seed the contracts of a plan that has none
    (`contracts/<plan>.json`); a summary."""
    try:
        plans = [read_settings(path) for path in plan_files(settings)]
        contracts = [read_contracts(path) for path in contract_files(settings)]
    except (PlanSettingsError, ContractError) as bad:
        raise CommandError(str(bad)) from None
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            loaded = await load_directory(
                session=session, root=settings.definitions_dir, actor="lieu-setup"
            )
            changed = [
                plan.plan
                for plan in plans
                if await save_settings(plan, session=session, actor="lieu-setup")
            ]
            try:
                seeded = [
                    plan
                    for plan, lines in contracts
                    if await seed_contracts(
                        session=session, plan=plan, lines=lines, actor="lieu-setup"
                    )
                ]
            except ContractError as bad:
                raise CommandError(f"contracts: {bad}") from None
    finally:
        await engine.dispose()
    counts = Counter(item.action.value for item in loaded)
    summary = ", ".join(f"{counts[action]} {action}" for action in sorted(counts)) or "none found"
    summary += f"; plan settings stored: {', '.join(changed)}" if changed else ""
    return summary + (f"; contracts seeded: {', '.join(seeded)}" if seeded else "")


async def seed_elections(settings: Settings) -> int:
    """Import each plan's elections file unless that plan has elections already."""
    engine = create_engine(settings.database_url)
    imported = 0
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            for path in election_files(settings):
                plan, rows = read_seed(path)
                imported += await import_elections(
                    session=session, plan=plan, rows=rows, actor=f"seed:{path.name}"
                )
    finally:
        await engine.dispose()
    return imported


async def start_election_workflows(settings: Settings, client: Client) -> list[str]:
    """Make sure every plan with an elections file has its election workflow running."""
    calendar = ElectionCalendar.load(elections_dir(settings) / "calendar.json")
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(engine)() as session:
            calendar = calendar.with_mandates(await published_mandates(session))
    finally:
        await engine.dispose()
    started = []
    zones = {
        plan.plan: plan.calendar.time_zone for plan in map(read_settings, plan_files(settings))
    }
    for path in election_files(settings):
        plan, _rows = read_seed(path)
        handle = await ensure_election_workflow(
            client,
            plan=plan,
            calendar=calendar,
            task_queue=settings.task_queue,
            time_zone=zones.get(plan, CALIFORNIA.time_zone),
        )
        started.append(handle.id)
    return started


@dataclass(frozen=True, slots=True)
class DemoMembers:
    """What `load_demo_members` stored: personas and synthetic members added, and already there."""

    plan: str
    personas: int
    synthetic: int
    existing: int

    def __str__(self) -> str:
        if not self.personas and not self.synthetic:
            return f"demo members: all {self.existing:,} already in {self.plan}"
        text = (
            f"demo members: {self.personas} personas (CINs 91000001A…) and {self.synthetic:,} "
            f"synthetic members (CINs 0…S) added to {self.plan}"
        )
        return text + (f", {self.existing:,} already there" if self.existing else "")


def demo_members(settings: Settings, on: dt.date) -> tuple[list[MemberLine], list[MemberLine]]:
    """The personas (dates moved to `on`) and the seeded synthetic members of the demo plan."""
    personas, problems = read_personas(persona_files(settings.definitions_dir / "members"))
    if problems:
        raise CommandError(
            f"{problems[0].render()}; the demo personas must be valid member facts "
            f"(`lieu members import {settings.definitions_dir / 'members'} --plan {DEMO_PLAN}` "
            "lists every problem)"
        )
    _plan, rows = read_seed(elections_dir(settings) / f"{DEMO_PLAN}.json")
    slugs = {row.county for row in rows}
    counties = [name for name in COUNTIES.values if county_slug(name) in slugs]
    synthetic = [
        MemberLine(0, member["cin"], member["facts"])
        for member in synthetic_members(
            DEMO_SYNTHETIC, seed=DEMO_SEED, plan=DEMO_PLAN, as_of=on, counties=counties
        )
    ]
    moved = [MemberLine(0, p.cin, moved_to(p.facts, on)) for p in personas]
    return moved, synthetic


async def load_demo_members(settings: Settings, on: dt.date | None = None) -> DemoMembers:
    """Enroll the personas and the synthetic members in the demo plan, once: a member already
    enrolled (by CIN) is left as it is, so a second start changes nothing."""
    personas, synthetic = demo_members(settings, on or dt.date.today())
    engine = create_engine(settings.database_url)
    try:
        async with create_session_factory(for_writes(engine)).begin() as session:
            first = await import_members(
                session=session, plan=DEMO_PLAN, members=personas, keep_existing=True
            )
            second = await import_members(
                session=session, plan=DEMO_PLAN, members=synthetic, keep_existing=True
            )
    finally:
        await engine.dispose()
    return DemoMembers(DEMO_PLAN, first.created, second.created, first.unchanged + second.unchanged)

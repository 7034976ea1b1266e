"""Building blocks for GraphQL tests: a seeded database, tokens per role, projected records."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.commands.serve import migrate_database
from lieu.commands.setup import publish_definitions, seed_elections
from lieu.platform.access.contracts import ContractLine, add_contracts, known_supports
from lieu.platform.access.roles import Role
from lieu.platform.access.tokens import issue_token
from lieu.platform.authorizations.projection import project
from lieu.platform.authorizations.records import AuthorizationState, DefinitionRef, TimelineEntry
from lieu.platform.authorizations.status import Status, Urgency
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.members.service import upsert_member
from lieu.settings import Settings
from tests import database_templates

MEMBERS_DIR = Path(__file__).resolve().parents[2] / "benefit_definitions" / "members"
PLAN = "demo-plan"
OTHER_PLAN = "other-plan"
# Ana (80, dementia, depends on her caregiver) moved to Sacramento, where demo-plan offers respite.
ANA = "91000001A"
RAY = "91000002A"
TODAY = datetime.now(UTC).date()


def member_facts(name: str, **changes: Any) -> dict[str, Any]:
    """A demo member's facts (benefit_definitions/members/<name>.yaml) with some changed."""
    facts: dict[str, Any] = yaml.safe_load((MEMBERS_DIR / f"{name}.yaml").read_text())
    facts.update(changes)
    return facts


@dataclass(frozen=True)
class Tokens:
    """One bearer token per role and scope."""

    plan_admin: str
    approver: str  # a plan_admin token that may approve a colleague's definition draft
    reviewer: str
    provider: str
    other_provider: str
    operations: str
    foreign_reviewer: str  # a reviewer of another plan
    provider_org: str
    other_provider_org: str

    def by_role(self) -> dict[str, str]:
        return {
            "plan_admin": self.plan_admin,
            "reviewer": self.reviewer,
            "provider": self.provider,
            "operations": self.operations,
        }


async def seed(settings: Settings) -> None:
    """Publish the shipped definitions and import demo-plan's elections."""
    await publish_definitions(settings)
    await seed_elections(settings)


async def add_members(engine: AsyncEngine) -> None:
    """Ana and Ray in demo-plan; Ana also enrolled in another plan under the same CIN."""
    async with create_session_factory(for_writes(engine)).begin() as session:
        ana = member_facts("ana", county="Sacramento")
        await upsert_member(session=session, plan=PLAN, cin=ANA, facts=ana)
        await upsert_member(session=session, plan=PLAN, cin=RAY, facts=member_facts("ray"))
        await upsert_member(session=session, plan=OTHER_PLAN, cin=ANA, facts=ana)


async def issue_tokens(engine: AsyncEngine) -> Tokens:
    """Tokens for every role in demo-plan, a second provider, and a reviewer of another plan;
    both providers are contracted for every support demo-plan has published."""
    org = f"cbo-{uuid.uuid4().hex[:6]}"
    other = f"clinic-{uuid.uuid4().hex[:6]}"
    secrets: dict[str, str] = {}
    async with create_session_factory(for_writes(engine)).begin() as session:
        supports = await known_supports(session=session, plan=PLAN)
        lines = [ContractLine(p, support) for support in supports for p in (org, other)]
        await add_contracts(session=session, plan=PLAN, lines=lines, actor="test")
        for name, role, plan, provider in [
            ("plan_admin", Role.PLAN_ADMIN, PLAN, None),
            ("approver", Role.PLAN_ADMIN, PLAN, None),
            ("reviewer", Role.REVIEWER, PLAN, None),
            ("provider", Role.PROVIDER, PLAN, org),
            ("other_provider", Role.PROVIDER, PLAN, other),
            ("operations", Role.OPERATIONS, PLAN, None),
            ("foreign_reviewer", Role.REVIEWER, OTHER_PLAN, None),
        ]:
            issued = await issue_token(
                session=session,
                role=role,
                plan=plan,
                provider=provider,
                label=name,
                actor="test",
                approver=name == "approver",
            )
            secrets[name] = issued.secret
    return Tokens(**secrets, provider_org=org, other_provider_org=other)


async def project_authorization(
    engine: AsyncEngine,
    *,
    provider: str,
    cin: str = ANA,
    plan: str = PLAN,
    status: Status = Status.PENDING_REVIEW,
    number: str | None = None,
) -> str:
    """A projected authorization (as its workflow would write it); returns its number."""
    number = number or f"A-{uuid.uuid4().hex[:16].upper()}"
    now = datetime.now(UTC)
    state = AuthorizationState(
        authorization_id=number,
        status=status,
        plan=plan,
        support="respite",
        definition=DefinitionRef("dhcs", "respite", 1, "0" * 64),
        member_cin=cin,
        provider=provider,
        county="sacramento",
        urgency=Urgency.STANDARD,
        measure="hours",
        quantity_requested=Decimal(40),
        quantity_approved=None,
        quantity_reserved=Decimal(40),
        quantity_used=Decimal(0),
        service_start=TODAY,
        service_end=TODAY + timedelta(days=364),
        presumptive_until=None,
        review_deadline=now + timedelta(days=5),
        escalated=False,
        extension_used=False,
        loop_status="sent",
        loop_reason=None,
        renewals_used=0,
        requested_by=f"provider:{plan}/{provider}",
        received_at=now,
        timeline=[TimelineEntry(1, now, "received", provider, "respite requested")],
    )
    async with create_session_factory(for_writes(engine)).begin() as session:
        await project(session=session, state=state, seq=1)
    return number


class Api:
    """POST GraphQL to the real ASGI app in-process (no socket), with a bearer token."""

    def __init__(self, http: Any, runtime: Any = None) -> None:
        self.http = http
        self.runtime = runtime  # the app's Runtime (its engine, caches, audit writer)

    async def call(
        self, token: str | None, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        headers = {"User-Agent": "graphql-tests/1"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        body: dict[str, Any] = response.json()
        body["status"] = response.status_code
        return body


@dataclass(frozen=True)
class Seeded:
    """Settings of a seeded stack, an engine on its database and its tokens."""

    settings: Settings
    engine: AsyncEngine
    tokens: Tokens


async def _migrate_and_seed(settings: Settings) -> None:
    await migrate_database(settings)
    await seed(settings)


async def seeded_stack(settings: Settings) -> AsyncIterator[Seeded]:
    """The database of `settings` migrated and seeded, members added and tokens issued.

    Migrating and seeding (every shipped definition published) happen once per session: a blank
    database becomes a copy of the session's seeded template for these definitions."""
    templates = database_templates.active()
    name = f"seeded {settings.definitions_dir.resolve()}"

    async def build(url: str) -> None:
        await _migrate_and_seed(settings.with_(database_url=url))

    if templates is None or not await templates.restore(settings.database_url, name, build):
        await _migrate_and_seed(settings)
    engine = create_engine(settings.database_url)
    await add_members(engine)
    tokens = await issue_tokens(engine)
    try:
        yield Seeded(settings, engine, tokens)
    finally:
        await engine.dispose()

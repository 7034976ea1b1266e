"""The plan product team's reads: versions, history, validation, diff, draft simulation."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.definitions.types import (
    Definition,
    DefinitionDiff,
    DefinitionHistoryEntry,
    DefinitionLookup,
    DiffResult,
    DraftSimulation,
    SimulationResult,
    ValidationReport,
)
from lieu.graphql.errors import ClientError, NotFound, Problem, ValidationErrors
from lieu.graphql.pagination import Connection, Listing, connection, page
from lieu.graphql.permissions import allow
from lieu.platform.access.roles import Role
from lieu.platform.db.base import utcnow
from lieu.platform.definitions.diff import diff_definitions
from lieu.platform.definitions.document import parse_definition
from lieu.platform.definitions.errors import (
    BaselineNotPublished,
    InvalidDefinition,
    VersionNotFound,
)
from lieu.platform.definitions.models import DefinitionStatus
from lieu.platform.definitions.simulation import SimulationError, simulate_draft
from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.definitions.validation import validate_document
from lieu.platform.definitions.versions import (
    BY_SUPPORT_AND_VERSION,
    effective_version,
    get_version,
    history,
    stored_definition,
    versions_page,
)

PLAN_TEAM = allow(Role.PLAN_ADMIN)
DEFINITIONS = Listing("definitions", BY_SUPPORT_AND_VERSION)


def readable_plan(context: Context, plan: str | None) -> str:
    """The plan whose definitions to read: the caller's own, or the DHCS baselines."""
    chosen = plan or context.caller.plan
    if chosen not in (context.caller.plan, BASELINE_PLAN):
        raise ClientError(
            f"plan {chosen!r} is not yours; read {context.caller.plan!r} or {BASELINE_PLAN!r}",
            "FORBIDDEN",
        )
    return chosen


@strawberry.type
class DefinitionQueries:
    @strawberry.field(
        description="Definition versions of your plan (or `dhcs`), drafts included.",
        extensions=PLAN_TEAM,
    )
    async def definitions(
        self,
        info: Info[Context, None],
        plan: str | None = None,
        support: str | None = None,
        status: DefinitionStatus | None = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Definition]:
        owner = readable_plan(info.context, plan)
        at = page(DEFINITIONS, first, after, last, before)
        async with info.context.reads() as session:
            rows = await versions_page(
                session=session, window=at, plan=owner, support=support, status=status
            )
        return connection(rows, DEFINITIONS, Definition.of)

    @strawberry.field(description="One definition version.", extensions=PLAN_TEAM)
    async def definition(
        self, info: Info[Context, None], support: str, version: int, plan: str | None = None
    ) -> DefinitionLookup:
        owner = readable_plan(info.context, plan)
        async with info.context.reads() as session:
            try:
                row = await get_version(
                    session=session, plan=owner, support=support, version=version
                )
            except VersionNotFound as missing:
                return NotFound(message=str(missing), what="definition", id=f"{support}/v{version}")
        return Definition.of(row)

    @strawberry.field(description="What happened to a support's versions.", extensions=PLAN_TEAM)
    async def definition_history(
        self, info: Info[Context, None], support: str, version: int | None = None
    ) -> list[DefinitionHistoryEntry]:
        async with info.context.reads() as session:
            events = await history(
                session=session, plan=info.context.caller.plan, support=support, version=version
            )
        return [DefinitionHistoryEntry.of(e) for e in events]

    @strawberry.field(
        description="Validate a document without storing it: every problem with its pointer.",
        extensions=PLAN_TEAM,
    )
    async def validate_definition(
        self, info: Info[Context, None], document: JSON
    ) -> ValidationReport:
        baselines = {}
        if isinstance(document, dict) and isinstance(document.get("extends"), dict):
            async with info.context.reads() as session:
                try:
                    ref = parse_definition(document).extends
                except (KeyError, TypeError, ValueError):
                    ref = None
                base = await stored_definition(session=session, ref=ref) if ref else None
                if ref is not None and base is not None:
                    baselines[ref] = base
        checked = validate_document(document, baselines=baselines)
        problems = [Problem.of(p) for p in checked.problems]
        return ValidationReport(
            valid=not [p for p in problems if p.severity == "error"], problems=problems
        )

    @strawberry.field(
        description="The changes between two versions of a support, in business language, "
        "each compared as in force (a plan's version merged over the baseline it extends). "
        "`plan` (default yours) names the plan of both; `fromPlan` / `toPlan` one side each, "
        "e.g. the DHCS baseline against your plan's version.",
        extensions=PLAN_TEAM,
    )
    async def diff_definitions(
        self,
        info: Info[Context, None],
        support: str,
        from_version: int,
        to_version: int,
        plan: str | None = None,
        from_plan: str | None = None,
        to_plan: str | None = None,
    ) -> DiffResult:
        old_plan = readable_plan(info.context, from_plan or plan)
        new_plan = readable_plan(info.context, to_plan or plan)
        async with info.context.reads() as session:
            try:
                old = await effective_version(
                    session=session, plan=old_plan, support=support, version=from_version
                )
                new = await effective_version(
                    session=session, plan=new_plan, support=support, version=to_version
                )
            except VersionNotFound as missing:
                return NotFound(message=str(missing), what="definition", id=support)
            except BaselineNotPublished as missing:
                return NotFound(message=str(missing), what="baseline", id=support)
        return DefinitionDiff(
            support=support,
            from_plan=old_plan,
            from_version=from_version,
            to_plan=new_plan,
            to_version=to_version,
            changes=diff_definitions(old, new),
        )

    @strawberry.field(
        description="Run a draft against your plan's current members: who gains and who loses "
        "eligibility compared with the version in force (counts and a sample).",
        extensions=PLAN_TEAM,
    )
    async def simulate_draft(
        self, info: Info[Context, None], support: str, version: int, on: date | None = None
    ) -> SimulationResult:
        context = info.context
        plan = context.caller.plan
        day = on or utcnow().date()
        async with context.reads() as session:
            try:
                result = await simulate_draft(
                    session=session, plan=plan, support=support, version=version, on=day
                )
            except VersionNotFound as missing:
                return NotFound(message=str(missing), what="definition", id=f"{support}/v{version}")
            except SimulationError as broken:
                return ValidationErrors.one("/extends", "unknown-baseline", str(broken))
            except InvalidDefinition as invalid:
                context.audit("simulateDraft", f"members:{plan}", "refused", str(invalid))
                return ValidationErrors(
                    message=str(invalid), problems=[Problem.of(p) for p in invalid.problems]
                )
        context.audit("simulateDraft", f"members:{plan}", "ok", f"{support}/v{version}")
        return DraftSimulation.of(support, version, day, result)

"""Importing members (upsert by CIN, validated against the member-facts schema): all or none."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import Problem, ValidationErrors
from lieu.graphql.members.types import ImportMembersResult, MembersImported
from lieu.graphql.permissions import allow
from lieu.platform.access.audit import record
from lieu.platform.access.roles import Role
from lieu.platform.members.importing import import_members, parse_members

MAX_LINES = 10_000


@strawberry.type
class MemberMutations:
    @strawberry.mutation(
        description=(
            "Upsert members into your plan from JSON Lines (`{cin, facts}` per line). Every "
            "line is checked first; if any is wrong nothing is stored."
        ),
        extensions=allow(Role.PLAN_ADMIN),
    )
    async def import_members(self, info: Info[Context, None], jsonl: str) -> ImportMembersResult:
        context = info.context
        plan = context.caller.plan
        lines = jsonl.splitlines()
        if len(lines) > MAX_LINES:
            return ValidationErrors.one(
                "", "too-many-lines", f"{len(lines)} lines; import at most {MAX_LINES} at once"
            )
        members, problems = parse_members(lines)
        if problems:
            context.audit("importMembers", f"members:{plan}", "invalid", f"{len(problems)}")
            return ValidationErrors(
                message=f"{len(problems)} problem(s); nothing was imported",
                problems=[
                    Problem(
                        pointer=f"/{p.line - 1}{p.pointer}",
                        code="invalid-member",
                        message=p.message,
                    )
                    for p in problems
                ],
            )
        async with context.writes.begin() as session:
            outcome = await import_members(session=session, plan=plan, members=members)
            record(
                session,
                [
                    context.record(
                        "importMembers",
                        f"members:{plan}",
                        detail=f"{outcome.created} created, {outcome.updated} updated",
                    )
                ],
            )
        return MembersImported(created=outcome.created, updated=outcome.updated)

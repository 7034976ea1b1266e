"""Submitting an election change to the plan's open window (the workflow decides)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from lieu.graphql.audit_trail import audit_ahead
from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict, ValidationErrors
from lieu.graphql.permissions import allow
from lieu.platform.access.roles import Role
from lieu.platform.elections.changes import ChangeKind, ElectionChange, Refusal
from lieu.platform.elections.counties import county_slug
from lieu.workflows.elections.client import submit_change

ElectionChangeKind = strawberry.enum(ChangeKind, name="ElectionChangeKind")
INPUT_CODES = {"unknown_county": "/county", "unknown_support": "/support"}


@strawberry.type(description="The change was accepted into the open window.")
class ElectionChangeAccepted:
    change_id: int
    cycle_start: date
    takes_effect: date


SubmitElectionChangeResult = Annotated[
    ElectionChangeAccepted | ValidationErrors | Conflict,
    strawberry.union("SubmitElectionChangeResult"),
]


@strawberry.type
class ElectionMutations:
    @strawberry.mutation(
        description="Start or stop offering a support in a county (additions every six months, "
        "removals at the annual boundary).",
        extensions=allow(Role.PLAN_ADMIN),
    )
    async def submit_election_change(
        self,
        info: Info[Context, None],
        county: str,
        support: str,
        kind: ChangeKind,
        reason: str = "",
    ) -> SubmitElectionChangeResult:
        context = info.context
        change = ElectionChange(
            plan=context.caller.plan,
            county=county_slug(county),
            support=support,
            kind=kind,
            actor=context.caller.actor,
            reason=reason,
        )
        target = f"election:{change.plan}/{change.county}/{support}"
        await audit_ahead(context, "submitElectionChange", target)
        try:
            accepted = await submit_change(context.runtime.temporal, change)
        except Refusal as refusal:
            context.audit("submitElectionChange", target, "refused", refusal.code)
            if refusal.code in INPUT_CODES:
                return ValidationErrors.one(
                    INPUT_CODES[refusal.code], refusal.code, refusal.message
                )
            return Conflict(message=refusal.message, code=refusal.code)
        context.audit("submitElectionChange", target, "ok", kind.value)
        return ElectionChangeAccepted(
            change_id=accepted.change_id,
            cycle_start=accepted.cycle_start,
            takes_effect=accepted.takes_effect,
        )

"""Contracts through GraphQL: which supports a provider organization may request; plan
administrators add and remove them (audited with the change), providers read their own."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import NotFound, ValidationErrors
from lieu.graphql.permissions import allow
from lieu.platform.access.audit import record
from lieu.platform.access.contracts import ContractError, add_contract, contracts, remove_contract
from lieu.platform.access.models import ProviderContract
from lieu.platform.access.roles import Role


@strawberry.type(description="A provider organization is contracted by the plan for a support.")
class Contract:
    provider: str
    support: str
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, row: ProviderContract) -> Contract:
        return cls(
            provider=row.provider,
            support=row.support,
            created_by=row.created_by,
            created_at=row.created_at,
        )


@strawberry.input(description="An organization and a support.")
class ContractInput:
    provider: str
    support: str


AddContractResult = Annotated[Contract | ValidationErrors, strawberry.union("AddContractResult")]
RemoveContractResult = Annotated[Contract | NotFound, strawberry.union("RemoveContractResult")]


@strawberry.type
class ContractQueries:
    @strawberry.field(
        description=(
            "The plan's contracts, by organization and support (providers: their own, what "
            "they may request)."
        ),
        extensions=allow(Role.PLAN_ADMIN, Role.OPERATIONS, Role.REVIEWER, Role.PROVIDER),
    )
    async def contracts(
        self, info: Info[Context, None], provider: str | None = None
    ) -> list[Contract]:
        caller = info.context.caller
        if caller.role is Role.PROVIDER:
            if provider is not None and provider != caller.provider:
                return []  # another organization's contracts are not a provider's to see
            provider = caller.provider
        async with info.context.reads() as session:
            rows = await contracts(session=session, plan=caller.plan, provider=provider)
        return [Contract.of(row) for row in rows]


@strawberry.type
class ContractMutations:
    @strawberry.mutation(
        description=(
            "Contract an organization for a support of your plan: it may then request it (and "
            "be issued provider tokens). Adding one it has is answered with it."
        ),
        extensions=allow(Role.PLAN_ADMIN),
    )
    async def add_contract(
        self, info: Info[Context, None], input: ContractInput
    ) -> AddContractResult:
        context = info.context
        plan = context.caller.plan
        target = f"contract:{plan}/{input.provider[:64]}/{input.support[:64]}"
        async with context.writes.begin() as session:
            try:
                row, new = await add_contract(
                    session=session,
                    plan=plan,
                    provider=input.provider,
                    support=input.support,
                    actor=context.caller.actor,
                )
            except ContractError as wrong:
                pointer = "/provider" if "organization id" in str(wrong) else "/support"
                record(session, [context.record("addContract", target, "invalid", str(wrong))])
                return ValidationErrors.one(pointer, "bad_contract", str(wrong))
            detail = "added" if new else "already contracted"
            record(session, [context.record("addContract", target, "ok", detail)])
            return Contract.of(row)

    @strawberry.mutation(
        description=(
            "End an organization's contract for a support: it may no longer request it "
            "(authorizations already requested run on)."
        ),
        extensions=allow(Role.PLAN_ADMIN),
    )
    async def remove_contract(
        self, info: Info[Context, None], input: ContractInput
    ) -> RemoveContractResult:
        context = info.context
        plan = context.caller.plan
        target = f"contract:{plan}/{input.provider[:64]}/{input.support[:64]}"
        async with context.writes.begin() as session:
            try:
                row = await remove_contract(
                    session=session, plan=plan, provider=input.provider, support=input.support
                )
            except ContractError as none:
                record(session, [context.record("removeContract", target, "not_found")])
                return NotFound(message=str(none), what="contract", id=target)
            record(session, [context.record("removeContract", target, "ok")])
            return Contract.of(row)

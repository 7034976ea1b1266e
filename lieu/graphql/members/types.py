"""Members, eligibility answers and limit balances as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from lieu.graphql.errors import NotFound, ValidationErrors
from lieu.platform.access.balances import LimitBalance
from lieu.platform.access.eligibility_check import EligibilityCheck
from lieu.platform.members.models import Member as MemberRow
from lieu.platform.rules.eligibility import Outcome
from lieu.platform.rules.reasons import Reason as RuleReason

EligibilityOutcome = strawberry.enum(Outcome, name="EligibilityOutcome")


@strawberry.type(description="A member of the caller's plan and the facts rules read.")
class Member:
    cin: str
    plan: str
    facts: JSON
    updated_at: datetime

    @classmethod
    def of(cls, row: MemberRow) -> Member:
        return cls(
            cin=row.cin, plan=row.plan, facts=JSON(dict(row.facts)), updated_at=row.updated_at
        )


@strawberry.type(description="One criterion's result, in words a provider can read.")
class Reason:
    criterion_id: str
    label: str
    status: str
    text: str
    missing: list[str]

    @classmethod
    def of(cls, reason: RuleReason) -> Reason:
        return cls(
            criterion_id=reason.criterion_id,
            label=reason.label,
            status=reason.status.value,
            text=reason.text,
            missing=list(reason.missing),
        )


@strawberry.type(description="Is the member eligible for the support on the date, and why.")
class Eligibility:
    cin: str
    support: str
    on: date
    county: str
    offered: bool = strawberry.field(
        description="Whether the plan offers the support in the member's county on the date."
    )
    outcome: Outcome
    reasons: list[Reason]
    missing: list[str] = strawberry.field(description="Facts that would decide it if known.")
    definition_plan: str
    definition_version: int

    @classmethod
    def of(cls, check: EligibilityCheck) -> Eligibility:
        return cls(
            cin=check.cin,
            support=check.support,
            on=check.on,
            county=check.county,
            offered=check.offered,
            outcome=check.outcome,
            reasons=[Reason.of(r) for r in check.reasons],
            missing=list(check.missing),
            definition_plan=check.definition.plan,
            definition_version=check.definition.version,
        )


@strawberry.type(description="What one limit leaves the member (held and consumed: all plans).")
class Balance:
    limit_id: str
    label: str
    measure: str
    maximum: Decimal
    window: str
    remaining: Decimal
    held: Decimal
    consumed: Decimal

    @classmethod
    def of(cls, found: LimitBalance) -> Balance:
        return cls(
            limit_id=found.limit_id,
            label=found.label,
            measure=found.measure,
            maximum=found.maximum,
            window=found.window,
            remaining=found.remaining,
            held=found.held,
            consumed=found.consumed,
        )


@strawberry.type(description="The limits of a support and what the member has left.")
class Balances:
    cin: str
    support: str
    on: date
    limits: list[Balance]


@strawberry.type(description="Members imported: all lines were valid, and all were stored.")
class MembersImported:
    created: int
    updated: int


EligibilityResult = Annotated[
    Eligibility | NotFound | ValidationErrors, strawberry.union("EligibilityResult")
]
BalancesResult = Annotated[Balances | NotFound, strawberry.union("BalancesResult")]
MemberResult = Annotated[Member | NotFound, strawberry.union("MemberResult")]
ImportMembersResult = Annotated[
    MembersImported | ValidationErrors, strawberry.union("ImportMembersResult")
]

"""Members, eligibility answers and limit balances as the API shows them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import NotFound, ValidationErrors
from lieu.graphql.members.identity import IdentityLocked
from lieu.graphql.notices.types import Notice
from lieu.graphql.permissions import STAFF, allow
from lieu.platform.access.balances import LimitBalance
from lieu.platform.access.eligibility_check import EligibilityCheck
from lieu.platform.access.roles import Role
from lieu.platform.definitions.eligibility import fact_wording
from lieu.platform.elections.answers import Answer
from lieu.platform.limits.window_balance import CountingEntry as WindowCountingEntry
from lieu.platform.limits.window_balance import WindowBalance
from lieu.platform.members.models import Member as MemberRow
from lieu.platform.notices.records import member_notices
from lieu.platform.rules.facts import Condition as RuleCondition
from lieu.platform.rules.reasons import Reason as RuleReason
from lieu.platform.rules.reasons import Status as CriterionResult
from lieu.platform.rules.wording import label_of

strawberry.enum(
    CriterionResult,
    name="CriterionStatus",
    description="How one criterion came out: HELD, FAILED, or UNDETERMINED (a fact it needs is "
    "not known).",
)
EligibilityOutcome = strawberry.enum(
    Answer,
    name="EligibilityOutcome",
    description="ELIGIBLE; NOT_OFFERED: meets every criterion, but the plan does not offer the "
    "support in the member's county on the date (a request would be refused); NOT_ELIGIBLE; "
    "UNDETERMINED until the missing facts are known.",
)


@strawberry.type(description="A member of the caller's plan and the facts rules read.")
class Member:
    cin: str
    plan: str
    facts: JSON
    updated_at: datetime

    @strawberry.field(
        description="The notices of action sent to the member, newest first (providers: those "
        "about their own authorizations). A read of member data: audited.",
        extensions=allow(Role.PROVIDER, *STAFF),
    )
    async def notices(self, info: Info[Context, None]) -> list[Notice]:
        context = info.context
        caller = context.caller
        provider = caller.provider if caller.role is Role.PROVIDER else None
        async with context.runtime.sessions() as session:
            rows = await member_notices(
                session=session, plan=self.plan, cin=self.cin, provider=provider
            )
        context.audit("member.notices", f"member:{self.plan}/{self.cin}", detail=f"{len(rows)}")
        return [Notice.of(row) for row in rows]

    @classmethod
    def of(cls, row: MemberRow) -> Member:
        return cls(
            cin=row.cin, plan=row.plan, facts=JSON(dict(row.facts)), updated_at=row.updated_at
        )


@strawberry.type(description="A member fact: its path in the member's facts and its label.")
class FactName:
    path: str
    label: str

    @classmethod
    def of(cls, path: str) -> FactName:
        return cls(path=path, label=label_of(path, fact_wording()))


@strawberry.type(description="A fact a criterion read, and its value (null when not known).")
class FactSeen:
    path: str
    label: str
    value: JSON | None
    known: bool


@strawberry.type(
    name="FactCondition",
    description="A test a criterion makes of one fact, for machines: e.g. path `birth_date`, "
    "operator `>=`, values `[18]`, via `age_at` (the age on the date); `county` `in` the "
    'values; `enrollments` `contains` `["ccs"]`. Operators: the comparisons `==` `!=` `<` '
    "`<=` `>` `>=` (the fact on the left), `in`, `contains`, `within_days` (values: the days), "
    "`truthy`, `falsy`, `missing`, and `some` / `all` / `none` over a list.",
)
class Condition:
    path: str
    label: str
    operator: str
    values: JSON
    via: str | None = strawberry.field(
        description="The date operator the fact goes through (`age_at`, `days_between`)."
    )

    @classmethod
    def of(cls, condition: RuleCondition) -> Condition:
        return cls(
            path=condition.path,
            label=label_of(condition.path, fact_wording()),
            operator=condition.operator,
            values=JSON(list(condition.values)),
            via=condition.via,
        )


@strawberry.type(description="One criterion's result, in words a provider can read.")
class Reason:
    criterion_id: str
    label: str
    status: CriterionResult
    text: str = strawberry.field(description="The result in words, facts by their labels.")
    missing: list[str] = strawberry.field(
        description="Paths of the facts, not known, that could change this criterion."
    )
    facts: list[FactSeen] = strawberry.field(description="Every fact the criterion read.")
    conditions: list[Condition] = strawberry.field(
        description="The tests the criterion makes of facts, for machines."
    )

    @classmethod
    def of(cls, reason: RuleReason) -> Reason:
        words = fact_wording()
        seen = reason.values_seen
        return cls(
            criterion_id=reason.criterion_id,
            label=reason.label,
            status=reason.status,
            text=reason.text,
            missing=list(reason.missing),
            facts=[
                FactSeen(
                    path=path,
                    label=label_of(path, words),
                    value=JSON(seen[path]) if path in seen else None,
                    known=path in seen,
                )
                for path in reason.facts_read
            ],
            conditions=[Condition.of(c) for c in reason.conditions],
        )


@strawberry.type(description="May the member have the support on the date, and why.")
class Eligibility:
    cin: str
    support: str
    on: date
    county: str = strawberry.field(
        description="The member's county (`los-angeles`), '' when the facts do not say."
    )
    offered: bool | None = strawberry.field(
        description="Whether the plan offers the support in the member's county on the date; "
        "null when the member's county is not known."
    )
    outcome: Answer
    summary: str = strawberry.field(description="The answer in one sentence.")
    reasons: list[Reason]
    missing: list[str] = strawberry.field(
        description="Paths of the facts, not known, that could change the outcome (none for "
        "NOT_ELIGIBLE unless a failed criterion tests a fact's absence)."
    )
    missing_facts: list[FactName] = strawberry.field(
        description="The same facts, each with its label."
    )
    definition_plan: str
    definition_version: int

    @classmethod
    def of(cls, check: EligibilityCheck) -> Eligibility:
        found = check.answer
        reasons = found.assessment.reasons
        return cls(
            cin=check.cin,
            support=found.support,
            on=found.on,
            county=found.county_slug,
            offered=found.offered,
            outcome=found.answer,
            summary=found.summary,
            reasons=[Reason.of(r) for r in reasons],
            missing=list(found.missing),
            missing_facts=[FactName.of(path) for path in found.missing],
            definition_plan=check.definition.plan,
            definition_version=check.definition.version,
        )


@strawberry.type(description="An entry that counts in the window (the viewer's plan's own).")
class CountingEntry:
    kind: str = strawberry.field(
        description="reserve, consume, release, adjust, prior_use; other_plans: a sum."
    )
    source: str
    support: str
    service_start: date | None
    service_end: date | None
    counted: Decimal = strawberry.field(description="What it counts in this window.")
    authorization_id: str | None
    detail: str

    @classmethod
    def of(cls, found: WindowCountingEntry) -> CountingEntry:
        return cls(
            kind=found.kind,
            source=found.source,
            support=found.support,
            service_start=found.start,
            service_end=found.end,
            counted=found.counted,
            authorization_id=found.authorization_id,
            detail=found.detail,
        )


@strawberry.type(
    description="One limit on the day asked, for the window that binds it: what counts, by kind."
)
class BalanceInWindow:
    window_from: date | None = strawberry.field(description="null: the whole lifetime.")
    window_to: date | None
    window: str = strawberry.field(description="'lifetime' or '2026-01-01 to 2026-12-31'.")
    cap: Decimal = strawberry.field(description="The maximum plus approved exceptions.")
    used: Decimal = strawberry.field(description="Service your plan reported through lieu.")
    used_elsewhere: Decimal = strawberry.field(
        description=(
            "Used outside your plan, as one figure: prior use (service given outside lieu) and "
            "what other plans the member is enrolled in hold, used or adjusted."
        )
    )
    held: Decimal = strawberry.field(description="Reserved by your plan's open authorizations.")
    adjusted: Decimal = strawberry.field(description="Your plan's corrections (±).")
    exceptions: Decimal = strawberry.field(description="What approved exceptions add.")
    remaining: Decimal
    exhausted: bool
    why: str = strawberry.field(description="Why nothing is left, in words ('' if something is).")
    frees_on: date | None = strawberry.field(
        description="When nothing is left: the first day some frees up (null: it never does)."
    )
    counted_by: list[CountingEntry] = strawberry.field(
        description="When nothing is left: the entries that used it up, largest first."
    )

    @classmethod
    def of(cls, found: WindowBalance) -> BalanceInWindow:
        return cls(
            window_from=found.first,
            window_to=found.last,
            window=found.window,
            cap=found.cap,
            used=found.used,
            used_elsewhere=found.elsewhere,
            held=found.held,
            adjusted=found.adjusted,
            exceptions=found.exceptions,
            remaining=found.remaining,
            exhausted=found.exhausted,
            why=found.why(),
            frees_on=found.frees_on,
            counted_by=[CountingEntry.of(e) for e in found.counting],
        )


@strawberry.type(description="What one limit leaves the member (held and consumed: all plans).")
class Balance:
    limit_id: str
    label: str
    measure: str
    maximum: Decimal
    window: str
    remaining: Decimal
    held: Decimal = strawberry.field(description="Held by your plan's open authorizations.")
    consumed: Decimal = strawberry.field(description="Consumed by your plan's service reports.")
    used_elsewhere: Decimal = strawberry.field(
        description=(
            "Prior use and other plans' use in the window that binds the day, as one figure "
            "(see inWindow)."
        )
    )
    in_window: BalanceInWindow

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
            used_elsewhere=found.in_window.elsewhere,
            in_window=BalanceInWindow.of(found.in_window),
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
    Eligibility | NotFound | ValidationErrors | IdentityLocked,
    strawberry.union("EligibilityResult"),
]
BalancesResult = Annotated[Balances | NotFound, strawberry.union("BalancesResult")]
MemberResult = Annotated[Member | NotFound, strawberry.union("MemberResult")]
ImportMembersResult = Annotated[
    MembersImported | ValidationErrors, strawberry.union("ImportMembersResult")
]

"""Member reads: one member, the plan's members, eligibility, balances (each audited)."""

from __future__ import annotations

from datetime import date

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import NotFound
from lieu.graphql.members.identity import IdentityLocked, birth_date_check
from lieu.graphql.members.types import (
    Balance,
    Balances,
    BalancesResult,
    Eligibility,
    EligibilityResult,
    Member,
    MemberResult,
)
from lieu.graphql.pagination import Connection, Listing, connection, page
from lieu.graphql.permissions import allow
from lieu.platform.access.balances import member_balances
from lieu.platform.access.eligibility_check import NoDefinitionInForce, check_eligibility
from lieu.platform.access.identity_checks import IdentityLocked as Locked
from lieu.platform.access.members import (
    BY_CIN,
    BirthDateMiss,
    MemberNotVisible,
    plan_members,
    visible_member,
)
from lieu.platform.access.roles import Role
from lieu.platform.db.base import utcnow

MEMBERS = Listing("members", BY_CIN)


def _today() -> date:
    return utcnow().date()


@strawberry.type
class MemberQueries:
    @strawberry.field(
        description="One member of your plan (providers: only members they are party to).",
        extensions=allow(Role.PLAN_ADMIN, Role.REVIEWER, Role.OPERATIONS, Role.PROVIDER),
    )
    async def member(self, info: Info[Context, None], cin: str) -> MemberResult:
        context = info.context
        target = f"member:{context.caller.plan}/{cin}"
        async with context.reads() as session:
            try:
                row = await visible_member(session=session, principal=context.caller, cin=cin)
            except MemberNotVisible as hidden:
                context.audit("member", target, "not_found")
                return NotFound(message=str(hidden), what="member", id=cin)
        context.audit("member", target)
        return Member.of(row)

    @strawberry.field(
        description="Your plan's members by CIN.",
        extensions=allow(Role.PLAN_ADMIN, Role.OPERATIONS),
    )
    async def members(
        self,
        info: Info[Context, None],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Member]:
        context = info.context
        at = page(MEMBERS, first, after, last, before)
        async with context.reads() as session:
            rows = await plan_members(session=session, principal=context.caller, window=at)
        context.audit("members", f"members:{context.caller.plan}", detail=f"{len(rows.rows)} rows")
        return connection(rows, MEMBERS, Member.of)

    @strawberry.field(
        description=(
            "May the member have the support on the date (default today), in the member's "
            "county, and why: ELIGIBLE, NOT_OFFERED (eligible, but the plan does not offer it "
            "there), NOT_ELIGIBLE or UNDETERMINED, with reasons in words and for machines. "
            "A provider not yet serving the member also gives the member's birth date."
        ),
        extensions=allow(Role.PROVIDER, Role.REVIEWER, Role.PLAN_ADMIN),
    )
    async def eligibility(
        self,
        info: Info[Context, None],
        cin: str,
        support: str,
        on: date | None = None,
        birth_date: date | None = None,
    ) -> EligibilityResult:
        context = info.context
        target = f"member:{context.caller.plan}/{cin}"
        missed: BirthDateMiss | None = None
        checking = birth_date_check(context, cin, birth_date)
        if checking is not None and (locked := await checking.begin()) is not None:
            context.audit("eligibility", target, checking.refusal, support)
            return locked
        async with context.reads() as session:
            try:
                check = await check_eligibility(
                    session=session,
                    cache=context.definitions,
                    principal=context.caller,
                    cin=cin,
                    support=support,
                    on=on or _today(),
                    birth_date=birth_date,
                    in_force=context.runtime.in_force,
                )
            except Locked as refused:
                if checking is not None:
                    await checking.end(matched=True)  # not compared: nothing to count
                context.audit("eligibility", target, "locked", support)
                return IdentityLocked(message=str(refused), retry_at=refused.until)
            except BirthDateMiss as hidden:
                missed = hidden
            except MemberNotVisible as hidden:
                context.audit("eligibility", target, "not_found", support)
                return NotFound(message=str(hidden), what="member", id=cin)
            except NoDefinitionInForce as none:
                if checking is not None:
                    await checking.end(matched=True)  # the member was identified
                context.audit("eligibility", target, "not_found", support)
                return NotFound(message=str(none), what="definition", id=support)
            except Exception:
                if checking is not None:  # it failed, but not on the birth date
                    await checking.end(matched=True)
                raise
        if checking is not None:
            await checking.end(matched=missed is None)
        if missed is not None:
            context.audit("eligibility", target, "not_found", f"{support}: birth date")
            return NotFound(message=str(missed), what="member", id=cin)
        context.audit("eligibility", target, "ok", f"{support}: {check.answer.answer.value}")
        return Eligibility.of(check)

    @strawberry.field(
        description="What the member has left under each limit of a support.",
        extensions=allow(Role.PROVIDER, Role.REVIEWER, Role.OPERATIONS),
    )
    async def balances(
        self, info: Info[Context, None], cin: str, support: str, on: date | None = None
    ) -> BalancesResult:
        context = info.context
        target = f"member:{context.caller.plan}/{cin}"
        day = on or _today()
        async with context.reads() as session:
            try:
                found = await member_balances(
                    session=session,
                    cache=context.definitions,
                    principal=context.caller,
                    cin=cin,
                    support=support,
                    on=day,
                    in_force=context.runtime.in_force,
                )
            except MemberNotVisible as hidden:
                context.audit("balances", target, "not_found", support)
                return NotFound(message=str(hidden), what="member", id=cin)
            except NoDefinitionInForce as none:
                context.audit("balances", target, "not_found", support)
                return NotFound(message=str(none), what="definition", id=support)
        context.audit("balances", target, "ok", support)
        return Balances(cin=cin, support=support, on=day, limits=[Balance.of(b) for b in found])

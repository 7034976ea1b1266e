"""Birth-date checks through GraphQL: each is counted before the birth date is compared, in a
transaction of its own (the count holds whatever the answer), and settled after; and the
lockouts operations see and clear."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import Error, NotFound
from lieu.graphql.permissions import allow
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.identity_checks import (
    Lockout,
    LockoutNotFound,
    begin_check,
    clear_lockout,
    end_check,
    lockouts,
)
from lieu.platform.access.members import is_party
from lieu.platform.access.roles import Role
from lieu.platform.plans.settings import plan_settings


class BirthDateCheck:
    """One provider's birth-date check of a CIN, counted before it is made (in a transaction of
    its own: the count holds whatever the answer) and settled after (`identity_checks`)."""

    def __init__(self, context: Context, cin: str) -> None:
        self.context = context
        self.cin = cin
        self.counted = False
        self.refusal = ""  # once begin() refused: "locked", or "busy" (retry in seconds)

    async def begin(self) -> IdentityLocked | None:
        """Count the check; the typed answer when it may not be made (locked)."""
        context = self.context
        async with context.reads() as session:
            if await is_party(session=session, principal=context.caller, cin=self.cin):
                return None  # a provider serving the member is not identifying them
        async with context.writes.begin() as session:
            terms = (await plan_settings(context.caller.plan, session=session)).access
            lock = await begin_check(
                session=session,
                principal=context.caller,
                cin=self.cin,
                terms=terms,
                origin=context.origin,
            )
        if lock is not None:
            error = lock.error(self.cin)
            self.refusal = "busy" if lock.pending else "locked"
            return IdentityLocked(message=str(error), retry_at=error.until)
        self.counted = True
        return None

    async def end(self, *, matched: bool) -> None:
        """Settle the check: forgiven when the birth date identified the member."""
        if not self.counted:
            return
        context = self.context
        async with context.writes.begin() as session:
            terms = (await plan_settings(context.caller.plan, session=session)).access
            await end_check(
                session=session,
                principal=context.caller,
                cin=self.cin,
                terms=terms,
                matched=matched,
                origin=context.origin,
            )
        self.counted = False


def birth_date_check(context: Context, cin: str, birth_date: date | None) -> BirthDateCheck | None:
    """The check to count when a provider identifies a member by birth date, else None."""
    if birth_date is None or context.caller.role is not Role.PROVIDER:
        return None
    return BirthDateCheck(context, cin)


@strawberry.type(
    description=(
        "Birth-date checks are locked after too many birth dates that did not match (for one "
        "CIN by your organization, or for your token), and refused for a moment while as many "
        "are being compared as may still miss (nothing locked); `retryAt` says when to try "
        "again."
    )
)
class IdentityLocked(Error):
    retry_at: datetime


@strawberry.type(description="A locked birth-date check, as operations see it.")
class IdentityLockout:
    id: strawberry.ID = strawberry.field(description="Pass it to `clearIdentityLockout`.")
    scope: str = strawberry.field(description="`organization` (one CIN) or `token` (every CIN).")
    provider: str
    cin: str = strawberry.field(description="The CIN tried (organization scope; else '').")
    token_id: str = strawberry.field(description="The token (token scope; else '').")
    misses: int
    last_miss_at: datetime
    locked_until: datetime

    @classmethod
    def of(cls, lockout: Lockout) -> IdentityLockout:
        return cls(
            id=strawberry.ID(lockout.id),
            scope=lockout.scope,
            provider=lockout.provider,
            cin=lockout.cin,
            token_id=lockout.token_id,
            misses=lockout.misses,
            last_miss_at=lockout.last_miss_at,
            locked_until=lockout.locked_until,
        )


ClearIdentityLockoutResult = Annotated[
    IdentityLockout | NotFound, strawberry.union("ClearIdentityLockoutResult")
]


@strawberry.type
class IdentityQueries:
    @strawberry.field(
        description="Birth-date checks locked now in your plan, the soonest to end first.",
        extensions=allow(Role.OPERATIONS),
    )
    async def identity_lockouts(self, info: Info[Context, None]) -> list[IdentityLockout]:
        context = info.context
        async with context.reads() as session:
            found = await lockouts(session=session, plan=context.caller.plan)
        context.audit("identityLockouts", f"lockouts:{context.caller.plan}", detail=str(len(found)))
        return [IdentityLockout.of(lockout) for lockout in found]


@strawberry.type
class IdentityMutations:
    @strawberry.mutation(
        description=(
            "End a birth-date lockout now (e.g. after the provider confirmed the member's "
            "identity by other means); its misses are forgotten."
        ),
        extensions=allow(Role.OPERATIONS),
    )
    async def clear_identity_lockout(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> ClearIdentityLockoutResult:
        context = info.context
        target = f"lockout:{context.caller.plan}/{str(id)[:16]}"
        async with context.writes.begin() as session:
            try:
                cleared = await clear_lockout(
                    session=session, plan=context.caller.plan, lockout_id=str(id)
                )
            except LockoutNotFound as none:
                record(session, [_audit(context, target, "not_found")])
                return NotFound(message=str(none), what="identityLockout", id=str(id))
            record(session, [_audit(context, target, "ok", f"{cleared.scope} {cleared.provider}")])
        return IdentityLockout.of(cleared)


def _audit(context: Context, target: str, outcome: str, detail: str = "") -> AuditRecord:
    return context.record("clearIdentityLockout", target, outcome, detail)

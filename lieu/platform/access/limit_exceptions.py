"""A reviewer's approval of an exception to a member's limit (a second housing deposit, respite
beyond 336 hours), for one of the plan's members and a limit of the support's definition in force.

The ledger's `approve_exception` does the recording (idempotent by key, refused with the rule's
words where the limit allows no exception, or no more); this finds the member and the limit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.eligibility_check import definition_in_force
from lieu.platform.access.in_force import VersionsInForce
from lieu.platform.access.members import visible_member
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.limits.exception_approvals import (
    ApprovedException,
    ExceptionRequest,
    approve_exception,
)
from lieu.platform.limits.spec import LimitSpec


class UnknownLimit(LookupError):
    """The support's definition in force has no such limit; the message lists its limits."""


@dataclass(frozen=True, slots=True)
class ExceptionAsked:
    """What a reviewer approves: `extra` on `limit_id` of `support` for `cin`, from `start`."""

    cin: str
    support: str
    limit_id: str
    extra: Decimal
    start: date
    reason: str
    key: str
    end: date | None = None


async def approve_member_exception(
    asked: ExceptionAsked,
    *,
    session: AsyncSession,
    cache: PinnedDefinitions,
    principal: Principal,
    in_force: VersionsInForce | None = None,
) -> tuple[ApprovedException, LimitSpec]:
    """Record the exception (the caller commits); MemberNotVisible, NoDefinitionInForce,
    UnknownLimit, or the ledger's ExceptionNotAllowed / IdempotencyConflict / InvalidPosting."""
    await visible_member(session=session, principal=principal, cin=asked.cin)
    _ref, definition = await definition_in_force(
        session=session,
        cache=cache,
        plan=principal.plan,
        support=asked.support,
        on=asked.start,
        in_force=in_force,
    )
    specs = [LimitSpec.from_json(asdict(limit)) for limit in definition.limits]
    found = [s for s in specs if s.id == asked.limit_id and s.covers(asked.support)]
    if not found:
        known = ", ".join(s.id for s in specs if s.covers(asked.support)) or "none"
        raise UnknownLimit(
            f"{asked.support} has no limit {asked.limit_id!r} on {asked.start} (its limits: "
            f"{known}); name one of them"
        )
    spec = found[0]
    approved = await approve_exception(
        ExceptionRequest(
            cin=asked.cin,
            plan=principal.plan,
            extra=asked.extra,
            start=asked.start,
            end=asked.end,
            approved_by=principal.actor,
            reason=asked.reason,
            key=f"{principal.plan}/{asked.key}",  # a client's key is its plan's own
        ),
        spec,
        session=session,
    )
    return approved, spec

"""Duplicated services: a request for a support its definition (or the other support's) says
may not be given with another on the same days, or to a member enrolled in a program, is
refused with the rule's reason before anything is held."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import FINAL
from lieu.platform.definitions.document import Definition, Duplication
from lieu.platform.definitions.supports import support_name

# The definition in force for another support of the same plan on a date (None: none is).
Resolve = Callable[[str], Awaitable[Definition | None]]


@dataclass(frozen=True, slots=True)
class Duplicated:
    """Why a request duplicates: the rule, and the authorization or enrollment it collides with."""

    code: str  # duplicate_support | duplicate_program
    rule: Duplication
    message: str
    authorization_id: str = ""

    def details(self) -> dict[str, Any]:
        """What a caller can act on."""
        return {
            "rule": self.rule.id,
            "with": self.rule.other,
            "authorization_id": self.authorization_id,
            "reference": self.rule.reference,
        }


def requested_period(definition: Definition, start: date) -> tuple[date, date]:
    """The days a request would cover: its start through the authorization period (one day
    when the definition sets none), as the hold on its limits counts them."""
    terms = definition.authorization
    days = max((terms.period_days if terms is not None else None) or 1, 1)
    return start, start + timedelta(days=days - 1)


async def duplication(
    session: AsyncSession,
    *,
    definition: Definition,
    plan: str,
    member_cin: str,
    facts: Mapping[str, Any],
    start: date,
    resolve: Resolve,
) -> Duplicated | None:
    """The first way a request for `definition`'s support from `start` duplicates, or None.

    Programs come from the member's `enrollments`. Supports: any authorization of the member
    for another support that is not final and covers one of the requested days, where either
    support's definition names the other (a rule holds both ways)."""
    enrolled = set(facts.get("enrollments") or ())
    for rule in definition.duplication:
        if rule.program is not None and rule.program in enrolled:
            return Duplicated(
                "duplicate_program",
                rule,
                f"{support_name(definition.support)} is not given to a member enrolled in "
                f"{rule.program.replace('_', ' ')}: {rule.reason} (rule {rule.id})",
            )
    first, last = requested_period(definition, start)
    others = await session.scalars(
        select(AuthorizationRecord)
        .where(
            AuthorizationRecord.member_cin == member_cin,
            AuthorizationRecord.plan == plan,
            AuthorizationRecord.support != definition.support,
            AuthorizationRecord.status.not_in([status.value for status in FINAL]),
            AuthorizationRecord.service_start <= last,
            or_(
                AuthorizationRecord.service_end.is_(None),
                AuthorizationRecord.service_end >= first,
            ),
        )
        .order_by(AuthorizationRecord.service_start, AuthorizationRecord.id)
    )
    mine = {rule.support: rule for rule in definition.duplication if rule.support is not None}
    theirs: dict[str, Duplication | None] = {}
    for other in others:
        hit: Duplication | None = mine.get(other.support)
        if hit is None:
            if other.support not in theirs:
                found = await resolve(other.support)
                theirs[other.support] = next(
                    (
                        r
                        for r in (found.duplication if found is not None else ())
                        if r.support == definition.support
                    ),
                    None,
                )
            hit = theirs[other.support]
        if hit is None:
            continue
        until = other.service_end.isoformat() if other.service_end else "open-ended"
        return Duplicated(
            "duplicate_support",
            hit,
            f"{support_name(definition.support)} may not be given on the same days as "
            f"{support_name(other.support)}: {hit.reason} (rule {hit.id}); authorization "
            f"{other.id} ({other.status}) covers {other.service_start.isoformat()} to {until}, "
            f"and this request {first.isoformat()} to {last.isoformat()}",
            authorization_id=other.id,
        )
    return None

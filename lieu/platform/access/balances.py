"""What a member has left under each limit of a support, as the caller's plan may see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.eligibility_check import definition_in_force
from lieu.platform.access.in_force import VersionsInForce
from lieu.platform.access.members import visible_member
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.ledgering import limit_specs
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.limits.balances import balance
from lieu.platform.limits.statements import statement
from lieu.platform.limits.window_balance import WindowBalance, window_balance


@dataclass(frozen=True, slots=True)
class LimitBalance:
    """One limit: its cap, what is left on the day (counting every plan), what the caller's plan
    holds and consumed (all time; other plans' use is only `in_window.elsewhere`, one figure),
    and `in_window`: the same for the window that binds the day, with why nothing is left."""

    limit_id: str
    label: str
    measure: str
    maximum: Decimal
    window: str
    remaining: Decimal
    held: Decimal
    consumed: Decimal
    in_window: WindowBalance


async def member_balances(
    *,
    session: AsyncSession,
    cache: PinnedDefinitions,
    principal: Principal,
    cin: str,
    support: str,
    on: date,
    in_force: VersionsInForce | None = None,
) -> list[LimitBalance]:
    """Every limit that counts `support` for a member the caller is party to."""
    await visible_member(session=session, principal=principal, cin=cin)
    _ref, definition = await definition_in_force(
        session=session,
        cache=cache,
        plan=principal.plan,
        support=support,
        on=on,
        in_force=in_force,
    )
    labels = {limit.id: limit.label for limit in definition.limits}
    found = []
    for spec in limit_specs(definition):
        left = await balance(cin, spec, on, session=session)
        totals = await statement(cin, spec.counter, viewer_plan=principal.plan, session=session)
        window = spec.window.kind.value
        if spec.window.days:
            window += f" ({spec.window.days} days)"
        found.append(
            LimitBalance(
                limit_id=spec.id,
                label=labels.get(spec.id, spec.id),
                measure=spec.measure.value,
                maximum=spec.maximum,
                window=window,
                remaining=left.remaining,
                held=totals.own_plan.held,
                consumed=totals.own_plan.consumed,
                in_window=await window_balance(
                    cin, spec, on, viewer_plan=principal.plan, session=session
                ),
            )
        )
    return found

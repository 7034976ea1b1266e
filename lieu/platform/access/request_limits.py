"""The most one request may ask under a limit: the limit's maximum for one window (plus what
approved exceptions add for the member). A request for more is refused before anything is held:
trimming it to what fits and holding that before review let one plan's provider take a shared
limit's whole balance from the member's own plan (issue #15, finding 6)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.limits.spec import LimitSpec
from lieu.platform.limits.window_balance import window_balance


async def over_maximum(
    *, session: AsyncSession, plan: str, cin: str, spec: LimitSpec, quantity: Decimal, on: date
) -> str | None:
    """Why `quantity` is more than one request may ask under `spec`, or None when it is not."""
    if quantity <= spec.maximum:
        return None
    seen = await window_balance(cin, spec, on, viewer_plan=plan, session=session)
    if quantity <= seen.cap:
        return None
    raised = f" with the exceptions approved for {cin}" if seen.cap > spec.maximum else ""
    cap, asked = _plain(seen.cap), _plain(quantity)
    return (
        f"{spec.label}: one request may ask at most {cap} {spec.measure.value}{raised}, "
        f"not {asked}; ask at most {cap} (a reviewer's approved exception raises it)"
    )


def _plain(value: Decimal) -> str:
    """336.00 as 336, 7.50 as 7.5 (never 3.36E+2)."""
    return format(value.normalize(), "f")

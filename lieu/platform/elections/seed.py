"""Loading a plan's election history from a file (demo data, or a plan's existing elections)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.definitions.supports import SUPPORTS
from lieu.platform.elections.counties import COUNTY_SET, unknown_county_message
from lieu.platform.elections.mandates import Span, first_in_force, published_mandates, seed_gaps
from lieu.platform.elections.models import Election
from lieu.platform.elections.offerings import published_for_plan


class SeedError(ValueError):
    """The elections file is wrong; the message names the entry and the field."""


@dataclass(frozen=True, slots=True)
class SeedElection:
    """One row of an elections file."""

    county: str
    support: str
    effective_from: date
    effective_to: date | None = None


def read_seed(path: Path) -> tuple[str, list[SeedElection]]:
    """Parse `{"plan": ..., "elections": [{county, support, effective_from, effective_to?}]}`."""
    data = json.loads(path.read_text())
    plan = data.get("plan")
    if not isinstance(plan, str) or not plan:
        raise SeedError(f"{path}: 'plan' must name the plan")
    rows: list[SeedElection] = []
    for index, item in enumerate(data.get("elections", [])):
        where = f"{path}#/elections/{index}"
        if item.get("county") not in COUNTY_SET:
            raise SeedError(f"{where}/county: {unknown_county_message(str(item.get('county')))}")
        if item.get("support") not in SUPPORTS:
            raise SeedError(f"{where}/support: {item.get('support')!r} is not a support code")
        try:
            start = date.fromisoformat(item["effective_from"])
            end = date.fromisoformat(item["effective_to"]) if item.get("effective_to") else None
        except (KeyError, TypeError, ValueError):
            raise SeedError(f"{where}: effective_from/effective_to must be YYYY-MM-DD") from None
        if end is not None and end <= start:
            raise SeedError(f"{where}: effective_to {end} is not after effective_from {start}")
        rows.append(SeedElection(item["county"], item["support"], start, end))
    return plan, rows


async def import_elections(
    *, session: AsyncSession, plan: str, rows: list[SeedElection], actor: str
) -> int:
    """Insert the rows unless the plan already has elections (never doubles); returns count.

    The rows are checked whole first, as a change would be: each support's definition in force
    on the row's date, and every mandatory support offered in every county the plan serves
    from its mandate's date. Raises `SeedError` naming each problem (nothing is written)."""
    already = await session.scalar(select(func.count()).where(Election.plan == plan))
    if already:
        return 0
    problems = seed_gaps(
        [Span(row.county, row.support, row.effective_from, row.effective_to) for row in rows],
        await published_mandates(session),
        await first_in_force(session, plan=plan),
    )
    if problems:
        raise SeedError(f"the elections of plan {plan!r} are refused: " + "; ".join(problems))
    published = await published_for_plan(session=session, plan=plan)
    for row in rows:
        owner, version = published.get(row.support, (plan, None))
        session.add(
            Election(
                plan=plan,
                county=row.county,
                support=row.support,
                definition_plan=owner,
                definition_version=version,
                effective_from=row.effective_from,
                effective_to=row.effective_to,
                created_by=actor,
            )
        )
    await session.flush()
    return len(rows)

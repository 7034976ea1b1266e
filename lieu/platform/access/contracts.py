"""Contracts as data: which supports a provider organization is contracted for, per plan. A
provider may request only those; a plan's administrators add and remove them; a plan's contracts
file (`benefit_definitions/contracts/<plan>.json`) seeds a plan that has none yet:

    {"plan": "demo-plan", "contracts": [{"provider": "sac-respite-co", "supports": ["respite"]}]}

The organizations a plan knows are those it has contracts with: a provider token is issued only
for one of them."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.models import ProviderContract
from lieu.platform.db.base import utcnow
from lieu.platform.definitions.models import DefinitionStatus, DefinitionVersion

SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
BASELINE = "dhcs"


class ContractError(ValueError):
    """A contract cannot be added or removed as asked; the message says why and what to pass."""


class NotContracted(PermissionError):
    """The provider organization is not contracted for the support; the message lists what it
    is contracted for."""


@dataclass(frozen=True, slots=True)
class ContractLine:
    """One contract of a contracts file."""

    provider: str
    support: str


async def is_contracted(*, session: AsyncSession, plan: str, provider: str, support: str) -> bool:
    """Whether the organization may request the support from the plan."""
    found = await session.scalar(
        select(
            exists().where(
                ProviderContract.plan == plan,
                ProviderContract.provider == provider,
                ProviderContract.support == support,
            )
        )
    )
    return bool(found)


async def check_contracted(
    *, session: AsyncSession, plan: str, provider: str, support: str
) -> None:
    """Raise `NotContracted` unless the organization is contracted for the support."""
    if await is_contracted(session=session, plan=plan, provider=provider, support=support):
        return
    held = [c.support for c in await contracts(session=session, plan=plan, provider=provider)]
    covered = f"its contracts cover {', '.join(held)}" if held else "it has no contracts"
    raise NotContracted(
        f"{provider} is not contracted by {plan} for {support} ({covered}); ask the plan to "
        "add the contract (a plan administrator's addContract) before requesting it"
    )


async def contracts(
    *, session: AsyncSession, plan: str, provider: str | None = None
) -> list[ProviderContract]:
    """The plan's contracts (of one organization), by organization and support."""
    query = select(ProviderContract).where(ProviderContract.plan == plan)
    if provider is not None:
        query = query.where(ProviderContract.provider == provider)
    rows = await session.scalars(
        query.order_by(ProviderContract.provider, ProviderContract.support)
    )
    return list(rows)


async def known_organizations(*, session: AsyncSession, plan: str) -> list[str]:
    """The organizations the plan has contracts with, sorted."""
    rows = await session.scalars(
        select(ProviderContract.provider)
        .where(ProviderContract.plan == plan)
        .distinct()
        .order_by(ProviderContract.provider)
    )
    return list(rows)


async def known_supports(*, session: AsyncSession, plan: str) -> list[str]:
    """The supports the plan (or the DHCS baseline it extends) has published, sorted."""
    rows = await session.scalars(
        select(DefinitionVersion.support)
        .where(
            DefinitionVersion.plan.in_([plan, BASELINE]),
            DefinitionVersion.status == DefinitionStatus.PUBLISHED.value,
        )
        .distinct()
        .order_by(DefinitionVersion.support)
    )
    return list(rows)


async def add_contract(
    *, session: AsyncSession, plan: str, provider: str, support: str, actor: str
) -> tuple[ProviderContract, bool]:
    """Contract the organization for the support (True: new; False: it already was);
    `ContractError` for an organization name that is not a slug or an unknown support."""
    ((row, new),) = await add_contracts(
        session=session, plan=plan, lines=[ContractLine(provider, support)], actor=actor
    )
    return row, new


async def add_contracts(
    *, session: AsyncSession, plan: str, lines: list[ContractLine], actor: str
) -> list[tuple[ProviderContract, bool]]:
    """Contract each line's organization for its support, in the lines' order: each contract
    with True where it is new, False where it already was. All lines are checked before any is
    stored (`ContractError` for the first organization name that is not a slug or support the
    plan has not published), and the plan's supports and held contracts are read once for all
    the lines, not twice a line."""
    for line in lines:
        if not SLUG.fullmatch(line.provider):
            raise ContractError(
                f"provider {line.provider[:80]!r} is not an organization id: lower-case letters, "
                "digits and '-', at most 64 (e.g. sac-respite-co)"
            )
    supports = await known_supports(session=session, plan=plan)
    for line in lines:
        if line.support not in supports:
            raise ContractError(
                f"{plan} has no published definition of support {line.support[:80]!r}; the "
                f"supports are {', '.join(supports) or 'none yet'}"
            )
    providers = sorted({line.provider for line in lines})
    held = {
        (row.provider, row.support): row
        for row in await session.scalars(
            select(ProviderContract).where(
                ProviderContract.plan == plan, ProviderContract.provider.in_(providers)
            )
        )
    }
    answers: list[tuple[ProviderContract, bool]] = []
    for line in lines:
        found = held.get((line.provider, line.support))
        if found is not None:
            answers.append((found, False))
            continue
        row = ProviderContract(
            plan=plan,
            provider=line.provider,
            support=line.support,
            created_by=actor,
            created_at=utcnow(),
        )
        session.add(row)
        held[(line.provider, line.support)] = row
        answers.append((row, True))
    await session.flush()
    return answers


async def remove_contract(
    *, session: AsyncSession, plan: str, provider: str, support: str
) -> ProviderContract:
    """End the organization's contract for the support (requests already made run on);
    `ContractError` when there is none."""
    found = await session.scalar(
        select(ProviderContract).where(
            ProviderContract.plan == plan,
            ProviderContract.provider == provider,
            ProviderContract.support == support,
        )
    )
    if found is None:
        held = [c.support for c in await contracts(session=session, plan=plan, provider=provider)]
        raise ContractError(
            f"{provider[:80]} has no contract with {plan} for {support[:80]}; its contracts: "
            f"{', '.join(held) or 'none'}"
        )
    await session.execute(delete(ProviderContract).where(ProviderContract.id == found.id))
    return found


def read_contracts(path: Path) -> tuple[str, list[ContractLine]]:
    """A plan's contracts file: its plan and lines; `ContractError` naming each problem."""
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as unreadable:
        raise ContractError(f"{path}: cannot be read ({unreadable})") from None
    except json.JSONDecodeError as bad:
        raise ContractError(f"{path}:{bad.lineno}:{bad.colno}: not JSON ({bad.msg})") from None
    problems: list[str] = []
    plan = document.get("plan") if isinstance(document, dict) else None
    if not isinstance(plan, str) or not SLUG.fullmatch(plan):
        problems.append("/plan: the plan's slug")
    entries = document.get("contracts") if isinstance(document, dict) else None
    lines: list[ContractLine] = []
    if not isinstance(entries, list):
        problems.append("/contracts: a list of {provider, supports}")
        entries = []
    for index, entry in enumerate(entries):
        provider = entry.get("provider") if isinstance(entry, dict) else None
        supports = entry.get("supports") if isinstance(entry, dict) else None
        if not isinstance(provider, str) or not SLUG.fullmatch(provider):
            problems.append(f"/contracts/{index}/provider: an organization id (a slug)")
            continue
        if not isinstance(supports, list) or not all(isinstance(s, str) for s in supports):
            problems.append(f"/contracts/{index}/supports: a list of support ids")
            continue
        lines.extend(ContractLine(provider, support) for support in supports)
    if problems:
        raise ContractError(f"{path}: " + "; ".join(problems))
    assert isinstance(plan, str)
    return plan, lines


async def seed_contracts(
    *, session: AsyncSession, plan: str, lines: list[ContractLine], actor: str
) -> int:
    """Store a contracts file's lines for a plan that has no contracts yet (a plan whose
    administrators manage its contracts keeps theirs); how many were stored."""
    held = await session.scalar(
        select(func.count()).select_from(ProviderContract).where(ProviderContract.plan == plan)
    )
    if held:
        return 0
    added = await add_contracts(session=session, plan=plan, lines=lines, actor=actor)
    return sum(new for _row, new in added)

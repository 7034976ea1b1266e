"""A respite authorization held by its limit: the member used 336 hours elsewhere this year."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from lieu.platform.access.prior_use import import_prior_use
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.models import DefinitionVersion
from lieu.platform.limits.prior_lines import Format
from lieu.platform.members.service import upsert_member
from tests.admin.console_stack import Console

CIN = "91000001A"
PRIOR = (
    "cin,support,amount,measure,service_start,source,source_record_id,note\n"
    f"{CIN},respite,336,hours,2026-02-01,previous-plan,r-1,caregiver relief\n"
)


async def held_by_respite_limit(console: Console) -> str:
    """The member's prior use loaded, and a projected request of which nothing could be held."""
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        await upsert_member(session=session, plan="demo-plan", cin=CIN, facts={})
        await import_prior_use(
            session=session,
            cache=PinnedDefinitions(),
            plan="demo-plan",
            actor="operations:demo-plan:migration",
            lines=PRIOR.splitlines,
            fmt=Format.CSV,
        )
        digest = await session.scalar(
            select(DefinitionVersion.content_hash).where(
                DefinitionVersion.plan == "dhcs",
                DefinitionVersion.support == "respite",
                DefinitionVersion.version == 1,
            )
        )
    assert digest is not None
    return await console.project(held=Decimal(0), content_hash=digest)

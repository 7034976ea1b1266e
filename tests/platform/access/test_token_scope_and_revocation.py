"""Tokens only for what exists, and a connection asks again before each push: a token's scope must
name a plan lieu holds and an organization the plan contracts with (the known ones are named); a
token verified earlier is found revoked, expired or gone (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from lieu.platform.access.models import ProviderContract
from lieu.platform.access.roles import Role, ScopeError
from lieu.platform.access.tokens import check_known_scope, issue_token, revoke_token, still_valid
from lieu.platform.db.base import utcnow
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.plans.settings import PlanSettings, save_settings


async def _plan_with_a_contract(engine: AsyncEngine) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        await save_settings(PlanSettings("demo-plan"), session=session, actor="test")
        session.add(
            ProviderContract(plan="demo-plan", provider="cbo", support="respite", created_by="t")
        )


async def test_a_token_scope_must_name_a_known_plan_and_a_contracted_organization(
    engine: AsyncEngine,
) -> None:
    await _plan_with_a_contract(engine)
    async with create_session_factory(engine)() as session:
        await check_known_scope(
            session=session, role=Role.PROVIDER, plan="demo-plan", provider="cbo"
        )
        await check_known_scope(session=session, role=Role.OPERATIONS, plan="demo-plan")
        with pytest.raises(ScopeError, match=r"no plan 'demo'; the plans are demo-plan"):
            await check_known_scope(session=session, role=Role.REVIEWER, plan="demo")
        with pytest.raises(ScopeError, match=r"'cbo2'; its organizations are cbo \(a plan"):
            await check_known_scope(
                session=session, role=Role.PROVIDER, plan="demo-plan", provider="cbo2"
            )


async def test_a_token_verified_earlier_is_found_revoked_expired_or_gone(
    engine: AsyncEngine,
) -> None:
    async with create_session_factory(for_writes(engine)).begin() as session:
        kept = await issue_token(session=session, role=Role.OPERATIONS, plan="p", actor="t")
        revoked = await issue_token(session=session, role=Role.OPERATIONS, plan="p", actor="t")
        brief = await issue_token(
            session=session, role=Role.OPERATIONS, plan="p", actor="t", expires_in_days=1
        )
        await revoke_token(session=session, token_id=revoked.token.id)
    later = utcnow() + timedelta(days=2)
    async with create_session_factory(engine)() as session:
        assert await still_valid(session=session, token_id=kept.token.id) is None
        assert (await still_valid(session=session, token_id=revoked.token.id) or "").startswith(
            f"token {revoked.token.id} was revoked on "
        )
        ended = await still_valid(session=session, token_id=brief.token.id, now=later)
        assert (ended or "").startswith(f"token {brief.token.id} expired on ")
        assert await still_valid(session=session, token_id="nope") == "token nope no longer exists"

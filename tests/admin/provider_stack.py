"""The provider inbox in tests: a provider organization signed in through /provider's form,
as its staff do in a browser."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from lieu.admin.session import CSRF_FIELD, PROVIDER
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.db.engine import create_session_factory, for_writes
from tests.admin.console_stack import Console, ConsoleClient, csrf_of, token


async def provider_signed_in(console: Console, provider: str = "org-a") -> ConsoleClient:
    """An HTTP client signed in at /provider with a fresh token of `provider` (demo plan)."""
    secret = await token(console.engine, Role.PROVIDER, provider=provider, label="intake")
    async with httpx.AsyncClient(base_url=console.base, timeout=30) as browser:
        form = await browser.get("/provider/login")
        answer = await browser.post(
            "/provider/login",
            data={"token": secret, "next": "/provider/", CSRF_FIELD: csrf_of(form.text)},
        )
        assert answer.status_code == 303, answer.text
        assert browser.cookies.get(PROVIDER.cookie), "signing in set no session cookie"
        csrf = csrf_of((await browser.get("/provider/")).text)
        cookies = browser.cookies
    client = ConsoleClient(base_url=console.base, cookies=cookies, timeout=30)
    client.csrf = csrf
    return client


async def belonging_to(console: Console, number: str, provider: str) -> None:
    """Hand a projected authorization to another organization."""
    async with create_session_factory(for_writes(console.engine)).begin() as session:
        await session.execute(
            update(AuthorizationRecord)
            .where(AuthorizationRecord.id == number)
            .values(provider=provider)
        )

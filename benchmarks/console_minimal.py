"""The console benchmark's baseline: one minimal Starlette handler per console page, doing that
page's essential SQL (and Temporal call) through the same platform functions the page calls, and
answering a few bytes (no sign-in check, no audit line, no template)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from temporalio.client import Client

from lieu.platform.access.audit import AuditFilter, audit_trail, count_audit
from lieu.platform.access.authorizations import (
    AuthorizationFilter,
    count_authorizations,
    find_authorization,
    queue_condition,
    scoped,
    search_authorizations,
    timelines,
)
from lieu.platform.access.balances import member_balances
from lieu.platform.access.members import visible_member
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.platform.db.keyset import Window
from lieu.platform.notices.records import notices_of
from lieu.platform.reports.dashboard import dashboard, weekly
from lieu.workflows.repair import plan_workflows


def create_app(
    sessions: async_sessionmaker[AsyncSession], client: Client, principal: Principal
) -> Starlette:
    """The baseline app over the same database and Temporal as the console."""
    cache = PinnedDefinitions()

    async def overview(request: Request) -> Response:
        async with sessions() as session:
            now = datetime.now(UTC)
            figures = await dashboard(session=session, principal=principal, now=now)
            weeks = await weekly(session=session, plan=principal.plan, today=now.date(), weeks=12)
        failed = [
            execution
            for status in ("Failed", "TimedOut")
            for execution in await plan_workflows(client, principal.plan, status, limit=100)
        ]
        return PlainTextResponse(f"{figures.total} {len(weeks)} {len(failed)}")

    async def search(request: Request) -> Response:
        where = AuthorizationFilter(statuses=request.query_params.getlist("status"))
        async with sessions() as session:
            total = await count_authorizations(session=session, principal=principal, where=where)
            found = await search_authorizations(
                session=session, principal=principal, where=where, window=Window(50)
            )
        return PlainTextResponse(f"{total} {len(found.rows)}")

    async def failures(request: Request) -> Response:
        async with sessions() as session:
            rows = list(
                await session.scalars(
                    scoped(principal)
                    .where(queue_condition("problem", datetime.now(UTC)))
                    .order_by(AuthorizationRecord.updated_at.desc())
                    .limit(100)
                )
            )
        failed = [
            execution
            for status in ("Failed", "TimedOut")
            for execution in await plan_workflows(client, principal.plan, status, limit=100)
        ]
        return PlainTextResponse(f"{len(rows)} {len(failed)}")

    async def audit(request: Request) -> Response:
        async with sessions() as session:
            where = AuditFilter()
            total = await count_audit(session=session, plan=principal.plan, where=where)
            lines = await audit_trail(
                session=session, plan=principal.plan, window=Window(50), where=where
            )
        return PlainTextResponse(f"{total} {len(lines.rows)}")

    async def member(request: Request) -> Response:
        cin = request.path_params["cin"]
        async with sessions() as session:
            await visible_member(session=session, principal=principal, cin=cin)
            where = AuthorizationFilter(member_cin=cin)
            total = await count_authorizations(session=session, principal=principal, where=where)
            rows = (
                await search_authorizations(
                    session=session, principal=principal, where=where, window=Window(50)
                )
            ).rows
            limits = 0
            for support in sorted({row.support for row in rows}):
                limits += len(
                    await member_balances(
                        session=session,
                        cache=cache,
                        principal=principal,
                        cin=cin,
                        support=support,
                        on=datetime.now(UTC).date(),
                    )
                )
        return PlainTextResponse(f"{total} {limits}")

    async def authorization(request: Request) -> Response:
        number = request.path_params["number"]
        async with sessions() as session:
            row = await find_authorization(
                session=session, principal=principal, authorization_id=number
            )
            events = await timelines(session=session, authorization_ids=[number])
            notices = await notices_of(session=session, authorization_ids=[number])
        return PlainTextResponse(f"{row is not None} {len(events[number])} {len(notices)}")

    return Starlette(
        routes=[
            Route("/admin/", overview),
            Route("/admin/authorizations", search),
            Route("/admin/failures", failures),
            Route("/admin/audit", audit),
            Route("/admin/members/{cin}", member),
            Route("/admin/authorizations/{number}", authorization),
        ]
    )

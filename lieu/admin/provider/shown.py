"""One authorization as its provider sees it, and signing the provider in on the way there
(shared by the inbox's pages and its actions)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from temporalio.service import RPCError

from lieu.admin.actions import Sent, origin_of
from lieu.admin.database import runtime_of, writes
from lieu.admin.pages import page
from lieu.admin.provider.views import detail
from lieu.admin.session import NotSignedIn, principal_of
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.authorizations import find_authorization, timelines
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.status import Status
from lieu.workflows.authorizations import service

HOME = "/provider/"


def to_login(back: str = HOME) -> Response:
    """To the sign-in form, coming back to `back` afterwards."""
    return RedirectResponse(f"/provider/login?{urlencode({'next': back})}", status_code=303)


async def signed_in(request: Request) -> Principal | Response:
    """The signed-in provider, or the way to the sign-in form."""
    try:
        return await principal_of(request)
    except NotSignedIn:
        return to_login(str(request.url.path))


async def asked_documents(request: Request, number: str) -> list[str]:
    """The documents the workflow asks for; none when it cannot say (no such workflow, or
    Temporal not answering: the page shows the rest, and attaching says why it cannot)."""
    try:
        return await service.asked_documents(runtime_of(request).temporal, number)
    except RPCError:
        return []


async def authorization_page(
    request: Request, principal: Principal, number: str, sent: Sent | None, status_code: int = 200
) -> Response:
    """The authorization's page as it stands (after a refused form: that form, kept, and why)."""
    async with writes(request).begin() as session:
        row = await find_authorization(
            session=session, principal=principal, authorization_id=number
        )
        origin = origin_of(request)
        target = f"authorization:{number}"
        if row is None:
            record(
                session,
                [
                    AuditRecord(
                        principal, "provider.view_authorization", target, "not_found", origin
                    )
                ],
            )
            return page(
                request,
                "provider/not_found.html",
                {"number": number},
                principal=principal,
                status_code=404,
            )
        events = (await timelines(session=session, authorization_ids=[number]))[number]
        asked: list[str] = []
        if not Status(row.status).is_final:
            asked = await asked_documents(request, number)
        seen = await detail(request, session, principal, row, events, asked)
        record(
            session,
            [
                AuditRecord(principal, "provider.view_authorization", target, "ok", origin),
                AuditRecord(
                    principal,
                    "provider.balances",
                    f"member:{principal.plan}/{row.member_cin}",
                    "ok" if not seen.balances_note else "not_found",
                    origin,
                    detail=row.support,
                ),
            ],
        )
    return page(
        request,
        "provider/authorization.html",
        {"seen": seen, "row": row, "sent": sent or Sent(form="")},
        principal=principal,
        status_code=status_code,
    )

"""The console's contracts page: which supports each provider organization of the plan is
contracted for (read-only; plan administrators change them with addContract / removeContract)."""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from lieu.admin.access import CONTRACTS, refused
from lieu.admin.database import reads
from lieu.admin.pages import answers_when_busy, page
from lieu.admin.session import NotSignedIn, principal_of
from lieu.platform.access.contracts import contracts


async def contracts_page(request: Request) -> Response:
    """The plan's contracts, one row per organization with the supports it may request."""
    try:
        principal = await principal_of(request)
    except NotSignedIn:
        query = urlencode({"next": str(request.url.path)})
        return RedirectResponse(f"/admin/login?{query}", status_code=303)
    if not CONTRACTS.allows(principal):
        return refused(request, principal, CONTRACTS)
    async with reads(request)() as session:
        rows = await contracts(session=session, plan=principal.plan)
    organizations = [
        (provider, [row.support for row in held])
        for provider, held in groupby(rows, key=lambda row: row.provider)
    ]
    return page(
        request,
        "contracts.html",
        {"organizations": organizations, "count": len(rows)},
        principal=principal,
    )


def routes() -> list[Route]:
    """The contracts page's route."""
    return [Route("/contracts", answers_when_busy(contracts_page), name="admin-contracts")]

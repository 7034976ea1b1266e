"""A notice of action in the console as it was sent, HTML or PDF, for signed-in staff who may
see its authorization (the rule of the page that links it); each read is audited."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from lieu.admin.actions import origin_of
from lieu.admin.database import writes
from lieu.admin.pages import answers_when_busy, page
from lieu.admin.session import NotSignedIn, principal_of
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.roles import FILE_READERS
from lieu.platform.notices.records import find_notice

ACTION = "console.view_notice"
# The notice's own HTML (inline style, no script), never framed; the console's other headers are
# added by lieu.admin.guard.
HTML_POLICY = (
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)


async def view_notice(request: Request) -> Response:
    """A notice as it was sent: `/admin/notices/{id}.html` in the browser, `.pdf` to download."""
    notice_id = str(request.path_params["id"])
    medium = str(request.path_params["medium"])
    try:
        principal = await principal_of(request)
    except NotSignedIn:
        back = f"/admin/notices/{notice_id}.{medium}"
        return RedirectResponse(f"/admin/login?{urlencode({'next': back})}", status_code=303)
    async with writes(request).begin() as session:
        row = await find_notice(session=session, notice_id=notice_id)
        visible = (
            row is not None
            and principal.role in FILE_READERS  # as GET /notices/{id}: no PHI for product teams
            and principal.sees_authorization(row.plan, row.provider)
        )
        outcome = "ok" if visible and medium in ("html", "pdf") else "not_found"
        audit = AuditRecord(
            principal, ACTION, f"notice:{notice_id}", outcome, origin_of(request), medium
        )
        record(session, [audit])
    if row is None or outcome != "ok":
        return page(
            request,
            "not_found.html",
            {"number": notice_id, "what": "notice"},
            principal=principal,
            status_code=404,
        )
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}
    if medium == "html":
        headers["Content-Security-Policy"] = HTML_POLICY
        return Response(row.html, media_type="text/html; charset=utf-8", headers=headers)
    filename = f"notice-{row.authorization_id}-{row.kind}-{row.language}.pdf"
    headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return Response(row.pdf, media_type="application/pdf", headers=headers)


def routes() -> list[Route]:
    """The console's notice routes."""
    return [
        Route("/notices/{id}.{medium}", answers_when_busy(view_notice), name="admin-notice"),
    ]

"""GET /notices/{id}.html and /notices/{id}.pdf: a notice as it was sent, for whoever may read
its authorization (the provider, reviewers, operations), with the bearer token the GraphQL API
takes, exactly as GET /documents/{id}; every answer to an authenticated caller is audited."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lieu.graphql.documents.download import READERS, attachment
from lieu.graphql.http import caller_of, origin_of
from lieu.graphql.notices.types import HTML_PATH, PDF_PATH
from lieu.graphql.permissions import BEARER_HINT
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.notices.records import find_notice
from lieu.runtime import Runtime

ACTION = "downloadNotice"
# A notice's HTML is lieu's own template with every value escaped; it runs no script and loads
# nothing (its style is inline), and the browser is told so.
HTML_POLICY = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"


async def download_html(request: Request) -> Response:
    """The notice's HTML page, shown in the browser."""
    return await _download(request, "html")


async def download_pdf(request: Request) -> Response:
    """The notice's PDF, as an attachment."""
    return await _download(request, "pdf")


def routes() -> list[Route]:
    """The download routes, for the app."""
    return [
        Route(HTML_PATH, download_html, methods=["GET"]),
        Route(PDF_PATH, download_pdf, methods=["GET"]),
    ]


async def _download(request: Request, medium: str) -> Response:
    """401, 403, or 404 (the same whether the notice does not exist or is not the caller's)."""
    runtime: Runtime = request.app.state.runtime
    notice_id = str(request.path_params["id"])
    principal, rejection = await caller_of(runtime, request.headers.get("authorization"))
    if principal is None:
        return _refusal(
            401,
            "UNAUTHENTICATED",
            rejection or f"authentication required: {BEARER_HINT}",
            headers={"WWW-Authenticate": 'Bearer realm="lieu"'},
        )
    target = f"notice:{notice_id}"

    async def audit(outcome: str, detail: str = "") -> None:
        entry = AuditRecord(principal, ACTION, target, outcome, origin_of(request), detail)
        async with runtime.sessions.begin() as session:
            record(session, [entry])

    if principal.role not in READERS:
        await audit("denied", f"role {principal.role.value}")
        allowed = ", ".join(sorted(role.value for role in READERS))
        return _refusal(
            403,
            "FORBIDDEN",
            f"notices are not open to {principal.role.value} tokens (open to: {allowed})",
        )
    async with runtime.sessions() as session:
        row = await find_notice(session=session, notice_id=notice_id)
    # The notice carries its authorization's plan and provider: the authorization query's rule.
    if row is None or not principal.sees_authorization(row.plan, row.provider):
        await audit("not_found")
        return _refusal(404, "NOT_FOUND", f"no notice {notice_id} that you may see")
    await audit("ok", f"{row.authorization_id} {row.kind} {row.language} {medium}")
    headers = {"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"}
    if medium == "html":
        headers["Content-Security-Policy"] = HTML_POLICY
        return Response(row.html, media_type="text/html; charset=utf-8", headers=headers)
    filename = f"notice-{row.authorization_id}-{row.kind}-{row.language}.pdf"
    headers["Content-Disposition"] = attachment(filename)
    return Response(row.pdf, media_type="application/pdf", headers=headers)


def _refusal(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": message, "code": code}, status_code=status, headers=headers)

"""GET /documents/{id}: a document's bytes, for whoever may read its authorization, with the
bearer token the GraphQL API takes; every answer to an authenticated caller is audited."""

from __future__ import annotations

from urllib.parse import quote

import structlog
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from lieu.graphql.documents.access import visible_authorization
from lieu.graphql.http import caller_of, origin_of
from lieu.graphql.permissions import BEARER_HINT
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.roles import FILE_READERS, Principal
from lieu.platform.documents.records import DocumentDamaged, find_document, read_content
from lieu.platform.documents.store import StoreUnavailable
from lieu.runtime import Runtime

ACTION = "downloadDocument"
READERS = FILE_READERS  # who may read an authorization's files
log = structlog.get_logger(__name__)


async def download_document(request: Request) -> Response:
    """The document's bytes with its content type, as an attachment; 401, 403, 404 (the same
    whether it does not exist or is not the caller's), or 503 and 500 that say why."""
    runtime: Runtime = request.app.state.runtime
    document_id = str(request.path_params["id"])
    principal, rejection = await caller_of(runtime, request.headers.get("authorization"))
    if principal is None:
        return _refusal(
            401,
            "UNAUTHENTICATED",
            rejection or f"authentication required: {BEARER_HINT}",
            headers={"WWW-Authenticate": 'Bearer realm="lieu"'},
        )
    target = f"document:{document_id}"

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
            f"documents are not open to {principal.role.value} tokens (open to: {allowed})",
        )
    async with runtime.sessions() as session:
        row = await find_document(session=session, document_id=document_id)
    if row is None or not await _may_read(runtime, principal, row.authorization_id):
        await audit("not_found")
        return _refusal(404, "NOT_FOUND", f"no document {document_id} that you may see")
    detail = f"{row.authorization_id} {row.requirement}"
    try:
        content = await read_content(store=runtime.documents, document=row)
    except StoreUnavailable as down:
        log.error("document_store_unavailable", document=row.id, reason=str(down))
        await audit("failed", f"{detail}: store unavailable")
        return _refusal(
            503, "UNAVAILABLE", "the document store is not answering; try again in a minute"
        )
    except DocumentDamaged as damaged:
        log.error("document_damaged", document=row.id, reason=str(damaged))
        await audit("failed", f"{detail}: {damaged}")
        return _refusal(
            500,
            "DAMAGED",
            f"document {row.id} cannot be served: its stored bytes are missing or not the ones "
            "that were attached; this has been logged, tell your plan's operations team",
        )
    await audit("ok", detail)
    return Response(
        content,
        media_type=row.content_type,
        headers={
            "Content-Disposition": attachment(row.filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
        },
    )


async def _may_read(runtime: Runtime, principal: Principal, authorization_id: str) -> bool:
    return await visible_authorization(runtime, principal, authorization_id) is not None


def attachment(filename: str) -> str:
    """A Content-Disposition header: an ASCII name for old clients, the real one in UTF-8."""
    ascii_name = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _refusal(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"error": message, "code": code}, status_code=status, headers=headers)

"""Attaching a document to an authorization: a multipart upload (the GraphQL multipart request
spec), by the authorization's provider, checked, stored, audited; then the workflow's hook."""

from __future__ import annotations

import strawberry
import structlog
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload
from strawberry.types import Info

from lieu.graphql.authorizations.refusals import not_found
from lieu.graphql.context import Context
from lieu.graphql.documents.access import visible_authorization
from lieu.graphql.documents.notify import asked_documents, document_attached
from lieu.graphql.documents.types import AttachDocumentResult, Document
from lieu.graphql.errors import Conflict, ValidationErrors
from lieu.graphql.permissions import allow
from lieu.platform.access.audit import record
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.lifecycle.texts import unknown_requirement
from lieu.platform.documents import records
from lieu.platform.documents.kinds import ACCEPTED_WORDS, DocumentRefused
from lieu.platform.documents.records import (
    DocumentInfo,
    IdempotencyKeyReused,
    Stored,
    store_document,
)

ACTION = "attachDocument"
log = structlog.get_logger(__name__)


@strawberry.type
class DocumentMutations:
    @strawberry.mutation(
        description=(
            "Attach a document an authorization's documentation step asks for (a provider's "
            f"order, a consent, a report…): {ACCEPTED_WORDS}, sent as a multipart upload. "
            "Resending the same `idempotencyKey` returns the first document and stores nothing."
        ),
        extensions=allow(Role.PROVIDER),
    )
    async def attach_document(
        self,
        info: Info[Context, None],
        authorization_id: str,
        requirement: str,
        file: Upload,
        idempotency_key: str,
    ) -> AttachDocumentResult:
        context = info.context
        runtime = context.runtime
        target = f"authorization:{authorization_id}"
        upload: object = file
        if not isinstance(upload, UploadFile):
            return ValidationErrors.one(
                "/file",
                "not_a_file",
                "`file` must be a file part of a multipart request (the GraphQL multipart "
                'request spec: `operations`, `map` {"0": ["variables.file"]} and the file as '
                "part 0), not a value in the JSON variables",
            )
        found = await visible_authorization(runtime, context.caller, authorization_id)
        if found is None:
            context.audit(ACTION, target, "not_found")
            return not_found(authorization_id)
        if found.status.is_final:
            context.audit(ACTION, target, "refused", f"already_final: {found.status.value}")
            return Conflict(
                message=f"authorization {authorization_id} is {found.status.value}; documents "
                "can only be attached while it is open",
                code="already_final",
            )
        asked = await asked_documents(runtime, authorization_id)
        if requirement not in asked:
            message = unknown_requirement(requirement, asked)
            context.audit(ACTION, target, "refused", f"unknown_requirement: {requirement}")
            return ValidationErrors.one("/requirement", "unknown_requirement", message)
        max_bytes = runtime.settings.document_max_bytes
        # One byte past the limit is enough to know the file is too large.
        content = await upload.read(max_bytes + 1)
        stored = await _store(
            context,
            records.Upload(
                authorization_id=authorization_id,
                requirement=requirement,
                filename=upload.filename or "",
                claimed_type=upload.content_type or "",
                content=content,
                idempotency_key=idempotency_key,
                uploaded_by=context.caller.actor,
            ),
        )
        if not isinstance(stored, Stored):
            return stored
        refused = await document_attached(
            runtime, authorization_id, DocumentInfo.of(stored.document)
        )
        if refused is not None:
            context.audit(ACTION, target, "refused", f"{refused.code}: {refused.message}")
            return Conflict(
                message=f"the document is stored ({stored.document.id}), but the authorization "
                f"did not take it: {refused.message}",
                code=refused.code,
            )
        return Document.of(stored.document)


async def _store(context: Context, upload: records.Upload) -> Stored | ValidationErrors | Conflict:
    """Store the document and its audit line in one transaction; a refusal as a typed result.
    If the commit fails, the bytes written go again."""
    runtime = context.runtime
    target = f"authorization:{upload.authorization_id}"
    stored: Stored | None = None
    try:
        async with context.writes.begin() as session:
            stored = await store_document(
                session=session,
                store=runtime.documents,
                upload=upload,
                max_bytes=runtime.settings.document_max_bytes,
            )
            document = stored.document
            outcome = "ok" if stored.created else "replayed"
            detail = f"{document.id} {document.requirement} {document.content_type} {document.size}"
            record(session, [context.record(ACTION, target, outcome, detail)])
    except DocumentRefused as refusal:
        context.audit(ACTION, target, "refused", f"{refusal.code}: {refusal.message}")
        return ValidationErrors.one(refusal.pointer, refusal.code, refusal.message)
    except IdempotencyKeyReused as reused:
        context.audit(ACTION, target, "refused", f"idempotency_key_reused: {reused.first_id}")
        return Conflict(message=str(reused), code="idempotency_key_reused")
    except BaseException:
        if stored is not None:
            await _discard(context, stored)
        raise
    return stored


async def _discard(context: Context, stored: Stored) -> None:
    """Delete the bytes of an upload whose row did not commit; a failure here is logged, never
    allowed to hide the first one (the bytes then stay, unreferenced, which loses nothing)."""
    runtime = context.runtime
    try:
        async with runtime.sessions() as session:
            await records.discard(session=session, store=runtime.documents, stored=stored)
    except Exception:
        log.exception(
            "document_bytes_left_behind",
            document=stored.document.id,
            key=stored.document.storage_key,
            store=runtime.documents.describe(),
        )

"""Telling an authorization's workflow that a document is on file (its `documentation` step
goes on once every document it names is there)."""

from __future__ import annotations

from lieu.platform.documents.records import DocumentInfo
from lieu.runtime import Runtime
from lieu.workflows.authorizations import documents, service


async def asked_documents(runtime: Runtime, authorization_id: str) -> list[str]:
    """The document ids the authorization's documentation steps ask for."""
    return await service.asked_documents(runtime.temporal, authorization_id)


async def document_attached(
    runtime: Runtime, authorization_id: str, document: DocumentInfo
) -> service.AuthorizationRequestError | None:
    """Called by `attachDocument` after the document's row has committed (see
    `lieu.workflows.authorizations.documents.document_attached`)."""
    return await documents.document_attached(runtime.temporal, authorization_id, document)

"""Telling an authorization's workflow that a document is on file (its `documentation` step
goes on once every document it names is there), for every interface that stores one."""

from __future__ import annotations

from temporalio.client import Client

from lieu.platform.documents.records import DocumentInfo
from lieu.workflows.authorizations import service
from lieu.workflows.authorizations.types import AttachDocument


async def document_attached(
    client: Client, authorization_id: str, document: DocumentInfo
) -> service.AuthorizationRequestError | None:
    """Called after the document's row has committed, on every successful upload (a replay of
    the same idempotency key included): the command's key is the document's id, so telling the
    workflow twice is one command. Returns the workflow's refusal, if any (the document stays
    stored: it is evidence either way)."""
    command = AttachDocument(
        requirement=document.requirement,
        document_id=document.id,
        filename=document.filename,
        attached_by=document.uploaded_by,
        key=f"document:{document.id}",
    )
    try:
        await service.act(client, authorization_id, command)
    except service.AuthorizationRequestError as refused:
        return refused
    return None

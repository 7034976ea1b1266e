"""The hook the workflow side fills in: tell an authorization's workflow that a document is on
file (for its `documentation` step)."""

from __future__ import annotations

from lieu.platform.documents.records import DocumentInfo
from lieu.runtime import Runtime


async def document_attached(
    runtime: Runtime, authorization_id: str, document: DocumentInfo
) -> None:
    """Called by `attachDocument` after the document's row has committed, on every successful
    call, a replay of the same idempotency key included (so a retry after a failed notification
    still reaches the workflow): an implementation must be idempotent by `document.id`. An
    exception here fails the mutation (masked and logged); the document stays stored.

    For now the workflow reads nothing from here; the `documentation` step will."""
    return None

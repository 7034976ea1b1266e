"""The Document type (a document on file for an authorization, without its bytes) and the
result of attaching one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from lieu.graphql.errors import Conflict, NotAllowed, NotFound, ValidationErrors
from lieu.platform.documents.models import AuthorizationDocument

DOWNLOAD_PATH = "/documents/{id}"


def download_path(document_id: str) -> str:
    """Where the document's bytes are served (GET, with the same bearer token)."""
    return DOWNLOAD_PATH.format(id=document_id)


@strawberry.type(description="A document on file for an authorization (its bytes: `downloadUrl`).")
class Document:
    id: strawberry.ID
    authorization_id: str
    requirement: str = strawberry.field(
        description="Which document of the authorization's documentation step this is, e.g. "
        "`provider_order`."
    )
    filename: str
    content_type: str = strawberry.field(description="What the bytes are, as lieu read them.")
    size: int = strawberry.field(description="In bytes.")
    sha256: str
    uploaded_by: str
    uploaded_at: datetime
    download_url: str = strawberry.field(
        description="A path on this server; GET it with your bearer token."
    )

    @classmethod
    def of(cls, row: AuthorizationDocument) -> Document:
        return cls(
            id=strawberry.ID(row.id),
            authorization_id=row.authorization_id,
            requirement=row.requirement,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            sha256=row.sha256,
            uploaded_by=row.uploaded_by,
            uploaded_at=row.uploaded_at,
            download_url=download_path(row.id),
        )


AttachDocumentResult = Annotated[
    Document | ValidationErrors | NotFound | NotAllowed | Conflict,
    strawberry.union("AttachDocumentResult"),
]

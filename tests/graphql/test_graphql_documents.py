"""A provider attaches the documents an authorization needs (a multipart upload over real HTTP),
staff and the provider download them; wrong types, oversized files, other providers and
unknown authorizations are refused with a typed answer, and nothing is stored for them."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from sqlalchemy import func, select

from lieu.graphql.documents import mutations
from lieu.platform.access.models import AuditEntry
from lieu.platform.authorizations.status import Status
from lieu.platform.db.engine import create_session_factory
from lieu.platform.documents.models import AuthorizationDocument
from lieu.platform.documents.records import DocumentInfo
from lieu.runtime import Runtime
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.graphql.graphql_stack import Seeded, project_authorization, seeded_stack
from tests.serving import serve

pytestmark = pytest.mark.temporal

ATTACH = """
mutation($authorizationId: String!, $requirement: String!, $file: Upload!, $key: String!) {
  attachDocument(authorizationId: $authorizationId, requirement: $requirement, file: $file,
                 idempotencyKey: $key) {
    __typename
    ... on Document { id authorizationId requirement filename contentType size sha256
                      uploadedBy downloadUrl }
    ... on ValidationErrors { message problems { pointer code message } }
    ... on Conflict { code message }
    ... on NotFound { what missing: id message }
  }
}
"""
DOCUMENTS = """
query($id: ID!) { authorization(id: $id) { ... on Authorization {
  documents { id requirement filename contentType size } } } }
"""
ORDER = b"%PDF-1.7\n% provider's order for asthma remediation\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
MAX_BYTES = 4096


@dataclass
class Stack:
    """A seeded stack served by uvicorn, a provider's authorization on it, an HTTP client."""

    seeded: Seeded
    http: httpx.AsyncClient
    authorization: str

    @property
    def tokens(self) -> Any:
        return self.seeded.tokens

    async def attach(
        self,
        token: str | None,
        content: bytes = ORDER,
        *,
        filename: str = "order.pdf",
        content_type: str = "application/pdf",
        requirement: str = "provider_order",
        key: str = "order-1",
        authorization: str | None = None,
    ) -> dict[str, Any]:
        """POST the mutation as a GraphQL multipart request (operations, map, the file)."""
        variables = {
            "authorizationId": authorization or self.authorization,
            "requirement": requirement,
            "file": None,
            "key": key,
        }
        response = await self.http.post(
            "/graphql",
            data={
                "operations": json.dumps({"query": ATTACH, "variables": variables}),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": (filename, content, content_type)},
            headers=bearer(token),
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def query(self, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=bearer(token)
        )
        body: dict[str, Any] = response.json()
        return body

    async def rows(self) -> int:
        async with create_session_factory(self.seeded.engine)() as session:
            return int(await session.scalar(select(func.count(AuthorizationDocument.id))) or 0)

    async def audit(self, action: str) -> list[tuple[str, str, str]]:
        async with create_session_factory(self.seeded.engine)() as session:
            rows = await session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
            return [(row.role, row.target, row.outcome) for row in rows]

    def files(self) -> list[Path]:
        root = self.seeded.settings.documents_dir
        return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def bearer(token: str | None) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"} if token else {}


async def _served(settings: Settings, server: DevServer) -> AsyncIterator[Stack]:
    ready = settings.with_(
        temporal_address=server.address,
        task_queue=f"docs-{uuid.uuid4().hex[:8]}",
        document_max_bytes=MAX_BYTES,
    )
    async for seeded in seeded_stack(ready):
        number = await project_authorization(seeded.engine, provider=seeded.tokens.provider_org)
        async with (
            serve(seeded.settings) as base,
            httpx.AsyncClient(base_url=base, timeout=30) as http,
        ):
            yield Stack(seeded, http, number)


@pytest.fixture(autouse=True)
def workflow_side(monkeypatch: pytest.MonkeyPatch) -> None:
    """These authorizations are projected rows with no workflow behind them: the workflow's
    side (which documents it asks for, being told of one) is stood in for here; the real one is
    tested in tests/e2e/test_e2e_graphql_provider_journey.py."""

    async def asked(runtime: Runtime, authorization_id: str) -> list[str]:
        return ["provider_order", "housing_support_plan"]

    async def attached(runtime: Runtime, authorization_id: str, doc: DocumentInfo) -> None:
        return None

    monkeypatch.setattr(mutations, "asked_documents", asked)
    monkeypatch.setattr(mutations, "document_attached", attached)


@pytest.fixture
async def stack(settings: Settings, temporal_dev_server: DevServer) -> AsyncIterator[Stack]:
    """On SQLite, documents in a folder under the stack's data dir."""
    async for served in _served(settings, temporal_dev_server):
        yield served


@pytest.fixture
async def stack_any(
    settings: Settings, database_url: str, temporal_dev_server: DevServer
) -> AsyncIterator[Stack]:
    """The same, once on SQLite and once on PostgreSQL."""
    async for served in _served(settings.with_(database_url=database_url), temporal_dev_server):
        yield served


async def test_a_provider_attaches_an_order_and_staff_download_it_as_it_was_sent(
    stack_any: Stack,
) -> None:
    stack = stack_any
    answer = (await stack.attach(stack.tokens.provider))["data"]["attachDocument"]
    assert answer["__typename"] == "Document"
    assert answer["authorizationId"] == stack.authorization
    assert (answer["requirement"], answer["filename"], answer["contentType"]) == (
        "provider_order",
        "order.pdf",
        "application/pdf",
    )
    assert answer["size"] == len(ORDER)
    assert answer["uploadedBy"].startswith(f"provider:demo-plan/{stack.tokens.provider_org}")
    assert answer["downloadUrl"] == f"/documents/{answer['id']}"

    listed = await stack.query(stack.tokens.reviewer, DOCUMENTS, {"id": stack.authorization})
    assert listed["data"]["authorization"]["documents"] == [
        {
            "id": answer["id"],
            "requirement": "provider_order",
            "filename": "order.pdf",
            "contentType": "application/pdf",
            "size": len(ORDER),
        }
    ]
    for token in (stack.tokens.provider, stack.tokens.reviewer, stack.tokens.operations):
        download = await stack.http.get(answer["downloadUrl"], headers=bearer(token))
        assert download.status_code == 200
        assert download.content == ORDER
        assert download.headers["content-type"] == "application/pdf"
        assert download.headers["content-disposition"] == (
            "attachment; filename=\"order.pdf\"; filename*=UTF-8''order.pdf"
        )
        assert download.headers["x-content-type-options"] == "nosniff"
    assert [p.read_bytes() for p in stack.files()] == [ORDER]
    target = f"authorization:{stack.authorization}"
    assert await stack.audit("attachDocument") == [("provider", target, "ok")]
    document = f"document:{answer['id']}"
    assert await stack.audit("downloadDocument") == [
        ("provider", document, "ok"),
        ("reviewer", document, "ok"),
        ("operations", document, "ok"),
    ]


async def test_resending_the_same_idempotency_key_returns_the_first_document(
    stack_any: Stack,
) -> None:
    stack = stack_any
    first = (await stack.attach(stack.tokens.provider))["data"]["attachDocument"]
    again = (await stack.attach(stack.tokens.provider))["data"]["attachDocument"]
    assert again == first
    assert await stack.rows() == 1 and len(stack.files()) == 1
    target = f"authorization:{stack.authorization}"
    assert await stack.audit("attachDocument") == [
        ("provider", target, "ok"),
        ("provider", target, "replayed"),
    ]
    reused = await stack.attach(
        stack.tokens.provider, PNG, filename="visit.png", content_type="image/png"
    )
    answer = reused["data"]["attachDocument"]
    assert (answer["__typename"], answer["code"]) == ("Conflict", "idempotency_key_reused")
    assert answer["message"].startswith(
        f"idempotency key 'order-1' already attached document {first['id']} "
    )
    assert await stack.rows() == 1 and len(stack.files()) == 1


@pytest.mark.parametrize(
    ("content", "filename", "content_type", "code", "says"),
    [
        (PNG, "order.pdf", "application/pdf", "type_mismatch", "sent as application/pdf but"),
        (b"PK\x03\x04" + bytes(30), "order.docx", "application/msword", "type_not_accepted", ""),
        (b"", "order.pdf", "application/pdf", "empty", "'order.pdf' is empty (0 bytes)"),
        (ORDER + bytes(MAX_BYTES), "order.pdf", "application/pdf", "too_large", "over the limit"),
    ],
    ids=["wrong-type", "not-accepted", "empty", "too-large"],
)
async def test_a_file_lieu_will_not_keep_is_refused_with_a_pointer_and_nothing_is_stored(
    stack_any: Stack, content: bytes, filename: str, content_type: str, code: str, says: str
) -> None:
    stack = stack_any
    answer = (
        await stack.attach(
            stack.tokens.provider, content, filename=filename, content_type=content_type
        )
    )["data"]["attachDocument"]
    assert answer["__typename"] == "ValidationErrors"
    [problem] = answer["problems"]
    assert (problem["pointer"], problem["code"]) == ("/file", code)
    assert says in problem["message"]
    assert await stack.rows() == 0 and stack.files() == []
    assert await stack.audit("attachDocument") == [
        ("provider", f"authorization:{stack.authorization}", "refused")
    ]


async def test_another_provider_and_an_unknown_authorization_get_the_same_not_found(
    stack_any: Stack,
) -> None:
    stack = stack_any
    for token, number in [
        (stack.tokens.other_provider, stack.authorization),
        (stack.tokens.provider, "A-0000000000000000"),  # asks Temporal too: no such workflow
        (stack.tokens.provider, "no-such-number"),
    ]:
        answer = (await stack.attach(token, authorization=number))["data"]["attachDocument"]
        assert answer == {
            "__typename": "NotFound",
            "what": "authorization",
            "missing": number,
            "message": f"no authorization {number} that you may see",
        }
    assert await stack.rows() == 0 and stack.files() == []


async def test_only_providers_attach_documents(stack: Stack) -> None:
    refused = await stack.attach(stack.tokens.reviewer)
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == (
        "`attachDocument` is not open to reviewer tokens (open to: provider)"
    )
    anonymous = await stack.attach(None)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await stack.rows() == 0 and stack.files() == []


async def test_a_finished_authorization_takes_no_more_documents(stack: Stack) -> None:
    denied = await project_authorization(
        stack.seeded.engine, provider=stack.tokens.provider_org, status=Status.DENIED
    )
    answer = (await stack.attach(stack.tokens.provider, authorization=denied))["data"]
    assert answer["attachDocument"] == {
        "__typename": "Conflict",
        "code": "already_final",
        "message": f"authorization {denied} is denied; documents can only be attached while it "
        "is open",
    }
    assert await stack.rows() == 0 and stack.files() == []


async def test_a_file_sent_as_a_json_variable_is_refused_saying_how_to_send_it(
    stack: Stack,
) -> None:
    variables = {
        "authorizationId": stack.authorization,
        "requirement": "provider_order",
        "file": "JVBERi0xLjcK",
        "key": "order-1",
    }
    answer = await stack.query(stack.tokens.provider, ATTACH, variables)
    [problem] = answer["data"]["attachDocument"]["problems"]
    assert (problem["pointer"], problem["code"]) == ("/file", "not_a_file")
    assert "a file part of a multipart request" in problem["message"]


async def test_an_upload_far_over_the_limit_is_refused_before_it_is_read(stack: Stack) -> None:
    huge = ORDER + bytes(9 * 1024 * 1024)
    response = await stack.http.post(
        "/graphql",
        data={"operations": json.dumps({"query": ATTACH}), "map": "{}"},
        files={"0": ("scan.pdf", huge, "application/pdf")},
        headers=bearer(stack.tokens.provider),
    )
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["message"].endswith(
        f"; a document may be at most {MAX_BYTES} bytes (LIEU_DOCUMENT_MAX_BYTES): compress it, "
        "scan it at a lower resolution, or attach it in parts"
    )
    assert await stack.rows() == 0


async def test_the_workflow_hook_is_told_after_the_row_has_committed_replays_included(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[tuple[str, DocumentInfo, bool]] = []

    async def told_of(runtime: Runtime, authorization_id: str, doc: DocumentInfo) -> None:
        async with runtime.sessions() as session:
            committed = await session.get(AuthorizationDocument, doc.id) is not None
        told.append((authorization_id, doc, committed))

    monkeypatch.setattr(mutations, "document_attached", told_of)
    first = (await stack.attach(stack.tokens.provider))["data"]["attachDocument"]
    await stack.attach(stack.tokens.provider)
    await stack.attach(stack.tokens.provider, PNG, key="refused")  # a PNG sent as a PDF
    assert [(number, doc.id, doc.requirement, ok) for number, doc, ok in told] == [
        (stack.authorization, first["id"], "provider_order", True),
        (stack.authorization, first["id"], "provider_order", True),
    ]


async def test_downloads_are_refused_to_whoever_may_not_read_the_authorization(
    stack_any: Stack,
) -> None:
    stack = stack_any
    answer = (await stack.attach(stack.tokens.provider))["data"]["attachDocument"]
    url = answer["downloadUrl"]
    anonymous = await stack.http.get(url)
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="lieu"'
    assert anonymous.json()["code"] == "UNAUTHENTICATED"
    forged = await stack.http.get(url, headers=bearer("lieu_nope_nope"))
    assert forged.status_code == 401
    admin = await stack.http.get(url, headers=bearer(stack.tokens.plan_admin))
    assert admin.status_code == 403
    assert admin.json() == {
        "error": "documents are not open to plan_admin tokens "
        "(open to: operations, provider, reviewer)",
        "code": "FORBIDDEN",
    }
    for token, path in [
        (stack.tokens.other_provider, url),
        (stack.tokens.foreign_reviewer, url),
        (stack.tokens.provider, "/documents/D-0000"),
    ]:
        hidden = await stack.http.get(path, headers=bearer(token))
        assert hidden.status_code == 404
        document_id = path.rsplit("/", 1)[1]
        assert hidden.json() == {
            "error": f"no document {document_id} that you may see",
            "code": "NOT_FOUND",
        }
    document = f"document:{answer['id']}"
    assert await stack.audit("downloadDocument") == [
        ("plan_admin", document, "denied"),
        ("provider", document, "not_found"),
        ("reviewer", document, "not_found"),
        ("provider", "document:D-0000", "not_found"),
    ]


async def test_a_document_whose_bytes_were_lost_is_a_500_that_says_so_and_is_audited(
    stack: Stack,
) -> None:
    answer = (await stack.attach(stack.tokens.provider))["data"]["attachDocument"]
    [stored] = stack.files()
    stored.unlink()
    response = await stack.http.get(answer["downloadUrl"], headers=bearer(stack.tokens.reviewer))
    assert response.status_code == 500
    assert response.json() == {
        "error": f"document {answer['id']} cannot be served: its stored bytes are missing or "
        "not the ones that were attached; this has been logged, tell your plan's operations team",
        "code": "DAMAGED",
    }
    assert await stack.audit("downloadDocument") == [
        ("reviewer", f"document:{answer['id']}", "failed")
    ]


async def test_with_an_s3_store_the_bytes_go_to_the_bucket_not_the_data_dir(
    settings: Settings, temporal_dev_server: DevServer, s3_endpoint: str
) -> None:
    bucket = f"lieu-documents-{uuid.uuid4().hex[:8]}"
    keys = {"s3_access_key": "lieu-test", "s3_secret_key": "lieu-test-secret"}
    s3 = boto3.session.Session().client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=keys["s3_access_key"],
        aws_secret_access_key=keys["s3_secret_key"],
    )
    s3.create_bucket(Bucket=bucket)
    on_s3 = settings.with_(document_store=f"s3://{bucket}", s3_endpoint=s3_endpoint, **keys)
    async for stack in _served(on_s3, temporal_dev_server):
        text = "Housing support plan: month 1 of 6, rent paid to the landlord directly.\n"
        answer = (
            await stack.attach(
                stack.tokens.provider,
                text.encode(),
                filename="plan — month 1.txt",
                content_type="text/plain",
                requirement="housing_support_plan",
            )
        )["data"]["attachDocument"]
        assert answer["contentType"] == "text/plain"
        [stored] = s3.list_objects_v2(Bucket=bucket)["Contents"]
        assert stored["Key"] == f"{stack.authorization}/{answer['id']}"
        assert stack.files() == []
        download = await stack.http.get(
            answer["downloadUrl"], headers=bearer(stack.tokens.provider)
        )
        assert download.text == text
        assert download.headers["content-type"] == "text/plain; charset=utf-8"
        assert download.headers["content-disposition"] == (
            'attachment; filename="plan _ month 1.txt"; '
            "filename*=UTF-8''plan%20%E2%80%94%20month%201.txt"
        )

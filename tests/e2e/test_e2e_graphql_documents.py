"""A documentation step end to end over HTTP: the plan team publishes respite with a caregiver
assessment on file before review; the provider requests, attaches the PDF as a multipart upload,
the review opens, the reviewer approves, and operations download the document as it was sent."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from lieu.platform.plans.calendar import CALIFORNIA
from tests.e2e.test_e2e_graphql_provider_journey import (  # noqa: F401 (the fixture)
    REQUEST,
    STATUS,
    Session,
    _until,
    running,
)
from tests.graphql.graphql_stack import ANA, PLAN, Seeded

pytestmark = pytest.mark.temporal

DEFINITIONS = Path(__file__).resolve().parents[2] / "benefit_definitions"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
ATTACH = """
mutation($id: String!, $file: Upload!, $key: String!) {
  attachDocument(authorizationId: $id, requirement: "caregiver_assessment", file: $file,
                 idempotencyKey: $key) {
    __typename
    ... on Document { id requirement contentType size }
    ... on Error { message }
  }
}
"""


def respite_with_documents() -> dict[str, Any]:
    base = json.loads((DEFINITIONS / "dhcs" / "respite" / "v1.json").read_text())
    steps = base["authorization"]["steps"]
    steps.insert(
        [s["kind"] for s in steps].index("review"),
        {
            "kind": "documentation",
            "documents": [{"id": "caregiver_assessment", "label": "a caregiver assessment"}],
        },
    )
    return {
        "plan": PLAN,
        "support": "respite",
        "version": 1,
        "title": base["title"],
        "extends": {"plan": "dhcs", "support": "respite", "version": 1},
        # the plan's date (a request starts on it), not UTC's: 16:00-24:00 in California they differ
        "effective_from": CALIFORNIA.local_date(datetime.now(UTC)).isoformat(),
        "reference": "Plan policy: a caregiver assessment before respite is reviewed",
        "status": "draft",
        "authorization": base["authorization"],
    }


async def graphql(base: str, token: str, query: str, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        answer = await http.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    return body["data"]


async def attach(base: str, token: str, number: str, content: bytes) -> dict[str, Any]:
    operations = {"query": ATTACH, "variables": {"id": number, "file": None, "key": "doc-1"}}
    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        answer = await http.post(
            "/graphql",
            data={
                "operations": json.dumps(operations),
                "map": json.dumps({"0": ["variables.file"]}),
            },
            files={"0": ("assessment.pdf", content, "application/pdf")},
            headers={"Authorization": f"Bearer {token}"},
        )
    body: dict[str, Any] = answer.json()
    assert "errors" not in body, body
    return body["data"]["attachDocument"]


async def test_a_request_waits_for_its_documents_then_goes_to_review(
    running: tuple[str, Seeded],  # noqa: F811
) -> None:
    base, seeded = running
    tokens = seeded.tokens
    drafted = await graphql(
        base,
        tokens.plan_admin,
        "mutation($d: JSON!) { createDraft(document: $d) { __typename ... on Error { message } } }",
        d=respite_with_documents(),
    )
    assert drafted["createDraft"]["__typename"] == "Definition", drafted
    published = await graphql(
        base,
        tokens.plan_admin,
        'mutation { publishDefinition(support: "respite", version: 1) '
        "{ __typename ... on Error { message } } }",
    )
    assert published["publishDefinition"]["__typename"] == "Definition", published

    provider = Session(base, tokens.provider)
    request = {
        "cin": ANA,
        "support": "respite",
        "quantity": "20",
        "unit": "hours",
        "idempotencyKey": f"ana-documents-{uuid.uuid4().hex}",
        "birthDate": "1945-03-08",
    }
    made = (await provider(REQUEST, input=request))["requestAuthorization"]
    assert made["__typename"] == "Authorization", made
    number = made["id"]

    async def status_is(status: str) -> bool:
        found = (await provider(STATUS, id=number))["authorization"]
        return found.get("status") == status

    await _until(lambda: status_is("AWAITING_DOCUMENTS"), "the request to ask for documents")
    wrong = await attach(base, tokens.provider, number, b"GIF89a not a pdf")
    assert wrong["__typename"] == "ValidationErrors", wrong
    document = await attach(base, tokens.provider, number, PDF)
    assert document["__typename"] == "Document", document
    assert (document["requirement"], document["contentType"]) == (
        "caregiver_assessment",
        "application/pdf",
    )
    await _until(lambda: status_is("PENDING_REVIEW"), "the review to open")

    async with httpx.AsyncClient(base_url=base, timeout=30) as http:
        download = await http.get(
            f"/documents/{document['id']}", headers={"Authorization": f"Bearer {tokens.reviewer}"}
        )
    assert download.status_code == 200 and download.content == PDF

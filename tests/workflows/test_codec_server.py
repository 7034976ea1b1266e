"""POST /codec/decode and /codec/encode (Temporal's remote codec protocol): operations staff see
the payloads lieu seals, through the Temporal UI's origin only; nobody else does; every call is
audited."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from lieu.app import create_app
from lieu.platform.access.models import AuditEntry
from lieu.runtime import Runtime
from lieu.settings import Settings
from lieu.workflows.client import converter_for
from lieu.workflows.codec import ENCODING
from tests.graphql.graphql_stack import Seeded, seeded_stack

UI = "http://127.0.0.1:8233"
FACTS = {"cin": "91000001A", "birth_date": "1945-03-08"}


@pytest.fixture
async def seeded(settings: Settings) -> AsyncIterator[Seeded]:
    async for stack in seeded_stack(settings):
        yield stack


@pytest.fixture
async def http(seeded: Seeded) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(seeded.settings)
    runtime = await Runtime.open(seeded.settings)
    app.state.runtime = runtime
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://lieu.test") as client:
            yield client
    finally:
        await runtime.close()


def _json(payload: Any) -> dict[str, Any]:
    return {
        "metadata": {k: base64.b64encode(v).decode() for k, v in payload.metadata.items()},
        "data": base64.b64encode(payload.data).decode(),
    }


async def _sealed(settings: Settings) -> dict[str, Any]:
    converter = converter_for(settings)
    payloads = converter.payload_converter.to_payloads([FACTS])
    assert converter.payload_codec is not None
    sealed = await converter.payload_codec.encode(payloads)
    return {"payloads": [_json(p) for p in sealed]}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_operations_read_a_sealed_payload_from_the_temporal_ui_and_it_is_audited(
    seeded: Seeded, http: httpx.AsyncClient
) -> None:
    body = await _sealed(seeded.settings)
    headers = _bearer(seeded.tokens.operations) | {"Origin": UI, "X-Namespace": "default"}
    answer = await http.post("/codec/decode", json=body, headers=headers)
    assert answer.status_code == 200, answer.text
    assert answer.headers["access-control-allow-origin"] == UI
    assert answer.headers["cache-control"] == "no-store"
    [opened] = answer.json()["payloads"]
    assert base64.b64decode(opened["data"]) == b'{"cin":"91000001A","birth_date":"1945-03-08"}'
    assert base64.b64decode(opened["metadata"]["encoding"]) == b"json/plain"
    async with seeded.engine.connect() as connection:
        rows = (await connection.execute(select(AuditEntry.action, AuditEntry.detail))).all()
    assert ("temporal.decode", "1 payloads") in [tuple(row) for row in rows]


async def test_encode_seals_what_decode_opens(seeded: Seeded, http: httpx.AsyncClient) -> None:
    plain = {"payloads": [{"metadata": {"encoding": base64.b64encode(b"json/plain").decode()},
                           "data": base64.b64encode(b'"hello"').decode()}]}  # fmt: skip
    headers = _bearer(seeded.tokens.operations)
    sealed = (await http.post("/codec/encode", json=plain, headers=headers)).json()
    [one] = sealed["payloads"]
    assert base64.b64decode(one["metadata"]["encoding"]) == ENCODING
    opened = (await http.post("/codec/decode", json=sealed, headers=headers)).json()
    assert opened == plain


async def test_the_preflight_answers_the_ui_origin_without_a_token(
    http: httpx.AsyncClient,
) -> None:
    asked = {"Origin": UI, "Access-Control-Request-Method": "POST"}
    answer = await http.options("/codec/decode", headers=asked)
    assert answer.status_code == 204
    assert answer.headers["access-control-allow-origin"] == UI
    assert "Authorization" in answer.headers["access-control-allow-headers"]


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:8000", "null"])
async def test_another_origin_is_refused_before_anything_is_read(
    seeded: Seeded, http: httpx.AsyncClient, origin: str
) -> None:
    headers = _bearer(seeded.tokens.operations) | {"Origin": origin}
    answer = await http.post("/codec/decode", json=await _sealed(seeded.settings), headers=headers)
    assert answer.status_code == 403 and "access-control-allow-origin" not in answer.headers
    assert "LIEU_TEMPORAL_UI_ORIGIN" in answer.json()["error"]["message"]
    preflight = await http.options("/codec/decode", headers={"Origin": origin})
    assert preflight.status_code == 403


async def test_without_a_token_or_with_another_role_nothing_is_opened(
    seeded: Seeded, http: httpx.AsyncClient
) -> None:
    body = await _sealed(seeded.settings)
    anonymous = await http.post("/codec/decode", json=body)
    assert anonymous.status_code == 401 and "operations token" in anonymous.text
    wrong = await http.post("/codec/decode", json=body, headers=_bearer("lieu_nope"))
    assert wrong.status_code == 401
    for role in ("provider", "reviewer", "plan_admin"):
        answer = await http.post(
            "/codec/decode", json=body, headers=_bearer(getattr(seeded.tokens, role))
        )
        assert answer.status_code == 403, role
        assert "1945-03-08" not in answer.text


async def test_a_body_that_is_not_payloads_gets_a_400_saying_the_shape(
    seeded: Seeded, http: httpx.AsyncClient
) -> None:
    headers = _bearer(seeded.tokens.operations)
    answer = await http.post("/codec/decode", content=b"[1, 2", headers=headers)
    assert answer.status_code == 400
    assert '{"payloads": [{"metadata"' in answer.json()["error"]["message"]


async def test_a_payload_sealed_by_an_unknown_key_is_a_422_naming_it(
    seeded: Seeded, http: httpx.AsyncClient
) -> None:
    other = seeded.settings.with_(payload_keys="", data_dir=seeded.settings.data_dir / "other")
    answer = await http.post(
        "/codec/decode", json=await _sealed(other), headers=_bearer(seeded.tokens.operations)
    )
    assert answer.status_code == 422 and "which is not in LIEU_PAYLOAD_KEYS" in answer.text

"""A provider follows an authorization's status over graphql-transport-ws (gql's websockets
transport against real uvicorn), authenticating in `connection_init` as browsers must."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy import func, select, update

from lieu.platform.access.models import AuditEntry
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.db.engine import create_session_factory
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.graphql.graphql_stack import project_authorization, seeded_stack
from tests.serving import serve

pytestmark = pytest.mark.temporal
FOLLOW = """subscription($id: ID!) { authorizationStatus(id: $id) {
  __typename ... on Authorization { status } ... on Error { message } } }"""


def on_its_queue(settings: Settings, server: DevServer) -> Settings:
    """The settings for one test: the dev server, a task queue of its own."""
    return settings.with_(temporal_address=server.address, task_queue=f"ws-{uuid.uuid4().hex[:8]}")


def websocket(base: str, token: str) -> WebsocketsTransport:
    """graphql-transport-ws to the served app, the token in `connection_init` (as browsers)."""
    return WebsocketsTransport(
        url=base.replace("http", "ws") + "/graphql",
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )


async def test_a_provider_follows_status_changes_until_final(
    settings: Settings, temporal_dev_server: DevServer
) -> None:
    ready = on_its_queue(settings, temporal_dev_server)
    async for seeded in seeded_stack(ready):
        number = await project_authorization(seeded.engine, provider=seeded.tokens.provider_org)
        async with serve(ready) as base:
            transport = websocket(base, seeded.tokens.provider)
            seen: list[Any] = []
            async with Client(transport=transport) as session:
                request = GraphQLRequest(FOLLOW, variable_values={"id": number})
                async for event in session.subscribe(request):
                    seen.append(event["authorizationStatus"])
                    if len(seen) == 1:
                        await _deny(seeded.engine, number)
                    if len(seen) > 3:
                        break
    assert seen == [
        {"__typename": "Authorization", "status": "PENDING_REVIEW"},
        {"__typename": "Authorization", "status": "DENIED"},
    ]


async def test_another_providers_authorization_is_not_found_over_websockets(
    settings: Settings, temporal_dev_server: DevServer
) -> None:
    ready = settings.with_(temporal_address=temporal_dev_server.address)
    async for seeded in seeded_stack(ready):
        theirs = await project_authorization(
            seeded.engine, provider=seeded.tokens.other_provider_org
        )
        async with serve(ready) as base:
            transport = websocket(base, seeded.tokens.provider)
            async with Client(transport=transport) as session:
                request = GraphQLRequest(FOLLOW, variable_values={"id": theirs})
                events = [e async for e in session.subscribe(request)]
    assert [e["authorizationStatus"]["__typename"] for e in events] == ["NotFound"]


async def _deny(engine: Any, number: str) -> None:
    await asyncio.sleep(0.1)
    async with create_session_factory(engine).begin() as session:
        await session.execute(
            update(AuthorizationRecord)
            .where(AuthorizationRecord.id == number)
            .values(status="denied")
        )


TIMELINE = """subscription($id: ID!) { authorizationStatus(id: $id) {
  __typename ... on Authorization { status timeline { seq text } } } }"""


async def test_a_new_timeline_step_is_pushed_and_each_push_is_audited(
    settings: Settings, temporal_dev_server: DevServer
) -> None:
    ready = on_its_queue(settings, temporal_dev_server)
    async for seeded in seeded_stack(ready):
        number = await project_authorization(seeded.engine, provider=seeded.tokens.provider_org)
        async with serve(ready) as base:
            transport = websocket(base, seeded.tokens.provider)
            seen: list[Any] = []
            # bounded: without a push for the new step the test fails, never hangs
            async with Client(transport=transport) as session, asyncio.timeout(20):
                request = GraphQLRequest(TIMELINE, variable_values={"id": number})
                async for event in session.subscribe(request):
                    seen.append(event["authorizationStatus"])
                    if len(seen) == 1:  # a step is added; the status stays the same
                        async with create_session_factory(seeded.engine).begin() as db:
                            db.add(
                                AuthorizationEvent(
                                    authorization_id=number,
                                    seq=2,
                                    at=datetime.now(UTC),
                                    kind="information_requested",
                                    actor="reviewer",
                                    text="the caregiver assessment is asked for",
                                )
                            )
                    if len(seen) == 2:
                        break
        async with create_session_factory(seeded.engine)() as db:
            pushes = await db.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(
                    AuditEntry.action == "authorizationStatus",
                    AuditEntry.target == f"authorization:{number}",
                )
            )
    assert [step["seq"] for step in seen[0]["timeline"]] == [1]
    assert [step["seq"] for step in seen[1]["timeline"]] == [1, 2]
    assert seen[1]["status"] == "PENDING_REVIEW"
    assert pushes == 2

"""Revoking a token ends its open subscriptions (finding 8): the next poll finds the token
revoked, says so in an UNAUTHENTICATED error and pushes nothing more, and the end is audited
(graphql-transport-ws against real uvicorn; SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from gql import Client, GraphQLRequest
from gql.transport.exceptions import TransportQueryError
from gql.transport.websockets import WebsocketsTransport
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.access.tokens import revoke_token, token_id_of
from lieu.platform.db.engine import create_session_factory, for_writes
from tests.graphql.graphql_stack import project_authorization
from tests.serving import serve

pytestmark = pytest.mark.temporal
FOLLOW = """subscription($id: ID!) { authorizationStatus(id: $id) {
  __typename ... on Authorization { status } ... on Error { message } } }"""


async def test_revoking_a_token_ends_its_open_subscription(seeded_any: Any) -> None:
    tokens = seeded_any.tokens
    number = await project_authorization(seeded_any.engine, provider=tokens.provider_org)
    token_id = token_id_of(tokens.provider)
    assert token_id is not None
    seen: list[Any] = []
    async with serve(seeded_any.settings) as base:
        transport = WebsocketsTransport(
            url=base.replace("http", "ws") + "/graphql",
            init_payload={"Authorization": f"Bearer {tokens.provider}"},
            subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
        )
        async with Client(transport=transport) as session:
            request = GraphQLRequest(FOLLOW, variable_values={"id": number})
            with pytest.raises(TransportQueryError) as ended:
                async for event in session.subscribe(request):
                    seen.append(event["authorizationStatus"])
                    async with create_session_factory(for_writes(seeded_any.engine)).begin() as db:
                        await revoke_token(session=db, token_id=token_id)

    assert seen == [{"__typename": "Authorization", "status": "PENDING_REVIEW"}]
    error = ended.value.errors[0] if ended.value.errors else {}
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["message"].startswith(f"token {token_id} was revoked on ")
    assert error["message"].endswith("; the subscription has ended")
    async with create_session_factory(seeded_any.engine)() as db:
        audited = await db.execute(
            select(AuditEntry.outcome)
            .where(AuditEntry.action == "authorizationStatus", AuditEntry.token_id == token_id)
            .order_by(AuditEntry.id)
        )
        assert [row.outcome for row in audited] == ["ok", "denied"]

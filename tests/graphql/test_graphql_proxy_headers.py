"""The audited client address is the connecting one unless the connection comes from a proxy
named in LIEU_TRUSTED_PROXIES (issue #15 finding 14: X-Forwarded-For from loopback set it)."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from lieu.commands.serve import proxy_options
from lieu.platform.access.models import AuditEntry
from lieu.platform.db.engine import create_session_factory
from lieu.settings import Settings, SettingsError
from lieu.workflows.devserver import DevServer
from tests.graphql.graphql_stack import ANA, seeded_stack
from tests.serving import serve

pytestmark = pytest.mark.temporal
MEMBER = f'query {{ member(cin: "{ANA}") {{ __typename }} }}'


async def test_a_forwarded_address_is_believed_only_from_a_trusted_proxy(
    settings: Settings, temporal_dev_server: DevServer
) -> None:
    ready = settings.with_(temporal_address=temporal_dev_server.address)
    async for seeded in seeded_stack(ready):
        seen = []
        for trusted in ("", "127.0.0.1"):
            async with (
                serve(ready.with_(trusted_proxies=trusted)) as base,
                httpx.AsyncClient(base_url=base, timeout=30) as http,
            ):
                answer = await http.post(
                    "/graphql",
                    json={"query": MEMBER},
                    headers={
                        "authorization": f"Bearer {seeded.tokens.operations}",
                        "x-forwarded-for": "203.0.113.9",
                    },
                )
                assert answer.status_code == 200, answer.text
            async with create_session_factory(seeded.engine)() as session:
                row = await session.scalar(
                    select(AuditEntry)
                    .where(AuditEntry.action == "member")
                    .order_by(AuditEntry.id.desc())
                    .limit(1)
                )
            assert row is not None
            seen.append(row.client_ip)
    assert seen == ["127.0.0.1", "203.0.113.9"]


def test_the_trusted_proxies_setting_is_checked_and_maps_to_uvicorns_options() -> None:
    assert proxy_options(Settings.from_env({})) == {"proxy_headers": False}
    trusted = Settings.from_env({"LIEU_TRUSTED_PROXIES": "10.0.0.5, 10.1.0.0/16"})
    assert proxy_options(trusted) == {
        "proxy_headers": True,
        "forwarded_allow_ips": "10.0.0.5,10.1.0.0/16",
    }
    with pytest.raises(SettingsError, match=r"'proxy\.internal' is not an address or network"):
        Settings.from_env({"LIEU_TRUSTED_PROXIES": "proxy.internal"})

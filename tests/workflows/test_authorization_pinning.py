"""A running authorization keeps the definition version it was pinned to."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from lieu.platform.authorizations.status import Decision, Status
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.platform.definitions.directory import publish_document
from lieu.platform.definitions.versions import retire
from tests.workflows.acting import decision, send
from tests.workflows.authorizations import DEFINITIONS, World, cin, enroll, settle

pytestmark = pytest.mark.temporal


async def test_publishing_a_new_version_never_alters_a_running_authorization(w: World) -> None:
    today = await w.today()
    ray = cin()
    await enroll(
        w.engine, ray, "ray", recent_discharge={"date": (today - timedelta(days=1)).isoformat()}
    )
    running = await w.request(ray, "recuperative-care", "30")
    before = await settle(running, lambda s: s.status is Status.PRESUMPTIVE)
    assert before.definition.version == 1
    assert before.presumptive_until == today + timedelta(days=13)

    document = json.loads((DEFINITIONS / "demo-plan" / "recuperative-care" / "v1.json").read_text())
    document["version"] = 3  # v2 (scheduled for 2027 over the v2 baselines) is withdrawn first
    document["effective_from"] = today.isoformat()
    for step in document["authorization"]["steps"]:
        if step["kind"] == "presumptive":
            step["days"] = 7
    async with create_session_factory(for_writes(w.engine)).begin() as session:
        await retire(
            session=session, plan="demo-plan", support="recuperative-care", version=2, actor="t"
        )
        await publish_document(session=session, document=document, actor="plan-team")

    newer = await w.request(cin_with_ray(w, ray), "recuperative-care", "30", key="second")
    after_publication = await settle(newer, lambda s: s.status is Status.PRESUMPTIVE)
    assert after_publication.definition.version == 3
    assert after_publication.presumptive_until == today + timedelta(days=6)

    await send(running, decision("um", Decision.APPROVE, "ok"))
    still = await settle(running, lambda s: s.status is not Status.PRESUMPTIVE)
    assert still.definition.version == 1
    assert still.definition.content_hash == before.definition.content_hash
    assert still.presumptive_until == today + timedelta(days=13)


def cin_with_ray(_w: World, member: str) -> str:
    """The same member asks again (another episode): the new request pins the new version."""
    return member

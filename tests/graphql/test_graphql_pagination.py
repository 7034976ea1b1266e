"""Relay connections: keyset cursors (deciding a review does not shift the next page), full
`pageInfo`, `last`/`before` read backward, and cursors are refused in words where they do not
belong."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from lieu.platform.authorizations.status import Status
from lieu.workflows.client import connect
from lieu.workflows.search import PLAN as PLAN_KEY
from tests.graphql.graphql_stack import PLAN, Api, project_authorization
from tests.graphql.test_graphql_operations import change

pytestmark = pytest.mark.temporal

QUEUE = """query($first: Int, $after: String, $last: Int, $before: String) {
  reviewQueue(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }"""


async def _queue(api: Api, token: str, **arguments: Any) -> dict[str, Any]:
    answer = await api.call(token, QUEUE, arguments)
    assert "errors" not in answer, answer
    page: dict[str, Any] = answer["data"]["reviewQueue"]
    return page


def _ids(page: dict[str, Any]) -> list[str]:
    return [edge["node"]["id"] for edge in page["edges"]]


async def _five_in_review(seeded: Any) -> list[str]:
    engine, org = seeded.engine, seeded.tokens.provider_org
    numbers = []
    for hours in range(1, 6):
        number = await project_authorization(engine, provider=org)
        deadline = datetime.now(UTC) + timedelta(days=3, hours=hours)
        await change(engine, number, review_deadline=deadline)
        numbers.append(number)
    return numbers


async def test_deciding_a_review_does_not_shift_the_queues_next_page(api: Api, seeded: Any) -> None:
    numbers = await _five_in_review(seeded)
    token = seeded.tokens.operations
    first = await _queue(api, token, first=2)
    assert _ids(first) == numbers[:2]
    info = first["pageInfo"]
    assert info["hasNextPage"] is True and info["hasPreviousPage"] is False
    assert info["startCursor"] == first["edges"][0]["cursor"]
    assert info["endCursor"] == first["edges"][1]["cursor"]
    # The second request on the page is decided: it leaves the queue.
    await change(seeded.engine, numbers[1], status=Status.APPROVED.value)
    second = await _queue(api, token, first=2, after=info["endCursor"])
    assert _ids(second) == numbers[2:4], "an offset would have skipped the third request"
    assert second["pageInfo"]["hasPreviousPage"] is True
    assert second["pageInfo"]["hasNextPage"] is True
    last = await _queue(api, token, first=2, after=second["pageInfo"]["endCursor"])
    assert _ids(last) == numbers[4:] and last["pageInfo"]["hasNextPage"] is False


async def test_last_and_before_read_the_queue_backward_in_its_order(api: Api, seeded: Any) -> None:
    numbers = await _five_in_review(seeded)
    token = seeded.tokens.operations
    tail = await _queue(api, token, last=2)
    assert _ids(tail) == numbers[3:]
    assert tail["pageInfo"]["hasPreviousPage"] is True and tail["pageInfo"]["hasNextPage"] is False
    middle = await _queue(api, token, last=2, before=tail["pageInfo"]["startCursor"])
    assert _ids(middle) == numbers[1:3]
    assert middle["pageInfo"]["hasNextPage"] is True
    head = await _queue(api, token, last=2, before=middle["pageInfo"]["startCursor"])
    assert _ids(head) == numbers[:1] and head["pageInfo"]["hasPreviousPage"] is False


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"first": 2, "last": 2}, "not both"),
        ({"after": "not-a-cursor"}, "is not a cursor of reviewQueue"),
        ({"last": 0}, "last must be between 1 and 100"),
    ],
)
async def test_bad_paging_arguments_are_refused_in_words(
    api: Api, seeded: Any, arguments: dict[str, Any], words: str
) -> None:
    answer = await api.call(seeded.tokens.operations, QUEUE, arguments)
    assert answer["data"] is None
    (error,) = answer["errors"]
    assert words in error["message"] and error["extensions"]["code"] == "BAD_REQUEST"


async def test_a_cursor_of_one_listing_is_refused_by_another(api: Api, seeded: Any) -> None:
    await _five_in_review(seeded)
    token = seeded.tokens.operations
    cursor = (await _queue(api, token, first=1))["pageInfo"]["endCursor"]
    answer = await api.call(
        token,
        "query($after: String) { authorizations(after: $after) { nodes { id } } }",
        {"after": cursor},
    )
    (error,) = answer["errors"]
    assert "is not a cursor of authorizations" in error["message"]


WORKFLOWS = """query($after: String) { workflows(status: RUNNING, first: 1, after: $after) {
  nodes { id } pageInfo { hasNextPage hasPreviousPage endCursor } } }"""


async def test_workflows_page_through_temporal_visibility_one_at_a_time(
    api: Api, seeded: Any
) -> None:
    client = await connect(seeded.settings)
    started = []
    for _ in range(3):
        handle = await client.start_workflow(
            "Authorization",
            id=f"A-PAGE-{uuid.uuid4().hex[:12].upper()}",
            task_queue=f"nobody-{uuid.uuid4().hex[:8]}",
            search_attributes=TypedSearchAttributes([SearchAttributePair(PLAN_KEY, PLAN)]),
        )
        started.append(handle)
    token = seeded.tokens.operations
    everything: list[str] = []
    for _ in range(50):  # visibility is eventually consistent: wait until all three are listed
        answer = await api.call(
            token, "{ workflows(status: RUNNING, first: 100) { nodes { id } } }"
        )
        everything = [node["id"] for node in answer["data"]["workflows"]["nodes"]]
        if {h.id for h in started} <= set(everything):
            break
        await asyncio.sleep(0.1)
    walked: list[str] = []
    after = None
    while True:
        answer = await api.call(token, WORKFLOWS, {"after": after})
        assert "errors" not in answer, answer
        page = answer["data"]["workflows"]
        walked += [node["id"] for node in page["nodes"]]
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert walked == everything
    for handle in started:
        await handle.terminate("test over")
    backward = await api.call(token, "{ workflows(last: 1) { nodes { id } } }")
    assert "pages forward only" in backward["errors"][0]["message"]

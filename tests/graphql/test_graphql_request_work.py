"""What one request asks of the database: a query's reads share one session (one pool checkout,
one transaction), the token and the definition version in force come from the caches, and the
audit record goes to the group-committing writer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from tests.graphql.graphql_stack import ANA, Api, project_authorization

pytestmark = pytest.mark.temporal
ELIGIBILITY = f'{{ eligibility(cin: "{ANA}", support: "respite") {{ __typename }} }}'
TWO_FIELDS = (
    f'{{ member(cin: "{ANA}") {{ ... on Member {{ cin }} }} '
    f'eligibility(cin: "{ANA}", support: "respite") {{ __typename }} }}'
)


@contextmanager
def watching(api: Api) -> Iterator[dict[str, list[Any]]]:
    """Pool checkouts, transactions begun and statements (BEGIN/COMMIT/ROLLBACK aside)."""
    seen: dict[str, list[Any]] = {"checkouts": [], "transactions": [], "statements": []}
    engine = api.runtime.engine.sync_engine

    def checkout(*_: Any) -> None:
        seen["checkouts"].append(1)

    def begin(*_: Any) -> None:
        seen["transactions"].append(1)

    def statement(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb not in ("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA"):
            seen["statements"].append(re.sub(r"\s+", " ", sql))

    event.listen(engine.pool, "checkout", checkout)
    event.listen(engine, "begin", begin)
    event.listen(engine, "before_cursor_execute", statement)
    try:
        yield seen
    finally:
        event.remove(engine.pool, "checkout", checkout)
        event.remove(engine, "begin", begin)
        event.remove(engine, "before_cursor_execute", statement)


async def test_a_repeated_eligibility_check_is_two_reads_and_the_audit_insert(
    api_any: Api, seeded_any: Any
) -> None:
    token = seeded_any.tokens.provider
    await project_authorization(seeded_any.engine, provider=seeded_any.tokens.provider_org)
    first = await api_any.call(token, ELIGIBILITY)
    assert first["data"]["eligibility"]["__typename"] == "Eligibility", first
    with watching(api_any) as seen:
        again = await api_any.call(token, ELIGIBILITY)
    assert again == first
    verbs = [s.split(None, 1)[0].upper() for s in seen["statements"]]
    assert verbs == ["SELECT", "SELECT", "INSERT"], seen["statements"]
    assert "FROM members" in seen["statements"][0] and "authorizations" in seen["statements"][0]
    assert "FROM elections" in seen["statements"][1]
    # one session for the reads, one transaction of the audit writer
    assert (len(seen["checkouts"]), len(seen["transactions"])) == (2, 2)


async def test_the_fields_of_one_query_read_through_one_session(
    api_any: Api, seeded_any: Any
) -> None:
    token = seeded_any.tokens.reviewer
    await api_any.call(token, TWO_FIELDS)
    with watching(api_any) as seen:
        answer = await api_any.call(token, TWO_FIELDS)
    assert answer["data"]["member"] == {"cin": ANA}
    assert len(seen["checkouts"]) == 2  # the reads' session and the audit writer's

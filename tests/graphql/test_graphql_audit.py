"""Every read of member data and every write is audited: who, what, when, from where."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from lieu.platform.access.models import AuditEntry
from lieu.platform.db.engine import create_session_factory
from lieu.workflows.devserver import free_port
from tests.graphql.graphql_stack import ANA, Api

pytestmark = pytest.mark.temporal


async def audit_rows(engine: Any) -> list[AuditEntry]:
    async with create_session_factory(engine)() as session:
        return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


async def test_an_eligibility_check_is_audited_with_who_what_when_and_where(
    api_any: Api, seeded_any: Any
) -> None:
    query = (
        f'{{ eligibility(cin: "{ANA}", support: "respite", birthDate: "1945-03-08") '
        "{ __typename } }"
    )
    await api_any.call(seeded_any.tokens.provider, query)
    [row] = await audit_rows(seeded_any.engine)
    assert (row.role, row.plan, row.provider) == (
        "provider",
        "demo-plan",
        seeded_any.tokens.provider_org,
    )
    assert (row.action, row.target, row.outcome) == ("eligibility", f"member:demo-plan/{ANA}", "ok")
    assert (row.client_ip, row.user_agent) == ("203.0.113.7", "graphql-tests/1")
    assert row.detail == "respite: eligible" and row.at is not None


async def test_a_member_import_and_its_audit_line_commit_together(
    api_any: Api, seeded_any: Any
) -> None:
    line = '{"cin": "92000001B", "facts": {"birth_date": "1990-01-01", "county": "Kern"}}'
    answer = await api_any.call(
        seeded_any.tokens.plan_admin,
        "mutation($j: String!) { importMembers(jsonl: $j) "
        "{ __typename ... on MembersImported { created } } }",
        {"j": line},
    )
    assert answer["data"]["importMembers"] == {"__typename": "MembersImported", "created": 1}
    [row] = await audit_rows(seeded_any.engine)
    assert (row.action, row.target, row.detail) == (
        "importMembers",
        "members:demo-plan",
        "1 created, 0 updated",
    )


async def test_a_refused_role_is_audited_as_denied(api_any: Api, seeded_any: Any) -> None:
    await api_any.call(seeded_any.tokens.provider, "{ members { nodes { cin } } }")
    [row] = await audit_rows(seeded_any.engine)
    assert (row.action, row.outcome, row.detail) == ("members", "denied", "role provider")


async def test_reads_without_member_data_are_not_audited(api_any: Api, seeded_any: Any) -> None:
    await api_any.call(
        seeded_any.tokens.provider, '{ offerings(county: "sacramento") { support } }'
    )
    assert await audit_rows(seeded_any.engine) == []


async def test_operations_read_the_audit_log_of_their_plan_only(
    api_any: Api, seeded_any: Any
) -> None:
    await api_any.call(seeded_any.tokens.reviewer, f'{{ member(cin: "{ANA}") {{ __typename }} }}')
    await api_any.call(
        seeded_any.tokens.foreign_reviewer, f'{{ member(cin: "{ANA}") {{ __typename }} }}'
    )
    log = await api_any.call(
        seeded_any.tokens.operations, "{ auditLog { nodes { role action target outcome } } }"
    )
    assert log["data"]["auditLog"]["nodes"] == [
        {
            "role": "reviewer",
            "action": "member",
            "target": f"member:demo-plan/{ANA}",
            "outcome": "ok",
        }
    ]


async def test_a_read_is_answered_only_once_its_audit_record_is_committed(
    api_any: Api, seeded_any: Any
) -> None:
    writer = api_any.runtime.audit
    gate, commit = asyncio.Event(), writer._commit

    async def gated(records: Any) -> None:
        await gate.wait()
        await commit(records)

    writer._commit = gated
    query = f'{{ member(cin: "{ANA}") {{ __typename }} }}'
    asking = asyncio.create_task(api_any.call(seeded_any.tokens.reviewer, query))
    await asyncio.sleep(0.2)
    assert not asking.done() and await audit_rows(seeded_any.engine) == []
    gate.set()
    assert (await asking)["data"]["member"] == {"__typename": "Member"}
    [row] = await audit_rows(seeded_any.engine)
    assert (row.action, row.target) == ("member", f"member:demo-plan/{ANA}")


async def test_a_read_whose_audit_record_cannot_be_stored_answers_no_data(
    api_any: Api, seeded_any: Any
) -> None:
    async def broken(records: Any) -> None:
        raise RuntimeError("database password is hunter2")

    api_any.runtime.audit._commit = broken
    answer = await api_any.call(
        seeded_any.tokens.reviewer, f'{{ member(cin: "{ANA}") {{ ... on Member {{ facts }} }} }}'
    )
    assert answer["data"] is None
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "AUDIT_UNAVAILABLE"
    assert error["message"].startswith("the audit log could not be written, so nothing read is")
    assert "hunter2" not in str(answer)


@pytest.mark.long
async def test_every_answered_read_keeps_its_audit_row_when_the_server_is_killed(
    seeded: Any, tmp_path: Path
) -> None:
    # `lieu api --workers 2`, eight clients reading; then the test holds SQLite's write lock
    # (the audit writers' commits wait on it while reads go on), and SIGKILL ends the whole
    # process group in that state: whatever was answered had been audited first, and nothing
    # is answered while its record cannot be committed.
    port = free_port()
    env = {
        **os.environ,
        "LIEU_DATABASE_URL": seeded.settings.database_url,
        "LIEU_DATA_DIR": str(seeded.settings.data_dir),
        "LIEU_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",  # reads never contact it
        "LIEU_LOG_LEVEL": "warning",
        "LIEU_RATE_LIMIT_PER_MINUTE": "0",  # eight readers as fast as they can, one token
    }
    with (tmp_path / "api.log").open("wb") as log:
        server = subprocess.Popen(  # noqa: ASYNC220 (started once; the test then awaits HTTP)
            [sys.executable, "-m", "lieu", "api", "--port", str(port), "--workers", "2"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    answered: list[str] = []
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            for _ in range(300):
                try:
                    await http.get("/nothing")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.1)
            workers = _workers(server.pid)
            assert len(workers) == 2, (tmp_path / "api.log").read_text()

            async def reader(k: int) -> None:
                headers = {"Authorization": f"Bearer {seeded.tokens.reviewer}"}
                for n in range(10_000):
                    cin = f"K{k}N{n}"
                    query = f'{{ member(cin: "{cin}") {{ __typename }} }}'
                    try:
                        response = await http.post(
                            "/graphql", json={"query": query}, headers=headers
                        )
                    except httpx.TransportError:
                        return
                    if response.json()["data"]["member"]["__typename"] == "NotFound":
                        answered.append(cin)

            readers = [asyncio.create_task(reader(k)) for k in range(8)]
            for _ in range(600):
                if len(answered) >= 60:
                    break
                await asyncio.sleep(0.05)
            database = str(seeded.settings.sqlite_file)
            lock = await asyncio.to_thread(  # used from whichever worker thread runs next
                sqlite3.connect, database, 10, isolation_level=None, check_same_thread=False
            )
            try:
                await asyncio.to_thread(lock.execute, "BEGIN IMMEDIATE")
                await asyncio.sleep(0.5)  # answers whose records were committed just before
                before = len(answered)
                await asyncio.sleep(0.5)
                assert len(answered) == before  # reads wait for their records' commit
                os.killpg(server.pid, signal.SIGKILL)
                await asyncio.gather(*readers)
            finally:
                await asyncio.to_thread(lock.close)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(10)
    assert len(answered) >= 60, (tmp_path / "api.log").read_text()
    stored = {row.target for row in await audit_rows(seeded.engine)}
    assert {f"member:demo-plan/{cin}" for cin in answered} <= stored


def _workers(pid: int) -> list[int]:
    """uvicorn's worker processes under `pid` (not multiprocessing's resource tracker)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) != pid:
                continue
            if b"spawn_main" in (stat.parent / "cmdline").read_bytes():
                found.append(int(stat.parent.name))
    return found

"""No member's health information leaves the database: a whole scenario runs against real
processes (`lieu api`, `lieu worker`, the `lieu members import` CLI, a Temporal dev server),
with members seeded under distinctive CINs, birth dates and a condition; then every line the API,
the worker and the Temporal server logged, the `/metrics` output, and what Temporal stores
(workflow ids, search attributes, memo, failures, every history event with its payloads as
stored) is searched for those values. None may be found. On SQLite and on PostgreSQL.

The scenario: the CLI imports the members; a provider checks eligibility and files requests; a
reviewer decides one; operations cancel another; requests that fail on purpose (a wrong birth
date, a syntax error and a validation error with PHI written into the query, a variable of the
wrong type, an unauthenticated request carrying a CIN and a birth date, a duplicate command);
the console's authorization list (which shows CINs) is read.

The scan is checked to see: the same search finds every value in the members table, and the
stored payloads, opened with the session's key, hold the members' CINs.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from temporalio.api.common.v1 import Payload
from temporalio.api.history.v1 import History
from temporalio.client import Client

from lieu.commands.serve import migrate_database
from lieu.platform.db.engine import create_engine
from lieu.settings import Settings
from lieu.workflows.codec import ENCODING
from lieu.workflows.devserver import DevServer, free_port
from lieu.workflows.search import MEMBER_KEY
from tests.admin.console_stack import sign_in
from tests.graphql.graphql_stack import issue_tokens, member_facts, seed
from tests.payload_keys import sealed_converter
from tests.workers import stopped_at_the_end

pytestmark = pytest.mark.temporal

TODAY = datetime.now(UTC).date()
# Distinctive values (no other text in lieu, a log or Temporal holds them by chance).
MEMBERS = {
    "97531864Q": "1938-07-19",
    "97531865Q": "1941-11-27",
    "97531866Q": "1936-02-13",
}
CONDITION = "end_stage_renal_disease"

ELIGIBILITY = """query($cin: String!, $birthDate: Date!) { eligibility(cin: $cin,
  support: "respite", birthDate: $birthDate) { __typename ... on Eligibility { outcome offered }
  ... on Error { message } } }"""
REQUEST = """mutation($input: AuthorizationRequestInput!) { requestAuthorization(input: $input) {
  __typename ... on Authorization { id status } ... on Error { message } } }"""
DECIDE = """mutation($input: ReviewDecisionInput!) { decideReview(input: $input) {
  __typename ... on Authorization { id status } ... on Error { message } } }"""
CANCEL = """mutation($input: ReasonInput!) { cancelAuthorization(input: $input) {
  __typename ... on Authorization { status } ... on Error { message } } }"""


def spellings(value: str) -> list[str]:
    """How a value may be written: a birth date also as 19380719 and 07/19/1938."""
    if len(value) == 10 and value[4] == "-":
        year, month, day = value.split("-")
        return [value, f"{year}{month}{day}", f"{month}/{day}/{year}"]
    return [value]


SEEDED = [
    spelled for cin, born in MEMBERS.items() for spelled in [*spellings(cin), *spellings(born)]
] + [CONDITION]


def found_in(text: bytes, where: str) -> list[str]:
    """`where: value` for each seeded value `text` holds (as UTF-8 or UTF-16, any case)."""
    lowered = text.lower()
    return [
        f"{where}: {value}"
        for value in SEEDED
        if value.lower().encode() in lowered or value.lower().encode("utf-16-le") in lowered
    ]


def _process(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "lieu", *args],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


async def _serving(http: httpx.AsyncClient, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if (await http.get("/healthz", timeout=2.0)).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "the API never answered /healthz"
        await asyncio.sleep(0.25)


class Caller:
    """GraphQL over HTTP with a bearer token (or none)."""

    def __init__(self, http: httpx.AsyncClient, token: str | None) -> None:
        self.http = http
        self.token = token

    async def raw(self, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        answer = await self.http.post(
            "/graphql", json={"query": query, "variables": variables}, headers=headers
        )
        assert answer.status_code < 500, answer.text
        body: dict[str, Any] = answer.json()
        return body

    async def data(self, query: str, **variables: Any) -> dict[str, Any]:
        body = await self.raw(query, **variables)
        assert not body.get("errors"), body
        data: dict[str, Any] = body["data"]
        return data


def _import_file(path: Path) -> None:
    lines = []
    for cin, born in MEMBERS.items():
        facts = member_facts("ana", county="Sacramento", birth_date=born)
        facts.pop("member_id", None)
        facts["conditions"] = [*facts["conditions"], CONDITION]
        lines.append(json.dumps({"cin": cin, "facts": facts}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def _scenario(http: httpx.AsyncClient, tokens: Any) -> list[str]:
    """Everything a day brings; returns the authorization numbers."""
    provider = Caller(http, tokens.provider)
    reviewer = Caller(http, tokens.reviewer)
    operations = Caller(http, tokens.operations)
    numbers = []
    for cin, born in MEMBERS.items():
        checked = await provider.data(ELIGIBILITY, cin=cin, birthDate=born)
        assert checked["eligibility"]["offered"] is True, checked
        request = {
            "cin": cin,
            "support": "respite",
            "serviceStart": TODAY.isoformat(),
            "quantity": "40",
            "unit": "hours",
            # a careless client writes the member into its keys: they must not reach Temporal
            "idempotencyKey": f"request-{cin}-{born}",
            "birthDate": born,
        }
        made = (await provider.data(REQUEST, input=request))["requestAuthorization"]
        assert made["__typename"] == "Authorization", made
        numbers.append(made["id"])
    first, second, _third = numbers
    cin, born = next(iter(MEMBERS.items()))
    decision = {
        "authorizationId": first,
        "decision": "APPROVE",
        "reason": "meets criteria",
        "idempotencyKey": f"decide-{cin}-{born}",
    }
    decided = (await reviewer.data(DECIDE, input=decision))["decideReview"]
    assert decided["__typename"] == "Authorization", decided
    # the same decision again with another key: refused by the workflow (a failed update)
    again = await reviewer.data(DECIDE, input=decision | {"idempotencyKey": f"again-{cin}"})
    assert again["decideReview"]["__typename"] != "Authorization", again
    cancel = {"authorizationId": second, "reason": "member moved", "idempotencyKey": f"c-{cin}"}
    cancelled = (await operations.data(CANCEL, input=cancel))["cancelAuthorization"]
    assert cancelled["status"] == "CANCELLED", cancelled

    # requests that fail, with PHI in them
    stranger_org = Caller(http, tokens.other_provider)  # no referral: the birth date must match
    wrong = await stranger_org.data(ELIGIBILITY, cin=cin, birthDate="1999-01-01")
    assert wrong["eligibility"]["__typename"] != "Eligibility", wrong
    for query in (
        f'query {{ eligibility(cin: "{cin}", support: "respite", birthDate: "{born}") {{',
        f'query {{ eligibility(cin: "{cin}", support: "respite", birthDate: "{born}") '
        "{ noSuchField } }",
        f'query {{ member(cin: "{cin}", birthDate: "{born}", nonsense: 1) {{ __typename }} }}',
    ):
        refused = await provider.raw(query)
        assert refused.get("errors"), refused
    mistyped = await provider.raw(
        'query($cin: String!, $when: Int!) { eligibility(cin: $cin, support: "respite", '
        "birthDate: $when) { __typename } }",
        cin=cin,
        when=born,
    )
    assert mistyped.get("errors"), mistyped
    anonymous = await Caller(http, None).raw(
        f'{{ eligibility(cin: "{cin}", support: "respite", birthDate: "{born}") {{ __typename }} }}'
    )
    assert anonymous.get("errors"), anonymous
    stranger = await Caller(http, "lieu_not_a_token").raw(ELIGIBILITY, cin=cin, birthDate=born)
    assert stranger.get("errors"), stranger

    # the console's list of authorizations, which shows CINs
    console = httpx.AsyncClient(base_url=str(http.base_url))
    async with console:
        signed_in = await sign_in(console, tokens.operations)
        assert signed_in.status_code in (302, 303), signed_in.text[:300]
        page = await console.get("/admin/authorizations")
        assert page.status_code == 200 and cin in page.text  # the page shows it, logs do not
    return numbers


async def _stored_by_temporal(address: str) -> tuple[dict[str, bytes], list[Payload]]:
    """What Temporal holds, as stored (no codec): per workflow its visibility record, its
    description and its history, serialized; and every payload of every history."""
    raw = await Client.connect(address)  # the default converter: nothing is decoded here
    stored: dict[str, bytes] = {}
    payloads: list[Payload] = []
    async for listed in raw.list_workflows():
        handle = raw.get_workflow_handle(listed.id, run_id=listed.run_id)
        described = await handle.describe()
        history = await handle.fetch_history()
        events = History(events=history.events)
        stored[f"visibility {listed.id}"] = listed.raw_info.SerializeToString()
        stored[f"description {listed.id}"] = described.raw_description.SerializeToString()
        if described.typed_search_attributes.get(MEMBER_KEY):  # what finds a member: scanned too
            stored[f"member key {listed.id}"] = b""
        stored[f"history {listed.id}"] = events.SerializeToString()
        stored[f"history {listed.id} (json)"] = history.to_json().encode()
        payloads += list(_payloads_of(events))
    return stored, payloads


PATCH_MARKER = "core_patch"  # the SDK's record of `workflow.patched` (a patch id, not data)


def _payloads_of(message: Any) -> Iterable[Payload]:
    """Every Payload lieu's converter made inside a protobuf message (not search attributes,
    which the server indexes, nor the SDK's patch markers)."""
    if isinstance(message, Payload):
        yield message
        return
    if getattr(message, "marker_name", None) == PATCH_MARKER:
        return
    for field, value in message.ListFields():
        # search attributes are the server's to index, never encoded (and lieu's hold no PHI)
        if field.message_type is None or field.name == "search_attributes":
            continue
        if field.is_repeated:
            if field.message_type.GetOptions().map_entry:
                values = list(value.values())
                if values and not hasattr(values[0], "ListFields"):
                    continue
            else:
                values = list(value)
            for item in values:
                yield from _payloads_of(item)
        else:
            yield from _payloads_of(value)


@pytest.mark.long
async def test_no_seeded_phi_value_is_found_outside_the_database(
    tmp_path: Path, database_url: str
) -> None:
    server = DevServer(port=free_port(), ui_port=None, log_file=tmp_path / "temporal.log")
    server.start()
    env = {
        **os.environ,
        "LIEU_DATA_DIR": str(tmp_path / "lieu"),
        "LIEU_DATABASE_URL": database_url,
        "LIEU_TEMPORAL_ADDRESS": server.address,
        "LIEU_TASK_QUEUE": f"phi-{uuid.uuid4().hex[:8]}",
        "LIEU_LOG_LEVEL": "debug",  # the most a process writes
    }
    settings = Settings.from_env(env)
    port = free_port()
    logs = {
        "api": tmp_path / "api.log",
        "worker": tmp_path / "worker.log",
        "import": tmp_path / "import.log",
    }
    engine = create_engine(settings.database_url)
    try:
        await migrate_database(settings)
        await seed(settings)
        tokens = await issue_tokens(engine)
        members = tmp_path / "members.jsonl"
        _import_file(members)
        command = [sys.executable, "-m", "lieu", "members", "import", str(members)]
        imported = await asyncio.to_thread(
            subprocess.run,
            [*command, "--plan", "demo-plan"],
            env=env | {"LIEU_LOG_FORMAT": "json"},
            capture_output=True,
            timeout=120,
            check=False,
        )
        logs["import"].write_bytes(imported.stderr)
        assert imported.returncode == 0, imported.stderr.decode()[-2000:]

        worker_env = env | {"LIEU_LOG_FORMAT": "json"}
        with (
            stopped_at_the_end(_process(["worker"], worker_env, logs["worker"])),
            stopped_at_the_end(_process(["api", "--port", str(port)], env, logs["api"])),
        ):
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60.0) as http:
                await _serving(http)
                numbers = await _scenario(http, tokens)
                metrics = (await http.get("/metrics")).content
        stored, payloads = await _stored_by_temporal(server.address)
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT cin, facts FROM members"))).all()
        held = repr([tuple(row) for row in rows]).encode()
    finally:
        await engine.dispose()
        server.stop()

    written = {name: path.read_bytes() for name, path in logs.items()}
    written["temporal server"] = (tmp_path / "temporal.log").read_bytes()
    leaks = [
        leak
        for name, text in [*written.items(), ("/metrics", metrics), *stored.items()]
        for leak in found_in(text, name)
    ]
    assert leaks == []

    # the search does see: the database holds the values, the processes did log, Temporal
    # holds every authorization, and its payloads, sealed, open to the members' facts
    assert len(found_in(held, "db")) == 2 * len(MEMBERS) + 1  # each CIN, birth date; the condition
    assert b"graphql_request_refused" in written["api"] and b"worker started" in written["worker"]
    assert {f"history {n}" for n in numbers} <= set(stored)
    assert {f"member key {n}" for n in numbers} <= set(stored)  # each carries LieuMemberKey
    sealed = [p for p in payloads if p.metadata.get("encoding") == ENCODING]
    assert sealed and len(sealed) == len(payloads), "a payload is stored unsealed"
    codec = sealed_converter().payload_codec
    assert codec is not None
    opened = b"".join(p.SerializeToString() for p in await codec.decode(sealed))
    assert all(cin.encode() in opened for cin in MEMBERS)

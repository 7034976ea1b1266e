"""Scale-out, as docker-compose.yml runs it: two `lieu api` and two `lieu worker` processes
against one PostgreSQL database and one Temporal server, on loopback. Mixed traffic goes to both
APIs through GraphQL (eligibility checks, requests, decisions, acceptances, service reports,
cancellations, balances); one API and one worker are killed (SIGKILL) mid-run; clients send
again, to the API left, with the same idempotency keys. Then every request is accounted for:
one workflow and one row per authorization (none lost, none twice), each in the state its
commands lead to, and the ledger holding and counting exactly what was decided and reported."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from temporalio.api.enums.v1 import TaskQueueType
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client

from lieu.commands.serve import migrate_database
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.limits.models import EntryKind, LimitEntry
from lieu.platform.members.service import upsert_member
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer, port_is_open
from tests.graphql.graphql_stack import Tokens, issue_tokens, member_facts, seed
from tests.payload_keys import sealed_converter
from tests.workers import WorkerEnv, kill, spawn_worker, stopped_at_the_end

pytestmark = [pytest.mark.temporal, pytest.mark.postgres]

AUTHORIZATIONS = 24  # six of each story below
BIRTH_DATE = "1945-03-08"  # Ana's: each member here is an Ana with her own CIN
PORTS = range(18800, 18900)
TODAY = datetime.now(UTC).date()
RETRY_FOR = 75.0  # seconds a client keeps sending one command (a killed worker's activity
# comes back after its 30 s start-to-close timeout)

ELIGIBILITY = """query($cin: String!) { eligibility(cin: $cin, support: "respite",
  birthDate: "1945-03-08") { __typename ... on Eligibility { outcome offered }
  ... on Error { message } } }"""
REQUEST = """mutation($input: AuthorizationRequestInput!) { requestAuthorization(input: $input) {
  __typename ... on Authorization { id status } ... on Conflict { code }
  ... on Error { message } } }"""
DECIDE = """mutation($input: ReviewDecisionInput!) { decideReview(input: $input) {
  __typename ... on Authorization { id status quantityApproved } ... on Error { message } } }"""
RESPOND = """mutation($input: ReferralResponseInput!) { respondToReferral(input: $input) {
  __typename ... on Authorization { status } ... on Error { message } } }"""
REPORT = """mutation($input: ServiceReportInput!) { reportService(input: $input) {
  __typename ... on ServiceReportResult { accepted used } ... on Error { message } } }"""
CANCEL = """mutation($input: ReasonInput!) { cancelAuthorization(input: $input) {
  __typename ... on Authorization { status } ... on Error { message } } }"""
STATUS = """query($id: ID!) { authorization(id: $id) { __typename ... on Authorization {
  status quantityReserved quantityUsed } ... on Error { message } } }"""
BALANCES = """query($cin: String!) { balances(cin: $cin, support: "respite") { __typename
  ... on Balances { limits { limitId held consumed } } ... on Error { message } } }"""


@dataclass(frozen=True)
class Story:
    """What one member's authorization goes through, and where it must end."""

    name: str
    status: str  # the GraphQL enum
    held: Decimal
    consumed: Decimal


APPROVED_AND_REPORTED = Story(
    "approved, accepted, 10 hours reported", "ACTIVE", Decimal(30), Decimal(10)
)
DENIED = Story("denied", "DENIED", Decimal(0), Decimal(0))
CANCELLED = Story("cancelled in review", "CANCELLED", Decimal(0), Decimal(0))
MODIFIED = Story("modified to 20 hours, accepted", "ACTIVE", Decimal(20), Decimal(0))
STORIES = [APPROVED_AND_REPORTED, DENIED, CANCELLED, MODIFIED]


def _free_ports(count: int, among: range = PORTS) -> list[int]:
    found = [port for port in among if not port_is_open("127.0.0.1", port)][:count]
    assert len(found) == count, f"fewer than {count} free ports in {among}"
    return found


async def _started_api(
    http: httpx.AsyncClient, env: dict[str, str], log: Path, among: range
) -> tuple[subprocess.Popen[bytes], str]:
    """`lieu api` serving on a free port of `among`: a port found free can be taken before the
    API binds it (another session's process), so an API that exits at once is started again on
    the next free port."""
    for _ in range(5):
        (port,) = _free_ports(1, among)
        process = _api(env, port, log)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if await _up(http, base):
                return process, base
            await asyncio.sleep(0.25)
        if process.poll() is None:
            kill(process)
            raise AssertionError(f"{base} never answered /healthz")
        among = range(port + 1, among.stop)
    raise AssertionError(f"no `lieu api` stayed up on a port of {among} (see {log})")


def _api(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    """`lieu api --port PORT`, in its own process group (to be killed with it)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "lieu", "api", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


class Clients:
    """GraphQL over HTTP to whichever API answers: a command that gets no answer (connection
    refused or cut, a 5xx, an unexpected error) is sent again, the same, to the next API."""

    def __init__(self, bases: list[str], tokens: Tokens) -> None:
        self.bases = bases
        self.alive = list(bases)
        self.tokens = tokens
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(40.0, connect=2.0))
        self.resent: list[str] = []  # why each command was sent again

    async def __call__(self, who: str, query: str, first: int, **variables: Any) -> dict[str, Any]:
        token = getattr(self.tokens, who)
        deadline = time.monotonic() + RETRY_FOR
        turn = first
        while True:
            base = self.alive[turn % len(self.alive)]
            try:
                answer = await self.http.post(
                    f"{base}/graphql",
                    json={"query": query, "variables": variables},
                    headers={"Authorization": f"Bearer {token}"},
                )
                why = f"HTTP {answer.status_code}"
                if answer.status_code < 500:
                    body: dict[str, Any] = answer.json()
                    if not body.get("errors"):
                        data: dict[str, Any] = body["data"]
                        return data
                    why = str(body["errors"])[:200]
            except httpx.TransportError as cut:
                why = repr(cut)
                if len(self.alive) > 1 and not await _up(self.http, base) and base in self.alive:
                    self.alive.remove(base)
            assert time.monotonic() < deadline, f"no answer to {query.split('(')[0]}: {why}"
            self.resent.append(why)
            turn += 1
            await asyncio.sleep(0.3)


async def _up(http: httpx.AsyncClient, base: str) -> bool:
    try:
        return (await http.get(f"{base}/healthz", timeout=2.0)).status_code == 200
    except httpx.TransportError:
        return False


async def _identified(call: Clients, field: str, query: str, first: int, **variables: Any) -> Any:
    """The provider's answer once its birth-date check was not refused as busy (retried after
    the moment it says; a lock, or anything else, is answered as it is)."""
    deadline = time.monotonic() + RETRY_FOR
    while True:
        data = await call("provider", query, first, **variables)
        answer = data[field]
        busy = answer.get("code") == "identity_busy" or (
            answer["__typename"] == "IdentityLocked" and "nothing is locked" in answer["message"]
        )
        if not busy or time.monotonic() > deadline:
            return data
        await asyncio.sleep(0.5)


async def _story(
    call: Clients, i: int, cin: str, story: Story, requested: asyncio.Event, numbers: list[str]
) -> str:
    """One member's authorization through both APIs (alternating by step)."""
    # 24 members checked at once by one token (its limit: 20 birth dates that may miss): the
    # checks past 20 are refused for a moment, nothing locked, and sent again, as a client would
    offered = await _identified(call, "eligibility", ELIGIBILITY, i, cin=cin)
    assert offered["eligibility"].get("offered") is True, offered
    request = {
        "cin": cin,
        "support": "respite",
        "serviceStart": TODAY.isoformat(),
        "quantity": "40",
        "unit": "hours",
        "idempotencyKey": f"request-{cin}",
        "birthDate": BIRTH_DATE,
    }
    made = (await _identified(call, "requestAuthorization", REQUEST, i, input=request))[
        "requestAuthorization"
    ]
    assert made["__typename"] == "Authorization", made
    number: str = made["id"]
    numbers.append(number)
    if len(numbers) >= AUTHORIZATIONS // 2:
        requested.set()
    command = {"authorizationId": number}
    if story is CANCELLED:
        key = {"idempotencyKey": f"cancel-{cin}", "reason": "member moved"}
        cancelled = await call("operations", CANCEL, i + 1, input=command | key)
        assert cancelled["cancelAuthorization"]["status"] == "CANCELLED", cancelled
        return number
    decision = {
        DENIED: {"decision": "DENY", "reason": "not needed"},
        MODIFIED: {"decision": "MODIFY", "reason": "20 hours", "quantity": "20"},
        APPROVED_AND_REPORTED: {"decision": "APPROVE", "reason": "meets criteria"},
    }[story]
    decided = await call(
        "reviewer", DECIDE, i + 1, input=command | decision | {"idempotencyKey": f"decide-{cin}"}
    )
    assert decided["decideReview"]["__typename"] == "Authorization", decided
    if story is DENIED:
        return number
    accept = {"idempotencyKey": f"accept-{cin}", "accept": True}
    accepted = await call("provider", RESPOND, i, input=command | accept)
    assert accepted["respondToReferral"]["status"] == "ACTIVE", accepted
    if story is APPROVED_AND_REPORTED:
        line = {
            "idempotencyKey": f"report-{cin}",
            "reportId": f"visit-{cin}",
            "start": TODAY.isoformat(),
            "end": TODAY.isoformat(),
            "quantity": "10",
            "code": "S5151",
            "modifiers": ["U6"],
            "units": "1",
            "amount": "180.00",
            "renderingNpi": "1234567893",
        }
        reported = (await call("provider", REPORT, i + 1, input=command | line))["reportService"]
        assert reported == {"__typename": "ServiceReportResult", "accepted": True, "used": "10"}
    return number


async def _polled_by(temporal: Client, queue: str, workers: int, seconds: float = 90.0) -> None:
    """Wait until `workers` distinct workers poll `queue` for workflow and for activity tasks:
    traffic sent before then measures how fast a loaded machine starts Python processes."""
    deadline = time.monotonic() + seconds
    kinds = (TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW, TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY)
    while True:
        counts = []
        for kind in kinds:
            described = await temporal.workflow_service.describe_task_queue(
                DescribeTaskQueueRequest(
                    namespace=temporal.namespace,
                    task_queue=TaskQueue(name=queue),
                    task_queue_type=kind,
                )
            )
            counts.append(len({poller.identity for poller in described.pollers}))
        if min(counts) >= workers:
            return
        assert time.monotonic() < deadline, f"{counts} workers poll {queue}, not {workers}"
        await asyncio.sleep(0.25)


async def _until(event: asyncio.Event, tasks: list[asyncio.Task[str]], seconds: float) -> None:
    """Wait for `event`; a story that fails first raises its own error here, at once (not a
    timeout a minute later that hides it)."""
    waiting = asyncio.create_task(event.wait())
    try:
        pending: set[asyncio.Future[Any]] = {waiting, *tasks}
        deadline = time.monotonic() + seconds
        while not event.is_set():
            left = deadline - time.monotonic()
            assert left > 0, f"{sum(t.done() for t in tasks)} stories done in {seconds:.0f} s"
            done, pending = await asyncio.wait(
                pending, timeout=left, return_when=asyncio.FIRST_COMPLETED
            )
            for finished in done:
                if finished is not waiting:
                    finished.result()  # a story's failure, raised
    finally:
        waiting.cancel()


def _tails(logs: list[Path], lines: int = 15) -> str:
    """The last lines of each process's log, for a failure's message."""
    told = []
    for log in logs:
        text = log.read_text(errors="replace").splitlines() if log.exists() else []
        told.append(f"--- {log.name}\n" + "\n".join(text[-lines:]))
    return "\n".join(told)


async def _listed(temporal: Client, seconds: float = 15.0) -> list[str]:
    """The ids of the Authorization workflows Temporal holds (its visibility lags a little)."""
    deadline = time.monotonic() + seconds
    while True:
        query = "WorkflowType = 'Authorization'"
        listed = sorted([w.id async for w in temporal.list_workflows(query)])
        if len(listed) >= AUTHORIZATIONS or time.monotonic() > deadline:
            return listed
        await asyncio.sleep(0.3)


@pytest.mark.long
async def test_two_apis_and_two_workers_lose_and_repeat_nothing_when_one_of_each_dies(
    postgres_url: str, tmp_path: Path
) -> None:
    (temporal_port,) = _free_ports(1, range(18800, 18850))
    server = DevServer(port=temporal_port, ui_port=None, log_file=tmp_path / "temporal.log")
    server.start()
    queue = f"scale-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "LIEU_DATABASE_URL": postgres_url,
        "LIEU_TEMPORAL_ADDRESS": server.address,
        "LIEU_TASK_QUEUE": queue,
        "LIEU_DATA_DIR": str(tmp_path / "lieu"),
        "LIEU_LOG_LEVEL": "warning",
    }
    settings = Settings.from_env(env)
    engine = create_engine(postgres_url)
    workers: list[subprocess.Popen[bytes]] = []
    running: list[asyncio.Task[str]] = []
    call: Clients | None = None
    logs: list[Path] = [tmp_path / "temporal.log"]
    try:
        await migrate_database(settings)
        await seed(settings)  # the definitions published, demo-plan's elections
        cins = [f"{93000000 + i:08d}A" for i in range(AUTHORIZATIONS)]
        async with create_session_factory(for_writes(engine)).begin() as session:
            for cin in cins:
                facts = member_facts("ana", county="Sacramento")
                await upsert_member(session=session, plan="demo-plan", cin=cin, facts=facts)
        tokens = await issue_tokens(engine)
        worker_env = WorkerEnv(postgres_url, server.address, queue)
        logs += [tmp_path / f"worker-{n}.log" for n in range(2)]
        workers = [spawn_worker(worker_env, log) for log in logs[:2]]
        temporal = await Client.connect(server.address, data_converter=sealed_converter())
        await _polled_by(temporal, queue, workers=2)
        with contextlib.ExitStack() as apis:
            async with httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=2.0)) as probe:
                logs.append(tmp_path / "api-0.log")
                first, base_0 = await _started_api(probe, env, logs[-1], range(18850, 18875))
                doomed = apis.enter_context(stopped_at_the_end(first, 20))
                logs.append(tmp_path / "api-1.log")
                second, base_1 = await _started_api(probe, env, logs[-1], range(18875, 18900))
                apis.enter_context(stopped_at_the_end(second, 20))
            bases = [base_0, base_1]
            call = Clients(bases, tokens)
            requested = asyncio.Event()
            numbers: list[str] = []
            stories = [STORIES[i % len(STORIES)] for i in range(AUTHORIZATIONS)]
            running = [
                asyncio.create_task(_story(call, i, cin, stories[i], requested, numbers))
                for i, cin in enumerate(cins)
            ]
            await _until(requested, running, 90)
            kill(doomed)  # mid-run: half the requests are in, commands are in flight
            kill(workers[0])
            finished = await asyncio.wait_for(asyncio.gather(*running), 120)
            # the clients did meet the dead API (cut off, or refused), and went on without it
            assert call.resent and call.alive == bases[1:], call.resent
            assert sorted(finished) == sorted(numbers) and len(set(finished)) == AUTHORIZATIONS

            # every authorization once in Temporal and once in the database, where it belongs
            assert await _listed(temporal) == sorted(finished)
            async with create_session_factory(engine)() as session:
                rows = await session.scalar(select(func.count()).select_from(AuthorizationRecord))
                consumes = await session.scalar(
                    select(func.count()).where(LimitEntry.kind == EntryKind.CONSUME)
                )
            assert rows == AUTHORIZATIONS
            assert consumes == AUTHORIZATIONS // len(STORIES)  # one per reported visit
            for i, (cin, number) in enumerate(zip(cins, finished, strict=True)):
                story = stories[i]
                found = (await call("reviewer", STATUS, i, id=number))["authorization"]
                assert found["status"] == story.status, (story.name, found)
                limits = (await call("reviewer", BALANCES, i, cin=cin))["balances"]["limits"]
                assert [(Decimal(x["held"]), Decimal(x["consumed"])) for x in limits] == [
                    (story.held, story.consumed)
                ], (story.name, limits)
    except BaseException as failed:
        failed.add_note(_tails(logs))
        raise
    finally:
        # nothing outlives the test: a story left running, or an unclosed client, would be
        # reported (as unraisable) in whichever test the collector next runs in
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        if call is not None:
            await call.http.aclose()
        for process in workers:
            if process.poll() is None:
                kill(process)
        await engine.dispose()
        server.stop()

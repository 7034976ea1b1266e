"""The console over a real database, served under uvicorn: definitions published, projected
authorizations, tokens; and for whole-stack tests a worker and real requests on Temporal."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from starlette.routing import Route
from temporalio.client import Client, WorkflowHandle
from temporalio.worker import Worker

from lieu.admin.access import ACTIONS
from lieu.admin.routes import routes
from lieu.admin.session import COOKIE, CSRF_FIELD
from lieu.platform.access.roles import Role
from lieu.platform.access.tokens import issue_token
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.db.engine import create_session_factory, for_writes
from lieu.settings import Settings, member_key_secret
from lieu.workflows import registry
from lieu.workflows.authorizations.service import NewRequest, request_authorization
from lieu.workflows.authorizations.types import AuthorizationState
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
from lieu.workflows.devserver import DevServer
from tests.payload_keys import sealed_converter
from tests.serving import serve
from tests.workflows.authorizations import PLAN, cin, enroll, prepare_database, settle


async def token(
    engine: AsyncEngine,
    role: Role,
    provider: str | None = None,
    label: str = "desk",
    *,
    approver: bool = False,
) -> str:
    """A fresh token of `role` for the demo plan (`approver`: a plan_admin who may approve a
    colleague's definition draft)."""
    async with create_session_factory(for_writes(engine)).begin() as session:
        issued = await issue_token(
            session=session,
            role=role,
            plan=PLAN,
            provider=provider,
            label=label,
            actor="test",
            approver=approver,
        )
    return issued.secret


CSRF_INPUT = re.compile(r'<input type="hidden" name="csrf" value="([^"]*)">')


def csrf_of(page: str) -> str:
    """The CSRF token a rendered console page's forms carry."""
    found = CSRF_INPUT.search(page)
    assert found is not None and found.group(1), "the page has no form carrying a CSRF token"
    return found.group(1)


REVIEW_STEPS = ("approve", "return", "withdraw")


def post_paths(number: str) -> list[str]:
    """Every POST route of the console, read from its router, path parameters filled in."""
    paths = []
    for route in routes():
        if isinstance(route, Route) and "POST" in (route.methods or set()):
            path = (
                route.path.replace("{number}", number)
                .replace("{support}", "respite")
                .replace("{batch}", "B-1")
                .replace("{id}", "1")
                .replace("{workflow_id}", number)
            )
            if "{step}" in path:
                paths += ["/admin" + path.replace("{step}", step) for step in REVIEW_STEPS]
                continue
            actions = ACTIONS if "{action}" in path else ("",)
            paths += ["/admin" + path.replace("{action}", action) for action in actions]
    return paths


async def sign_in(http: httpx.AsyncClient, secret: str) -> httpx.Response:
    """Sign in through the form, as a person does (the session cookie lands in `http`)."""
    form = await http.get("/admin/login")
    return await http.post(
        "/admin/login", data={"token": secret, "next": "/admin/", CSRF_FIELD: csrf_of(form.text)}
    )


class ConsoleClient(httpx.AsyncClient):
    """A browser's part in the console, once signed in: it sends forms with the CSRF token its
    pages carry (as the browser sends a rendered form)."""

    csrf = ""

    async def submit(self, url: str, fields: dict[str, str]) -> httpx.Response:
        """POST a console form with the session's CSRF token."""
        return await self.post(url, data={**fields, CSRF_FIELD: self.csrf})


@dataclass(frozen=True)
class Step:
    """One timeline entry to project."""

    at: datetime
    kind: str
    actor: str
    text: str


@dataclass
class Console:
    """The served console and the database behind it."""

    base: str
    engine: AsyncEngine
    settings: Settings

    async def signed_in(
        self, role: Role, *, label: str = "desk", approver: bool = False
    ) -> ConsoleClient:
        """An HTTP client signed in (through the form) with a fresh token of `role` for the
        demo plan."""
        secret = await token(self.engine, role, label=label, approver=approver)
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as browser:
            answer = await sign_in(browser, secret)
            assert answer.status_code == 303, answer.text
            assert browser.cookies.get(COOKIE), "signing in set no session cookie"
            csrf = csrf_of((await browser.get("/admin/")).text)
            cookies = browser.cookies
        client = ConsoleClient(base_url=self.base, cookies=cookies, timeout=30)
        client.csrf = csrf
        return client

    async def project(
        self,
        *,
        county: str = "los-angeles",
        status: str = "pending_review",
        steps: Sequence[Step] = (),
        held: Decimal = Decimal(24),
        content_hash: str = "0" * 64,
        support: str = "respite",
        member: str = "91000001A",
        provider: str = "org-a",
        review_deadline: datetime | None = datetime(2026, 12, 9, 17, 30, 5, tzinfo=UTC),
        service_end: date | None = None,
        created_at: datetime | None = None,
        phase: str = "",
        problem: str = "",
    ) -> str:
        """An authorization as its workflow would have projected it; returns its number."""
        number = f"A-{uuid.uuid4().hex[:10].upper()}"
        async with create_session_factory(for_writes(self.engine)).begin() as session:
            session.add(
                AuthorizationRecord(
                    id=number,
                    seq=len(steps),
                    plan=PLAN,
                    support=support,
                    definition_plan="dhcs",
                    definition_version=1,
                    content_hash=content_hash,
                    member_cin=member,
                    provider=provider,
                    county=county,
                    status=status,
                    urgency="standard",
                    measure="hours",
                    quantity_requested=Decimal(24),
                    quantity_reserved=held,
                    service_start=date(2026, 12, 1),
                    service_end=service_end,
                    review_deadline=review_deadline,
                    requested_by="provider:demo-plan/org-a:intake",
                    phase=phase,
                    problem=problem,
                    **({"created_at": created_at} if created_at else {}),
                )
            )
            await session.flush()
            for seq, step in enumerate(steps, start=1):
                session.add(
                    AuthorizationEvent(
                        authorization_id=number,
                        seq=seq,
                        at=step.at,
                        kind=step.kind,
                        actor=step.actor,
                        text=step.text,
                        data={},
                    )
                )
        return number


@dataclass
class LiveConsole(Console):
    """The console with a worker running lieu's workflows: requests are real."""

    client: Client
    sessions: async_sessionmaker[AsyncSession]

    async def pending_review(
        self, hours: int = 24
    ) -> WorkflowHandle[AuthorizationWorkflow, AuthorizationState]:
        """A provider's respite request for a new member, once it waits for review."""
        member = cin()
        await enroll(self.engine, member, "ana", county="Los Angeles")
        handle = await request_authorization(
            self.client,
            self.sessions,
            NewRequest(
                PLAN,
                member,
                "respite",
                "org-a",
                "provider:demo-plan/org-a:intake",
                datetime.now(UTC).date(),
                Decimal(hours),
                uuid.uuid4().hex,
                unit="hours",
            ),
            task_queue=self.settings.task_queue,
            member_key_secret=member_key_secret(self.settings),
        )
        await settle(handle, lambda s: s.review_deadline is not None, seconds=60)
        return handle


@asynccontextmanager
async def projected_console(
    settings: Settings, engine: AsyncEngine, dev_server: DevServer
) -> AsyncIterator[Console]:
    """The console served over `engine`, migrated, with the shipped definitions published
    (Temporal is the shared dev server; no worker: pages read projected authorizations)."""
    ready = settings.with_(temporal_address=dev_server.address)
    await prepare_database(engine)
    async with serve(ready) as base:
        yield Console(base=base, engine=engine, settings=ready)


@asynccontextmanager
async def live_console(
    settings: Settings, engine: AsyncEngine, dev_server: DevServer
) -> AsyncIterator[LiveConsole]:
    """Definitions published, a worker on its own task queue, and the app served."""
    ready = settings.with_(
        temporal_address=dev_server.address, task_queue=f"console-{uuid.uuid4().hex[:8]}"
    )
    sessions = await prepare_database(engine)
    client = await Client.connect(dev_server.address, data_converter=sealed_converter())
    deps = registry.dependencies(ready, engine)
    async with (
        Worker(
            client,
            task_queue=ready.task_queue,
            workflows=list(registry.workflows()),
            activities=list(registry.activities(deps)),
        ),
        serve(ready) as base,
    ):
        yield LiveConsole(
            base=base, engine=engine, settings=ready, client=client, sessions=sessions
        )

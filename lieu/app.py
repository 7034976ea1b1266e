"""The ASGI application: /graphql, /documents, /notices, /admin, /provider, /codec, /healthz and
/metrics over one runtime."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute

from lieu.admin.guard import ConsoleGuard
from lieu.admin.provider.routes import routes as provider_routes
from lieu.admin.routes import routes as admin_routes
from lieu.codec_server import CodecEndpoint
from lieu.graphql.documents.download import download_document
from lieu.graphql.documents.types import DOWNLOAD_PATH
from lieu.graphql.explorer.page import ASSETS_URL, explorer_assets
from lieu.graphql.http import LieuGraphQL
from lieu.graphql.notices.download import routes as notice_routes
from lieu.graphql.outages import AnswerOutages
from lieu.graphql.schema import build_schema
from lieu.health import check_all
from lieu.metrics import HttpMetrics, MetricsMiddleware, operations_metrics
from lieu.platform.reports.operations import operations_figures
from lieu.runtime import Runtime
from lieu.settings import Settings


async def healthz(request: Request) -> Response:
    """200 when the database and Temporal answer; 503 naming each part that does not."""
    runtime: Runtime = request.app.state.runtime
    checks = await check_all(runtime.engine, runtime.temporal, runtime.settings.temporal_address)
    failing = [check.name for check in checks if not check.ok]
    body = {
        "status": "ok" if not failing else "unavailable",
        "failing": failing,
        "checks": {check.name: check.detail for check in checks},
    }
    return JSONResponse(body, status_code=503 if failing else 200)


def create_app(settings: Settings | None = None, *, freeze_heap: bool = False) -> Starlette:
    """Build the app; the runtime (engine, Temporal client) opens in the lifespan, not here.

    `freeze_heap`: the process serves lieu and nothing else (`lieu api`, `serving_process`), so
    once the runtime is open everything built so far is collected once and frozen, for the
    process's life. An app built inside another process (a host ASGI server, the tests) leaves
    that process's collector alone: a full collection of a large host heap at each app's startup
    is the host's cost (in the test suite's workers, 15% of py-spy's samples)."""
    resolved = settings if settings is not None else Settings.from_env()
    registry = CollectorRegistry()
    http_metrics = HttpMetrics(registry)

    async def metrics(request: Request) -> Response:
        runtime: Runtime = request.app.state.runtime
        now = datetime.now(UTC)
        try:
            async with runtime.sessions() as session:
                figures = await operations_figures(session, now=now, today=now.date())
        except (SQLAlchemyError, OSError):
            figures = None  # the HTTP figures still answer; lieu_operations_figures_up is 0
        body = generate_latest(registry) + operations_metrics(figures)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        runtime = await Runtime.open(resolved)
        app.state.runtime = runtime
        # Everything built so far (the schema, the mappers, the modules: ~190,000 objects) lives
        # as long as the process: out of the collector's sight, a full collection no longer
        # walks it (one took ~70 ms, the single-client p99 of a 2 ms request).
        if freeze_heap:
            gc.collect()
            gc.freeze()
        try:
            yield
        finally:
            if freeze_heap:
                gc.unfreeze()
            await runtime.close()

    graphql = LieuGraphQL(build_schema())
    return Starlette(
        routes=[
            Route("/", lambda _r: RedirectResponse("/admin/")),
            Route("/graphql", AnswerOutages(graphql), methods=["GET", "POST"]),
            WebSocketRoute("/graphql", graphql),
            Mount(ASSETS_URL, explorer_assets(), name="graphql-explorer"),
            Route(DOWNLOAD_PATH, download_document, methods=["GET"]),
            *notice_routes(),
            Mount(
                "/admin",
                routes=admin_routes(),
                name="admin",
                middleware=[Middleware(ConsoleGuard)],
            ),
            Mount(
                "/provider",
                routes=provider_routes(),
                name="provider",
                middleware=[
                    Middleware(
                        ConsoleGuard,
                        largest_upload=resolved.document_max_bytes,
                        refusal="provider/forbidden.html",
                    )
                ],
            ),
            *CodecEndpoint().routes(),
            Route("/healthz", healthz),
            Route("/metrics", metrics),
        ],
        middleware=[Middleware(MetricsMiddleware, metrics=http_metrics)],
        lifespan=lifespan,
    )


def serving_process() -> Starlette:
    """The app of a process that serves lieu alone, from the environment's settings: `lieu
    api`'s uvicorn factory (each of its `--workers` processes calls it)."""
    return create_app(freeze_heap=True)

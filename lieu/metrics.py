"""Prometheus metrics for the HTTP app: a registry per app, a pure-ASGI middleware to fill it."""

from __future__ import annotations

import time

from prometheus_client import CollectorRegistry, Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HttpMetrics:
    """Request count and latency by route template and status."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.requests = Counter(
            "lieu_http_requests",
            "HTTP requests served",
            ["route", "method", "status"],
            registry=registry,
        )
        self.latency = Histogram(
            "lieu_http_request_seconds",
            "HTTP request latency",
            ["route", "method"],
            registry=registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )


class MetricsMiddleware:
    """Counts and times every HTTP request (the route is the first path segment, bounded)."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = _route(scope["path"])
        method = scope["method"]
        status = 500
        started = time.perf_counter()

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_record)
        finally:
            self.metrics.requests.labels(route, method, str(status)).inc()
            self.metrics.latency.labels(route, method).observe(time.perf_counter() - started)


KNOWN_ROUTES = frozenset({"graphql", "admin", "codec", "healthz", "metrics", "static"})


def _route(path: str) -> str:
    first = path.strip("/").split("/", 1)[0]
    # Unknown paths share one label so scanners cannot blow up the series count.
    return f"/{first}" if first in KNOWN_ROUTES else ("/" if not first else "other")

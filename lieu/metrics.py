"""Prometheus metrics for the HTTP app: a registry per app, a pure-ASGI middleware to fill it."""

from __future__ import annotations

import time
from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from lieu.platform.reports.operations import OperationsFigures


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


KNOWN_ROUTES = frozenset({"graphql", "admin", "provider", "codec", "healthz", "metrics", "static"})


def _route(path: str) -> str:
    first = path.strip("/").split("/", 1)[0]
    # Unknown paths share one label so scanners cannot blow up the series count.
    return f"/{first}" if first in KNOWN_ROUTES else ("/" if not first else "other")


class OperationsCollector(Collector):
    """The operations figures of one scrape as Prometheus gauges (None: they could not be read,
    and `lieu_operations_figures_up` says so)."""

    def __init__(self, figures: OperationsFigures | None) -> None:
        self.figures = figures

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "lieu_operations_figures_up", "1 when the operations figures below could be read"
        )
        up.add_metric([], 0 if self.figures is None else 1)
        yield up
        if self.figures is None:
            return
        figures = self.figures
        statuses = GaugeMetricFamily(
            "lieu_authorizations", "Authorizations by status", labels=["plan", "support", "status"]
        )
        for (plan, support, status), count in sorted(figures.by_status.items()):
            statuses.add_metric([plan, support, status], count)
        yield statuses
        for name, text, counts in (
            (
                "lieu_reviews_overdue",
                "Authorizations under review past their review deadline",
                figures.overdue_reviews,
            ),
            (
                "lieu_authorizations_ending_soon",
                "Authorizations in service whose period ends within 30 days",
                figures.ending_soon,
            ),
            (
                "lieu_authorizations_with_problem",
                "Authorizations whose workflow stopped on a problem (retryWorkflow runs it again)",
                figures.with_problem,
            ),
            (
                "lieu_deemed_denials",
                "Authorizations deemed denied because no decision came by the deadline",
                figures.deemed_denials,
            ),
        ):
            family = GaugeMetricFamily(name, text, labels=["plan", "support"])
            for (plan, support), count in sorted(counts.items()):
                family.add_metric([plan, support], count)
            yield family
        for outcome, text in (
            ("pending", "Webhook deliveries not yet answered 2xx (being retried, or waiting)"),
            ("failed", "Webhook deliveries given up after every retry (or the webhook removed)"),
        ):
            family = GaugeMetricFamily(f"lieu_webhook_deliveries_{outcome}", text, labels=["plan"])
            for (plan, which), count in sorted(figures.webhook_deliveries.items()):
                if which == outcome:
                    family.add_metric([plan], count)
            yield family


def operations_metrics(figures: OperationsFigures | None) -> bytes:
    """The Prometheus text of one scrape's operations figures."""
    registry = CollectorRegistry()
    registry.register(OperationsCollector(figures))
    return generate_latest(registry)

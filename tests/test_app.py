"""The ASGI app: GraphQL, the console, health (naming the failing part) and metrics."""

from __future__ import annotations

import asyncio
import gc

import httpx
import pytest

from lieu.app import serving_process
from lieu.commands.serve import migrate_database
from lieu.settings import Settings
from lieu.workflows.devserver import DevServer, free_port
from tests import payload_keys
from tests.serving import serve, serve_app

pytestmark = pytest.mark.temporal


@pytest.fixture
async def migrated(settings: Settings, temporal_dev_server: DevServer) -> Settings:
    ready = settings.with_(temporal_address=temporal_dev_server.address)
    await migrate_database(ready)
    return ready


async def test_healthz_is_200_when_database_and_temporal_answer(migrated: Settings) -> None:
    async with serve(migrated) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        response = await http.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "failing": [],
        "checks": {"database": "ok", "temporal": "ok"},
    }


async def test_what_the_app_built_at_startup_is_kept_out_of_the_collectors_sight(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a full collection walking the schema and mappers stalled a request by ~70 ms
    monkeypatch.setenv("LIEU_DATA_DIR", str(migrated.data_dir))
    monkeypatch.setenv("LIEU_DATABASE_URL", migrated.database_url)
    monkeypatch.setenv("LIEU_TEMPORAL_ADDRESS", migrated.temporal_address)
    monkeypatch.setenv("LIEU_PAYLOAD_KEYS", payload_keys.session_keys())
    assert gc.get_freeze_count() == 0
    async with serve_app(serving_process()):  # as `lieu api` serves it
        assert gc.get_freeze_count() > 50_000
    assert gc.get_freeze_count() == 0


async def test_an_app_inside_another_process_leaves_its_collector_alone(
    migrated: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda *_: asked.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: asked.append("freeze"))
    async with serve(migrated) as base, httpx.AsyncClient(base_url=base) as http:
        assert (await http.get("/healthz")).status_code == 200
    assert asked == []


async def test_healthz_names_temporal_while_it_is_down_and_recovers_without_restart(
    settings: Settings,
) -> None:
    server = DevServer(port=free_port(), ui_port=None).start()
    ready = settings.with_(temporal_address=server.address)
    await migrate_database(ready)
    try:
        async with serve(ready) as base, httpx.AsyncClient(base_url=base, timeout=10) as http:
            assert (await http.get("/healthz")).status_code == 200
            server.stop()
            down = await http.get("/healthz")
            assert down.status_code == 503
            assert down.json()["failing"] == ["temporal"]
            assert f"unreachable at {server.address}" in down.json()["checks"]["temporal"]
            server.start()
            for _ in range(50):
                again = await http.get("/healthz")
                if again.status_code == 200:
                    break
                await asyncio.sleep(0.2)
            assert again.status_code == 200, again.json()
    finally:
        server.stop()


async def test_healthz_names_the_database_when_it_is_unreachable(
    settings: Settings, temporal_dev_server: DevServer
) -> None:
    broken = settings.with_(
        database_url=f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere",
        temporal_address=temporal_dev_server.address,
    )
    async with serve(broken) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        response = await http.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["database"]


async def test_graphql_answers_the_service_version_and_graphiql_is_served(
    migrated: Settings,
) -> None:
    async with serve(migrated) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        answer = await http.post(
            "/graphql", json={"query": "{ service { name version } supports { plan code } }"}
        )
        ide = await http.get("/graphql", headers={"Accept": "text/html"})
    assert answer.status_code == 200
    assert answer.json()["data"]["service"]["name"] == "lieu"
    assert isinstance(answer.json()["data"]["supports"], list)
    assert ide.status_code == 200
    assert "graphiql" in ide.text.lower()


async def test_admin_overview_shows_health_and_definitions(migrated: Settings) -> None:
    async with serve(migrated) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        page = await http.get("/admin/")
        css = await http.get("/admin/static/console.css")
    assert page.status_code == 200
    assert "<h1>Overview</h1>" in page.text
    assert 'data-check="temporal"' in page.text
    assert css.status_code == 200


async def test_metrics_are_prometheus_text_and_count_requests(migrated: Settings) -> None:
    async with serve(migrated) as base, httpx.AsyncClient(base_url=base, timeout=30) as http:
        await http.get("/healthz")
        await http.get("/no/such/page")
        metrics = await http.get("/metrics")
    assert metrics.status_code == 200
    assert metrics.headers["content-type"].startswith("text/plain")
    assert 'lieu_http_requests_total{method="GET",route="/healthz",status="200"}' in metrics.text
    assert 'route="other",status="404"' in metrics.text
    # the operations figures, read from the database at each scrape
    assert "lieu_operations_figures_up 1.0" in metrics.text
    assert "# TYPE lieu_reviews_overdue gauge" in metrics.text

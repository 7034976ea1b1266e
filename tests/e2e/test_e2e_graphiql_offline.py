"""GraphiQL works on a machine without internet: with every request that is not to loopback
aborted, /graphql loads in Chromium, takes a bearer token in its Headers tab and runs a query."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, Route, async_playwright

from lieu.settings import Settings
from lieu.workflows.devserver import DevServer
from tests.e2e.test_e2e_console_browser import ARGS, CHROMIUM
from tests.graphql.graphql_stack import Seeded, seeded_stack
from tests.serving import serve

pytestmark = [pytest.mark.browser, pytest.mark.temporal]
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
HEADERS = '.graphiql-editor-tool[aria-label="Headers"] .graphiql-editor:not(.hidden)'
QUERY = ".graphiql-query-editor .CodeMirror"


@pytest.fixture
async def chromium() -> AsyncIterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.skip("Debian's chromium is not installed (make system-deps installs it)")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield launched
        finally:
            await launched.close()


def set_editor(selector: str, text: str) -> str:
    """Script replacing the text of the GraphiQL (CodeMirror 5) editor at `selector`."""
    return f"document.querySelector({selector!r}).CodeMirror.setValue({text!r})"


@pytest.fixture
async def stack(settings: Settings, temporal_dev_server: DevServer) -> AsyncIterator[Seeded]:
    ready = settings.with_(
        temporal_address=temporal_dev_server.address, task_queue=f"gql-{uuid.uuid4().hex[:8]}"
    )
    async for seeded in seeded_stack(ready):
        yield seeded


async def test_graphiql_runs_a_query_with_a_bearer_token_and_the_network_cut_off(
    chromium: Browser, stack: Seeded, tmp_path: Path
) -> None:
    requested: list[str] = []
    refused: list[str] = []

    async def loopback_only(route: Route) -> None:
        url = route.request.url
        requested.append(url)
        if urlsplit(url).hostname in LOOPBACK or url.startswith("data:"):
            await route.continue_()
        else:
            refused.append(url)
            await route.abort("internetdisconnected")

    async with serve(stack.settings) as base:
        page = await chromium.new_page()
        await page.route("**/*", loopback_only)
        await page.goto(f"{base}/graphql")
        # The Headers tab is open from the start (where the README says to put the token).
        await page.locator(HEADERS).wait_for(timeout=15_000)
        token = f'{{"Authorization": "Bearer {stack.tokens.operations}"}}'
        await page.evaluate(set_editor(f"{HEADERS} .CodeMirror", token))
        await page.evaluate(set_editor(QUERY, "{ me { role plan } }"))
        await page.locator(".graphiql-execute-button").click()
        result = page.locator(".graphiql-response")
        await result.get_by_text('"operations"').wait_for(timeout=15_000)
        text = await result.inner_text()
        assert '"role": "OPERATIONS"' in text and '"plan": "demo-plan"' in text, text
        await page.screenshot(path=str(tmp_path / "graphiql.png"))
        await page.close()

    assert refused == [], "GraphiQL asked for something beyond loopback"
    assert any(url.endswith("/graphql/explorer/graphiql.min.js") for url in requested)

"""/graphql in a browser is GraphiQL served from lieu's own files (no CDN), with the headers
editor open; without its built assets it says how to build them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from lieu.graphql.explorer.page import ASSETS, ASSETS_URL
from tests.graphql.graphql_stack import Api

pytestmark = pytest.mark.temporal
BROWSER = {"Accept": "text/html,application/xhtml+xml"}


async def test_the_explorer_page_loads_every_asset_from_lieu_itself(api: Api, seeded: Any) -> None:
    page = await api.http.get("/graphql", headers=BROWSER)
    assert page.status_code == 200
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sorted(urls) == sorted([*(f"{ASSETS_URL}/{name}" for name in ASSETS), "data:,"])
    assert "unpkg" not in page.text and "jsdelivr" not in page.text
    assert 'defaultEditorToolsVisibility: "headers"' in page.text
    types = {"js": "text/javascript", "css": "text/css"}
    for name in ASSETS:
        asset = await api.http.get(f"{ASSETS_URL}/{name}")
        assert asset.status_code == 200, name
        assert asset.headers["content-type"].startswith(types[name.rsplit(".", 1)[1]]), name
        assert len(asset.content) > 5_000, name


async def test_without_built_assets_the_page_says_how_to_build_them(
    api: Api, seeded: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lieu.graphql.explorer.page.STATIC", tmp_path / "static")
    page = await api.http.get("/graphql", headers=BROWSER)
    assert page.status_code == 503
    assert "The GraphQL explorer is not built" in page.text
    assert "make install" in page.text
    assert "graphiql.min.js" in page.text, "it names what is missing"
    query = await api.http.post("/graphql", json={"query": "{ service { name } }"})
    assert query.status_code == 200, "the API itself works without the explorer"

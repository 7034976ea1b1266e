"""The GraphiQL page and its assets, served from the package (built by `make install`).

The assets (React 18, ReactDOM and GraphiQL 3 browser builds, pinned in package-lock.json) are
copied from npm into `static/` at install time and shipped in the wheel; nothing is fetched from
a CDN, so the explorer works on a machine without internet. Without them, /graphql says how to
build them instead of showing a blank page.
"""

from __future__ import annotations

from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
ASSETS_URL = "/graphql/explorer"
ASSETS = (
    "react.production.min.js",
    "react-dom.production.min.js",
    "graphiql.min.js",
    "graphiql.min.css",
)
BUILD = "make install (or: npm ci && npm run build, in the repository; Node 20 and npm needed)"


def missing_assets() -> list[str]:
    """The explorer's files that are not built (empty when it can be served)."""
    return [name for name in ASSETS if not (STATIC / name).is_file()]


def explorer_page() -> HTMLResponse:
    """GraphiQL with the headers editor open, or a page saying how to build its assets."""
    missing = missing_assets()
    if missing:
        text = (HERE / "missing.html").read_text(encoding="utf-8")
        page = text.replace("{missing}", ", ".join(missing)).replace("{build}", BUILD)
        return HTMLResponse(page, status_code=503)
    page = (HERE / "graphiql.html").read_text(encoding="utf-8")
    return HTMLResponse(page.replace("{assets}", ASSETS_URL))


def explorer_assets() -> StaticFiles:
    """The ASGI app serving `static/` (mounted at ASSETS_URL; 404s until the assets are built)."""
    return StaticFiles(directory=STATIC, check_dir=False)

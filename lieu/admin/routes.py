"""The operations console: server-rendered pages under /admin."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from lieu.health import check_all
from lieu.platform.catalog import published_supports
from lieu.runtime import Runtime

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")


async def overview(request: Request) -> Response:
    """The landing page: health of each dependency and the supports loaded, per plan."""
    runtime: Runtime = request.app.state.runtime
    checks = await check_all(runtime.engine, runtime.temporal, runtime.settings.temporal_address)
    supports = []
    if checks[0].ok:
        async with runtime.sessions() as session:
            supports = await published_supports(session=session)
    plans = sorted({entry.plan for entry in supports})
    return templates.TemplateResponse(
        request,
        "overview.html",
        {
            "checks": checks,
            "supports": supports,
            "plans": plans,
            "version": version("lieu"),
            "settings": runtime.settings,
        },
        status_code=200,
    )


def routes() -> list[Route | Mount]:
    """The console's routes, to mount at /admin."""
    return [
        Route("/", overview, name="admin-overview"),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="admin-static"),
    ]

"""Rendering console pages: one template environment and the values every page shows."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from lieu.platform.access.roles import Principal

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=HERE / "templates")


def page(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    principal: Principal | None = None,
    status_code: int = 200,
) -> Response:
    """Render a console page with the common header values."""
    return templates.TemplateResponse(
        request,
        template,
        {
            "version": version("lieu"),
            "principal": principal,
            "flash": request.query_params.get("flash", ""),
            **context,
        },
        status_code=status_code,
    )

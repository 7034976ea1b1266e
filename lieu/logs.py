"""Structured logging (structlog), configured once by each entry point."""

from __future__ import annotations

import importlib.util
import logging
import sys

import structlog

from lieu.settings import Settings


def _tracebacks(colors: bool) -> structlog.typing.ExceptionRenderer:
    """Tracebacks without each frame's local variables: those hold bearer tokens, member facts
    and request bodies, which have no place in a log (and rendering them took ~0.1 s a frame)."""
    if importlib.util.find_spec("rich") is None:
        return structlog.dev.plain_traceback
    return structlog.dev.RichTracebackFormatter(
        color_system="truecolor" if colors else None, show_locals=False
    )


def configure(settings: Settings) -> None:
    """Route stdlib and structlog records through one renderer: console for people, or JSON."""
    level = getattr(logging, settings.log_level.upper())
    colors = sys.stderr.isatty()
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if settings.log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=colors, exception_formatter=_tracebacks(colors))
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(level),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(foreign_pre_chain=shared, processor=renderer)
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # Temporal's core and uvicorn's access log are chatty at INFO.
    logging.getLogger("temporalio").setLevel(max(level, logging.WARNING))
    logging.getLogger("uvicorn.access").setLevel(max(level, logging.WARNING))

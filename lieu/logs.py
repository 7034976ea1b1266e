"""Structured logging (structlog), configured once by each entry point.

No log line holds health information. Tracebacks show where (file, line, function, the code)
and what kind of exception, never its message or any frame's locals: messages are written for
the caller and quote what the caller sent (a CIN, a birth date, a database error's key values),
locals hold bearer tokens, member facts and request bodies. Only operating-system errors
(connection refused, a file missing) and exceptions marked `PlainMessage` keep their message.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, ExcInfo, WrappedLogger

from lieu.settings import Settings

CARRIERS = (
    "aiosqlite",
    "asyncpg",
    "sqlalchemy.engine",
    "sqlalchemy.pool",
    "httpx",
    "httpcore",
    "botocore",
    "boto3",
    "s3transfer",
    "urllib3",
    "multipart",
    "python_multipart",
)


class PlainMessage(Exception):
    """Mark for an exception whose message lieu writes without member data (it names ids,
    keys, settings), so a log may show it."""


SAYS_ITS_MESSAGE = (OSError, TimeoutError, PlainMessage)  # hosts, ports, files; lieu's own
HEADING = "Traceback (most recent call last; messages and locals are not logged):"


def render_exception(error: BaseException) -> str:
    """The chain of `error` (causes first, as Python prints it): frames and exception types."""
    chain: list[tuple[BaseException, str]] = []
    seen: set[int] = set()
    current: BaseException | None = error
    link = ""
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append((current, link))
        if current.__cause__ is not None:
            current, link = current.__cause__, "direct cause"
        elif current.__context__ is not None and not current.__suppress_context__:
            current, link = current.__context__, "context"
        else:
            current = None
    lines: list[str] = []
    for position, (exception, link) in enumerate(reversed(chain)):
        if position:
            lines.append("")
        lines.append(HEADING)
        for frame in traceback.extract_tb(exception.__traceback__):
            lines.append(f'  File "{frame.filename}", line {frame.lineno}, in {frame.name}')
            if frame.line:
                lines.append(f"    {frame.line.strip()}")
        kind = type(exception)
        name = f"{kind.__module__}.{kind.__qualname__}".removeprefix("builtins.")
        said = f": {exception}" if isinstance(exception, SAYS_ITS_MESSAGE) else ""
        lines.append(f"{name}{said}")
        if link:
            lines.append(
                "\nThe above exception was the direct cause of the following exception:"
                if link == "direct cause"
                else "\nDuring handling of the above exception, another exception occurred:"
            )
    return "\n".join(lines)


def without_messages(_logger: WrappedLogger, _name: str, event_dict: EventDict) -> EventDict:
    """Render `exc_info` as `render_exception` does, into `exception` (both renderers show it)."""
    exc_info = event_dict.pop("exc_info", None)
    error = _exception_of(exc_info)
    if error is not None:
        event_dict["exception"] = render_exception(error)
    event_dict.pop("stack_info", None)  # frames say enough
    record = event_dict.get("_record")
    if isinstance(record, logging.LogRecord):  # a stdlib record: its formatter adds neither
        record.exc_info, record.exc_text, record.stack_info = None, None, None
    return event_dict


def _exception_of(exc_info: Any) -> BaseException | None:
    if isinstance(exc_info, BaseException):
        return exc_info
    if (
        isinstance(exc_info, tuple)
        and len(exc_info) == 3
        and isinstance(exc_info[1], BaseException)
    ):
        return exc_info[1]
    if exc_info is True:
        error = sys.exc_info()[1]
        return error
    return None


def _plain(_sio: TextIO, _exc_info: ExcInfo) -> None:
    """Never reached: `without_messages` has taken `exc_info` before the renderer runs."""


def configure(settings: Settings) -> None:
    """Route stdlib and structlog records through one renderer: console for people, or JSON."""
    level = getattr(logging, settings.log_level.upper())
    colors = sys.stderr.isatty()
    renderer: structlog.types.Processor = (
        structlog.processors.JSONRenderer()
        if settings.log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=colors, exception_formatter=_plain)
    )
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        without_messages,
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
    # These log what they carry at DEBUG (every SQL statement with its parameters, request URLs
    # and bodies, form fields): member facts. Even LIEU_LOG_LEVEL=debug hears only warnings.
    for name in CARRIERS:
        logging.getLogger(name).setLevel(max(level, logging.WARNING))

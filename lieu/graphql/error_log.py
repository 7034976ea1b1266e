"""How GraphQL errors are logged: what went wrong and where in the schema, never what was sent.

Strawberry's default logs every error with `str(error)`, which quotes the offending lines of the
query: the CINs and birth dates written into it, for anyone who sends one, signed in or not.
Here a client's error (syntax, validation, a refusal lieu raised on purpose) is one INFO line
with its code and the schema field; an unexpected one is an ERROR with the exception's traceback
(rendered by `lieu.logs`: frames and exception types, no message, no locals). Neither carries the
query, its variables, the error's message or the response path (aliases are the client's words).
"""

from __future__ import annotations

import contextlib
from typing import Any

import strawberry
import structlog
from graphql import FieldNode, GraphQLError
from strawberry.types import ExecutionContext

log = structlog.get_logger("lieu.graphql")


def error_fields(error: GraphQLError, context: ExecutionContext | None) -> dict[str, Any]:
    """What may be logged of one error: its code, the schema fields it is about, the operation's
    type."""
    fields = sorted({node.name.value for node in error.nodes or () if isinstance(node, FieldNode)})
    code = (error.extensions or {}).get("code")
    described: dict[str, Any] = {"code": code if isinstance(code, str) else "GRAPHQL_ERROR"}
    if fields:
        described["fields"] = fields
    if context is not None:
        # not parsed (a syntax error), or no operation of that name: no type to say
        with contextlib.suppress(RuntimeError):
            described["operation"] = context.operation_type.value
    return described


def log_errors(errors: list[GraphQLError], context: ExecutionContext | None) -> None:
    """One line per error: INFO for the client's, ERROR (with its traceback) for lieu's."""
    for error in errors:
        original = error.original_error
        if original is None or isinstance(original, GraphQLError):
            log.info("graphql_request_refused", **error_fields(error, context))
        else:
            log.error("graphql_unexpected_error", **error_fields(error, context), exc_info=original)


class LieuSchema(strawberry.Schema):
    """Strawberry's schema, logging errors as `log_errors` does."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        log_errors(errors, execution_context)

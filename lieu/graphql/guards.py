"""Limits that reject abusive queries before anything runs, and the masking of unexpected errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.query_depth_limiter import IgnoreContext

from lieu.graphql.errors import should_mask

MAX_DEPTH = 8
MAX_TOKENS = 2_000
MAX_ALIASES = 15
MAX_BODY_BYTES = 8 * 1024 * 1024  # member imports travel as one variable
CACHED_QUERIES = 256
MASKED = "Unexpected error; it has been logged. Try again or contact support."


def _introspection(context: IgnoreContext) -> bool:
    # GraphiQL's introspection query nests `ofType` deeply; it reads only the schema.
    return context.field_name.startswith("__")


def guards() -> list[Callable[[], SchemaExtension]]:
    """Depth, token and alias limits, then error masking (factories: one per operation).
    Parsing and validation results are cached by query text (clients repeat their queries)."""
    return [
        partial(ParserCache, maxsize=CACHED_QUERIES),
        partial(ValidationCache, maxsize=CACHED_QUERIES),
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH, should_ignore=_introspection),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        partial(MaskErrors, should_mask_error=should_mask, error_message=MASKED),
    ]

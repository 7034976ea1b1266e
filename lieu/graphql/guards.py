"""Limits that reject abusive queries and unsafe text before anything runs, and the masking of
unexpected errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from graphql import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from lieu.graphql.anonymous_guard import AnonymousGuard
from lieu.graphql.budget import OperationBudget
from lieu.graphql.errors import should_mask
from lieu.graphql.number_guard import RefuseLongNumbers
from lieu.graphql.text_guard import RefuseUnsafeText

MAX_DEPTH = 8
MAX_TOKENS = 2_000
MAX_ALIASES = 15
# A JSON body, counted as it arrives (chunked uploads too). Member and prior-use imports larger
# than this go through the CLI (`lieu members import`, `lieu limits import-prior-use`).
MAX_BODY_BYTES = 1024 * 1024
MULTIPART_OVERHEAD_BYTES = 64 * 1024  # an upload's `operations`, `map` and part headers
MAX_JSON_DEPTH = 64  # a request body's objects and arrays (definition documents nest ~10 deep)
MAX_NUMBER_DIGITS = 100  # digits of one JSON number in a request body
CACHED_QUERIES = 256
MASKED = "Unexpected error; it has been logged. Try again or contact support."


def limit_rules() -> list[type[ASTValidationRule]]:
    """The depth and alias limits as validation rules, built once per schema.

    Strawberry's limiter extensions build new rule classes each time one is constructed, and
    the rules are part of the validation cache's key: built per operation, the cache never hit
    and every request was validated again (a third of a simple query's CPU)."""
    # Introspection (`__schema`, whose `ofType` nests deeply) is not counted by default. No
    # `should_ignore`: with one, the limiter converts every argument literal first, and `int()`
    # of a 5,001-digit literal raises (an unexpected error instead of a refusal).
    depth = QueryDepthLimiter(max_depth=MAX_DEPTH)
    aliases = MaxAliasesLimiter(max_alias_count=MAX_ALIASES)
    return [*depth.validation_rules, *aliases.validation_rules]


def guards() -> list[Callable[[], SchemaExtension]]:
    """Depth, token and alias limits, no NUL or unpaired surrogate in any string, the cost
    budget and the allowance of expensive operations, then error masking (factories: one per
    operation, sharing the rules built once).
    Parsing and validation results are cached by query text (clients repeat their queries)."""
    return [
        partial(ParserCache, maxsize=CACHED_QUERIES),
        partial(ValidationCache, maxsize=CACHED_QUERIES),
        partial(AddValidationRules, limit_rules()),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        RefuseUnsafeText,  # after ValidationCache, which sets the validation errors first
        RefuseLongNumbers,  # likewise: replaces the int conversion failures it explains
        AnonymousGuard,  # without a token: no introspection, no "Did you mean" suggestions
        OperationBudget,  # cost and expensive-operation limits, once the document is valid
        partial(MaskErrors, should_mask_error=should_mask, error_message=MASKED),
    ]

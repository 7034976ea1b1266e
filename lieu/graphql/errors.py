"""Expected failures as typed results in the schema; unexpected ones are masked.

Every error type implements `Error { message }`, so a client can always select
`... on Error { message }`. Bad input that is not about one object (a bad cursor, a page too
large) and authentication or role failures are GraphQL errors with a `code` extension.
"""

from __future__ import annotations

from decimal import Decimal

import strawberry
from graphql import GraphQLError

from lieu.platform.definitions.problems import Problem as DefinitionProblem
from lieu.platform.definitions.problems import Severity

strawberry.enum(
    Severity,
    name="ProblemSeverity",
    description="ERROR blocks (a definition is not published with one); WARNING is for a "
    "person to review.",
)


@strawberry.interface(description="An expected failure, said in words a user can act on.")
class Error:
    message: str


@strawberry.type(description="One problem with the input: where (JSON pointer), what, and why.")
class Problem:
    pointer: str = strawberry.field(description="JSON pointer into the input, '' for the whole.")
    code: str
    message: str
    severity: Severity = Severity.ERROR

    @classmethod
    def of(cls, problem: DefinitionProblem) -> Problem:
        return cls(
            pointer=problem.pointer,
            code=problem.code,
            message=problem.message,
            severity=problem.severity,
        )


@strawberry.type(description="The input is invalid; every problem is listed.")
class ValidationErrors(Error):
    problems: list[Problem]

    @classmethod
    def one(cls, pointer: str, code: str, message: str) -> ValidationErrors:
        return cls(message=message, problems=[Problem(pointer=pointer, code=code, message=message)])


@strawberry.type(description="No such object, or none the caller may see (not told apart).")
class NotFound(Error):
    what: str
    id: str


@strawberry.type(description="The caller's role or scope does not allow this.")
class NotAllowed(Error):
    pass


@strawberry.type(description="A limit does not leave enough; `remaining` is what is left.")
class LimitExceeded(Error):
    limit_id: str | None
    measure: str
    requested: Decimal
    remaining: Decimal


@strawberry.type(description="The object is not in a state that allows this (code says which).")
class Conflict(Error):
    code: str


class ClientError(GraphQLError):
    """A request-level error the client caused (never masked); `code` goes in extensions."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message, extensions={"code": code})


def should_mask(error: GraphQLError) -> bool:
    """Mask what came from an unexpected exception; keep syntax, validation, limit, permission
    and other deliberate client errors."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)

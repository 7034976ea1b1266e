"""Without a token the schema is not described: introspection (`__schema`, `__type`) is refused,
and validation errors say what is wrong without "Did you mean …?" suggestions that would list
the schema's fields one guess at a time (issue #15 finding 14). With any valid token both work
as usual (GraphiQL sends its token with every request, its introspection included)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from graphql import FieldNode, GraphQLError, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from lieu.graphql.context import Context

CODE = "UNAUTHENTICATED"
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


class _Introspection(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[FieldNode] = []

    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.name.value in ("__schema", "__type"):
            self.found.append(node)


class AnonymousGuard(SchemaExtension):
    """For a request without a principal: introspection refused, suggestions dropped."""

    def on_validate(self) -> Iterator[None]:
        # Before the yield, as RefuseLongNumbers: the validation cache (earlier in the list)
        # has set the errors, and the answer is built before the hooks' exits run.
        self._guard()
        yield

    def _guard(self) -> None:
        execution = self.execution_context
        context = execution.context
        if not isinstance(context, Context) or context.principal is not None:
            return
        errors = [_without_suggestion(error) for error in execution.pre_execution_errors or []]
        document = execution.graphql_document
        if document is not None:
            visitor = _Introspection()
            visit(document, visitor)
            if visitor.found:
                errors.append(
                    GraphQLError(
                        "introspection needs a token: send `Authorization: Bearer <token>` "
                        "(GraphiQL at /graphql takes it in its headers panel)",
                        nodes=visitor.found,
                        extensions={"code": CODE},
                    )
                )
        if errors:
            execution.pre_execution_errors = errors


def _without_suggestion(error: GraphQLError) -> GraphQLError:
    if "Did you mean" not in error.message:
        return error
    return GraphQLError(
        SUGGESTION.sub("", error.message),
        nodes=error.nodes,
        original_error=error.original_error,
        extensions=error.extensions,
    )

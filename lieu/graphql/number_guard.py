"""Refuse a number literal of absurd length in a query (an argument, a variable's default)
with an error that says so.

Python will not convert a string of more than 4,300 digits to an int; graphql-core's Int
checks a literal by converting it, so a 5,001-digit `first:` failed validation with that
ValueError inside, which error masking turned into "Unexpected error". This runs after
validation (the validation cache validates first) and, when a literal is too long, answers
one clear error per literal in place of the conversion failures."""

from __future__ import annotations

from collections.abc import Iterator

from graphql import FloatValueNode, GraphQLError, IntValueNode, Node, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

MAX_LITERAL_DIGITS = 100  # as for a number in a request body (lieu.graphql.guards)
CODE = "BAD_REQUEST"


class _LongNumbers(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[Node, int]] = []

    def enter_int_value(self, node: IntValueNode, *_: object) -> None:
        self._check(node, node.value)

    def enter_float_value(self, node: FloatValueNode, *_: object) -> None:
        self._check(node, node.value)

    def _check(self, node: Node, text: str) -> None:
        digits = sum(character.isdigit() for character in text)
        if digits > MAX_LITERAL_DIGITS:
            self.found.append((node, digits))


class RefuseLongNumbers(SchemaExtension):
    """A number literal of more than MAX_LITERAL_DIGITS digits: refused, saying where."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            visitor = _LongNumbers()
            visit(document, visitor)
            if visitor.found:
                clear: list[GraphQLError] = [
                    _refusal(node, digits) for node, digits in visitor.found
                ]
                # The conversion failures these cause are left out: they would be masked.
                others = [
                    error
                    for error in context.pre_execution_errors or []
                    if error.original_error is None
                    or isinstance(error.original_error, GraphQLError)
                ]
                context.pre_execution_errors = [*clear, *others]
        yield


def _refusal(node: Node, digits: int) -> GraphQLError:
    return GraphQLError(
        f"a number in the query has {digits:,} digits; numbers may have at most "
        f"{MAX_LITERAL_DIGITS} (an Int is at most 2147483647; send a large decimal as a string "
        'variable, e.g. "12.5")',
        nodes=[node],
        extensions={"code": CODE},
    )

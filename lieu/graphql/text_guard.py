"""Refuse NUL and unpaired surrogates in every string a request carries, before anything runs.

PostgreSQL cannot store U+0000 in text, and no database or JSON encoder stores an unpaired
surrogate (U+D800–U+DFFF) as UTF-8; let through, one wedged an authorization's projection
forever and others surfaced as raw SQL errors. One schema extension checks every argument for
every field: string literals (nested in input objects, lists and JSON literals) through a
validation rule, and variables (whatever their type, JSON scalars included, keys as well as
values) before validation ends. Each refusal names the argument path and the position.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DirectiveNode,
    FieldNode,
    GraphQLError,
    ListValueNode,
    Node,
    ObjectValueNode,
    StringValueNode,
    ValidationRule,
    ValueNode,
    VariableDefinitionNode,
)
from strawberry.extensions import SchemaExtension

from lieu.graphql.errors import ClientError

UNSAFE = re.compile("[\x00\ud800-\udfff]")
IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
MAX_REPORTED = 10  # a list of a million bad strings gets ten errors, not a million
CODE = "BAD_REQUEST"


def unsafe_character(text: str) -> str | None:
    """What is wrong with `text` (the first NUL or unpaired surrogate and where), or None."""
    found = UNSAFE.search(text)
    if found is None:
        return None
    point = ord(found.group())
    what = "a NUL character" if point == 0 else "an unpaired surrogate"
    return f"contains {what} (U+{point:04X}) at character {found.start() + 1}"


HOW_TO_FIX = "text must be valid Unicode without NUL; remove the character or encode the text"


def variable_problems(variables: Mapping[str, Any]) -> list[GraphQLError]:
    """One error per bad string (or object key) in the variables, naming its path."""
    problems: list[GraphQLError] = []
    for path, problem in _walk_json(variables):
        if len(problems) == MAX_REPORTED:
            problems.append(_more())
            break
        problems.append(ClientError(f"variable `{path}` {problem}; {HOW_TO_FIX}", CODE))
    return problems


def _walk_json(variables: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(path, problem) for each bad string, depth first, without recursion (any depth)."""
    stack: list[tuple[str, object]] = [(f"${name}", value) for name, value in variables.items()]
    stack.reverse()
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if (problem := unsafe_character(value)) is not None:
                yield path, problem
        elif isinstance(value, Mapping):
            children: list[tuple[str, object]] = []
            for key, child in value.items():
                key_text = str(key)
                if (problem := unsafe_character(key_text)) is not None:
                    yield path, f"has a key that {problem}"
                    continue
                children.append((_member(path, key_text), child))
            stack.extend(reversed(children))
        elif isinstance(value, list):
            stack.extend(reversed([(f"{path}[{i}]", item) for i, item in enumerate(value)]))


def _member(path: str, key: str) -> str:
    return f"{path}.{key}" if IDENTIFIER.fullmatch(key) else f"{path}[{json.dumps(key)}]"


class LiteralTextRule(ValidationRule):
    """Every string literal in an argument (or a variable's default) is valid text."""

    def __init__(self, context: Any) -> None:
        super().__init__(context)
        self.reported = 0

    def enter_argument(
        self, node: ArgumentNode, _key: Any, _parent: Any, _path: Any, ancestors: list[Any]
    ) -> None:
        owner = ancestors[-1] if ancestors else None  # the field or directive it belongs to
        if isinstance(owner, FieldNode):
            of = f" of field `{owner.name.value}`"
        elif isinstance(owner, DirectiveNode):
            of = f" of directive `@{owner.name.value}`"
        else:
            of = ""
        self._check(node.value, node.name.value, lambda path: f"argument `{path}`{of}")

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> None:
        if node.default_value is not None:
            name = f"${node.variable.name.value}"
            self._check(node.default_value, name, lambda path: f"the default of `{path}`")

    def _check(self, value: ValueNode, root: str, naming: Callable[[str], str]) -> None:
        for path, string, problem in _walk_literal(value, root):
            self.reported += 1
            if self.reported > MAX_REPORTED:
                if self.reported == MAX_REPORTED + 1:
                    self.report_error(_more())
                return
            message = f"{naming(path)} {problem}; {HOW_TO_FIX}"
            self.report_error(GraphQLError(message, string, extensions={"code": CODE}))


def _walk_literal(value: ValueNode, root: str) -> Iterator[tuple[str, Node, str]]:
    """(path, node, problem) for each bad string in a literal, without recursion."""
    stack: list[tuple[str, ValueNode]] = [(root, value)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, StringValueNode):
            if (problem := unsafe_character(node.value)) is not None:
                yield path, node, problem
        elif isinstance(node, ObjectValueNode):
            stack.extend(
                (f"{path}.{field.name.value}", field.value) for field in reversed(node.fields)
            )
        elif isinstance(node, ListValueNode):
            stack.extend(
                (f"{path}[{i}]", item) for i, item in reversed(list(enumerate(node.values)))
            )


def _more() -> GraphQLError:
    return ClientError(f"more text problems; only the first {MAX_REPORTED} are listed", CODE)


class RefuseUnsafeText(SchemaExtension):
    """Adds `LiteralTextRule` to validation and refuses bad text in the variables.

    Listed after `ValidationCache` (which sets the validation errors before yielding)."""

    def on_operation(self) -> Iterator[None]:
        context = self.execution_context
        context.validation_rules = (*context.validation_rules, LiteralTextRule)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        problems = variable_problems(context.variables or {})
        if problems:
            context.pre_execution_errors = [*(context.pre_execution_errors or []), *problems]
        yield

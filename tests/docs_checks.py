"""Checks of the docs' examples that need no stack: each fits the schema, shows every refusal
(`... on Error { message }`) and something of every success, and gets its token and variables
from an earlier example (tests/docs_examples.py says the convention)."""

from __future__ import annotations

from functools import cache

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    build_schema,
    get_named_type,
    is_abstract_type,
    validate,
)

from tests.docs_examples import ALWAYS_KEPT, SCHEMA_FILE, Command, Example


@cache
def schema() -> GraphQLSchema:
    """The committed schema (a test keeps it equal to the served one)."""
    return build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))


def error_types() -> frozenset[str]:
    """Every type implementing `Error`."""
    error = schema().get_type("Error")
    assert isinstance(error, GraphQLInterfaceType)
    return frozenset(t.name for t in schema().get_possible_types(error))


def problems_without_a_stack(examples: list[Example]) -> list[str]:
    """What is wrong with the examples of one doc, found without running them."""
    found: list[str] = []
    kept = set(ALWAYS_KEPT)
    for example in examples:
        if isinstance(example, Command):
            if example.keep:
                kept.add(example.keep)
            continue
        where = example.where
        found += [f"{where}: {e.message}" for e in validate(schema(), example.document)]
        found += [f"{where}: {p}" for p in unshown_answers(example.operation)]
        if example.token is not None and example.token not in kept:
            found.append(f"{where}: no earlier example keeps the token {example.token!r}")
        for name in example.variable_names:
            if name not in kept and name not in example.variables:
                found.append(f"{where}: ${name} is neither kept before nor in a json block")
        for name in set(example.variables) - set(example.variable_names):
            found.append(f"{where}: the json block gives {name!r}, which the operation lacks")
        if example.until is not None and example.operation.operation is OperationType.MUTATION:
            found.append(f"{where}: `until` re-runs a query; a mutation runs once")
        kept.update(example.variables)
        kept.update(name for name, _path in example.keep)
    return found


def unshown_answers(operation: OperationDefinitionNode) -> list[str]:
    """Selections whose answer would be `{}` for some possible type, or an error without its
    message: every union result must select `... on Error { message }` (or the error's own
    message) and something of each success."""
    root = schema().get_root_type(operation.operation)
    assert root is not None
    found: list[str] = []
    _walk(operation.selection_set, root, operation.operation.value, found)
    return found


def _walk(
    selections: SelectionSetNode, parent: GraphQLNamedType, path: str, found: list[str]
) -> None:
    if is_abstract_type(parent):
        for concrete in schema().get_possible_types(parent):
            names = _selected_for(selections, concrete, parent)
            if concrete.name in error_types() and "message" not in names:
                found.append(
                    f"{path}: a {concrete.name} answer would not show its message; "
                    "select `... on Error { message }`"
                )
            elif not names:
                found.append(f"{path}: a {concrete.name} answer would be {{}}; select its fields")
    for selection in selections.selections:
        if isinstance(selection, FieldNode) and selection.selection_set is not None:
            fields = getattr(parent, "fields", {})
            if selection.name.value in fields:
                inner = get_named_type(fields[selection.name.value].type)
                _walk(selection.selection_set, inner, f"{path}.{selection.name.value}", found)
        elif isinstance(selection, InlineFragmentNode):
            condition = (
                schema().get_type(selection.type_condition.name.value)
                if selection.type_condition
                else parent
            )
            if condition is not None and not is_abstract_type(condition):
                _walk(selection.selection_set, condition, path, found)
        elif isinstance(selection, FragmentSpreadNode):
            found.append(f"{path}: write the fragment inline (`... on Type {{ … }}`)")


def _selected_for(
    selections: SelectionSetNode, concrete: GraphQLObjectType, current: GraphQLNamedType
) -> set[str]:
    names: set[str] = set()
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            condition = (
                schema().get_type(selection.type_condition.name.value)
                if selection.type_condition
                else current
            )
            applies = condition is concrete or (
                condition is not None
                and is_abstract_type(condition)
                and schema().is_sub_type(condition, concrete)
            )
            if applies and condition is not None:
                names |= _selected_for(selection.selection_set, concrete, condition)
    return names

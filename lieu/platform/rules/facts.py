"""Static reading of a rule: which facts it reads, which operators it uses, what it compares.

Paths are the dotted ``var`` paths as written (``{"var": 1}`` reads ``"1"``). Reads inside the body
of ``map``/``filter``/``reduce``/``all``/``some``/``none`` are relative to each array item, not
facts, so they are left out; so are paths computed at run time (``{"var": {"cat": ...}}``), which
``dynamic_reads`` reports so a validator can reject them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from lieu.platform.rules.coercion import to_string
from lieu.platform.rules.operators import COMPARISONS, OPERATORS
from lieu.platform.rules.syntax import Array, Literal, Node, Operation, parse


@dataclass(frozen=True, slots=True)
class Comparison:
    """A comparison of a fact with a literal: ``{"<": [{"var": "age"}, 18]}``."""

    pointer: str
    operator: str
    path: str
    literal: object


def walk_tree(node: Node, scoped: bool = False) -> Iterator[tuple[Node, bool]]:
    """Every node with whether it runs per array item (inside an iterator's body)."""
    yield node, scoped
    if isinstance(node, Array):
        for item in node.items:
            yield from walk_tree(item, scoped)
    elif isinstance(node, Operation):
        per_item = OPERATORS[node.op].scoped
        for index, arg in enumerate(node.args):
            yield from walk_tree(arg, scoped or (per_item and index == 1))


def var_path(node: Node) -> str | None:
    """The fact path a ``var`` node reads, when it is written in the rule and not empty."""
    if not isinstance(node, Operation) or node.op != "var" or not node.args:
        return None
    path = node.args[0]
    if not isinstance(path, Literal) or path.value is None or path.value == "":
        return None
    return to_string(path.value)


def tree_reads(tree: Node) -> tuple[str, ...]:
    """The fact paths a parsed rule reads, in the order they first appear."""
    seen: dict[str, None] = {}
    for node, scoped in walk_tree(tree):
        if scoped or not isinstance(node, Operation):
            continue
        path = var_path(node)
        if path is not None:
            seen[path] = None
        elif node.op in ("missing", "missing_some"):
            names = node.args[1:] if node.op == "missing_some" else node.args
            for arg in names:
                items = arg.items if isinstance(arg, Array) else (arg,)
                for item in items:
                    if isinstance(item, Literal) and isinstance(item.value, str) and item.value:
                        seen[item.value] = None
    return tuple(seen)


def absence_reads(tree: Node) -> frozenset[str]:
    """The fact paths a parsed rule tests for absence with ``missing`` / ``missing_some``: the
    only reads through which supplying a missing fact can turn a failed criterion."""
    found: set[str] = set()
    for node, scoped in walk_tree(tree):
        if scoped or not isinstance(node, Operation) or node.op not in ("missing", "missing_some"):
            continue
        names = node.args[1:] if node.op == "missing_some" else node.args
        for arg in names:
            for item in arg.items if isinstance(arg, Array) else (arg,):
                if isinstance(item, Literal) and isinstance(item.value, str) and item.value:
                    found.add(item.value)
    return frozenset(found)


def facts_read(rule: object) -> frozenset[str]:
    """Every fact path the rule reads (static ``var`` paths and ``missing`` names)."""
    return frozenset(tree_reads(parse(rule)))


def dynamic_reads(rule: object) -> tuple[str, ...]:
    """JSON pointers of the ``var`` operations whose path is computed at run time."""
    return tuple(
        node.pointer
        for node, _ in walk_tree(parse(rule))
        if isinstance(node, Operation)
        and node.op == "var"
        and node.args
        and not isinstance(node.args[0], Literal)
    )


def operators_used(rule: object) -> frozenset[str]:
    """Every operator the rule uses."""
    return frozenset(n.op for n, _ in walk_tree(parse(rule)) if isinstance(n, Operation))


def comparisons(rule: object) -> Iterator[Comparison]:
    """Each fact-versus-literal comparison (``==`` ... ``<=`` and ``in``), outside iterators."""
    for node, scoped in walk_tree(parse(rule)):
        if scoped or not isinstance(node, Operation):
            continue
        if node.op not in COMPARISONS and node.op != "in":
            continue
        paths = [var_path(arg) for arg in node.args]
        for index, arg in enumerate(node.args):
            literal = _literal(arg)
            if literal is _NOT_LITERAL:
                continue
            for other, path in enumerate(paths):
                if path is not None and abs(other - index) == 1:
                    yield Comparison(node.pointer, node.op, path, literal)
                    break


_NOT_LITERAL = object()


def _literal(node: Node) -> object:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Array) and all(isinstance(item, Literal) for item in node.items):
        return [item.value for item in node.items if isinstance(item, Literal)]
    return _NOT_LITERAL

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


@dataclass(frozen=True, slots=True)
class Condition:
    """A test a rule makes of one fact, for machines: ``birth_date`` ``>=`` ``(18,)`` via
    ``age_at`` (the age the fact gives on the date of service), ``county`` ``in`` the values
    listed, ``enrollments`` ``contains`` ``("ccs",)``, ``housing.homeless`` ``truthy``.

    Operators: the rule's comparisons (``==`` … ``<=``, read with the fact on the left), ``in``,
    ``contains``, ``within_days`` (the values: the days), ``truthy``, ``falsy``, ``missing``
    and ``some``/``all``/``none`` (the values: those the items are compared with).
    """

    path: str
    operator: str
    values: tuple[object, ...] = ()
    via: str | None = None


_FLIPPED = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!=", "===": "==="}
_FLIPPED["!=="] = "!=="
_DERIVED = frozenset({"age_at", "days_between"})


def conditions(tree: Node) -> tuple[Condition, ...]:
    """The tests a parsed rule makes of facts, outside array bodies, in the order written."""
    found: list[Condition] = []
    _conditions(tree, found, truth=True)
    return tuple(dict.fromkeys(found))


def _subject(node: Node) -> tuple[str, str | None] | None:
    path = var_path(node)
    if path is not None:
        return path, None
    if isinstance(node, Operation) and node.op in _DERIVED:
        for arg in node.args:
            read = var_path(arg)
            if read is not None and read != "as_of":
                return read, node.op
    return None


def _values(node: Node) -> tuple[object, ...] | None:
    value = _literal(node)
    if value is _NOT_LITERAL:
        return None
    return tuple(value) if isinstance(value, list) else (value,)


_LOGICAL = frozenset({"and", "or", "if", "?:", "!", "!!"})


def _conditions(node: Node, found: list[Condition], *, truth: bool) -> None:
    """`truth`: the node's value is read as true or false (a bare fact there is a test)."""
    if isinstance(node, Array):
        for item in node.items:
            _conditions(item, found, truth=False)
        return
    if not isinstance(node, Operation):
        return
    if node.op == "var":
        path = var_path(node)
        if path is not None and truth:
            found.append(Condition(path, "truthy"))
        return
    if node.op in ("!", "!!") and (path := var_path(node.args[0])) is not None:
        found.append(Condition(path, "falsy" if node.op == "!" else "truthy"))
        return
    if _tested(node, found):
        return
    if node.op in ("missing", "missing_some"):
        for path in sorted(absence_reads(node)):
            found.append(Condition(path, "missing"))
        return
    spec = OPERATORS[node.op]
    if spec.scoped and (path := var_path(node.args[0])) is not None:
        if spec.returns_bool:
            body = [v for c in conditions(node.args[1]) for v in c.values]
            found.append(Condition(path, node.op, tuple(dict.fromkeys(body))))
        return
    for index, arg in enumerate(node.args):
        if not (spec.scoped and index >= 1):
            _conditions(arg, found, truth=node.op in _LOGICAL)


def _tested(node: Operation, found: list[Condition]) -> bool:
    """Add the condition a comparison, `in` or `within_days` makes, if it makes one."""
    args = node.args
    if node.op in COMPARISONS and len(args) == 2:
        for fact, other, op in ((args[0], args[1], node.op), (args[1], args[0], None)):
            subject, values = _subject(fact), _values(other)
            if subject is not None and values is not None:
                operator = op or _FLIPPED[node.op]
                found.append(Condition(subject[0], operator, values, subject[1]))
                return True
    elif node.op in ("<", "<=") and len(args) == 3:
        subject, low, high = _subject(args[1]), _values(args[0]), _values(args[2])
        if subject is not None and low is not None and high is not None:
            found.append(Condition(subject[0], _FLIPPED[node.op], low, subject[1]))
            found.append(Condition(subject[0], node.op, high, subject[1]))
            return True
    elif node.op == "in" and len(args) == 2:
        needle, haystack = _subject(args[0]), _values(args[1])
        if needle is not None and haystack is not None:
            found.append(Condition(needle[0], "in", haystack, needle[1]))
            return True
        held, value = var_path(args[1]), _values(args[0])
        if held is not None and value is not None:
            found.append(Condition(held, "contains", value))
            return True
    elif node.op == "within_days" and (path := var_path(args[0])) is not None:
        days = _values(args[1])
        found.append(Condition(path, "within_days", days or ()))
        return True
    return False


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

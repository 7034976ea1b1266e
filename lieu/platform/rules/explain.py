"""Explain a rule against data: each top-level clause, whether it held, and the facts it read."""

from __future__ import annotations

from collections.abc import Mapping

from lieu.platform.rules.eligibility import Criterion, compile_criteria
from lieu.platform.rules.errors import pointer_token
from lieu.platform.rules.reasons import Reason
from lieu.platform.rules.syntax import Array, Literal, Node, Operation, parse
from lieu.platform.rules.wording import NO_WORDING, Wording, label_of, listing, say


def explain(
    rule: object,
    data: Mapping[str, object],
    labels: Mapping[str, str] | None = None,
    wording: Wording = NO_WORDING,
) -> tuple[Reason, ...]:
    """One reason per clause of a top-level ``and`` (or one for the whole rule), evaluated with
    tri-state logic; ``labels`` maps a clause's JSON pointer (e.g. ``/and/0``) to its label,
    and clauses without one are described in words from the rule itself."""
    tree = parse(rule)
    if isinstance(tree, Operation) and tree.op == "and" and isinstance(rule, dict):
        raw = rule["and"]
        clauses = list(raw) if isinstance(raw, list) else [raw]
        nodes = list(tree.args)
    else:
        clauses, nodes = [rule], [tree]
    criteria = []
    for clause, node in zip(clauses, nodes, strict=True):
        pointer = node.pointer or "/"
        label = (labels or {}).get(pointer) or describe(node, wording)
        criteria.append(Criterion(pointer, label, clause))
    compiled = compile_criteria(criteria, wording)
    return compiled.assess_data(data).reasons


_SAID = {
    "==": "is", "===": "is", "!=": "is not", "!==": "is not", ">": "is more than",
    ">=": "is at least", "<": "is less than", "<=": "is at most",
}  # fmt: skip
_ARITHMETIC = frozenset({"+", "-", "*", "/", "%"})


def describe(node: Node, wording: Wording = NO_WORDING) -> str:
    """A reading of a rule in words, e.g. ``age is at least 18`` or ``county is one of Kern or
    Fresno``; facts by their labels in ``wording``."""
    if isinstance(node, Literal):
        return say(node.value)
    if isinstance(node, Array):
        return listing([describe(item, wording) for item in node.items]) or "none"
    args = [describe(arg, wording) for arg in node.args]
    if node.op == "var":
        if not node.args:
            return "the data"
        path = node.args[0]
        if not isinstance(path, Literal):
            return f"the fact named by {args[0]}"
        return label_of(str(path.value), wording) if path.value not in (None, "") else "the item"
    if node.op in _SAID and len(args) == 2:
        return f"{_group(node.args[0], args[0])} {_SAID[node.op]} {_group(node.args[1], args[1])}"
    if node.op in ("<", "<=") and len(args) == 3:
        low, high = ("more than", "less than") if node.op == "<" else ("at least", "at most")
        return f"{_group(node.args[1], args[1])} is {low} {args[0]} and {high} {args[2]}"
    if node.op == "in" and len(args) == 2:
        haystack = node.args[1]
        if isinstance(haystack, Array):
            items = [describe(item, wording) for item in haystack.items]
            return f"{_group(node.args[0], args[0])} is one of {listing(items, 'or')}"
        return f"{_group(node.args[1], args[1])} includes {_group(node.args[0], args[0])}"
    if node.op in _ARITHMETIC and len(args) == 2:
        return f"{_group(node.args[0], args[0])} {node.op} {_group(node.args[1], args[1])}"
    if node.op in ("and", "or"):
        return f" {node.op} ".join(
            _group(arg, text) for arg, text in zip(node.args, args, strict=True)
        )
    if node.op == "!":
        return f"not {_group(node.args[0], args[0])}"
    if node.op == "age_at" and len(args) == 2:
        return f"the age on {args[1]} from {args[0]}"
    if node.op == "days_between" and len(args) == 2:
        return f"the days from {args[0]} to {args[1]}"
    if node.op == "within_days" and len(args) == 3:
        return f"{args[0]} is within {args[1]} days before {args[2]}"
    if node.op == "missing":
        return f"{listing(args, 'or')} is missing"
    return f"{node.op}({', '.join(args)})"


def _group(node: Node, text: str) -> str:
    if isinstance(node, Operation) and (
        node.op in _SAID or node.op in _ARITHMETIC or node.op in ("and", "or", "in")
    ):
        return f"({text})"
    return text


def clause_pointer(index: int) -> str:
    """The JSON pointer of clause ``index`` of a top-level ``and``."""
    return pointer_token("and") + pointer_token(index)

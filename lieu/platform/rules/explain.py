"""Explain a rule against data: each top-level clause, whether it held, and the facts it read."""

from __future__ import annotations

import json
from collections.abc import Mapping

from lieu.platform.rules.eligibility import Criterion, compile_criteria
from lieu.platform.rules.errors import pointer_token
from lieu.platform.rules.reasons import Reason
from lieu.platform.rules.syntax import Array, Literal, Node, Operation, parse

_INFIX = frozenset({"==", "===", "!=", "!==", ">", ">=", "<", "<=", "in", "+", "-", "*", "/", "%"})


def explain(
    rule: object, data: Mapping[str, object], labels: Mapping[str, str] | None = None
) -> tuple[Reason, ...]:
    """One reason per clause of a top-level ``and`` (or one for the whole rule), evaluated with
    tri-state logic; ``labels`` maps a clause's JSON pointer (e.g. ``/and/0``) to its label,
    and clauses without one are described from the rule itself."""
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
        label = (labels or {}).get(pointer) or describe(node)
        criteria.append(Criterion(pointer, label, clause))
    compiled = compile_criteria(criteria)
    return compiled.assess_data(data).reasons


def describe(node: Node) -> str:
    """A short reading of a rule, e.g. ``age >= 18`` or ``county in ["Kern", "Fresno"]``."""
    if isinstance(node, Literal):
        return json.dumps(node.value, ensure_ascii=False)
    if isinstance(node, Array):
        return "[" + ", ".join(describe(item) for item in node.items) + "]"
    args = [describe(arg) for arg in node.args]
    if node.op == "var":
        if not node.args:
            return "data"
        path = node.args[0]
        name = str(path.value) if isinstance(path, Literal) else f"var({args[0]})"
        return name or "data"
    if node.op in _INFIX and len(args) == 2:
        return f"{_group(node.args[0], args[0])} {node.op} {_group(node.args[1], args[1])}"
    if node.op in ("<", "<=") and len(args) == 3:
        return f" {node.op} ".join(args)
    if node.op in ("and", "or"):
        return f" {node.op} ".join(
            _group(arg, text) for arg, text in zip(node.args, args, strict=True)
        )
    if node.op == "!":
        return f"not {_group(node.args[0], args[0])}"
    return f"{node.op}({', '.join(args)})"


def _group(node: Node, text: str) -> str:
    if isinstance(node, Operation) and (node.op in _INFIX or node.op in ("and", "or")):
        return f"({text})"
    return text


def clause_pointer(index: int) -> str:
    """The JSON pointer of clause ``index`` of a top-level ``and``."""
    return pointer_token("and") + pointer_token(index)

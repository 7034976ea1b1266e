"""Parse a JsonLogic rule into a checked tree, rejecting anything off the allow-list."""

from __future__ import annotations

import math
from dataclasses import dataclass

from lieu.platform.rules.errors import RuleError, pointer_token
from lieu.platform.rules.operators import OPERATORS, suggest

MAX_DEPTH = 128


@dataclass(frozen=True, slots=True)
class Literal:
    """A JSON scalar in the rule (string, number, boolean or null)."""

    value: object
    pointer: str


@dataclass(frozen=True, slots=True)
class Array:
    """A JSON array in the rule; each item is itself a rule."""

    items: tuple[Node, ...]
    pointer: str


@dataclass(frozen=True, slots=True)
class Operation:
    """``{op: args}``; ``pointer`` points at the object, ``args_pointer`` at its value."""

    op: str
    args: tuple[Node, ...]
    pointer: str

    @property
    def args_pointer(self) -> str:
        return self.pointer + pointer_token(self.op)


Node = Literal | Array | Operation


def parse(rule: object) -> Node:
    """Check a rule and return its tree; raise RuleError for anything malformed or unknown."""
    return _parse(rule, "", 0)


def _parse(rule: object, pointer: str, depth: int) -> Node:
    if depth > MAX_DEPTH:
        raise RuleError(
            "too_deep",
            pointer,
            f"rules may nest at most {MAX_DEPTH} levels; split the rule into criteria",
        )
    if isinstance(rule, dict):
        return _parse_operation(rule, pointer, depth)
    if isinstance(rule, list):
        return Array(
            tuple(
                _parse(item, pointer + pointer_token(i), depth + 1) for i, item in enumerate(rule)
            ),
            pointer,
        )
    if rule is None or isinstance(rule, str | bool | int):
        return Literal(rule, pointer)
    if isinstance(rule, float):
        if not math.isfinite(rule):
            raise RuleError(
                "bad_argument", pointer, f"{rule} is not a JSON number; use a finite one"
            )
        return Literal(rule, pointer)
    raise RuleError(
        "bad_argument",
        pointer,
        f"a {type(rule).__name__} is not a JSON value; use objects, arrays, strings, "
        "numbers, booleans or null",
    )


def _parse_operation(rule: dict[object, object], pointer: str, depth: int) -> Operation:
    if len(rule) != 1:
        keys = ", ".join(repr(k) for k in rule) or "none"
        raise RuleError(
            "malformed_rule",
            pointer,
            f"an operation object needs exactly one key, its operator (keys: {keys}); "
            "JsonLogic has no object literals, so split it into separate operations",
        )
    ((op, raw_args),) = rule.items()
    if not isinstance(op, str):
        raise RuleError("malformed_rule", pointer, f"operator {op!r} must be a string")
    spec = OPERATORS.get(op)
    if spec is None:
        hint = suggest(op)
        fix = f"did you mean {hint!r}?" if hint else "use one of: " + ", ".join(sorted(OPERATORS))
        raise RuleError("unknown_operator", pointer, f"unknown operator {op!r}; {fix}")
    args_pointer = pointer + pointer_token(op)
    if isinstance(raw_args, list):
        args = tuple(
            _parse(arg, args_pointer + pointer_token(i), depth + 1)
            for i, arg in enumerate(raw_args)
        )
    else:
        args = (_parse(raw_args, args_pointer, depth + 1),)
    count = len(args)
    if count < spec.min_args or (spec.max_args is not None and count > spec.max_args):
        raise RuleError("bad_arity", args_pointer, f"{op!r} takes {_arity(op)}, got {count}")
    node = Operation(op, args, pointer)
    if spec.date:
        _check_date_literals(node)
    if op == "missing_some":
        _check_missing_some(node)
    return node


def _arity(op: str) -> str:
    spec = OPERATORS[op]
    low, high = spec.min_args, spec.max_args
    if high is None:
        return f"at least {low} argument{'s' * (low != 1)}"
    if low == high:
        return f"exactly {low} argument{'s' * (low != 1)}"
    return f"{low} to {high} arguments"


def _check_date_literals(node: Operation) -> None:
    from lieu.platform.rules.dates import parse_date

    count_index = 1 if node.op in ("date_add_days", "within_days") else None
    for index, arg in enumerate(node.args):
        if not isinstance(arg, Literal) or arg.value is None:
            continue
        if index == count_index:
            if isinstance(arg.value, bool) or not isinstance(arg.value, int | float):
                raise RuleError(
                    "bad_argument", arg.pointer, f"{node.op!r} needs a whole number of days here"
                )
            continue
        if not isinstance(arg.value, str) or parse_date(arg.value) is None:
            raise RuleError(
                "bad_argument",
                arg.pointer,
                f"{arg.value!r} is not a date; write it as YYYY-MM-DD or read it with var",
            )


def _check_missing_some(node: Operation) -> None:
    need = node.args[0]
    if isinstance(need, Literal) and (
        isinstance(need.value, bool) or not isinstance(need.value, int | float)
    ):
        raise RuleError(
            "bad_argument", need.pointer, "'missing_some' needs the count of facts required first"
        )

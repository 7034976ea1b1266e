"""Checks a JsonLogic rule against the member-facts vocabulary: declared facts, matching types."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from lieu.platform.definitions.problems import Problem
from lieu.platform.members.facts import FactType, Vocabulary
from lieu.platform.rules.dates import parse_date
from lieu.platform.rules.errors import RuleError
from lieu.platform.rules.facts import var_path
from lieu.platform.rules.operators import COMPARISONS, OPERATORS
from lieu.platform.rules.syntax import Array, Literal, Node, Operation, parse

NUMERIC_OPS = frozenset({"age_at", "days_between", "+", "-", "*", "/", "%", "min", "max"})
ORDERING = frozenset({"<", "<=", ">", ">="})
# Which argument positions of a date operator hold dates (the others hold day counts).
DATE_ARGS = {"age_at": (0, 1), "days_between": (0, 1), "date_add_days": (0,), "within_days": (0, 2)}
DAY_ARGS = {"date_add_days": (1,), "within_days": (1,)}


# A rule with more broken parts than this is reported by its first ones; the author fixes those.
MAX_SYNTAX_PROBLEMS = 50


def rule_problems(rule: object, at: str, vocabulary: Vocabulary) -> list[Problem]:
    """Every problem in one rule; `at` is the rule's JSON pointer in the document.

    The parser stops at the first broken part, so each broken part is set aside (read as null)
    and the rest parsed again: every unknown operator and malformed part is reported in one
    pass, and the facts and types of the parts that do parse are checked too.
    """
    found: list[Problem] = []
    masked: list[str] = []
    current = rule
    while True:
        try:
            tree = parse(current)
            break
        except RuleError as error:
            code = "unknown-operator" if error.code == "unknown_operator" else "rule-malformed"
            found.append(Problem(at + error.pointer, code, error.message))
            # An arity error points at the arguments; set the whole operation aside.
            where = _parent(error.pointer) if error.code == "bad_arity" else error.pointer
            while where in masked:
                where = _parent(where)
            if not where or len(found) >= MAX_SYNTAX_PROBLEMS:
                return found
            masked.append(where)
            current = _set_aside(current, where)
    found.extend(
        problem
        for problem in _check(tree, at, vocabulary)
        if not any(_within(problem.pointer[len(at) :], part) for part in masked)
    )
    return found


def _tokens(pointer: str) -> list[str]:
    return [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]


def _parent(pointer: str) -> str:
    return pointer.rsplit("/", 1)[0] if pointer else ""


def _within(pointer: str, part: str) -> bool:
    return pointer == part or pointer.startswith(part + "/")


def _set_aside(rule: object, pointer: str) -> object:
    """A copy of `rule` with null at `pointer` (the original is left as it is)."""
    tokens = _tokens(pointer)

    def replaced(node: object, depth: int) -> object:
        if depth == len(tokens):
            return None
        token = tokens[depth]
        if isinstance(node, dict) and token in node:
            return {**node, token: replaced(node[token], depth + 1)}
        if isinstance(node, list) and token.isdigit() and int(token) < len(node):
            index = int(token)
            return [*node[:index], replaced(node[index], depth + 1), *node[index + 1 :]]
        return None  # the pointer leaves the rule: set aside what holds it

    return replaced(rule, 0)


def facts_read(rule: object) -> frozenset[str]:
    """The fact paths a rule reads with a literal `var` outside array bodies (empty if broken)."""
    try:
        tree = parse(rule)
    except RuleError:
        return frozenset()
    return frozenset(path for path, _ in _reads(tree) if path)


def _reads(node: Node) -> Iterator[tuple[str, str]]:
    if isinstance(node, Array):
        for item in node.items:
            yield from _reads(item)
        return
    if not isinstance(node, Operation):
        return
    if node.op == "var":
        path = var_path(node)
        if path:
            yield path, node.pointer
        elif node.args and not isinstance(node.args[0], Literal):
            yield "", node.pointer  # a path computed at run time
        return
    if node.op in ("missing", "missing_some"):
        for literal in _literals(node.args[-1] if node.op == "missing_some" else node):
            if isinstance(literal.value, str) and literal.value:
                yield literal.value, literal.pointer
        return
    scoped = OPERATORS[node.op].scoped
    for index, arg in enumerate(node.args):
        if scoped and index >= 1:
            continue  # the body reads array items, not member facts
        yield from _reads(arg)


def _literals(node: Node) -> Iterator[Literal]:
    if isinstance(node, Literal):
        yield node
    elif isinstance(node, Array):
        for item in node.items:
            yield from _literals(item)
    elif isinstance(node, Operation) and node.op == "missing":
        for arg in node.args:
            yield from _literals(arg)


def _check(tree: Node, at: str, vocabulary: Vocabulary) -> Iterator[Problem]:
    for path, where in _reads(tree):
        if not path:
            yield Problem(
                at + where,
                "dynamic-fact-path",
                "the rule computes the fact path at run time, so it cannot be checked; "
                'write the path as text, e.g. {"var": "housing.homeless"}',
            )
        elif vocabulary.get(path) is None:
            hint = vocabulary.suggest(path)
            fix = (
                f"did you mean {hint!r}?"
                if hint
                else "declare it in member-facts.schema.json or read a declared fact"
            )
            yield Problem(
                at + where,
                "undeclared-fact",
                f"the rule reads {path!r}, which the member-facts vocabulary does not declare; "
                + fix,
            )
    yield from _types(tree, at, vocabulary)


def _fact(node: Node, vocabulary: Vocabulary) -> FactType | None:
    if isinstance(node, Operation) and node.op == "var":
        path = var_path(node)
        return vocabulary.get(path) if path else None
    return None


def _types(node: Node, at: str, vocabulary: Vocabulary) -> Iterator[Problem]:
    if isinstance(node, Array):
        for item in node.items:
            yield from _types(item, at, vocabulary)
        return
    if not isinstance(node, Operation) or node.op == "var":
        return
    if node.op in COMPARISONS and len(node.args) >= 2:
        yield from _comparison(node, at, vocabulary)
    elif node.op == "in" and len(node.args) == 2:
        yield from _membership(node, at, vocabulary)
    elif node.op in DATE_ARGS:
        yield from _date_operands(node, at, vocabulary)
    scoped = OPERATORS[node.op].scoped
    for index, arg in enumerate(node.args):
        if not (scoped and index >= 1):
            yield from _types(arg, at, vocabulary)


def _mismatch(where: str, message: str) -> Problem:
    return Problem(where, "type-mismatch", message)


def _comparison(node: Operation, at: str, vocabulary: Vocabulary) -> Iterator[Problem]:
    for side, other in ((node.args[0], node.args[1]), (node.args[1], node.args[0])):
        if not isinstance(other, Literal) or other.value is None:
            continue
        fact = _fact(side, vocabulary)
        if fact is not None:
            problem = _literal_fits(fact, other, node.op)
            if problem:
                yield _mismatch(at + other.pointer, problem)
        elif (
            isinstance(side, Operation)
            and side.op in NUMERIC_OPS
            and (isinstance(other.value, bool) or not isinstance(other.value, int | float))
        ):
            yield _mismatch(
                at + other.pointer,
                f"{side.op!r} gives a number but is compared with {other.value!r}; "
                "compare it with a number",
            )


def _literal_fits(fact: FactType, literal: Literal, op: str) -> str | None:
    value = literal.value
    name = f"fact {fact.path!r} is {_article(fact.kind)}"
    if fact.kind == "boolean" and not isinstance(value, bool):
        return f"{name}, so comparing it with {value!r} never matches; compare with true or false"
    if fact.kind in ("integer", "number") and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        return f"{name}, so comparing it with {value!r} never matches as meant; use a number"
    if fact.kind == "date":
        if op in ORDERING:
            return (
                f"{name}; JsonLogic orders dates as numbers, so {op!r} is never true; "
                "use days_between, within_days or age_at"
            )
        if not (isinstance(value, str) and parse_date(value)):
            return f"{name}, so comparing it with {value!r} never matches; write YYYY-MM-DD"
    if fact.kind == "string":
        if not isinstance(value, str):
            return f"{name}, so comparing it with {value!r} never matches; use a string"
        if fact.enum and value not in fact.enum:
            return f"{name} and never equals {value!r}; " + _enum_hint(value, fact.enum)
    if fact.kind in ("array", "object"):
        return f"{name}; test it with 'in', 'some' or 'missing' instead of {op!r}"
    return None


def _membership(node: Operation, at: str, vocabulary: Vocabulary) -> Iterator[Problem]:
    needle, haystack = node.args
    fact = _fact(haystack, vocabulary)
    if fact is not None and isinstance(needle, Literal):
        if fact.kind == "array" and fact.item_enum and needle.value not in fact.item_enum:
            yield _mismatch(
                at + needle.pointer,
                f"fact {fact.path!r} lists only known values and never holds {needle.value!r}; "
                + _enum_hint(str(needle.value), fact.item_enum),
            )
        elif fact.kind not in ("array", "string"):
            yield _mismatch(
                at + haystack.pointer,
                f"fact {fact.path!r} is {_article(fact.kind)}; 'in' needs an array or a string",
            )
    fact = _fact(needle, vocabulary)
    if fact is not None and fact.enum and isinstance(haystack, Array):
        for item in haystack.items:
            if isinstance(item, Literal) and item.value not in fact.enum:
                yield _mismatch(
                    at + item.pointer,
                    f"fact {fact.path!r} never equals {item.value!r}; "
                    + _enum_hint(str(item.value), fact.enum),
                )


def _date_operands(node: Operation, at: str, vocabulary: Vocabulary) -> Iterator[Problem]:
    for index, arg in enumerate(node.args):
        fact = _fact(arg, vocabulary)
        if fact is None:
            continue
        if index in DATE_ARGS[node.op] and fact.kind != "date":
            yield _mismatch(
                at + arg.pointer,
                f"{node.op!r} needs a date here but fact {fact.path!r} is "
                f"{_article(fact.kind)}; read a date fact",
            )
        if index in DAY_ARGS.get(node.op, ()) and fact.kind not in ("integer", "number"):
            yield _mismatch(
                at + arg.pointer,
                f"{node.op!r} needs a number of days here but fact {fact.path!r} is "
                f"{_article(fact.kind)}",
            )


def _article(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"


def _enum_hint(value: str, allowed: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(value, list(allowed), n=1, cutoff=0.5)
    if close:
        return f"did you mean {close[0]!r}?"
    return "use one of " + ", ".join(repr(a) for a in allowed)

"""Turn a parsed rule into Python source: one expression per rule, compiled once.

Common shapes get inline fast paths (a ``var`` read is ``data.get(key)``, a comparison of a
number with a number literal is a native ``<``) guarded by exact type checks; everything else
calls the helpers in ``runtime``/``coercion`` (standard) or their Kleene wrappers (``tristate``).
Literals are embedded with ``repr`` (JSON scalars only), so no string from a rule is ever run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lieu.platform.rules.operators import OPERATORS
from lieu.platform.rules.runtime import path_keys
from lieu.platform.rules.syntax import Array, Literal, Node, Operation

# What the generated code calls, shared with the specialized tri-state code (``kleene``).
HOIST_EVERY = 12  # nesting levels per generated function, well under the parser's limit
_CHUNK = 16  # and/or operands per expression before the rest moves to a helper
NATIVE = {"<": "<", ">": ">", "<=": "<=", ">=": ">=", "==": "==", "!=": "!=", "===": "=="}
NATIVE["!=="] = "!="
HELPER = {"<": "_lt", ">": "_gt", "<=": "_le", ">=": "_ge", "==": "_eq", "!=": "_ne"}
HELPER |= {"===": "_seq", "!==": "_sne"}
CALLS = {"+": "_plus", "*": "_times", "-": "_minus", "/": "_divide", "%": "_modulo"}
CALLS |= {"max": "_max", "min": "_min", "cat": "_cat", "substr": "_substr", "merge": "_merge"}
CALLS |= {"log": "_log", "age_at": "_age_at", "days_between": "_days_between"}
CALLS |= {"date_add_days": "_date_add_days", "within_days": "_within_days"}
SCOPED = {"map": "_each", "filter": "_keep", "reduce": "_fold", "all": "_every"}
SCOPED |= {"some": "_some", "none": "_none"}


@dataclass(slots=True)
class Source:
    """Generated helper functions and constants that the rule expressions refer to."""

    kleene: bool
    defs: list[str] = field(default_factory=list)
    constants: dict[str, object] = field(default_factory=dict)
    counter: int = 0

    def name(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def constant(self, value: object) -> str:
        name = self.name("_c")
        self.constants[name] = value
        return name

    def function(self, expression: str) -> str:
        name = self.name("_f")
        self.defs.append(f"def {name}(data):\n    return {expression}\n")
        return name


def expression(node: Node, source: Source, *, dict_data: bool) -> str:
    """A Python expression over ``data`` that evaluates the rule."""
    return _Gen(source, dict_data).expr(node, 0)[0]


def _is_number(node: Node) -> bool:
    return isinstance(node, Literal) and type(node.value) in (int, float)


def _is_text(node: Node) -> bool:
    return isinstance(node, Literal) and type(node.value) is str


class _Gen:
    def __init__(self, source: Source, dict_data: bool) -> None:
        self.source = source
        self.kleene = source.kleene
        self.dict_data = dict_data

    def expr(self, node: Node, depth: int) -> tuple[str, bool]:
        """(source, whether it always yields a bool, or UNKNOWN in Kleene mode)."""
        if depth >= HOIST_EVERY:
            text, is_bool = _Gen(self.source, self.dict_data).expr(node, 0)
            return f"{self.source.function(text)}(data)", is_bool
        if isinstance(node, Literal):
            return repr(node.value), type(node.value) is bool
        if isinstance(node, Array):
            items = ", ".join(self.expr(item, depth + 1)[0] for item in node.items)
            if self.kleene and not all(isinstance(i, Literal) for i in node.items):
                return f"_array([{items}])", False
            return f"[{items}]", False
        return self.operation(node, depth + 1)

    def operation(self, node: Operation, depth: int) -> tuple[str, bool]:
        op, args = node.op, node.args
        if op == "var":
            return self.var(node, depth), False
        if op in NATIVE:
            if op in ("<", "<=") and len(args) == 3:
                return self.between(node, depth), True
            return self.compare(op, args[0], args[1], depth), True
        if op in ("and", "or"):
            return self.junction(op, args, depth)
        if op in ("if", "?:"):
            return self.branch(args, depth)
        if op in ("!", "!!"):
            return self.negation(op, args[0], depth), True
        if op == "in":
            return self.membership(args, depth), True
        if op in SCOPED:
            return self.scoped(node, depth), OPERATORS[op].returns_bool
        values = [self.expr(arg, depth)[0] for arg in args]
        if op in ("missing", "missing_some"):
            return f"_{op}(data, {', '.join(values)})", False
        if OPERATORS[op].date:
            values.append(repr(node.pointer))
        return f"{CALLS[op]}({', '.join(values)})", op == "within_days"

    def var(self, node: Operation, depth: int) -> str:
        path = node.args[0] if node.args else Literal(None, node.pointer)
        default = node.args[1] if len(node.args) > 1 else None
        static = isinstance(path, Literal) and (default is None or isinstance(default, Literal))
        if not static:
            values = [self.expr(arg, depth)[0] for arg in node.args]
            return f"_var(data, {', '.join(values)})"
        assert isinstance(path, Literal)
        keys = path_keys(path.value)
        if keys is None:
            return "(_U if data is None else data)" if self.kleene else "data"
        fallback = "None" if default is None else self.expr(default, depth)[0]
        first, rest = repr(keys[0]), keys[1:]
        if not self.dict_data:
            return f"_walk(data, {keys!r}, {fallback})"
        t = self.source.name("_t")
        if self.kleene:
            if not rest:
                return f"({t} if ({t} := data.get({first})) is not None else _U)"
            return f"_walk(data.get({first}), {rest!r})"
        get = f", {fallback}" if default is not None else ""
        if not rest:
            return f"data.get({first}{get})"
        if len(rest) == 1:
            return (
                f"({t}.get({rest[0]!r}{get}) if type({t} := data.get({first})) is dict "
                f"else _walk({t}, {rest!r}, {fallback}))"
            )
        return f"_walk(data.get({first}), {rest!r}, {fallback})"

    def compare(self, op: str, left: Node, right: Node, depth: int) -> str:
        a, b = self.expr(left, depth)[0], self.expr(right, depth)[0]
        native, helper = NATIVE[op], HELPER[op]
        t = self.source.name("_t")
        for literal, other, swap in ((right, a, False), (left, b, True)):
            if _is_number(literal) or _is_text(literal):
                assert isinstance(literal, Literal)
                guard = (
                    f"type({t} := {other}) is str"
                    if _is_text(literal)
                    else f"type({t} := {other}) is int or type({t}) is float"
                )
                lit = repr(literal.value)
                x, y = (lit, t) if swap else (t, lit)
                return f"({x} {native} {y} if {guard} else {helper}({x}, {y}))"
        if op in ("==", "!=", "===", "!=="):
            return f"{helper}({a}, {b})"
        u = self.source.name("_t")
        guard = (
            f"type({t} := {a}) is type({u} := {b}) and "
            f"(type({t}) is int or type({t}) is str or type({t}) is float)"
        )
        return f"({t} {native} {u} if {guard} else {helper}({t}, {u}))"

    def between(self, node: Operation, depth: int) -> str:
        low, _, high = node.args
        values = [self.expr(arg, depth)[0] for arg in node.args]
        helper = "_lt3" if node.op == "<" else "_le3"
        if _is_number(low) and _is_number(high):
            t = self.source.name("_t")
            guard = f"type({t} := {values[1]}) is int or type({t}) is float"
            chain = f"{values[0]} {node.op} {t} {node.op} {values[2]}"
            return f"({chain} if {guard} else {helper}({values[0]}, {t}, {values[2]}))"
        return f"{helper}({', '.join(values)})"

    def negation(self, op: str, arg: Node, depth: int) -> str:
        value, is_bool = self.expr(arg, depth)
        if op == "!!" and is_bool:
            return value
        test = "not " if op == "!" else ""
        tested = f"{test}{'' if is_bool else '_truthy'}({{t}})"
        if not self.kleene:
            return tested.format(t=value)
        t = self.source.name("_t")
        return f"(_U if ({t} := {value}) is _U else {tested.format(t=t)})"

    def junction(self, op: str, args: tuple[Node, ...], depth: int) -> tuple[str, bool]:
        items = [self.expr(arg, depth) for arg in args[:_CHUNK]]
        if len(args) > _CHUNK:
            rest, is_bool = self.junction(op, args[_CHUNK:], 0)
            items.append((f"{self.source.function(rest)}(data)", is_bool))
        all_bool = all(is_bool for _, is_bool in items)
        if not self.kleene:
            text, stop = items[-1][0], "not " if op == "and" else ""
            for value, is_bool in reversed(items[:-1]):
                if is_bool:
                    text = f"({value} {op} {text})"
                else:
                    t = self.source.name("_t")
                    text = f"({t} if {stop}_truthy({t} := {value}) else {text})"
            return text, all_bool
        temps = [self.source.name("_t") for _ in items]
        text = f"(_U if ({' or '.join(f'{t} is _U' for t in temps)}) else {temps[-1]})"
        stop_bool, stop = ("False", "not ") if op == "and" else ("True", "")
        for t, (value, is_bool) in zip(reversed(temps), reversed(items), strict=True):
            if is_bool:
                text = f"({stop_bool} if ({t} := {value}) is {stop_bool} else {text})"
            else:
                test = f"({t} := {value}) is not _U and {stop}_truthy({t})"
                text = f"({t} if {test} else {text})"
        return text, all_bool

    def branch(self, args: tuple[Node, ...], depth: int) -> tuple[str, bool]:
        count = len(args)
        if count % 2:
            text, all_bool = self.expr(args[-1], depth)
        else:
            text, all_bool = "None", False
        for index in range(count - 1 - count % 2, 0, -2):
            condition, cond_bool = self.expr(args[index - 1], depth)
            value, is_bool = self.expr(args[index], depth)
            all_bool = all_bool and is_bool
            if not self.kleene:
                test = condition if cond_bool else f"_truthy({condition})"
                text = f"({value} if {test} else {text})"
                continue
            t = self.source.name("_t")
            if cond_bool:
                rest = f"({text} if {t} is False else _U)"
                text = f"({value} if ({t} := {condition}) is True else {rest})"
            else:
                text = (
                    f"(_U if ({t} := {condition}) is _U else ({value} if _truthy({t}) else {text}))"
                )
        return text, all_bool

    def membership(self, args: tuple[Node, ...], depth: int) -> str:
        needle, haystack = (self.expr(arg, depth)[0] for arg in args)
        items = args[1].items if isinstance(args[1], Array) else None
        if items and all(_is_text(item) for item in items):
            values = [item.value for item in items if isinstance(item, Literal)]
            fast, slow = self.source.constant(frozenset(values)), self.source.constant(values)
            t = self.source.name("_t")
            return f"({t} in {fast} if type({t} := {needle}) is str else _in({t}, {slow}))"
        return f"_in({needle}, {haystack})"

    def scoped(self, node: Operation, depth: int) -> str:
        items = self.expr(node.args[0], depth)[0]
        body = scoped_body(node.args[1], self.source)
        extra = f", {self.expr(node.args[2], depth)[0]}" if len(node.args) > 2 else ""
        return f"{SCOPED[node.op]}({items}, {body}{extra})"


def scoped_body(node: Node, source: Source) -> str:
    """The name of a generated function running ``node`` once per array item (the item as data)."""
    return source.function(_Gen(source, dict_data=False).expr(node, 0)[0])

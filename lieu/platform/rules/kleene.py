"""Specialized tri-state code: a whole criteria set compiled into one Python function.

The generic Kleene code (``codegen`` with ``kleene=True``) wraps every operator so that an UNKNOWN
argument gives UNKNOWN and reads every fact through ``tristate.walk``. Here each fact path the
criteria read is fetched once, at the top of the function, into a local that holds its raw value
(``None`` when absent or null: UNKNOWN). Comparisons of a fact with a literal of known type become
native Python guarded by exact type checks, and a list of literals searched with ``in`` becomes a
frozenset; every other shape falls back to the generic helpers, so results are the generic ones
(``tests/platform/rules/test_rules_kleene.py`` holds the two equal). Arguments are evaluated in the
generic order, all of them before an operator looks for UNKNOWN, so the same bad facts raise.
Literals are embedded with ``repr`` (JSON scalars only) or bound as constants.
"""

from __future__ import annotations

from lieu.platform.rules.codegen import CALLS, HELPER, HOIST_EVERY, NATIVE, SCOPED, scoped_body
from lieu.platform.rules.kleene_code import ANY, BOOL, LIT, READ, Expr, fused, tri
from lieu.platform.rules.kleene_logic import Logic
from lieu.platform.rules.operators import OPERATORS
from lieu.platform.rules.runtime import path_keys
from lieu.platform.rules.syntax import Array, Literal, Node, Operation

_NUMBER = "type({x}) is int or type({x}) is float"


class Generator(Logic):
    """Expressions over the fact locals of one ``Function``."""

    def expr(self, node: Node, depth: int = 0) -> Expr:
        if isinstance(node, Literal):
            return Expr(repr(node.value), LIT, True, node.value)
        if depth >= HOIST_EVERY and isinstance(node, Operation) and node.op != "var":
            return self.fn.closure(self.expr(node, 0))
        if isinstance(node, Array):
            items = [self.expr(item, depth + 1) for item in node.items]
            if all(isinstance(item, Literal) for item in node.items):
                return Expr(f"[{', '.join(i.code for i in items)}]", ANY, True)
            return Expr(f"_array([{', '.join(tri(i) for i in items)}])", ANY)
        return self.operation(node, depth + 1)

    def operation(self, node: Operation, depth: int) -> Expr:
        op, args = node.op, node.args
        if op == "var":
            return self.var(node, depth)
        if op in NATIVE:
            if op in ("<", "<=") and len(args) == 3:
                return self.between(node, depth)
            return self.compare(op, args[0], args[1], depth)
        if op in ("and", "or"):
            return self.junction(op, args, depth)
        if op in ("if", "?:"):
            return self.branch(args, depth)
        if op in ("!", "!!"):
            return self.negation(op, self.expr(args[0], depth))
        if op == "in":
            return self.membership(args, depth)
        if op in SCOPED:
            items = tri(self.expr(args[0], depth))
            body = scoped_body(args[1], self.source)
            extra = f", {tri(self.expr(args[2], depth))}" if len(args) > 2 else ""
            kind = BOOL if OPERATORS[op].returns_bool else ANY
            return Expr(f"{SCOPED[op]}({items}, {body}{extra})", kind)
        values = [self.expr(arg, depth) for arg in args]
        if op == "missing" and self.static_missing(args):
            return self.missing(args)
        if op in ("missing", "missing_some"):
            self.fn.whole = True
            return Expr(f"_{op}(data, {', '.join(tri(v) for v in values)})", ANY)
        kind = BOOL if op == "within_days" else ANY
        pointer = f", {node.pointer!r}" if OPERATORS[op].date else ""
        dated = OPERATORS[op].date and values and values[-1].kind == READ
        on = self.fn.on if dated and values[-1].code == "as_of" else None  # as_of, parsed
        if op == "age_at":
            if on is not None:
                extra = f", {on}, as_of{pointer}"
                return Expr(self.strict("_age_on", values[:1], extra), kind)
            return Expr(self.strict("_age_iso", values, pointer), kind)
        if op == "within_days" and values[1].kind == LIT and type(values[1].value) is int:
            if all(value.kind in (READ, LIT) for value in values):
                checked = {"as_of"} if on is not None else set()
                reads = [v.code for v in values if v.kind == READ and v.code not in checked]
                call = f"_within_iso({', '.join(v.code for v in values)}{pointer})"
                if on is not None and values[0].kind == READ:  # as _within_iso's short path
                    x, day, days = values[0].code, self.temp(), values[1].code
                    test = f"type({x}) is str and ({day} := _parse_iso({x})) is not None"
                    call = f"(0 <= ({on} - {day}).days <= {days} if {test} else {call})"
                return fused(call, list(dict.fromkeys(reads)))
            return Expr(self.strict("_within_iso", values, pointer), kind)
        return Expr(f"{CALLS[op]}({', '.join(tri(v) for v in values)}{pointer})", kind)

    def var(self, node: Operation, depth: int) -> Expr:
        path = node.args[0] if node.args else Literal(None, node.pointer)
        default = node.args[1] if len(node.args) > 1 else None
        if isinstance(path, Literal) and (default is None or isinstance(default, Literal)):
            keys = path_keys(path.value)
            if keys is not None:
                return Expr(self.fn.read(keys), READ)
            self.fn.whole = True
            return Expr("data", ANY, True)
        self.fn.whole = True
        values = ", ".join(tri(self.expr(arg, depth)) for arg in node.args)
        return Expr(f"_var(data, {values})", ANY)

    @staticmethod
    def static_missing(args: tuple[Node, ...]) -> bool:
        if len(args) == 1 and isinstance(args[0], Array):
            return all(isinstance(item, Literal) for item in args[0].items)
        return all(isinstance(arg, Literal) for arg in args) and bool(args)

    def missing(self, args: tuple[Node, ...]) -> Expr:
        """``missing`` of names written in the rule: the listed facts that are null or ''."""
        items = args[0].items if isinstance(args[0], Array) else args
        pairs, tests = [], []
        for item in items:
            assert isinstance(item, Literal)
            keys = path_keys(item.value)
            if keys is not None:
                value = self.fn.read(keys)
                pairs.append(f"({item.value!r}, {value}), ")
                tests.append(f"{value} is None or {value} == ''")
        truth = " or ".join(tests) or "False"
        return Expr(f"_gaps(({''.join(pairs)}))", ANY, True, truth=truth)

    def compare(self, op: str, left: Node, right: Node, depth: int) -> Expr:
        a, b = self.expr(left, depth), self.expr(right, depth)
        for literal, other, swap in ((b, a, False), (a, b, True)):
            if literal.kind == LIT and other.kind != LIT:
                expr = self.literal_compare(op, other, literal, swap)
                if expr is not None:
                    return expr
        code = f"{HELPER[op]}({tri(a)}, {tri(b)})"
        return Expr(code, BOOL, a.kind == LIT and b.kind == LIT)

    def literal_compare(self, op: str, other: Expr, literal: Expr, swap: bool) -> Expr | None:
        kind, lit = type(literal.value), literal.code
        x, test = self.guard(other)
        left, right = (lit, x) if swap else (x, lit)
        helper = f"_r{HELPER[op]}({left}, {right})"
        if kind is bool and op in ("==", "!=", "===", "!=="):
            yes, no = (lit, repr(not literal.value))
            yes, no = (yes, no) if op in ("==", "===") else (no, yes)
            if op in ("===", "!=="):  # strictly equal to a boolean: that very boolean
                same, differs = f"{x} is {lit}", f"({x} is not {lit} and {x} is not None)"
                body = f"{x} is {lit}" if op == "===" else f"{x} is not {lit}"
                tests = (same, differs) if op == "===" else (differs, same)
            else:  # a boolean fact decides at once; anything else compares loosely
                body = f"(True if {x} is {yes} else False if {x} is {no} else {helper})"
                tests = (
                    f"({x} is {yes} or {x} is not {no} and {x} is not None and {helper})",
                    f"({x} is {no} or {x} is not {yes} and {x} is not None and not {helper})",
                )
            if other.kind == READ:
                return fused(body, [x], tests)
        elif kind is str or kind is int or kind is float:
            check = f"type({x}) is str" if kind is str else _NUMBER.format(x=x)
            body = f"({left} {NATIVE[op]} {right} if {check} else {helper})"
            if other.kind == READ:
                return fused(body, [x])
        else:
            return None
        return Expr(body if test is None else f"(_U if {test} else {body})", BOOL)

    def between(self, node: Operation, depth: int) -> Expr:
        low, middle, high = (self.expr(arg, depth) for arg in node.args)
        helper = "_r_lt3" if node.op == "<" else "_r_le3"
        numbers = all(e.kind == LIT and type(e.value) in (int, float) for e in (low, high))
        if not numbers or middle.kind == LIT:
            return Expr(self.strict(helper, [low, middle, high]), BOOL)
        x, test = self.guard(middle)
        chain = f"{low.code} {node.op} {x} {node.op} {high.code}"
        body = f"({chain} if {_NUMBER.format(x=x)} else {helper}({low.code}, {x}, {high.code}))"
        if middle.kind == READ:
            return fused(body, [x])
        return Expr(f"(_U if {test} else {body})", BOOL)

    def membership(self, args: tuple[Node, ...], depth: int) -> Expr:
        needle, haystack = self.expr(args[0], depth), self.expr(args[1], depth)
        items = args[1].items if isinstance(args[1], Array) else None
        if items is not None and needle.kind != LIT and all(isinstance(i, Literal) for i in items):
            values = [item.value for item in items if isinstance(item, Literal)]
            kinds = {type(v) for v in values} & {str, int, float}
            kinds |= {int, float} if kinds & {int, float} else set()
            if kinds:  # a str/number needle is strictly equal to an item exactly when it is in
                fast = self.source.constant(frozenset(v for v in values if type(v) in kinds))
                slow = self.source.constant(values)
                x, test = self.guard(needle)
                check = " or ".join(f"type({x}) is {k.__name__}" for k in sorted(kinds, key=str))
                body = f"({x} in {fast} if {check} else _r_in({x}, {slow}))"
                if needle.kind == READ:
                    return fused(body, [x])
                return Expr(body if test is None else f"(_U if {test} else {body})", BOOL)
        if needle.kind == LIT and type(needle.value) is str and haystack.kind != LIT:
            x, test = self.guard(haystack)  # a list holds a string exactly when == finds it
            body = f"({needle.code} in {x} if type({x}) is list else _r_in({needle.code}, {x}))"
            if haystack.kind == READ:
                return fused(body, [x])
            return Expr(body if test is None else f"(_U if {test} else {body})", BOOL)
        return Expr(f"_in({tri(needle)}, {tri(haystack)})", BOOL)

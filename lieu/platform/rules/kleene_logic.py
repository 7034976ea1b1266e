"""Kleene ``!``, ``!!``, ``and``, ``or`` and ``if`` for the specialized tri-state code, and a
criterion's status: a true/false/unknown item with cheap tests decides without building a value."""

from __future__ import annotations

from lieu.platform.rules.kleene_code import ANY, BOOL, LIT, READ, Emitter, Expr, boolish, tri
from lieu.platform.rules.syntax import Node, Operation

_CHUNK = 16  # and/or operands per expression before the rest moves to a closure, as in codegen


class Logic(Emitter):
    """The logical operators; ``expr`` is the full generator's."""

    def expr(self, node: Node, depth: int = 0) -> Expr:
        raise NotImplementedError

    def negation(self, op: str, value: Expr) -> Expr:
        if value.kind == BOOL and op == "!!":
            return value
        test = "not " if op == "!" else ""
        if value.truth is not None:
            return Expr(f"({test}({value.truth}))", BOOL, True)
        if value.kind == BOOL:
            if value.known:
                return Expr(f"(not {value.code})", BOOL, True)
            t = self.temp()
            return Expr(f"(_U if ({t} := {value.code}) is _U else not {t})", BOOL)
        if value.kind == LIT:
            return Expr(f"({test}_truthy({value.code}))", BOOL, True)
        x, unknown = self.guard(value)
        return Expr(f"(_U if {unknown} else {test}_truthy({x}))", BOOL, value.known)

    def junction(self, op: str, args: tuple[Node, ...], depth: int) -> Expr:
        items = [self.expr(arg, depth) for arg in args[:_CHUNK]]
        if len(args) > _CHUNK:
            items.append(self.fn.closure(self.junction(op, args[_CHUNK:], 0)))
        return self.join(op, items)

    def join(self, op: str, items: list[Expr]) -> Expr:
        """``and``/``or`` of generated items: Kleene, the first deciding item's value."""
        known = all(item.known for item in items)
        if all(boolish(item) for item in items):
            return Expr(self.decide(op, items, ("True", "False", "_U")), BOOL, known)
        stop_bool, stop = ("False", "not ") if op == "and" else ("True", "")
        steps, tests = [], []
        for item in items:
            if item.kind == READ:
                x = item.code
                steps.append((f"{x} is not None and {stop}_truthy({x})", x, x))
                tests.append(f"{x} is None")
                continue
            x = self.temp()
            if boolish(item):
                steps.append((f"({x} := {item.code}) is {stop_bool}", stop_bool, x))
            else:
                steps.append((f"({x} := {item.code}) is not _U and {stop}_truthy({x})", x, x))
            if not item.known:
                tests.append(f"{x} is _U")
        last = steps[-1][2]
        text = f"(_U if ({' or '.join(tests)}) else {last})" if tests else last
        for test, stopped, _ in reversed(steps):
            text = f"({stopped} if {test} else {text})"
        return Expr(text, ANY, known)

    def branch(self, args: tuple[Node, ...], depth: int) -> Expr:
        count = len(args)
        if count % 2:
            last = self.expr(args[-1], depth)
            text, all_bool, known = tri(last), boolish(last), last.known
        else:
            text, all_bool, known = "None", False, True
        for index in range(count - 1 - count % 2, 0, -2):
            condition = self.expr(args[index - 1], depth)
            value = self.expr(args[index], depth)
            all_bool = all_bool and boolish(value)
            known = known and value.known and condition.known
            if condition.truth is not None:
                text = f"({tri(value)} if {condition.truth} else {text})"
                continue
            if boolish(condition):
                t = self.temp()
                rest = f"({text} if {t} is False else _U)"
                text = f"({tri(value)} if ({t} := {condition.code}) is True else {rest})"
                continue
            x, unknown = self.guard(condition)
            chosen = f"({tri(value)} if _truthy({x}) else {text})"
            text = chosen if unknown is None else f"(_U if {unknown} else {chosen})"
        return Expr(text, BOOL if all_bool else ANY, known)

    def status(self, node: Node) -> str:
        """Code giving a criterion's ``Status`` (``_H``, ``_F`` or ``_Q``)."""
        if isinstance(node, Operation) and node.op in ("and", "or") and len(node.args) <= _CHUNK:
            items = [self.expr(arg, 1) for arg in node.args]
            if all(boolish(item) for item in items):
                return self.decide(node.op, items, ("_H", "_F", "_Q"))
            expr = self.join(node.op, items)
        else:
            expr = self.expr(node)
        return self.status_of(expr)

    def status_of(self, expr: Expr) -> str:
        """Code giving the ``Status`` of a generated expression's value."""
        if expr.tests is not None:
            return f"(_H if {expr.tests[0]} else _Q if {expr.tests[2]} else _F)"
        if boolish(expr):
            if expr.known:
                return f"(_H if {expr.code} else _F)"
            return f"(_H if (_r := {expr.code}) is True else _F if _r is False else _Q)"
        if expr.kind == READ:
            return f"(_Q if {expr.code} is None else _H if _truthy({expr.code}) else _F)"
        return f"_status({expr.code})"

    def decide(self, op: str, items: list[Expr], results: tuple[str, str, str]) -> str:
        """``and``/``or`` of true/false/unknown items, stopping at the first that decides;
        ``results`` are the codes for true, false and unknown."""
        pick, stop = (0, "True") if op == "or" else (1, "False")
        decided, end = (results[0], results[1]) if op == "or" else (results[1], results[0])
        steps, unknowns = [], []
        for item in items:
            if item.tests is not None:
                steps.append(item.tests[pick])
                unknowns.append(item.tests[2])
                continue
            x = self.temp()
            steps.append(f"({x} := {item.code}) is {stop}")
            if not item.known:
                unknowns.append(f"{x} is _U")
        text = f"({results[2]} if {' or '.join(unknowns)} else {end})" if unknowns else end
        for step in reversed(steps):
            text = f"({decided} if {step} else {text})"
        return text

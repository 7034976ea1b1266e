"""The pieces of specialized tri-state code (see ``kleene``): expressions that know what they
yield, the generated function's fact reads, and the emitter the generators share."""

from __future__ import annotations

from dataclasses import dataclass, field

from lieu.platform.rules.codegen import Source

READ, LIT, BOOL, ANY = "read", "lit", "bool", "any"


@dataclass(frozen=True, slots=True)
class Expr:
    """Generated code and what it yields: a fact local (None is UNKNOWN), a literal, True/False/
    UNKNOWN (``bool``) or any value or UNKNOWN; ``known`` when it is never UNKNOWN."""

    code: str
    kind: str
    known: bool = False
    value: object = None
    truth: str | None = None  # a Python bool equal to the value's truthiness, when cheaper
    tests: tuple[str, str, str] | None = None  # is it True, is it False, is it UNKNOWN


def fused(body: str, reads: list[str], tests: tuple[str, str] | None = None) -> Expr:
    """A true/false/unknown result of fact locals ``reads``: ``body`` once they are all known,
    with tests that let ``and``/``or`` decide without building the value."""
    if not reads:
        return Expr(body, BOOL, True)
    unknown = " or ".join(f"{read} is None" for read in reads)
    known = " and ".join(f"{read} is not None" for read in reads)
    true, false = tests or (f"({known} and {body})", f"({known} and not {body})")
    return Expr(f"(_U if {unknown} else {body})", BOOL, tests=(true, false, unknown))


def boolish(expr: Expr) -> bool:
    """Whether the value is True, False or UNKNOWN."""
    return expr.kind == BOOL or (expr.kind == LIT and type(expr.value) is bool)


@dataclass(slots=True)
class Function:
    """The parts of the generated function: fact reads, closures, and whether it needs the
    facts with ``as_of`` merged in (a rule that reads the whole data or a computed path)."""

    source: Source
    reads: dict[tuple[str, ...], str] = field(default_factory=dict)
    closures: list[str] = field(default_factory=list)
    whole: bool = False
    used: list[tuple[str, ...]] | None = None  # when a list: every path read, as it is read
    on: str | None = None  # the local holding as_of's date, when as_of is a checked ISO date

    def read(self, keys: tuple[str, ...]) -> str:
        """The local holding the fact at ``keys`` (None when absent or null), read once."""
        if self.used is not None:
            self.used.append(keys)
        name = self.reads.get(keys)
        if name is None:
            if len(keys) > 1:
                self.read(keys[:-1])
            name = "as_of" if keys == ("as_of",) else self.source.name("_v")
            self.reads[keys] = name
        return name

    def lines(self) -> list[str]:
        """The reads, top-level facts first, then one type check per object read into."""
        lines = [f"    {n} = data.get({k[0]!r})\n" for k, n in self.reads.items() if len(k) == 1]
        children: dict[tuple[str, ...], list[tuple[str, str]]] = {}
        for keys, name in self.reads.items():
            if len(keys) > 1:
                children.setdefault(keys[:-1], []).append((name, repr(keys[-1])))
        for parent, under in children.items():
            p = self.reads[parent]
            lines.append(f"    if type({p}) is dict:\n")
            lines += [f"        {name} = {p}.get({key})\n" for name, key in under]
            lines.append(
                f"    elif {p} is None:\n        {' = '.join(n for n, _ in under)} = None\n"
            )
            lines.append("    else:\n")
            lines += [f"        {name} = _step({p}, {key})\n" for name, key in under]
        return [line for line in lines if not line.startswith("    as_of = ")]

    def closure(self, expr: Expr) -> Expr:
        name = self.source.name("_f")
        self.closures.append(f"    def {name}():\n        return {expr.code}\n")
        return Expr(f"{name}()", expr.kind, expr.known)


def tri(expr: Expr) -> str:
    """Code giving the value, or UNKNOWN."""
    if expr.kind == READ:
        return f"(_U if {expr.code} is None else {expr.code})"
    return expr.code


class Emitter:
    """Temporaries and UNKNOWN checks over the fact locals of one ``Function``."""

    def __init__(self, function: Function) -> None:
        self.fn = function
        self.source = function.source

    def temp(self) -> str:
        return self.source.name("_t")

    def guard(self, expr: Expr) -> tuple[str, str | None]:
        """(name of the value, test that it is UNKNOWN, evaluating it), as the operator sees it."""
        if expr.kind == LIT:
            return expr.code, None
        if expr.kind == READ:
            return expr.code, f"{expr.code} is None"
        t = self.temp()
        return t, f"({t} := {expr.code}) is _U"

    def strict(self, function: str, args: list[Expr], extra: str = "") -> str:
        """Call ``function`` (no UNKNOWN handling) once every argument is evaluated and known."""
        values, tests = [], []
        for arg in args:
            value, test = self.guard(arg)
            values.append(value)
            if test is not None:
                tests.append(test)
        call = f"{function}({', '.join(values)}{extra})"
        if not tests:
            return call
        test = tests[0] if len(tests) == 1 else " | ".join(f"({t})" for t in tests)
        return f"(_U if {test} else {call})"

"""The short-circuiting outcome path: a criteria set's outcome from only the facts that decide it.

``assess`` (``assessor``) reads every fact the criteria name and works out every criterion's
status, because an explanation needs them all. The outcome alone needs less: the criteria are
ANDed, so the first failed criterion decides (not eligible); inside a criterion an ``or`` holds
at its first true part and an ``and`` fails at its first false one. This module writes one
function that does just that, as statements: the criteria (and the parts of a top-level
``and``) in turn, returning at the first that fails; every ``and``/``or`` below as nested
``if``s, each part tried only when the ones before did not settle it; and before each part only
the fact reads it needs that this path has not made yet. The parts themselves (comparisons,
``in``, dates, ``if`` …) are the ``kleene`` expressions ``assess`` uses: the same code, the same
three-valued results. An unknown part is remembered: the outcome is undetermined when something
was unknown and nothing failed, eligible when everything held. Two shapes get quicker code:
texts looked for in one fact (``{"in": ["ccs", {"var": "enrollments"}]}`` or …) are one set test,
and a date compared with ``as_of`` uses as_of's date parsed once.

Its outcome is ``assess``'s outcome (``tests/platform/rules/test_rules_outcome.py``). The one
difference: criteria after the first failed one are not evaluated, so a fact that would make one
of them raise (a date test of a non-date) does not raise here — the outcome is already decided,
as it is for an ``and``'s later parts in either path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lieu.platform.rules.codegen import Source
from lieu.platform.rules.facts import var_path
from lieu.platform.rules.kleene import Generator
from lieu.platform.rules.kleene_code import BOOL, LIT, READ, Expr, Function, boolish
from lieu.platform.rules.runtime import ABSENT, contains, lookup
from lieu.platform.rules.syntax import Literal, Node, Operation

_NESTING = 60  # indentation levels of statements; deeper ``and``/``or`` stay one expression
_DAY = "_as_of_day"  # the local holding as_of's date
_IF, _UNKNOWN = "    if ", ":\n        _u = True\n"  # a top-level part noting an unknown
_GROUP = 3  # texts looked for in one fact from which one set test is quicker than each in turn
Tests = tuple[str, str, str]  # is it true, is it false (either evaluated first), is it unknown
Done = set[tuple[str | None, ...]]  # the paths read (and, after None, the objects read into)


@dataclass(frozen=True, slots=True)
class AnyOf:
    """Alternatives ``{"in": ["a", {"var": p}]}``, ``{"in": ["b", {"var": p}]}``… of one fact:
    together, whether the fact holds any of the texts (one set test when it is a list)."""

    path: str
    texts: tuple[str, ...]


def any_in(value: object, texts: frozenset[str], each: tuple[str, ...]) -> bool:
    """Whether ``{"in": [text, value]}`` holds for some text: a list shares one of them (a set
    test; a list holding unhashable items is searched text by text), a string contains one."""
    if type(value) is list:
        try:
            return not texts.isdisjoint(value)
        except TypeError:
            pass
    return any(contains(text, value) for text in each)


def _text_in(node: Node) -> tuple[str, str] | None:
    if isinstance(node, Operation) and node.op == "in" and len(node.args) == 2:
        needle, fact = node.args
        path = var_path(fact)
        plain = isinstance(fact, Operation) and all(isinstance(a, Literal) for a in fact.args)
        if isinstance(needle, Literal) and type(needle.value) is str and path and plain:
            return path, needle.value
    return None


class Steps:
    """A fact that is neither an object nor null, read into as JavaScript does (arrays and
    strings by index), for code that reads every object with ``.get``."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def get(self, key: str) -> object:
        found = lookup(self.value, key)
        return None if found is ABSENT else found


EMPTY: dict[str, object] = {}  # what a null object holds; never written to


def grouped(items: Sequence[Node]) -> list[Node | AnyOf]:
    """The alternatives of an ``or``, runs of texts looked for in one fact made one ``AnyOf``."""
    found: list[Node | AnyOf] = []
    run: list[tuple[Node, str, str]] = []
    for item in [*items, None]:
        text = None if item is None else _text_in(item)
        if run and (text is None or text[0] != run[0][1]):
            if len(run) >= _GROUP:
                found.append(AnyOf(run[0][1], tuple(t for _, _, t in run)))
            else:
                found += [item for item, _, _ in run]
            run = []
        if text is not None and item is not None:
            run.append((item, *text))
        elif item is not None:
            found.append(item)
    return found


def conjuncts(tree: Node) -> list[Node]:
    """The parts of a criterion ANDed at its top (nested ``and``s flattened), in order."""
    if isinstance(tree, Operation) and tree.op == "and" and tree.args:
        return [part for arg in tree.args for part in conjuncts(arg)]
    return [tree]


class OutcomeWriter:
    """Writes ``_outcome(facts, *, as_of)`` for a criteria set, sharing ``source``'s helpers."""

    def __init__(self, source: Source, paths: Sequence[str]) -> None:
        """``paths``: every fact path the criteria read."""
        self.fn = Function(source, used=[], on=_DAY)
        self.gen = Generator(self.fn)
        self.lines: list[str] = []
        self.containers: dict[tuple[str, ...], str] = {}  # objects read into, as dicts
        self.children: dict[tuple[str, ...], int] = {}  # how many paths are read from each
        for path in paths:
            keys = tuple(path.split("."))
            for cut in range(1, len(keys)):
                self.children[keys[:cut]] = self.children.get(keys[:cut], 0) + 1

    def function(self, trees: list[Node]) -> str:
        """The source of the outcome function."""
        done: Done = set()  # the facts read on every path to this point
        for tree in trees:
            for part in conjuncts(tree):
                self.conjunct(part, done)
        final = "_u"  # what tells, at the end, that something was unknown
        last = self.lines[-1] if self.lines else ""
        if last.startswith(_IF) and last.endswith(_UNKNOWN):
            self.lines.pop()  # the last part's unknown test goes into the return
            final = f"_u or {last[len(_IF) : -len(_UNKNOWN)]}"
        if not any("_u = True" in line for line in self.lines):  # nothing else notes one
            final = final.removeprefix("_u or ") if final != "_u" else "False"
        if any(_DAY in line for line in self.lines + self.fn.closures):
            header = [  # as_of checked, and its date, once per new value (one pair: threads)
                "    _k = _seen_day[0]\n",
                "    if as_of is not _k[0]:\n",
                "        _k = _dated_as_of(as_of, _seen_day)\n",
                f"    as_of, {_DAY} = _k\n",
            ]
        else:
            header = [
                "    if as_of is not _seen[0]:\n",
                "        as_of = _checked_as_of(as_of, _seen)\n",
            ]
        header.append("    data = facts if type(facts) is dict else dict(facts)\n")
        body = ['    data = {**data, "as_of": as_of}\n'] if self.fn.whole else []
        if final.startswith("_u"):
            body.append("    _u = False\n")
        body += [*self.fn.closures, *self.lines]
        body.append(
            "    return _YES\n" if final == "False" else f"    return _UND if {final} else _YES\n"
        )
        return "def _outcome(facts, *, as_of):\n" + "".join(header + body)

    def conjunct(self, node: Node, done: Done) -> None:
        """A part that must hold: return not eligible when it fails, note it when unknown."""
        if self.is_junction(node, "    "):
            assert isinstance(node, Operation)
            self.junction(node, "    ", done, top=True)
            return
        _, false, unknown = self.part(node, "    ", done)
        self.lines.append(f"    if {false}:\n        return _NO\n")
        if unknown != "False":
            self.lines.append(f"    if {unknown}:\n        _u = True\n")

    @staticmethod
    def is_junction(node: Node, indent: str) -> bool:
        """Whether ``node`` is an ``and``/``or`` written as statements (while indentation lasts)."""
        if not isinstance(node, Operation) or node.op not in ("and", "or") or len(node.args) < 2:
            return False
        return len(indent) // 4 + len(node.args) <= _NESTING

    def part(self, node: Node | AnyOf, indent: str, done: Done) -> Tests:
        """Statements (at ``indent``) after which the tests tell how ``node`` came out: each
        ``and``/``or`` part tried only when the previous did not settle it, each fact read
        just before the first part that needs it (``done``: those read on every path here)."""
        if isinstance(node, AnyOf):
            return self.any_of(node, indent, done)
        if self.is_junction(node, indent):
            assert isinstance(node, Operation)
            return self.junction(node, indent, done)
        if isinstance(node, Operation) and node.op in ("!", "!!") and len(node.args) == 1:
            true, false, unknown = self.part(node.args[0], indent, done)
            return (false, true, unknown) if node.op == "!" else (true, false, unknown)
        used = self.fn.used
        assert used is not None
        used.clear()
        if isinstance(node, Operation) and node.op in ("and", "or"):
            tests = self.status_tests(self.gen.status(node))
        else:
            tests = self.expr_tests(self.gen.expr(node, 1))
        for keys in list(used):
            self.read(keys, indent, done)
        return tests

    def any_of(self, node: AnyOf, indent: str, done: Done) -> Tests:
        keys = tuple(node.path.split("."))
        x = self.fn.read(keys)
        self.read(keys, indent, done)
        source = self.fn.source
        texts, each = source.constant(frozenset(node.texts)), source.constant(node.texts)
        body = f"_any_in({x}, {texts}, {each})"
        return f"({x} is not None and {body})", f"({x} is not None and not {body})", f"{x} is None"

    def junction(self, node: Operation, indent: str, done: Done, *, top: bool = False) -> Tests:
        """Kleene ``and``/``or``: the first part that settles it (false, true) decides; else
        unknown if a part was unknown. At the ``top`` of the outcome, a failed ``or`` returns."""
        conjunction = node.op == "and"
        settled, other = ("_F", "_H") if conjunction else ("_H", "_F")
        status = self.fn.source.name("_t")
        if not top:
            self.lines.append(f"{indent}{status} = {settled}\n")
        unknowns: list[str] = []
        seen = done  # the first part is always tried, the next ones on some paths
        for item in node.args if conjunction else grouped(node.args):
            true, false, unknown = self.part(item, indent, seen)
            self.lines.append(f"{indent}if not {false if conjunction else true}:\n")
            if unknown != "False" and unknown not in unknowns:
                unknowns.append(unknown)
            indent += "    "
            seen = set(seen)
        if top:  # an `or` at the top: held means nothing to do
            if unknowns:
                self.lines.append(f"{indent}if {' or '.join(unknowns)}:\n{indent}    _u = True\n")
                self.lines.append(f"{indent}else:\n{indent}    return _NO\n")
            else:
                self.lines.append(f"{indent}return _NO\n")
            return "True", "False", "False"
        rest = f"_Q if {' or '.join(unknowns)} else {other}" if unknowns else other
        self.lines.append(f"{indent}{status} = {rest}\n")
        return f"({status} is _H)", f"({status} is _F)", f"{status} is _Q"

    def read(self, keys: tuple[str, ...], indent: str, done: Done) -> None:
        """Read the fact at ``keys`` into its local (None when absent or null), parents first."""
        if keys in done or keys == ("as_of",):
            return
        done.add(keys)
        name = self.fn.reads[keys]
        if len(keys) == 1:
            self.lines.append(f"{indent}{name} = data.get({keys[0]!r})\n")
            return
        self.read(keys[:-1], indent, done)
        parent, key = self.fn.reads[keys[:-1]], repr(keys[-1])
        if self.children.get(keys[:-1], 0) < 2:
            self.lines.append(
                f"{indent}{name} = {parent}.get({key}) if type({parent}) is dict "
                f"else None if {parent} is None else _step({parent}, {key})\n"
            )
            return
        container = self.containers.setdefault(keys[:-1], self.fn.source.name("_p"))
        if (None, *keys[:-1]) not in done:  # one type test for all the children read from it
            done.add((None, *keys[:-1]))
            self.lines.append(
                f"{indent}{container} = {parent} if type({parent}) is dict "
                f"else _EMPTY if {parent} is None else _Steps({parent})\n"
            )
        self.lines.append(f"{indent}{name} = {container}.get({key})\n")

    def status_tests(self, status: str) -> Tests:
        t = self.fn.source.name("_t")
        return f"(({t} := {status}) is _H)", f"(({t} := {status}) is _F)", f"{t} is _Q"

    def expr_tests(self, expr: Expr) -> Tests:
        if expr.tests is not None:
            true, false, unknown = expr.tests
            return f"({true})", f"({false})", f"({unknown})"
        if expr.truth is not None:
            return f"({expr.truth})", f"(not ({expr.truth}))", "False"
        if expr.kind == READ:
            x = expr.code
            return (
                f"({x} is not None and _truthy({x}))",
                f"({x} is not None and not _truthy({x}))",
                f"{x} is None",
            )
        if (boolish(expr) or expr.kind == LIT) and expr.known:
            code = expr.code if expr.kind == BOOL else f"_truthy({expr.code})"
            return f"({code})", f"(not {code})", "False"
        t = self.fn.source.name("_t")
        if boolish(expr):
            return (
                f"(({t} := {expr.code}) is True)",
                f"(({t} := {expr.code}) is False)",
                (f"{t} is _U"),
            )
        return (
            f"(({t} := {expr.code}) is not _U and _truthy({t}))",
            f"(({t} := {expr.code}) is not _U and not _truthy({t}))",
            f"{t} is _U",
        )

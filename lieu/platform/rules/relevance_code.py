"""Generated code for ``relevance``: one function per criterion, from an assessment's snapshot to
the missing facts that could change the criterion.

``relevance`` says what is asked (the rule split at its logical operators into atoms; an atom's
missing facts count when it is undetermined, or when it tests their absence; an ``and`` with a
part false whatever the missing facts say asks nothing, and so on). Worked out per explanation
by rebuilding the facts, evaluating the atoms and walking the shape, that was most of an
explanation's time; here it is written once as straight-line Python over the snapshot itself:
each atom's status from the same ``kleene`` code (an atom that raises on these facts counts as
undetermined: it settles nothing), the missing facts as bits (bit *j*: the criterion's *j*-th
read), and the walk up the shape as expressions. A criterion whose atoms need the whole facts
(``missing_some``, a computed path) keeps the rebuilding way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

from lieu.platform.rules.codegen import Source
from lieu.platform.rules.errors import EvaluationError
from lieu.platform.rules.kleene import Generator
from lieu.platform.rules.kleene_code import Function
from lieu.platform.rules.reasons import Status
from lieu.platform.rules.syntax import Node

Opened = Callable[[tuple[object, ...]], int]  # packed snapshot -> bits of the facts to ask


class Atom(Protocol):
    """A part of a rule under its logical operators (``relevance._Atom``)."""

    @property
    def node(self) -> Node: ...
    @property
    def reads(self) -> tuple[str, ...]: ...
    @property
    def absence(self) -> frozenset[str]: ...


class Logic(Protocol):
    """A logical operator over parts (``relevance._Logic``)."""

    @property
    def op(self) -> str: ...
    @property
    def parts(self) -> Sequence[Atom | Logic]: ...


class _Writer:
    def __init__(self, reads: Sequence[tuple[str, int]]) -> None:
        self.fn = Function(Source(kleene=True))
        self.gen = Generator(self.fn)
        self.bit = {path: 1 << j for j, (path, _) in enumerate(reads)}
        self.lines: list[str] = []

    def temp(self) -> str:
        return self.fn.source.name("_t")

    def mask(self, paths: Sequence[str] | frozenset[str]) -> int:
        return sum(self.bit.get(path, 0) for path in set(paths))

    def shape(self, shape: Atom | Logic) -> tuple[str, str]:
        """Names of the status and the bits of open facts of a part, assigned by new lines."""
        status, bits = self.temp(), self.temp()
        if not hasattr(shape, "parts"):
            atom: Atom = shape
            code = self.gen.status(atom.node)
            asked, absence = self.mask(atom.reads), self.mask(atom.absence)
            self.lines.append(
                f"    try:\n        {status} = {code}\n"
                f"    except _EvaluationError:\n        {status} = _Q\n"
            )
            self.lines.append(f"    {bits} = ({asked} if {status} is _Q else {absence}) & _m\n")
            return status, bits
        logic: Logic = shape  # type: ignore[assignment]
        parts = [self.shape(part) for part in logic.parts]
        if logic.op in ("!", "!!"):
            ((inner, opened),) = parts
            if logic.op == "!":
                flip = f"_F if {inner} is _H else _H if {inner} is _F else _Q"
                self.lines.append(f"    {status} = {flip}\n")
            else:
                self.lines.append(f"    {status} = {inner}\n")
            self.lines.append(f"    {bits} = {opened}\n")
            return status, bits
        if logic.op in ("and", "or"):
            settles, other = ("_F", "_H") if logic.op == "and" else ("_H", "_F")
            some = " or ".join(f"{s} is {settles}" for s, _ in parts)
            unknown = " or ".join(f"{s} is _Q" for s, _ in parts)
            for_good = " or ".join(f"({s} is {settles} and not {o})" for s, o in parts)
            union = " | ".join(o for _, o in parts)
            self.lines.append(
                f"    {status} = {settles} if {some} else _Q if {unknown} else {other}\n"
            )
            self.lines.append(f"    {bits} = 0 if {for_good} else {union}\n")
            return status, bits
        return self.branch(parts)

    def branch(self, parts: list[tuple[str, str]]) -> tuple[str, str]:
        """``if`` [condition, then, …, else]: no else reads as null (false)."""
        if not parts:
            return "_F", "0"
        if len(parts) == 1:
            return parts[0]
        (condition, asked), (then, then_asked) = parts[0], parts[1]
        rest, rest_asked = self.branch(parts[2:])
        status, bits = self.temp(), self.temp()
        self.lines.append(
            f"    {status} = {then} if {condition} is _H else {rest} if {condition} is _F else _Q\n"
        )
        picked = f"({then_asked} if {condition} is _H else {rest_asked})"
        settled = f"not {asked} and {condition} is not _Q"
        self.lines.append(
            f"    {bits} = {picked} if {settled} else {asked} | {then_asked} | {rest_asked}\n"
        )
        return status, bits


def compile_opened(
    shape: Atom | Logic, reads: Sequence[tuple[str, int]], namespace: dict[str, object]
) -> Opened | None:
    """The function giving, from a packed snapshot, the bits (one per read of ``reads``, in
    order) of the missing facts that could change the criterion; None when an atom needs the
    whole facts."""
    writer = _Writer(reads)
    _, bits = writer.shape(shape)
    if writer.fn.whole:
        return None
    body = "".join(writer.fn.closures + writer.lines)
    at = dict(reads)
    loads = []
    for keys, name in writer.fn.reads.items():
        path = ".".join(keys)
        if path in at:
            loads.append(f"    {name} = p[{at[path]}]\n")
        elif re.search(rf"\b{name}\b", body):  # a value the snapshot does not hold
            return None
    absent = " | ".join(f"(p[{i}] is None) << {j}" for j, (_, i) in enumerate(reads)) or "0"
    text = "".join(writer.fn.source.defs) + "def _opened(p):\n" + "".join(loads)
    text += f"    _m = {absent}\n{body}    return {bits}\n"
    scope = dict(namespace)
    scope |= {"_EvaluationError": EvaluationError, "_Q": Status.UNDETERMINED}
    scope |= {"_H": Status.HELD, "_F": Status.FAILED}
    scope |= writer.fn.source.constants
    try:
        exec(compile(text, "<lieu relevance>", "exec"), scope)
    except (SyntaxError, RecursionError, MemoryError):  # too large to compile: rebuild instead
        return None
    opened: Opened = scope["_opened"]  # type: ignore[assignment]
    return opened

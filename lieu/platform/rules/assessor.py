"""Assemble a criteria set's generated functions: fact reads, statuses, outcome, ``Assessment``.

``assess(facts, as_of=...)`` reads every fact path once, evaluates each criterion with the
specialized Kleene code of ``kleene``, and returns the ``Assessment`` directly, so one call does
the whole member. ``outcome(facts, as_of=...)`` (``outcome.py``) gives the outcome alone, reading
only the facts that decide it. ``as_of`` is read as the fact ``as_of`` (over any such fact); the
facts are copied with it merged in only when a criterion reads the whole data or a computed path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, cast

from lieu.platform.rules import runtime
from lieu.platform.rules.assessment import Assessment, Outcome, Plan
from lieu.platform.rules.codegen import Source
from lieu.platform.rules.coercion import truthy
from lieu.platform.rules.dates import (
    age_at_iso,
    age_at_on,
    parse_date,
    parse_iso,
    within_days_iso,
)
from lieu.platform.rules.errors import RuleError
from lieu.platform.rules.kleene import Generator
from lieu.platform.rules.kleene_code import Function
from lieu.platform.rules.outcome import EMPTY, OutcomeWriter, Steps, any_in
from lieu.platform.rules.reasons import Status
from lieu.platform.rules.syntax import Node
from lieu.platform.rules.tristate import KLEENE_NAMESPACE, STANDARD_HELPERS, UNKNOWN


class Assess(Protocol):
    """Assess one member's facts on ``as_of`` (a date or YYYY-MM-DD; ValueError otherwise)."""

    def __call__(self, facts: Mapping[str, object], *, as_of: dt.date | str) -> Assessment: ...


class Decide(Protocol):
    """The outcome alone of one member's facts on ``as_of`` (``outcome``: only the facts that
    decide it are read, nothing is kept)."""

    def __call__(self, facts: Mapping[str, object], *, as_of: dt.date | str) -> Outcome: ...


Unchecked = Callable[[dict[str, object], object], Assessment]


@dataclass(frozen=True, slots=True)
class Compiled:
    """A criteria set's generated functions and their source."""

    assess: Assess
    unchecked: Unchecked
    outcome: Decide
    source: str


def step(value: object, key: str) -> object:
    """One step of a fact path from a value that is not a dict; None when undefined."""
    found = runtime.lookup(value, key)
    return None if found is runtime.ABSENT else found


def gaps(pairs: tuple[tuple[object, object], ...]) -> list[object]:
    """``missing`` over names written in the rule: those whose fact is null or ''."""
    return [name for name, value in pairs if value is None or value == ""]


def status(result: object) -> Status:
    """A criterion's status from its three-valued result."""
    if result is UNKNOWN:
        return Status.UNDETERMINED
    return Status.HELD if truthy(result) else Status.FAILED


NAMESPACE: dict[str, object] = {
    **KLEENE_NAMESPACE,
    **{f"_r{name}": helper for name, helper in STANDARD_HELPERS.items()},
    "_step": step,
    "_gaps": gaps,
    "_status": status,
    "_age_iso": age_at_iso,
    "_within_iso": within_days_iso,
    "_age_on": age_at_on,
    "_parse_iso": parse_iso,
    "_any_in": any_in,
    "_Steps": Steps,
    "_EMPTY": EMPTY,
    "_A": Assessment,
    "_H": Status.HELD,
    "_F": Status.FAILED,
    "_Q": Status.UNDETERMINED,
    "_YES": Outcome.ELIGIBLE,
    "_NO": Outcome.NOT_ELIGIBLE,
    "_UND": Outcome.UNDETERMINED,
}


def _tuple(names: Sequence[str]) -> str:
    return "(" + "".join(f"{name}, " for name in names) + ")"


def checked_as_of(as_of: object, seen: list[str]) -> str:
    """``as_of`` as an ISO date string (remembered in ``seen``); ValueError when it is not one."""
    if type(as_of) is not str:
        as_of = as_of.isoformat() if isinstance(as_of, dt.date) else str(as_of)
    if parse_date(as_of) is None:
        raise ValueError(f"as_of must be a date written YYYY-MM-DD, got {as_of!r}")
    seen[0] = as_of
    return as_of


def dated_as_of(as_of: object, seen: list[tuple[str, object]]) -> tuple[str, object]:
    """``as_of`` as an ISO date string and its date (remembered in ``seen``, as one pair so
    that threads never see one's string with another's date); ValueError when not a date."""
    iso = checked_as_of(as_of, [""])
    pair = seen[0] = (iso, parse_date(iso))
    return pair


def compile_assessor(trees: Sequence[Node], paths: Sequence[str], plan: Plan) -> Compiled:
    """Functions assessing every tree, with a snapshot of the facts at ``paths``: ``assess``
    checks ``as_of`` (once per new value) and ``unchecked`` takes it as it is; ``outcome``
    checks it too and gives the outcome alone (``outcome.py``)."""
    function = Function(Source(kleene=True))
    generator = Generator(function)
    checks = [f"    _s{i} = {generator.status(tree)}\n" for i, tree in enumerate(trees)]
    names = [f"_s{i}" for i in range(len(trees))]
    packed = _tuple(names + [function.read(tuple(path.split("."))) for path in paths])
    body = ['    data = {**data, "as_of": as_of}\n'] if function.whole else []
    body += function.lines() + function.closures + checks
    for outcome, mark in (("_NO", "_F"), ("_UND", "_Q")):
        if names:
            body.append(f"    if {' or '.join(f'{n} is {mark}' for n in names)}:\n")
            body.append(f"        return _A({outcome}, {packed}, _plan)\n")
    body.append(f"    return _A(_YES, {packed}, _plan)\n")
    checked = [
        "def _assess(facts, *, as_of):\n",
        "    if as_of is not _seen[0]:\n",
        "        as_of = _checked_as_of(as_of, _seen)\n",
        "    data = facts if type(facts) is dict else dict(facts)\n",
    ]
    decide = OutcomeWriter(function.source, paths).function(list(trees))
    defs = "".join(function.source.defs)
    text = defs + "".join(checked + body) + "def _unchecked(data, as_of):\n" + "".join(body)
    text += decide
    scope: dict[str, object] = {"__builtins__": {"type": type, "dict": dict, "int": int}}
    scope |= {"str": str, "float": float, "bool": bool, "list": list}
    scope |= NAMESPACE
    scope |= {"_plan": plan, "_seen": [""], "_checked_as_of": checked_as_of}
    scope |= {"_seen_day": [("", None)], "_dated_as_of": dated_as_of}
    scope |= function.source.constants
    try:
        exec(compile(text, "<lieu criteria>", "exec"), scope)
    except (SyntaxError, RecursionError, MemoryError) as error:
        raise RuleError(
            "too_deep", "", f"the criteria are too large to compile ({error}); split them up"
        ) from None
    return Compiled(
        cast(Assess, scope["_assess"]),
        cast(Unchecked, scope["_unchecked"]),
        cast(Decide, scope["_outcome"]),
        text,
    )

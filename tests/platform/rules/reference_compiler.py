"""The reference compiler the rule engine is tested against: a JsonLogic rule compiled into a
Python function with 2016 JsonLogic semantics (``compile_rule``, ``evaluate``; what the
conformance suites run), and the generic Kleene code of a set of rules (``compile_kleene``; what
the specialized code of ``lieu.platform.rules.assessor`` is held equal to).

It is not shipped: lieu evaluates eligibility criteria only through ``compile_criteria``. It
shares lieu's parser, code generator and helpers, so what it checks is the code lieu runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from lieu.platform.rules import coercion, runtime
from lieu.platform.rules.codegen import Source, expression
from lieu.platform.rules.errors import RuleError
from lieu.platform.rules.syntax import Node, parse
from lieu.platform.rules.tristate import KLEENE_NAMESPACE, STANDARD_HELPERS, UNKNOWN

Function = Callable[[object], object]
STANDARD_NAMESPACE: dict[str, object] = {  # the helpers standard (two-valued) code calls
    **STANDARD_HELPERS,
    "_truthy": coercion.truthy,
    "_walk": runtime.walk,
    "_var": runtime.var,
    "_array": lambda items: items,
    "_each": runtime.each,
    "_keep": runtime.keep,
    "_fold": runtime.fold,
    "_every": runtime.every,
    "_some": runtime.some,
    "_none": runtime.none,
    "_UNDEF": coercion.UNDEFINED,
    "_U": UNKNOWN,
}
_CACHE_SIZE = 1024
_cache: dict[str, CompiledRule] = {}


@dataclass(frozen=True, slots=True, eq=False)
class CompiledRule:
    """A checked, compiled rule; call it with the data. ``function`` is the bare callable."""

    rule: object
    tree: Node
    source: str
    function: Function

    def __call__(self, data: object = None) -> object:
        return self.function(data)


def compile_rule(rule: object) -> CompiledRule:
    """Parse and compile a rule once; raise RuleError if it is malformed or not allowed."""
    tree = parse(rule)
    source = Source(kleene=False)
    fast = expression(tree, source, dict_data=True)
    generic = expression(tree, source, dict_data=False)
    body = f"    if type(data) is dict:\n        return {fast}\n    return {generic}\n"
    function, text = _build(source, body, STANDARD_NAMESPACE)
    return CompiledRule(rule, tree, text, function)


def compile_kleene(
    trees: Sequence[Node],
) -> tuple[Callable[[dict[str, object]], tuple[object, ...]], str]:
    """One function giving every tree's three-valued result over a dict of facts: the generic
    Kleene code, the reference ``assessor``'s specialized code is tested against."""
    source = Source(kleene=True)
    items = "".join(f"        {expression(tree, source, dict_data=True)},\n" for tree in trees)
    function, text = _build(source, f"    return (\n{items}    )\n", KLEENE_NAMESPACE)
    return cast(Callable[[dict[str, object]], tuple[object, ...]], function), text


def _build(source: Source, body: str, namespace: dict[str, object]) -> tuple[Function, str]:
    text = "".join(source.defs) + "def _rule(data):\n" + body
    scope: dict[str, object] = {"__builtins__": {"type": type, "dict": dict, "int": int}}
    scope |= {"str": str, "float": float}
    scope |= namespace
    scope |= source.constants
    try:
        code = compile(text, "<lieu rule>", "exec")
        exec(code, scope)
    except (SyntaxError, RecursionError, MemoryError) as error:
        raise RuleError(
            "too_deep", "", f"the rule is too large to compile ({error}); split it up"
        ) from None
    return cast(Function, scope["_rule"]), text


def evaluate(rule: object, data: object = None) -> object:
    """Compile (cached by the rule's canonical JSON) and apply a rule to data."""
    try:
        key = json.dumps(rule, sort_keys=True, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return compile_rule(rule)(data)
    compiled = _cache.get(key)
    if compiled is None:
        compiled = compile_rule(rule)
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = compiled
    return compiled.function(data)

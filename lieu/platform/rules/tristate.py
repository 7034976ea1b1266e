"""Three-valued (Kleene) versions of the operators, for eligibility.

A fact that is absent or null reads as UNKNOWN (even when the ``var`` names a default: a missing
fact never satisfies a criterion; branch on absence explicitly with ``missing``). Every operator
other than the logical ones returns UNKNOWN when any argument is UNKNOWN; ``and``, ``or``, ``!``,
``!!`` and ``if`` follow Kleene logic (false and unknown = false, true or unknown = true), and so do
``all``, ``some`` and ``none`` over their items. ``missing`` and ``missing_some`` read the facts
as they are and are never unknown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from lieu.platform.rules import coercion, dates, runtime
from lieu.platform.rules.runtime import ABSENT, Body


class Unknown:
    """The third truth value: the facts do not say."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; compare it with `is UNKNOWN`")


UNKNOWN: Final = Unknown()


def strict(function: Callable[..., object]) -> Callable[..., object]:
    """The operator, returning UNKNOWN when any argument is UNKNOWN."""

    def unknown_in_unknown_out(*args: object) -> object:
        for arg in args:
            if arg is UNKNOWN:
                return UNKNOWN
        return function(*args)

    unknown_in_unknown_out.__doc__ = function.__doc__
    return unknown_in_unknown_out


def walk(data: object, keys: tuple[str, ...], default: object = None) -> object:
    """A fact by path; UNKNOWN when it is absent or null (the default is not used)."""
    value = runtime.walk(data, keys, ABSENT)
    return UNKNOWN if value is None or value is ABSENT else value


def var(data: object, path: object, default: object = None) -> object:
    """``var`` with a path computed at run time; UNKNOWN for an absent or null fact."""
    if path is UNKNOWN:
        return UNKNOWN
    keys = runtime.path_keys(path)
    if keys is None:
        return UNKNOWN if data is None else data
    return walk(data, keys)


def array(items: list[object]) -> object:
    """An array in the rule; UNKNOWN when any item is."""
    for item in items:
        if item is UNKNOWN:
            return UNKNOWN
    return items


def each(items: object, body: Body) -> object:
    """``map``; UNKNOWN when the array or any result is."""
    if items is UNKNOWN:
        return UNKNOWN
    return array(runtime.each(items, body))


def keep(items: object, body: Body) -> object:
    """``filter``; UNKNOWN when the array or any test is."""
    if items is UNKNOWN or type(items) is not list:
        return UNKNOWN if items is UNKNOWN else []
    tests = [body(item) for item in items]
    if any(test is UNKNOWN for test in tests):
        return UNKNOWN
    return [item for item, test in zip(items, tests, strict=True) if coercion.truthy(test)]


def fold(items: object, body: Body, initial: object = None) -> object:
    """``reduce``; UNKNOWN when the array or the running total is."""
    if items is UNKNOWN or initial is UNKNOWN:
        return UNKNOWN
    if type(items) is not list:
        return initial
    total = initial
    for item in items:
        total = body({"current": item, "accumulator": total})
        if total is UNKNOWN:
            return UNKNOWN
    return total


def _tests(items: object, body: Body) -> list[object] | None:
    if type(items) is not list:
        return None
    return [body(item) for item in items]


def every(items: object, body: Body) -> object:
    """``all``: false if any item fails, else unknown if any is unknown; false when empty."""
    if items is UNKNOWN:
        return UNKNOWN
    tests = _tests(items, body)
    if not tests:
        return False
    if any(t is not UNKNOWN and not coercion.truthy(t) for t in tests):
        return False
    return UNKNOWN if any(t is UNKNOWN for t in tests) else True


def some(items: object, body: Body) -> object:
    """``some``: true if any item passes, else unknown if any is unknown."""
    if items is UNKNOWN:
        return UNKNOWN
    tests = _tests(items, body) or []
    if any(t is not UNKNOWN and coercion.truthy(t) for t in tests):
        return True
    return UNKNOWN if any(t is UNKNOWN for t in tests) else False


def none(items: object, body: Body) -> object:
    """``none``: the negation of ``some``."""
    result = some(items, body)
    return result if result is UNKNOWN else not result


def truthy(value: object) -> object:
    """``!!`` of a value that may be UNKNOWN."""
    return value if value is UNKNOWN else coercion.truthy(value)


def _between(less: Callable[[object, object], bool]) -> Callable[..., bool]:
    def between(a: object, b: object, c: object) -> bool:
        return less(a, b) and less(b, c)

    return between


def _not(equal: Callable[[object, object], bool]) -> Callable[[object, object], bool]:
    def differ(a: object, b: object) -> bool:
        return not equal(a, b)

    return differ


STANDARD_HELPERS: dict[str, Callable[..., object]] = {
    "_eq": coercion.loose_equals,
    "_ne": _not(coercion.loose_equals),
    "_seq": coercion.strict_equals,
    "_sne": _not(coercion.strict_equals),
    "_lt": coercion.less_than,
    "_gt": coercion.greater_than,
    "_le": coercion.less_or_equal,
    "_ge": coercion.greater_or_equal,
    "_lt3": _between(coercion.less_than),
    "_le3": _between(coercion.less_or_equal),
    "_plus": runtime.plus,
    "_times": runtime.times,
    "_minus": runtime.minus,
    "_divide": runtime.divide,
    "_modulo": runtime.modulo,
    "_max": runtime.maximum,
    "_min": runtime.minimum,
    "_in": runtime.contains,
    "_cat": runtime.concat,
    "_substr": runtime.substr,
    "_merge": runtime.merge,
    "_log": runtime.log,
    "_missing": runtime.missing,
    "_missing_some": runtime.missing_some,
    "_age_at": dates.age_at,
    "_days_between": dates.days_between,
    "_date_add_days": dates.date_add_days,
    "_within_days": dates.within_days,
}

KLEENE_NAMESPACE: dict[str, object] = {
    **{name: strict(helper) for name, helper in STANDARD_HELPERS.items()},
    "_truthy": coercion.truthy,
    "_walk": walk,
    "_var": var,
    "_array": array,
    "_each": each,
    "_keep": keep,
    "_fold": fold,
    "_every": every,
    "_some": some,
    "_none": none,
    "_UNDEF": coercion.UNDEFINED,
    "_U": UNKNOWN,
}

"""The standard 2016 JsonLogic operators that compiled rules call, as plain functions."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Final

from lieu.platform.rules.coercion import (
    NAN,
    UNDEFINED,
    greater_or_equal,
    parse_float,
    strict_equals,
    to_number,
    to_string,
    truthy,
)

Body = Callable[[object], object]


class _Absent:
    __slots__ = ()


ABSENT: Final = _Absent()


def lookup(data: object, key: str) -> object:
    """``data[key]`` as JavaScript reads it (arrays and strings by index); ABSENT when undefined."""
    kind = type(data)
    if isinstance(data, Mapping):
        return data.get(key, ABSENT)
    if (kind is list or kind is str) and key.isdigit() and (key == "0" or key[0] != "0"):
        index = int(key)
        return data[index] if index < len(data) else ABSENT  # type: ignore[index, arg-type]
    return ABSENT


def walk(data: object, keys: tuple[str, ...], default: object) -> object:
    """Follow dotted-path keys from data; the default when a step is undefined."""
    for key in keys:
        if data is None or data is ABSENT:
            return default
        data = lookup(data, key)
        if data is ABSENT:
            return default
    return data


def path_keys(path: object) -> tuple[str, ...] | None:
    """The keys of a ``var`` path; None for the empty path, which means the data itself."""
    if path is None or path == "" or path is UNDEFINED:
        return None
    text = to_string(path)
    return tuple(text.split("."))


def var(data: object, path: object, default: object = None) -> object:
    """``{"var": [path, default]}`` with a path computed at run time."""
    keys = path_keys(path)
    if keys is None:
        return data
    return walk(data, keys, None if default is UNDEFINED else default)


def missing(data: object, *args: object) -> list[object]:
    """The keys among the arguments (or the array given as first argument) that are null or ''."""
    keys = args[0] if args and type(args[0]) is list else args
    found: list[object] = []
    for key in keys:
        value = var(data, key)
        if value is None or value == "":
            found.append(key)
    return found


def missing_some(data: object, need: object, options: object) -> list[object]:
    """``[]`` when at least ``need`` of the options are present, else the missing options."""
    if type(options) is not list:
        options = [options]
    absent = missing(data, options)
    if greater_or_equal(len(options) - len(absent), need):
        return []
    return absent


def _tidy(number: float) -> int | float:
    if number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number


def plus(*args: object) -> int | float:
    """``+``: the sum of the arguments read with parseFloat (so ``"1"`` counts as 1)."""
    total: int | float = 0
    for arg in args:
        total += parse_float(arg)
    return total


def times(*args: object) -> object:
    """``*``: the product of the arguments read with parseFloat; one argument comes back as is."""
    if len(args) == 1:
        return args[0]
    product: int | float = parse_float(args[0])
    for arg in args[1:]:
        product *= parse_float(arg)
    return product


def minus(a: object, b: object = UNDEFINED) -> int | float:
    """``-``: a minus b, or the negation of a alone."""
    if b is UNDEFINED:
        return -to_number(a)
    return to_number(a) - to_number(b)


def divide(a: object, b: object) -> int | float:
    """``/`` with JavaScript's infinities and NaN for division by zero."""
    x, y = to_number(a), to_number(b)
    if y == 0:
        if x == 0 or x != x:
            return NAN
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    if type(x) is int and type(y) is int and x % y == 0:
        return x // y
    try:
        return _tidy(x / y)
    except OverflowError:
        return math.copysign(math.inf, x) * math.copysign(1.0, y)


def modulo(a: object, b: object) -> int | float:
    """``%``: JavaScript's remainder, which takes the sign of the dividend."""
    x, y = to_number(a), to_number(b)
    if y == 0 or x != x or y != y or math.isinf(x):
        return NAN
    if math.isinf(y):
        return x
    if type(x) is int and type(y) is int:
        rest = abs(x) % abs(y)
        return -rest if x < 0 else rest
    return _tidy(math.fmod(x, y))


def maximum(*args: object) -> int | float:
    """``max`` of the arguments as numbers; NaN if any is not a number."""
    numbers = [to_number(a) for a in args]
    if any(n != n for n in numbers):
        return NAN
    return max(numbers, default=-math.inf)


def minimum(*args: object) -> int | float:
    """``min`` of the arguments as numbers; NaN if any is not a number."""
    numbers = [to_number(a) for a in args]
    if any(n != n for n in numbers):
        return NAN
    return min(numbers, default=math.inf)


def contains(needle: object, haystack: object) -> bool:
    """``in``: substring of a string (needle as text) or strict member of an array."""
    if type(haystack) is str:
        return haystack != "" and to_string(needle) in haystack
    if type(haystack) is list:
        return any(strict_equals(needle, item) for item in haystack)
    return False


def concat(*args: object) -> str:
    """``cat``: the arguments as text, joined; null counts as empty text."""
    return "".join("" if a is None or a is UNDEFINED else to_string(a) for a in args)


def _integer(value: object) -> float:
    number = to_number(value)
    if number != number:
        return 0
    return float(math.trunc(number)) if math.isfinite(number) else number


def _substr(text: str, start: object, length: object = UNDEFINED) -> str:
    size = len(text)
    begin = _integer(start)
    if begin < 0:
        begin = max(size + begin, 0)
    begin = min(begin, size)
    count = size - begin if length is UNDEFINED else min(max(_integer(length), 0), size - begin)
    return text[int(begin) : int(begin + count)]


def substr(source: object, start: object, end: object = UNDEFINED) -> str:
    """``substr``: from start (negative counts from the end), taking end characters or, when
    end is negative, stopping that many characters before the end."""
    text = to_string(source)
    if end is not UNDEFINED and end is not None and to_number(end) < 0:
        rest = _substr(text, start)
        return _substr(rest, 0, len(rest) + to_number(end))
    return _substr(text, start, end)


def merge(*args: object) -> list[object]:
    """``merge``: one array of the arguments, arrays flattened one level."""
    result: list[object] = []
    for arg in args:
        if type(arg) is list:
            result.extend(arg)
        else:
            result.append(arg)
    return result


def log(value: object) -> object:
    """``log`` returns its argument; rules are pure, so nothing is printed."""
    return value


def each(items: object, body: Body) -> list[object]:
    """``map``."""
    if type(items) is not list:
        return []
    return [body(item) for item in items]


def keep(items: object, body: Body) -> list[object]:
    """``filter``."""
    if type(items) is not list:
        return []
    return [item for item in items if truthy(body(item))]


def fold(items: object, body: Body, initial: object = None) -> object:
    """``reduce``: body sees ``{"current": item, "accumulator": total}``."""
    if type(items) is not list:
        return initial
    total = initial
    for item in items:
        total = body({"current": item, "accumulator": total})
    return total


def every(items: object, body: Body) -> bool:
    """``all``: false for an empty array."""
    if type(items) is not list or not items:
        return False
    return all(truthy(body(item)) for item in items)


def some(items: object, body: Body) -> bool:
    """``some``."""
    if type(items) is not list:
        return False
    return any(truthy(body(item)) for item in items)


def none(items: object, body: Body) -> bool:
    """``none``."""
    return not some(items, body)

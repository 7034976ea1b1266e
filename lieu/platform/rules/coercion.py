"""JavaScript value semantics that 2016 JsonLogic inherits: truthiness, coercion and comparison.

JSON values map to Python as json.loads makes them (dict, list, str, int, float, bool, None).
Python's own rules differ from JavaScript's in ways the official tests catch: ``True == 1``,
``{}`` is falsy, ``nan`` is truthy, ``"a" < 1`` raises. Every operator goes through these
functions instead. String order is by code point (JavaScript orders UTF-16 code units; the two
agree except between astral characters and U+E000-U+FFFF).
"""

from __future__ import annotations

import math
import re
from typing import Final

NAN: Final = math.nan


class Undefined:
    """JavaScript ``undefined``: what an operator sees for an argument the rule left out."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Final = Undefined()

_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_INTEGER = re.compile(r"[+-]?\d+")
_FLOAT_PREFIX = re.compile(r"[+-]?(?:Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)")
_JS_SPACE = " \t\n\r\x0b\x0c\xa0\ufeff\u2028\u2029"


def truthy(value: object) -> bool:
    """JsonLogic truthiness: JavaScript's, except that an empty array is falsy."""
    if value is True:
        return True
    if value is False or value is None or value is UNDEFINED:
        return False
    kind = type(value)
    if kind is int:
        return value != 0
    if kind is float:
        return value != 0 and value == value
    if kind is str or kind is list:
        return len(value) > 0  # type: ignore[arg-type]
    return True


def to_number(value: object) -> int | float:
    """JavaScript ``Number(value)``; integers stay ``int``."""
    kind = type(value)
    if kind is int or kind is float:
        return value  # type: ignore[return-value]
    if value is None:
        return 0
    if kind is bool:
        return 1 if value else 0
    if kind is str:
        return _string_to_number(value)  # type: ignore[arg-type]
    if kind is list:
        return _string_to_number(to_string(value))
    return NAN


def _string_to_number(text: str) -> int | float:
    text = text.strip(_JS_SPACE)
    if not text:
        return 0
    if _INTEGER.fullmatch(text):
        return int(text)
    if _NUMBER.fullmatch(text):
        return float(text)
    lowered = text.lower()
    if lowered[:2] in ("0x", "0o", "0b") and text[:2] == lowered[:2]:
        try:
            return int(text, 0)
        except ValueError:
            return NAN
    if text in ("Infinity", "+Infinity"):
        return math.inf
    if text == "-Infinity":
        return -math.inf
    return NAN


def parse_float(value: object) -> int | float:
    """JavaScript ``parseFloat(value)``: the longest numeric prefix of the value's string."""
    kind = type(value)
    if kind is int or kind is float:
        return value  # type: ignore[return-value]
    match = _FLOAT_PREFIX.match(to_string(value).lstrip(_JS_SPACE))
    if match is None:
        return NAN
    text = match.group()
    if text.endswith("Infinity"):
        return -math.inf if text[0] == "-" else math.inf
    return int(text) if _INTEGER.fullmatch(text) else float(text)


def to_string(value: object) -> str:
    """JavaScript ``String(value)``; arrays join with commas, null items as empty strings."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return str(value)
    if kind is float:
        return format_number(value)  # type: ignore[arg-type]
    if kind is list:
        return ",".join("" if x is None or x is UNDEFINED else to_string(x) for x in value)  # type: ignore[attr-defined]
    if value is UNDEFINED:
        return "undefined"
    return "[object Object]"


def format_number(number: float) -> str:
    """JavaScript's Number::toString for a float."""
    if number != number:
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number.is_integer() and abs(number) < 1e21:
        return str(int(number))
    text = repr(number)
    if "e" not in text:
        return text
    mantissa, _, exp_text = text.partition("e")
    sign = "-" if mantissa.startswith("-") else ""
    digits = mantissa.lstrip("-").replace(".", "").rstrip("0") or "0"
    point = int(exp_text) + 1
    size = len(digits)
    if size <= point <= 21:
        return sign + digits + "0" * (point - size)
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    tail = "." + digits[1:] if size > 1 else ""
    exponent = point - 1
    return f"{sign}{digits[0]}{tail}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"


def _primitive(value: object) -> object:
    kind = type(value)
    if kind is list:
        return to_string(value)
    if kind is dict:
        return "[object Object]"
    return value


def loose_equals(a: object, b: object) -> bool:
    """JavaScript ``a == b`` (abstract equality)."""
    ta, tb = type(a), type(b)
    if ta is tb and ta is not list and ta is not dict:
        return a == b
    if a is None or a is UNDEFINED or b is None or b is UNDEFINED:
        return (a is None or a is UNDEFINED) and (b is None or b is UNDEFINED)
    a_num = ta is int or ta is float
    b_num = tb is int or tb is float
    if a_num and b_num:
        return a == b
    if ta is bool:
        return loose_equals(1 if a else 0, b)
    if tb is bool:
        return loose_equals(a, 1 if b else 0)
    if a_num and tb is str:
        return a == to_number(b)
    if ta is str and b_num:
        return to_number(a) == b
    a_obj = ta is list or ta is dict
    b_obj = tb is list or tb is dict
    if a_obj and b_obj:
        return a is b
    if a_obj:
        return loose_equals(_primitive(a), b)
    if b_obj:
        return loose_equals(a, _primitive(b))
    return False


def strict_equals(a: object, b: object) -> bool:
    """JavaScript ``a === b``: same type and value; arrays and objects by identity."""
    ta, tb = type(a), type(b)
    if ta is list or ta is dict or tb is list or tb is dict:
        return a is b
    if (ta is int or ta is float) and (tb is int or tb is float):
        return a == b
    return ta is tb and a == b


def _less(a: object, b: object) -> bool | None:
    """JavaScript's abstract relational comparison ``a < b``; None when undefined (NaN)."""
    pa, pb = _primitive(a), _primitive(b)
    if type(pa) is str and type(pb) is str:
        return pa < pb
    na, nb = to_number(pa), to_number(pb)
    if na != na or nb != nb:
        return None
    return na < nb


def less_than(a: object, b: object) -> bool:
    """JavaScript ``a < b``."""
    return _less(a, b) is True


def greater_than(a: object, b: object) -> bool:
    """JavaScript ``a > b``."""
    return _less(b, a) is True


def less_or_equal(a: object, b: object) -> bool:
    """JavaScript ``a <= b``."""
    return _less(b, a) is False


def greater_or_equal(a: object, b: object) -> bool:
    """JavaScript ``a >= b``."""
    return _less(a, b) is False

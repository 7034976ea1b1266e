"""Scalars: decimals travel as plain strings without trailing zeros (`336`, `12.5`).

A decimal sent to the API is bounded at the edge: at most `MAX_PLACES` decimal places and a
magnitude below `MAGNITUDE_BOUND`, whether it comes as a string, an int or a float, in a literal
or a variable. The text is measured before it is converted, so `1e999999999` or a 5,001-digit
integer costs nothing and is refused in words (unbounded, the first became a 1,000 MB response;
`0.001` was accepted and then could never be reserved).
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation

import strawberry
from graphql import FloatValueNode, GraphQLError, IntValueNode, StringValueNode, ValueNode
from graphql.language.printer import print_ast

MAX_PLACES = 2
MAGNITUDE_DIGITS = 9
MAGNITUDE_BOUND = 10**MAGNITUDE_DIGITS  # exclusive: |value| < 1,000,000,000
# Longest text worth converting: sign, 9 digits, point, places, and room for trailing zeros
# or an exponent (`336.000`, `1.5e3`). Anything longer is refused unread.
MAX_CHARS = 32
# Serialization writes digits out only this far; beyond, it keeps the exponent (`1E+40`).
PLAIN_DIGITS = 30
BOUNDS = f"at most {MAX_PLACES} decimal places and below {MAGNITUDE_BOUND:,}"


def serialize_decimal(value: Decimal) -> str:
    """`Decimal('336.00')` → `'336'`; plain digits, never exponent notation for any value a
    client could have sent (an out-of-range value keeps its exponent rather than expanding)."""
    if not value.is_finite():
        raise ValueError(f"{value} is not a finite decimal")
    if not value:
        return "0"  # `0E-999999999` is zero too, and must not be written out digit by digit
    if not -PLAIN_DIGITS <= value.adjusted() < PLAIN_DIGITS:
        return str(value)
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_decimal(value: object) -> Decimal:
    """A string, int or float within the bounds; a clear error naming the problem otherwise."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise GraphQLError(f"{value!r} is not a decimal number; send one like '12.5' ({BOUNDS})")
    if isinstance(value, int) and abs(value) >= MAGNITUDE_BOUND:
        shown = (
            str(value) if value.bit_length() <= 128 else f"an integer of {value.bit_length()} bits"
        )
        raise GraphQLError(_too_large(shown))
    if isinstance(value, float) and not math.isfinite(value):
        raise GraphQLError(f"{value} is not a finite number; a decimal must be {BOUNDS}")
    return _bounded(value if isinstance(value, str) else repr(value))


def parse_decimal_literal(node: ValueNode, _variables: object = None) -> Decimal:
    """A literal, read from its source text (`1e999999999` is never made a float or an int)."""
    if isinstance(node, StringValueNode | IntValueNode | FloatValueNode):
        return _bounded(node.value)
    raise GraphQLError(f"{print_ast(node)} is not a decimal number; send one like '12.5'")


def _bounded(text: str) -> Decimal:
    if len(text) > MAX_CHARS:
        raise GraphQLError(
            f"{text[:12]}… ({len(text)} characters) is too long for a decimal; "
            f"a decimal must be {BOUNDS}"
        )
    if not text.isascii():  # Decimal() also reads other scripts' digits: '٣٤٥' would be 345
        raise GraphQLError(
            f"{text!r} is not a decimal number; write it with the digits 0-9, like '12.5'"
        )
    try:
        parsed = Decimal(text)
    except InvalidOperation:
        raise GraphQLError(f"{text!r} is not a decimal number; send one like '12.5'") from None
    if not parsed.is_finite():
        raise GraphQLError(f"{text} is not a finite number; a decimal must be {BOUNDS}")
    if not parsed:
        return Decimal(0)  # `0E+999999999` is just zero
    if parsed.adjusted() >= MAGNITUDE_DIGITS:
        raise GraphQLError(_too_large(text))
    places = _places(parsed)
    if places > MAX_PLACES:
        raise GraphQLError(f"{text} has {places} decimal places; at most {MAX_PLACES} are allowed")
    return parsed


def _places(value: Decimal) -> int:
    """Decimal places that carry a digit (`12.50` has 1), without normalizing (which rounds)."""
    _sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)  # finite
    trailing = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing))


def _too_large(shown: str) -> str:
    return (
        f"{shown} is too large; a decimal must be below {MAGNITUDE_BOUND:,} (10^{MAGNITUDE_DIGITS})"
    )


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description=f"A decimal number as a string, e.g. `12.5`: {BOUNDS}.",
    serialize=serialize_decimal,
    parse_value=parse_decimal,
    parse_literal=parse_decimal_literal,
)

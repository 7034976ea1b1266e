"""Scalars: decimals travel as plain strings without trailing zeros (`336`, `12.5`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import strawberry
from graphql import GraphQLError


def serialize_decimal(value: Decimal) -> str:
    """`Decimal('336.00')` → `'336'`; never exponent notation."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def parse_decimal(value: object) -> Decimal:
    """Accept a string or a number; a clear error otherwise."""
    try:
        parsed = Decimal(str(value))
    except InvalidOperation:
        raise GraphQLError(f"{value!r} is not a decimal number, e.g. '12.5'") from None
    if not parsed.is_finite():
        raise GraphQLError(f"{value!r} is not a finite decimal number")
    return parsed


DecimalScalar = strawberry.scalar(
    name="Decimal",
    description="A decimal number as a string, e.g. `12.5`.",
    serialize=serialize_decimal,
    parse_value=parse_decimal,
)

"""Errors a rule can raise: RuleError when it is compiled, EvaluationError when it runs."""

from __future__ import annotations


def pointer_token(token: str | int) -> str:
    """Escape one JSON Pointer reference token (RFC 6901)."""
    return "/" + str(token).replace("~", "~0").replace("/", "~1")


class RuleError(ValueError):
    """A rule that cannot be compiled: says where (JSON pointer), what (code) and how to fix.

    Codes: ``unknown_operator``, ``bad_arity``, ``bad_argument``, ``malformed_rule``, ``too_deep``.
    """

    def __init__(self, code: str, pointer: str, message: str) -> None:
        self.code = code
        self.pointer = pointer
        self.message = message
        super().__init__(f"{code} at {pointer or '/'}: {message}")


class EvaluationError(ValueError):
    """A compiled rule met a value it cannot use, such as a fact that is not a date.

    Standard JsonLogic operators never raise; only lieu's date operators do, with code
    ``bad_date`` or ``bad_number``, the pointer of the operator in the rule and the value seen.
    """

    def __init__(self, code: str, pointer: str, message: str, value: object) -> None:
        self.code = code
        self.pointer = pointer
        self.message = message
        self.value = value
        super().__init__(f"{code} at {pointer or '/'}: {message}")

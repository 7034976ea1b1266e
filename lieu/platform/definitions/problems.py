"""A problem found in a benefit definition: where (JSON pointer), what (code) and how to fix it."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    """Errors block publishing; warnings are shown to the author and reviewed by a person."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding of validation; ``message`` says what is wrong and how to fix it."""

    pointer: str
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def render(self, source: str = "") -> str:
        """``source#pointer: code: message`` (the CLI's one line per problem)."""
        label = f"{self.code}" if self.severity is Severity.ERROR else f"{self.code} (warning)"
        return f"{source}#{self.pointer}: {label}: {self.message}"


def errors(problems: list[Problem] | tuple[Problem, ...]) -> list[Problem]:
    """Only the problems that block publishing."""
    return [p for p in problems if p.severity is Severity.ERROR]


def pointer(*tokens: str | int) -> str:
    """A JSON pointer (RFC 6901) built from reference tokens."""
    return "".join("/" + str(t).replace("~", "~0").replace("/", "~1") for t in tokens)

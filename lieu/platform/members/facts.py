"""The member-facts vocabulary: which facts rules may read, their types, and member validation."""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker

DEFINITIONS_ROOT = Path(__file__).resolve().parents[3] / "benefit_definitions"
MEMBER_FACTS_SCHEMA = DEFINITIONS_ROOT / "schema" / "member-facts.schema.json"
# Supplied by the engine at evaluation time, not by the member.
AS_OF = "as_of"
# Facts about the member that no rule may read: an identifier, and the language notices go out
# in (eligibility never depends on a member's language).
NOT_FOR_RULES = frozenset({"member_id", "preferred_language"})


@dataclass(frozen=True, slots=True)
class FactType:
    """The declared type of one fact path (`kind` is a JSON type, or 'date'), and its label: the
    schema's `title`, the words a provider reads for it (e.g. 'discharge date')."""

    path: str
    kind: str
    enum: tuple[str, ...] = ()
    item_enum: tuple[str, ...] = ()
    description: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Every fact path a rule may read, with its type."""

    facts: Mapping[str, FactType]

    def get(self, path: str) -> FactType | None:
        """The declared type of a path, or None when the path is undeclared."""
        return self.facts.get(path)

    def suggest(self, path: str) -> str | None:
        """The declared path closest to an undeclared one (for 'did you mean')."""
        leaves = [p for p, f in self.facts.items() if f.kind != "object"]
        tail = path.rsplit(".", 1)[-1]
        for candidate in leaves:
            if candidate.rsplit(".", 1)[-1] == tail:
                return candidate
        close = difflib.get_close_matches(path, leaves, n=1, cutoff=0.6)
        return close[0] if close else None


def _kind(node: Mapping[str, Any]) -> str:
    if node.get("format") == "date":
        return "date"
    kind = node.get("type", "object")
    return kind if isinstance(kind, str) else "object"


def _walk(node: Mapping[str, Any], prefix: str) -> Iterator[FactType]:
    for name, child in node.get("properties", {}).items():
        if name.startswith("$") or name in NOT_FOR_RULES:
            continue
        path = f"{prefix}{name}"
        kind = _kind(child)
        items = child.get("items", {})
        yield FactType(
            path=path,
            kind=kind,
            enum=tuple(child.get("enum", ())),
            item_enum=tuple(items.get("enum", ())) if isinstance(items, dict) else (),
            description=child.get("description", ""),
            label=child.get("title") or name.replace("_", " "),
        )
        if kind == "object":
            yield from _walk(child, path + ".")


@lru_cache(maxsize=8)
def _schema(path: Path) -> Mapping[str, Any]:
    loaded: Mapping[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def member_facts_schema(path: Path = MEMBER_FACTS_SCHEMA) -> Mapping[str, Any]:
    """The member-facts JSON Schema (read once per path)."""
    return _schema(path)


@lru_cache(maxsize=8)
def load_vocabulary(path: Path = MEMBER_FACTS_SCHEMA) -> Vocabulary:
    """The vocabulary declared by a member-facts schema, plus the engine's `as_of` date."""
    facts = {fact.path: fact for fact in _walk(_schema(path), "")}
    facts[AS_OF] = FactType(
        AS_OF, "date", description="The evaluation date (the engine's).", label="date of service"
    )
    return Vocabulary(MappingProxyType(facts))


# Keywords the compiled check (below) treats exactly as jsonschema's Draft 2020-12 does; a schema
# using any other keyword is refused rather than checked differently (see `_keywords`).
COMPILED_KEYWORDS = frozenset(
    {
        "$schema", "$id", "title", "description", "examples", "type", "properties",
        "additionalProperties", "required", "enum", "const", "minimum", "maximum", "minLength",
        "maxLength", "pattern", "items", "uniqueItems", "minItems", "maxItems", "format",
    }
)  # fmt: skip


def _keywords(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            if key == "properties":
                for child in value.values():
                    yield from _keywords(child)
            elif key in ("items", "additionalProperties"):
                yield from _keywords(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keywords(item)


@lru_cache(maxsize=8)
def _compiled(path: Path) -> Callable[[object], object]:
    schema = _schema(path)
    unknown = set(_keywords(schema)) - COMPILED_KEYWORDS
    if unknown:
        raise ValueError(f"{path}: the compiled member check does not know {sorted(unknown)}")
    checker = FormatChecker()
    # The same format rules as jsonschema's (e.g. "date" is a real calendar date, not \d{4}-...).
    formats = {name: functools.partial(checker.conforms, format=name) for name in checker.checkers}
    # fastjsonschema compiles draft-07; every keyword above means the same in draft 2020-12.
    draft07 = {**schema, "$schema": "http://json-schema.org/draft-07/schema#"}
    validate: Callable[[object], object] = fastjsonschema.compile(draft07, formats=formats)
    return validate


def facts_are_valid(facts: object, path: Path = MEMBER_FACTS_SCHEMA) -> bool:
    """Whether facts match the schema: a compiled check, ~20x faster than jsonschema's.

    It decides only validity; `member_problems` still explains what is wrong, with jsonschema.
    """
    try:
        _compiled(path)(facts)
    except fastjsonschema.JsonSchemaException:
        return False
    return True


def member_problems(facts: object, path: Path = MEMBER_FACTS_SCHEMA) -> list[str]:
    """What is wrong with a member's facts, one sentence each with the field's path."""
    if facts_are_valid(facts, path):
        return []
    validator = Draft202012Validator(_schema(path), format_checker=FormatChecker())
    found = []
    for error in sorted(validator.iter_errors(facts), key=lambda e: list(e.absolute_path)):
        where = ".".join(str(p) for p in error.absolute_path) or "(member)"
        found.append(f"{where}: {error.message}")
    return found

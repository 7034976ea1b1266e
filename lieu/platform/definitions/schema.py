"""The benefit-definition JSON Schema, and its errors as Problems with pointers and fixes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from jsonschema.exceptions import best_match

from lieu.platform.definitions.problems import Problem, pointer
from lieu.platform.members.facts import DEFINITIONS_ROOT

DEFINITION_SCHEMA = DEFINITIONS_ROOT / "schema" / "definition.schema.json"

_CODES = {
    "required": "schema-required",
    "type": "schema-type",
    "enum": "schema-enum",
    "const": "schema-enum",
    "format": "schema-format",
    "pattern": "schema-pattern",
    "additionalProperties": "schema-unknown-property",
    "unevaluatedProperties": "schema-unknown-property",
    "minimum": "schema-range",
    "maximum": "schema-range",
    "minItems": "schema-range",
    "minLength": "schema-range",
}
_FIXES = {
    "required": "add it",
    "type": "change the value's type",
    "enum": "use one of the allowed values",
    "const": "use the allowed value",
    "format": "write dates as YYYY-MM-DD",
    "pattern": "lower-case letters, digits and hyphens for ids; codes like 'T2033' and 'U6'",
    "additionalProperties": "remove it or correct its spelling",
    "unevaluatedProperties": "remove it or correct its spelling (it may not belong to this kind)",
    "not": "remove it",
}


@lru_cache(maxsize=4)
def _validator(path: Path) -> Draft202012Validator:
    schema = json.loads(path.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def definition_schema(path: Path = DEFINITION_SCHEMA) -> Mapping[str, Any]:
    """The benefit-definition JSON Schema."""
    schema = _validator(path).schema
    assert isinstance(schema, Mapping)
    return schema


def schema_problems(document: object, path: Path = DEFINITION_SCHEMA) -> list[Problem]:
    """Every place `document` breaks the definition schema.

    The answer is remembered by the document's JSON text (keys in their order, as problems at
    one pointer come in the document's order): the same files are validated again and again
    (every `load_files` checks each file twice, and the shipped library is read by many
    commands and pages), and the schema takes ~3 ms a document."""
    try:
        text = json.dumps(document, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError, RecursionError):  # not JSON: nothing to remember it by
        return _problems(document, path)
    return list(_remembered(text, path))


@lru_cache(maxsize=256)
def _remembered(text: str, path: Path) -> tuple[Problem, ...]:
    return tuple(_problems(json.loads(text), path))


def _problems(document: object, path: Path) -> list[Problem]:
    found = []
    for error in _validator(path).iter_errors(document):
        found.append(_problem(_specific(error)))
    return sorted(found, key=lambda p: p.pointer)


def _specific(error: ValidationError) -> ValidationError:
    # oneOf/anyOf report "not valid under any"; the closest branch says what to change.
    if error.validator in ("oneOf", "anyOf") and error.context:
        chosen = best_match(error.context)
        return chosen if chosen is not None else error
    return error


def _problem(error: ValidationError) -> Problem:
    validator = str(error.validator)
    where = pointer(*error.absolute_path)
    message = error.message
    if validator == "required" and isinstance(error.instance, dict):
        missing = message.split("'")[1] if "'" in message else ""
        where = where + pointer(missing) if missing else where
    if validator == "not" and error.absolute_schema_path and "extends" in str(error.schema):
        return Problem(
            "/extends",
            "schema-baseline-extends",
            "a DHCS baseline extends nothing; remove extends (or change plan to your plan's code)",
        )
    fix = _FIXES.get(validator, "see the schema's description of this field")
    return Problem(where, _CODES.get(validator, "schema"), f"{_shorten(message)}; {fix}")


def _shorten(message: str, limit: int = 240) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"

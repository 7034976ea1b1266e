"""Reading definition documents from disk and validating a set of files together."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from lieu.platform.definitions.document import Definition, DefinitionRef
from lieu.platform.definitions.problems import Problem
from lieu.platform.definitions.supports import SUPPORTS
from lieu.platform.definitions.validation import Validated, validate_document, version_problems
from lieu.platform.members.facts import DEFINITIONS_ROOT


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file on disk: its JSON (None when unreadable) and what validation found."""

    path: Path
    document: object
    validated: Validated

    @property
    def definition(self) -> Definition | None:
        """The parsed definition, when the file is schema-valid."""
        return self.validated.definition


def definition_files(paths: Iterable[Path]) -> list[Path]:
    """Files named by `paths`; in directories, those laid out as `<plan>/<support>/v<N>.json`."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                p
                for p in sorted(path.rglob("v*.json"))
                if p.parent.name in SUPPORTS and p.stem[1:].isdigit()
            )
        else:
            found.append(path)
    return list(dict.fromkeys(found))


def read_json(path: Path) -> tuple[object, list[Problem]]:
    """The JSON in a file, or None and a problem saying why it cannot be read."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [Problem("", "file-unreadable", f"cannot read the file ({error})")]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as error:
        return None, [
            Problem(
                "",
                "json-invalid",
                f"line {error.lineno} column {error.colno}: {error.msg}; fix the JSON syntax",
            )
        ]
    except RecursionError:
        return None, [Problem("", "json-invalid", "the JSON nests too deeply; flatten it")]


def _path_problems(path: Path, definition: Definition) -> list[Problem]:
    if path.parent.name not in SUPPORTS:
        return []
    expected = Path(definition.plan, definition.support, f"v{definition.version}.json")
    if path.parts[-3:] == expected.parts:
        return []
    return [
        Problem(
            "",
            "path-mismatch",
            f"the file says {definition.ref} but lives at {'/'.join(path.parts[-3:])}; "
            f"move it to {expected.as_posix()} or correct plan, support or version",
        )
    ]


def load_files(paths: Iterable[Path], *, root: Path | None = DEFINITIONS_ROOT) -> list[SourceFile]:
    """Read and validate `paths` together with the definitions under `root` (for baselines)."""
    named = definition_files(paths)
    context = [p for p in definition_files([root]) if p not in named] if root else []
    raw = {path: read_json(path) for path in [*context, *named]}
    first: dict[Path, Validated] = {p: validate_document(doc) for p, (doc, _) in raw.items()}
    known: dict[DefinitionRef, Definition] = {}
    for path in [*context, *named]:  # files named explicitly override the root's
        definition = first[path].definition
        if definition is not None:
            known[definition.ref] = definition
    dated = version_problems(
        [d for p in named if (d := first[p].definition) is not None]
        + [d for d in known.values() if d.ref not in _refs(first, named)]
    )
    result = []
    for path in named:
        document, read_problems = raw[path]
        validated = validate_document(document, baselines=known) if not read_problems else None
        definition = validated.definition if validated else None
        problems = list(read_problems) + list(validated.problems if validated else ())
        if definition is not None:
            problems += _path_problems(path, definition) + dated.get(definition.ref, [])
        result.append(SourceFile(path, document, Validated(definition, tuple(problems))))
    return result


def _refs(first: dict[Path, Validated], named: list[Path]) -> set[DefinitionRef]:
    return {d.ref for p in named if (d := first[p].definition) is not None}

"""The examples of the docs (README.md, docs/graphql-examples.md, docs/tutorial.md), read the way
the convention written in each doc says (tests/docs_checks.py checks them without a stack,
tests/docs_runner.py runs them against one).

* A ```graphql block is one operation. Comment lines at its top say how to run it:
  `# token: NAME` (send the token kept as NAME; none: no token), `# keep: NAME = PATH` (keep that
  value of the answer), `# until: PATH = VALUE` (re-run the query until the answer says so, as a
  user re-queries, within 30 s), `# check: PATH = VALUE` (the answer must say so),
  `# expect: NAME` (the block shows a refusal: the answer must be that typed error, or a GraphQL
  error with that `extensions.code`), `# allow: NAME` (that refusal may come, on some days).
* A ```json block right after a graphql block holds its variables, as one would type them in
  GraphiQL's Variables pane. A variable it does not give is a value kept earlier by that name: an
  answer's (`# keep:`), an earlier json block's, or `today` (today's date, UTC, as the server
  counts).
* In a ```console block each `$ lieu …` line is a command run with the stack's environment;
  `# keep: NAME` at its end keeps what it prints. Other lines are sample output.

Any other answer with an error (a typed error result or a GraphQL error) fails the example.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import DocumentNode, GraphQLSyntaxError, OperationDefinitionNode, parse

REPO = Path(__file__).resolve().parent.parent
DOCS = (REPO / "README.md", REPO / "docs" / "graphql-examples.md", REPO / "docs" / "tutorial.md")
SCHEMA_FILE = REPO / "lieu" / "graphql" / "schema.graphql"
ALWAYS_KEPT = frozenset({"today"})

FENCE = re.compile(r"^```(\S*)\s*$")
DIRECTIVE = re.compile(r"^#\s*(\w+):\s*(.*?)\s*$")
KEEP_OUTPUT = re.compile(r"\s+#\s*keep:\s*(\w+)\s*$")
ASSIGNMENT = re.compile(r"^(\S+)\s*=\s*(.+)$")
NAME = re.compile(r"^\w+$")


class ExampleError(AssertionError):
    """A doc breaks the examples' convention, or an example does not run as written."""


@dataclass(frozen=True)
class Where:
    doc: Path
    line: int

    def __str__(self) -> str:
        shown = self.doc.relative_to(REPO) if self.doc.is_relative_to(REPO) else self.doc
        return f"{shown}:{self.line}"


@dataclass(frozen=True)
class Query:
    """A ```graphql block and how to run it."""

    where: Where
    text: str
    token: str | None = None
    keep: tuple[tuple[str, str], ...] = ()
    until: tuple[str, str] | None = None
    check: tuple[tuple[str, str], ...] = ()
    expect: str | None = None
    allow: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)

    @property
    def document(self) -> DocumentNode:
        return parse(self.text)

    @property
    def operation(self) -> OperationDefinitionNode:
        operations = [
            d for d in self.document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        if len(operations) != 1:
            raise ExampleError(
                f"{self.where}: a graphql block holds one operation, not {len(operations)}"
            )
        return operations[0]

    @property
    def variable_names(self) -> list[str]:
        return [v.variable.name.value for v in self.operation.variable_definitions or ()]


@dataclass(frozen=True)
class Command:
    """One `$ lieu …` line of a ```console block."""

    where: Where
    text: str
    argv: tuple[str, ...]
    keep: str | None = None


Example = Query | Command


def read_examples(doc: Path) -> list[Example]:
    """Every graphql block and console command of `doc`, in order."""
    lines = doc.read_text(encoding="utf-8").splitlines()
    blocks: list[tuple[int, str, list[str]]] = []  # (line of the opening fence, language, body)
    start, language, body = 0, "", list[str]()
    inside = False
    for number, line in enumerate(lines, start=1):
        fence = FENCE.match(line)
        if not inside and fence:
            start, language, body, inside = number, fence.group(1), [], True
        elif inside and line.strip() == "```":
            blocks.append((start, language, body))
            inside = False
        elif inside:
            body.append(line)
    if inside:
        raise ExampleError(f"{Where(doc, start)}: the block is never closed")
    examples: list[Example] = []
    for index, (start, language, body) in enumerate(blocks):
        where = Where(doc, start)
        if language == "graphql":
            variables: dict[str, Any] = {}
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is not None and following[1] == "json":
                between = lines[start + len(body) + 1 : following[0] - 1]
                if not any(line.strip() for line in between):
                    variables = _variables(Where(doc, following[0]), following[2])
            examples.append(_query(where, body, variables))
        elif language == "console":
            examples.extend(_commands(where, body))
    return examples


def _variables(where: Where, body: list[str]) -> dict[str, Any]:
    try:
        found = json.loads("\n".join(body))
    except json.JSONDecodeError as broken:
        raise ExampleError(f"{where}: the variables are not JSON: {broken}") from None
    if not isinstance(found, dict):
        raise ExampleError(f"{where}: the variables are a JSON object of name: value")
    return found


def _query(where: Where, body: list[str], variables: dict[str, Any]) -> Query:
    settings: dict[str, Any] = {"keep": [], "check": []}
    for line in body:
        if not line.startswith("#"):
            break
        directive = DIRECTIVE.match(line)
        if directive is None:
            continue
        key, value = directive.groups()
        if key == "token" and NAME.match(value):
            settings["token"] = value
        elif key in ("expect", "allow") and NAME.match(value):
            settings[key] = value
        elif key in ("keep", "until", "check") and (assigned := ASSIGNMENT.match(value)):
            if key == "until":
                settings["until"] = assigned.groups()
            else:
                settings[key].append(assigned.groups())
        else:
            raise ExampleError(
                f"{where}: `{line.strip()}` is not `# token: NAME`, `# keep: NAME = PATH`, "
                "`# until: PATH = VALUE`, `# check: PATH = VALUE`, `# expect: NAME` or "
                "`# allow: NAME`"
            )
    settings["keep"] = tuple(settings["keep"])
    settings["check"] = tuple(settings["check"])
    query = Query(where, "\n".join(body), variables=variables, **settings)
    try:
        query.operation  # noqa: B018 - parse it now, to name the block when it does not parse
    except GraphQLSyntaxError as broken:
        raise ExampleError(f"{where}: {broken.message}") from None
    return query


def _commands(where: Where, body: list[str]) -> list[Command]:
    commands = []
    for offset, line in enumerate(body, start=1):
        if not line.startswith("$ "):
            continue
        text = line[2:]
        kept = KEEP_OUTPUT.search(text)
        argv = tuple(shlex.split(text, comments=True))
        at = Where(where.doc, where.line + offset)
        if not argv or argv[0] != "lieu":
            raise ExampleError(f"{at}: a console block runs `lieu` commands only, not {text!r}")
        commands.append(Command(at, text, argv, kept.group(1) if kept else None))
    return commands

"""What can still be checked in a document that breaks the schema, so one pass finds every problem.

The schema's problems point at the parts they break. Every part they leave whole (a criterion's
rule, a limit, the authorization, the pricing, each identity field) is read into a definition as
usual and gets the same checks as in a schema-valid document. A check's problem inside a broken
part, or about a broken field it depends on, is dropped: the schema's problem covers it, and
fixing that comes first.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from lieu.platform.definitions.document import (
    Criterion,
    Definition,
    DefinitionRef,
    DocumentStatus,
)
from lieu.platform.definitions.limits import Limit, parse_limit
from lieu.platform.definitions.problems import Problem, pointer
from lieu.platform.definitions.steps import parse_authorization
from lieu.platform.pricing.terms import parse_pricing

# An unknown property is ignored when the document is read, so it breaks no part.
_COVERS_NOTHING = frozenset({"schema-unknown-property"})
# Checks that compare their part with a field elsewhere: meaningless while that field is broken.
_DEPENDS_ON = {
    "extends-other-support": "/support",
    "limit-pool-missing-support": "/support",
    "effective-before-baseline": "/effective_from",
}
_INDEXED = re.compile(r"^(/eligibility/criteria|/limits)/(\d+)(?=/|$)")


def _within(inner: str, outer: str) -> bool:
    return inner == outer or inner.startswith(outer + "/")


@dataclass(frozen=True, slots=True)
class Salvaged:
    """The document's whole parts as a definition, and where the schema found it broken."""

    definition: Definition
    broken: tuple[str, ...]
    criteria: tuple[int, ...]  # the document index of each criterion in `definition`
    limits: tuple[int, ...]  # the document index of each limit in `definition`

    def placed(self, problem: Problem) -> Problem | None:
        """The problem pointing into the document, or None when a broken part covers it."""
        where = _INDEXED.sub(self._document_index, problem.pointer)
        depends = _DEPENDS_ON.get(problem.code)
        if any(
            _within(where, broken) or (depends is not None and _within(depends, broken))
            for broken in self.broken
        ):
            return None
        return (
            problem
            if where == problem.pointer
            else Problem(where, problem.code, problem.message, problem.severity)
        )

    def _document_index(self, match: re.Match[str]) -> str:
        kept = self.criteria if match[1] == "/eligibility/criteria" else self.limits
        return f"{match[1]}/{kept[int(match[2])]}"


def salvage(document: Mapping[str, Any], problems: Sequence[Problem]) -> Salvaged:
    """The parts of a schema-invalid document that the schema's problems leave whole."""
    broken = tuple(p.pointer for p in problems if p.code not in _COVERS_NOTHING)

    def whole(at: str) -> bool:
        return not any(_within(b, at) or _within(at, b) for b in broken)

    def field(name: str, kind: type | tuple[type, ...], placeholder: Any) -> Any:
        value = document.get(name)
        usable = isinstance(value, kind) and not isinstance(value, bool) and whole(f"/{name}")
        return value if usable else placeholder

    criteria, criteria_at = _criteria(document, whole)
    limits, limits_at = _limits(document, whole)
    authorization = document.get("authorization")
    pricing = document.get("pricing")
    aliases = field("aliases", list, [])
    definition = Definition(
        plan=field("plan", str, "~"),
        support=field("support", str, "~"),
        version=field("version", int, 0),
        title=field("title", str, ""),
        effective_from=date.fromisoformat(field("effective_from", str, date.min.isoformat())),
        reference=field("reference", str, ""),
        status=DocumentStatus(field("status", str, DocumentStatus.DRAFT.value)),
        aliases=tuple(a for a in aliases if isinstance(a, str)),
        extends=extends_ref(document) if whole("/extends") else None,
        description=field("description", str, ""),
        criteria=criteria,
        limits=limits,
        authorization=(
            parse_authorization(authorization)
            if isinstance(authorization, dict) and whole("/authorization")
            else None
        ),
        pricing=(
            parse_pricing(pricing) if isinstance(pricing, dict) and whole("/pricing") else None
        ),
    )
    return Salvaged(definition, broken, criteria_at, limits_at)


def extends_ref(document: Mapping[str, Any]) -> DefinitionRef | None:
    """The baseline a document names in `extends`, when it names one readably."""
    raw = document.get("extends")
    if not isinstance(raw, dict):
        return None
    plan, support, version = raw.get("plan"), raw.get("support"), raw.get("version")
    if isinstance(plan, str) and isinstance(support, str) and type(version) is int:
        return DefinitionRef(plan, support, version)
    return None


def _items(document: Mapping[str, Any], *path: str) -> list[Any]:
    node: Any = document
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node if isinstance(node, list) else []


def _criteria(
    document: Mapping[str, Any], whole: Callable[[str], bool]
) -> tuple[tuple[Criterion, ...], tuple[int, ...]]:
    kept: list[Criterion] = []
    at: list[int] = []
    for index, raw in enumerate(_items(document, "eligibility", "criteria")):
        here = pointer("eligibility", "criteria", index)
        if not isinstance(raw, dict) or not isinstance(raw.get("rule"), dict | bool):
            continue
        if not whole(here + "/rule"):
            continue
        identifier = raw.get("id")
        label = raw.get("label")
        kept.append(
            Criterion(
                # A broken id cannot collide with a real one: ids never hold '~'.
                id=identifier
                if isinstance(identifier, str) and whole(here + "/id")
                else f"~{index}",
                label=label if isinstance(label, str) else "",
                rule=raw["rule"],
                reference="",
            )
        )
        at.append(index)
    return tuple(kept), tuple(at)


def _limits(
    document: Mapping[str, Any], whole: Callable[[str], bool]
) -> tuple[tuple[Limit, ...], tuple[int, ...]]:
    kept: list[Limit] = []
    at: list[int] = []
    for index, raw in enumerate(_items(document, "limits")):
        if isinstance(raw, dict) and whole(pointer("limits", index)):
            kept.append(parse_limit(raw))
            at.append(index)
    return tuple(kept), tuple(at)

"""The benefit definition document as frozen dataclasses, parsed from schema-valid JSON."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lieu.platform.definitions.limits import Limit, parse_limit
from lieu.platform.definitions.steps import Authorization, parse_authorization
from lieu.platform.definitions.supports import BASELINE_PLAN
from lieu.platform.definitions.units import UnitsBlock, parse_block
from lieu.platform.pricing.terms import Pricing, parse_pricing


class DocumentStatus(enum.StrEnum):
    """Lifecycle state as written in the document."""

    DRAFT = "draft"
    PUBLISHED = "published"
    RETIRED = "retired"


@dataclass(frozen=True, slots=True)
class DefinitionRef:
    """Identifies one version: (plan, support, version)."""

    plan: str
    support: str
    version: int

    def __str__(self) -> str:
        return f"{self.plan}/{self.support}/v{self.version}"


@dataclass(frozen=True, slots=True, eq=False)
class Criterion:
    """One eligibility criterion: a JsonLogic rule with the label a provider reads."""

    id: str
    label: str
    rule: Any
    reference: str


@dataclass(frozen=True, slots=True, eq=False)
class Mandate:
    """A baseline's mandate: plans must offer the support from `from_date` in every county they
    serve, and may not narrow it for the members `population` (a JsonLogic rule) is true for."""

    from_date: date
    population: Any
    label: str
    reference: str

    def spared_by(self, rule: object) -> bool:
        """Whether a plan criterion's rule already holds for the whole mandated population: an
        `or` with the population's rule among its terms (the way an author says so)."""
        return (
            isinstance(rule, dict)
            and isinstance(rule.get("or"), list)
            and self.population in rule["or"]
        )


@dataclass(frozen=True, slots=True)
class Duplication:
    """A rule against duplicated services: this support is not given on the same days as
    `support`, or to a member enrolled in `program` (a value of the fact `enrollments`)."""

    id: str
    reason: str
    reference: str
    support: str | None = None
    program: str | None = None

    @property
    def other(self) -> str:
        """What it may not be given with: the support code, or the program."""
        return self.support or self.program or ""


@dataclass(frozen=True, slots=True, eq=False)
class Definition:
    """One version of one plan's definition of one support (a baseline when `extends` is None).

    For a plan definition, `criteria` and `limits` hold only what the plan adds or lowers, and
    `authorization` / `pricing` are None when the baseline's apply; see `inheritance.effective`.
    """

    plan: str
    support: str
    version: int
    title: str
    effective_from: date
    reference: str
    status: DocumentStatus
    aliases: tuple[str, ...] = ()
    extends: DefinitionRef | None = None
    description: str = ""
    criteria: tuple[Criterion, ...] = ()
    limits: tuple[Limit, ...] = ()
    authorization: Authorization | None = None
    pricing: Pricing | None = None
    units: UnitsBlock | None = None
    mandatory: Mandate | None = None
    duplication: tuple[Duplication, ...] = ()

    @property
    def ref(self) -> DefinitionRef:
        """This version's identity."""
        return DefinitionRef(self.plan, self.support, self.version)

    @property
    def is_baseline(self) -> bool:
        """True for a DHCS baseline (it extends nothing)."""
        return self.extends is None and self.plan == BASELINE_PLAN


def parse_definition(doc: Mapping[str, Any]) -> Definition:
    """A Definition from a document that passed the JSON Schema (KeyError/TypeError otherwise)."""
    extends = doc.get("extends")
    authorization = doc.get("authorization")
    pricing = doc.get("pricing")
    return Definition(
        plan=doc["plan"],
        support=doc["support"],
        version=doc["version"],
        title=doc["title"],
        effective_from=date.fromisoformat(doc["effective_from"]),
        reference=doc["reference"],
        status=DocumentStatus(doc["status"]),
        aliases=tuple(doc.get("aliases", ())),
        extends=(
            None
            if extends is None
            else DefinitionRef(extends["plan"], extends["support"], extends["version"])
        ),
        description=doc.get("description", ""),
        criteria=tuple(
            Criterion(c["id"], c["label"], c["rule"], c["reference"])
            for c in doc.get("eligibility", {}).get("criteria", ())
        ),
        limits=tuple(parse_limit(limit) for limit in doc.get("limits", ())),
        authorization=None if authorization is None else parse_authorization(authorization),
        pricing=None if pricing is None else parse_pricing(pricing),
        units=None if doc.get("units") is None else parse_block(doc["units"]),
        mandatory=None if doc.get("mandatory") is None else parse_mandate(doc["mandatory"]),
        duplication=tuple(
            Duplication(
                id=rule["id"],
                reason=rule["reason"],
                reference=rule["reference"],
                support=rule.get("support"),
                program=rule.get("program"),
            )
            for rule in doc.get("duplication", ())
        ),
    )


def parse_mandate(raw: Mapping[str, Any]) -> Mandate:
    """The `mandatory` block of a schema-valid baseline."""
    return Mandate(
        from_date=date.fromisoformat(raw["from"]),
        population=raw["population"],
        label=raw["label"],
        reference=raw["reference"],
    )

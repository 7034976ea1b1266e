"""Definition versions, their history, validation reports, diffs and draft simulations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from lieu.graphql.errors import (
    Conflict,
    Error,
    NotAllowed,
    NotFound,
    Problem,
    ValidationErrors,
)
from lieu.platform.definitions.models import DefinitionEvent, DefinitionStatus, DefinitionVersion
from lieu.platform.definitions.simulation import Change, Simulation

VersionStatus = strawberry.enum(DefinitionStatus, name="DefinitionStatus")


@strawberry.type(description="Something that happened to a definition version.")
class DefinitionHistoryEntry:
    kind: str
    actor: str
    detail: str
    at: datetime

    @classmethod
    def of(cls, event: DefinitionEvent) -> DefinitionHistoryEntry:
        return cls(kind=event.kind, actor=event.actor, detail=event.detail, at=event.at)


@strawberry.type(description="One version of a plan's (or DHCS's) definition of a support.")
class Definition:
    plan: str
    support: str
    version: int
    title: str
    status: DefinitionStatus
    effective_from: date
    content_hash: str | None
    extends: str | None = strawberry.field(description="`plan/support/vN` of the baseline.")
    document: JSON
    created_by: str
    published_at: datetime | None

    @classmethod
    def of(cls, row: DefinitionVersion) -> Definition:
        extends = None
        if row.extends_plan:
            extends = f"{row.extends_plan}/{row.extends_support}/v{row.extends_version}"
        return cls(
            plan=row.plan,
            support=row.support,
            version=row.version,
            title=row.title,
            status=row.status,
            effective_from=row.effective_from,
            content_hash=row.content_hash,
            extends=extends,
            document=JSON(dict(row.document)),
            created_by=row.created_by,
            published_at=row.published_at,
        )


@strawberry.type(
    description="The draft is saved, but it has problems: it cannot be simulated or published "
    "until they are fixed (edit it with `editDraft`)."
)
class DraftWithProblems(Error):
    definition: Definition
    problems: list[Problem]


@strawberry.type(description="Validation of a document: every problem, with its pointer.")
class ValidationReport:
    valid: bool
    problems: list[Problem]


@strawberry.type(
    description="The changes from one version to another as in force, in business language."
)
class DefinitionDiff:
    support: str
    from_plan: str
    from_version: int
    to_plan: str
    to_version: int
    changes: list[str]


@strawberry.type(description="A member whose eligibility the draft would change.")
class SimulatedMember:
    cin: str
    before: str
    after: str
    reasons: list[str]

    @classmethod
    def of(cls, change: Change) -> SimulatedMember:
        return cls(
            cin=change.cin, before=change.before, after=change.after, reasons=list(change.reasons)
        )


@strawberry.type(description="One county's members and what the draft would do to them.")
class SimulatedCounty:
    county: str
    members: int
    gained: int
    lost: int
    undetermined: int = strawberry.field(
        description="Members the draft cannot decide: a fact it needs is not known."
    )


@strawberry.type(description="How many members a criterion moves.")
class CriterionCount:
    criterion: str = strawberry.field(description="The criterion's label.")
    members: int


@strawberry.type(description="The draft against the plan's current members, before publishing.")
class DraftSimulation:
    support: str
    version: int
    on: date
    members: int
    eligible_before: int
    eligible_after: int
    gained: int
    lost: int
    gained_sample: list[SimulatedMember]
    lost_sample: list[SimulatedMember]
    undetermined_before: int
    undetermined_after: int
    by_county: list[SimulatedCounty]
    lost_by_criterion: list[CriterionCount] = strawberry.field(
        description="Members who would lose eligibility, by each draft criterion they do not "
        "meet (a member may count under several)."
    )
    gained_by_criterion: list[CriterionCount] = strawberry.field(
        description="Members who would gain it, by each criterion of the version in force "
        "they did not meet."
    )

    @classmethod
    def of(cls, support: str, version: int, on: date, result: Simulation) -> DraftSimulation:
        return cls(
            support=support,
            version=version,
            on=on,
            members=result.members,
            eligible_before=result.eligible_before,
            eligible_after=result.eligible_after,
            gained=result.gained,
            lost=result.lost,
            gained_sample=[SimulatedMember.of(c) for c in result.gained_sample],
            lost_sample=[SimulatedMember.of(c) for c in result.lost_sample],
            undetermined_before=result.undetermined_before,
            undetermined_after=result.undetermined_after,
            by_county=[
                SimulatedCounty(
                    county=name,
                    members=f.members,
                    gained=f.gained,
                    lost=f.lost,
                    undetermined=f.undetermined,
                )
                for name, f in result.by_county.items()
            ],
            lost_by_criterion=[
                CriterionCount(criterion=k, members=v)
                for k, v in sorted(result.lost_by_criterion.items(), key=lambda kv: -kv[1])
            ],
            gained_by_criterion=[
                CriterionCount(criterion=k, members=v)
                for k, v in sorted(result.gained_by_criterion.items(), key=lambda kv: -kv[1])
            ],
        )


DefinitionLookup = Annotated[Definition | NotFound, strawberry.union("DefinitionLookup")]
DiffResult = Annotated[DefinitionDiff | NotFound, strawberry.union("DiffResult")]
SimulationResult = Annotated[
    DraftSimulation | NotFound | ValidationErrors, strawberry.union("SimulationResult")
]
# What a write of a definition answers; each mutation names its own union of these.
DefinitionOutcome = (
    Definition | DraftWithProblems | ValidationErrors | NotFound | NotAllowed | Conflict
)

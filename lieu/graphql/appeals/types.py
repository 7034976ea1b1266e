"""The Appeal and Grievance types, as recorded."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from lieu.graphql.errors import Conflict, NotAllowed, NotFound, ValidationErrors
from lieu.graphql.pagination import Connection
from lieu.platform.appeals.lifecycle import AppealState, Outcome
from lieu.platform.appeals.lifecycle import AppealStatus as Status
from lieu.platform.appeals.models import AppealRecord
from lieu.platform.appeals.models import Grievance as GrievanceRow
from lieu.platform.appeals.projection import row

AppealOutcome = strawberry.enum(
    Outcome,
    name="AppealOutcome",
    description="What an appeal decided: UPHELD (the determination stands), OVERTURNED (the "
    "request is approved), PARTLY_OVERTURNED (approved in part), NOT_DECIDED (no resolution in "
    "time: the member may go to a State Fair Hearing, 42 CFR 438.408(c)(3)).",
)
strawberry.enum(Status, name="AppealStatus")


@strawberry.type(
    description="An appeal of an adverse benefit determination, as its workflow has it."
)
class Appeal:
    id: strawberry.ID
    authorization_id: strawberry.ID
    support: str
    member_cin: str
    provider: str
    filed_by: str
    on_behalf: str = strawberry.field(description="member, or provider (on the member's behalf).")
    reason: str = strawberry.field(description="Why the member disagrees, as they said it.")
    expedited: bool
    determination: str = strawberry.field(
        description="The notice kind appealed: denial, deemed_denial, partial_approval…"
    )
    first_decided_by: str = strawberry.field(
        description="Who made the determination: they may not decide the appeal."
    )
    received_at: datetime
    deadline: datetime = strawberry.field(description="When it must be resolved.")
    extended: bool
    extension_reason: str
    status: Status
    outcome: Outcome | None
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str
    quantity_approved: Decimal | None

    @classmethod
    def of(cls, row: AppealRecord) -> Appeal:
        return cls(
            id=strawberry.ID(row.id),
            authorization_id=strawberry.ID(row.authorization_id),
            support=row.support,
            member_cin=row.member_cin,
            provider=row.provider,
            filed_by=row.filed_by,
            on_behalf=row.on_behalf,
            reason=row.reason,
            expedited=row.expedited,
            determination=row.determination,
            first_decided_by=row.first_decided_by,
            received_at=row.received_at,
            deadline=row.deadline,
            extended=row.extended,
            extension_reason=row.extension_reason,
            status=Status(row.status),
            outcome=Outcome(row.outcome) if row.outcome else None,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            decision_reason=row.decision_reason,
            quantity_approved=row.quantity_approved,
        )


@strawberry.type(description="A complaint that is not an appeal, with its due dates.")
class Grievance:
    id: strawberry.ID
    member_cin: str
    authorization_id: strawberry.ID | None
    category: str
    description: str
    filed_by: str
    received_at: datetime
    acknowledge_by: datetime = strawberry.field(description="The acknowledgement is due by then.")
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolve_by: datetime = strawberry.field(description="The resolution is due by then.")
    resolved_at: datetime | None
    resolved_by: str | None
    resolution: str

    @classmethod
    def of(cls, row: GrievanceRow) -> Grievance:
        return cls(
            id=strawberry.ID(row.id),
            member_cin=row.member_cin,
            authorization_id=(
                strawberry.ID(row.authorization_id) if row.authorization_id else None
            ),
            category=row.category,
            description=row.description,
            filed_by=row.filed_by,
            received_at=row.received_at,
            acknowledge_by=row.acknowledge_by,
            acknowledged_at=row.acknowledged_at,
            acknowledged_by=row.acknowledged_by,
            resolve_by=row.resolve_by,
            resolved_at=row.resolved_at,
            resolved_by=row.resolved_by,
            resolution=row.resolution,
        )


def record_of(state: AppealState) -> AppealRecord:
    """An appeal's workflow state as the row its projection writes."""
    return AppealRecord(**{k: v for k, v in row(state).items() if k != "updated_at"})


AppealConnection = Connection[Appeal]
# What appeal and grievance mutations answer; each names its own union of these.
AppealAnswer = Appeal | ValidationErrors | NotFound | NotAllowed | Conflict
GrievanceAnswer = Grievance | ValidationErrors | NotFound | Conflict

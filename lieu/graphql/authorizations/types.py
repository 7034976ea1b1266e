"""The Authorization type, built from the projection row or from the workflow's own state."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from lieu.graphql.appeals.types import Appeal
from lieu.graphql.context import Context
from lieu.graphql.documents.types import Document
from lieu.graphql.errors import Conflict, LimitExceeded, NotAllowed, NotFound, ValidationErrors
from lieu.graphql.members.types import Member
from lieu.graphql.notices.types import Notice
from lieu.graphql.pagination import Connection
from lieu.platform.access.members import is_party
from lieu.platform.access.roles import Role
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.authorizations.records import AuthorizationState, TimelineEntry
from lieu.platform.authorizations.status import Decision, LoopReason, Status, Urgency
from lieu.platform.notices.facts import Reason

AuthorizationStatus = strawberry.enum(Status, name="AuthorizationStatus")
UrgencyLevel = strawberry.enum(Urgency, name="Urgency")
ReviewDecisionKind = strawberry.enum(Decision, name="ReviewDecisionKind")
LoopClosure = strawberry.enum(LoopReason, name="LoopClosureReason")
ReasonCode = strawberry.enum(
    Reason,
    name="ReasonCode",
    description="The coded reason of a denial or a modification (the notice gives it in words).",
)


@strawberry.type(description="One step of an authorization's life: what, who, when.")
class TimelineStep:
    seq: int
    at: datetime
    kind: str
    actor: str
    text: str
    data: JSON

    @classmethod
    def of(cls, entry: TimelineEntry | AuthorizationEvent) -> TimelineStep:
        return cls(
            seq=entry.seq,
            at=entry.at,
            kind=entry.kind,
            actor=entry.actor,
            text=entry.text,
            data=JSON(dict(entry.data)),
        )


@strawberry.type(description="A request for a Community Support, and where it stands.")
class Authorization:
    id: strawberry.ID = strawberry.field(description="The authorization number.")
    status: Status
    plan: str
    support: str
    definition_plan: str
    definition_version: int
    member_cin: str
    provider: str
    county: str
    urgency: Urgency
    measure: str
    quantity_requested: Decimal
    quantity_approved: Decimal | None
    quantity_reserved: Decimal
    quantity_used: Decimal
    service_start: date
    service_end: date | None
    presumptive_until: date | None
    review_deadline: datetime | None
    escalated: bool
    loop_status: str | None
    loop_reason: str | None
    renewals_used: int
    requested_by: str
    phase: str = strawberry.field(
        default="",
        description="What it waits for: assessing, reserving, documents, review, second_review, "
        "provider, active, renewing, renewal_review, reporting (ended; late service reports are "
        "still taken) or done.",
    )
    problem: str = strawberry.field(
        default="", description="A step that failed for good, until operations retry it."
    )
    flagged_reports: list[str] = strawberry.field(
        default_factory=list, description="Service reports accepted but held for review."
    )
    reports_until: date | None = strawberry.field(
        default=None, description="Late service reports are taken until this day."
    )
    deemed: bool = strawberry.field(
        default=False,
        description="Denied because the review deadline passed with no decision (42 CFR "
        "438.404(c)(5)); a reviewer's late decision may still reverse it.",
    )
    steps: strawberry.Private[list[TimelineStep] | None] = None

    @strawberry.field(description="Reserved and not yet used on this authorization.")
    def remaining(self) -> Decimal:
        return self.quantity_reserved - self.quantity_used

    @strawberry.field(description="Every step so far, oldest first.")
    async def timeline(self, info: Info[Context, None]) -> list[TimelineStep]:
        if self.steps is not None:
            return self.steps
        events = await info.context.loaders.timeline.load(str(self.id))
        return [TimelineStep.of(event) for event in events]

    @strawberry.field(description="The documents on file (see `attachDocument`), oldest first.")
    async def documents(self, info: Info[Context, None]) -> list[Document]:
        rows = await info.context.loaders.documents.load(str(self.id))
        return [Document.of(row) for row in rows]

    @strawberry.field(
        description="The notices of action sent about it (each in one language), oldest first."
    )
    async def notices(self, info: Info[Context, None]) -> list[Notice]:
        rows = await info.context.loaders.notices.load(str(self.id))
        return [Notice.of(row) for row in rows]

    @strawberry.field(description="The appeals of its determinations, oldest first.")
    async def appeals(self, info: Info[Context, None]) -> list[Appeal]:
        rows = await info.context.loaders.appeals.load(str(self.id))
        return [Appeal.of(row) for row in rows]

    @strawberry.field(
        description=(
            "The member's facts (a read of member data: audited); null for a provider whose "
            "authorizations for the member all ended more than its plan's grace period ago."
        )
    )
    async def member(self, info: Info[Context, None]) -> Member | None:
        context = info.context
        if context.caller.role is Role.PROVIDER:
            # a provider's relationship with the member may have ended (`access.members`)
            async with context.reads() as session:
                live = await is_party(
                    session=session, principal=context.caller, cin=self.member_cin
                )
            if not live:
                return None
        found = await context.loaders.member.load((self.plan, self.member_cin))
        context.audit("authorization.member", f"member:{self.plan}/{self.member_cin}")
        return None if found is None else Member.of(found)

    @classmethod
    def of_record(cls, row: AuthorizationRecord) -> Authorization:
        return cls(
            id=strawberry.ID(row.id),
            status=Status(row.status),
            plan=row.plan,
            support=row.support,
            definition_plan=row.definition_plan,
            definition_version=row.definition_version,
            member_cin=row.member_cin,
            provider=row.provider,
            county=row.county,
            urgency=Urgency(row.urgency),
            measure=row.measure,
            quantity_requested=row.quantity_requested,
            quantity_approved=row.quantity_approved,
            quantity_reserved=row.quantity_reserved,
            quantity_used=row.quantity_used,
            service_start=row.service_start,
            service_end=row.service_end,
            presumptive_until=row.presumptive_until,
            review_deadline=row.review_deadline,
            escalated=row.escalated,
            loop_status=row.loop_status,
            loop_reason=row.loop_reason,
            renewals_used=row.renewals_used,
            requested_by=row.requested_by,
            phase=row.phase,
            problem=row.problem,
            flagged_reports=[r for r in row.flagged_reports.split(",") if r],
            reports_until=row.reports_until,
            deemed=row.phase == "deemed",
        )

    @classmethod
    def of_state(cls, state: AuthorizationState) -> Authorization:
        return cls(
            id=strawberry.ID(state.authorization_id),
            status=state.status,
            plan=state.plan,
            support=state.support,
            definition_plan=state.definition.plan,
            definition_version=state.definition.version,
            member_cin=state.member_cin,
            provider=state.provider,
            county=state.county,
            urgency=state.urgency,
            measure=state.measure,
            quantity_requested=state.quantity_requested,
            quantity_approved=state.quantity_approved,
            quantity_reserved=state.quantity_reserved,
            quantity_used=state.quantity_used,
            service_start=state.service_start,
            service_end=state.service_end,
            presumptive_until=state.presumptive_until,
            review_deadline=state.review_deadline,
            escalated=state.escalated,
            loop_status=state.loop_status,
            loop_reason=state.loop_reason.value if state.loop_reason else None,
            renewals_used=state.renewals_used,
            requested_by=state.requested_by,
            phase=state.phase,
            problem=state.problem,
            flagged_reports=list(state.flagged_reports),
            reports_until=state.reports_until,
            deemed=state.deemed,
            # after a continue-as-new the state holds only the latest entries: read the database
            steps=(
                [TimelineStep.of(entry) for entry in state.timeline]
                if not state.timeline or state.timeline[0].seq == 1
                else None
            ),
        )


@strawberry.type(description="What became of a service report.")
class ServiceReportResult:
    report_id: str
    accepted: bool
    reason: str
    used: Decimal
    remaining_on_authorization: Decimal
    flagged: bool = strawberry.field(
        description="Accepted, but held for review (e.g. billed outside the contracted rate)."
    )
    authorization: Authorization


AuthorizationConnection = Connection[Authorization]

AuthorizationLookup = Annotated[Authorization | NotFound, strawberry.union("AuthorizationLookup")]
# What a command on an authorization answers: the authorization as it then is, or why not. Each
# mutation names its own union of these (`DecideReviewResult`…), so one can grow alone.
AuthorizationOutcome = (
    Authorization | ValidationErrors | NotFound | NotAllowed | LimitExceeded | Conflict
)
ReportServiceResult = Annotated[
    ServiceReportResult | ValidationErrors | NotFound | NotAllowed | LimitExceeded | Conflict,
    strawberry.union("ReportServiceResult"),
]

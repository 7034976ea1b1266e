"""Prior use imported and exceptions approved, as the API shows them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry

from lieu.graphql.errors import Conflict, Error, NotFound, ValidationErrors
from lieu.platform.limits.exception_approvals import ApprovedException
from lieu.platform.limits.prior_lines import Problem


@strawberry.enum(description="The file format of an import of prior use.")
class PriorUseFormat(enum.Enum):
    CSV = "csv"
    JSONL = "jsonl"


@strawberry.type(description="Prior use imported: every record was valid and is counted.")
class PriorUseImported:
    loaded: int = strawberry.field(description="Records newly loaded.")
    already_loaded: int = strawberry.field(
        description="Records loaded before, as they are (a re-run writes nothing for them)."
    )
    entries: int = strawberry.field(description="Ledger entries posted (one per counter).")


@strawberry.type(description="One problem with one record: its line, the field, and the fix.")
class PriorUseProblem:
    line: int
    field: str = strawberry.field(description="The field, '' for the whole record.")
    message: str

    @classmethod
    def of(cls, problem: Problem) -> PriorUseProblem:
        return cls(line=problem.line, field=problem.field, message=problem.message)


@strawberry.type(description="The file has problems; nothing was imported. All are listed.")
class PriorUseRejected(Error):
    total: int = strawberry.field(description="How many problems (the first 1,000 are listed).")
    problems: list[PriorUseProblem]


@strawberry.type(description="An approved exception raising one member's cap.")
class LimitExceptionApproved:
    id: strawberry.ID
    cin: str
    support: str
    limit_id: str
    extra: Decimal
    measure: str
    applies_from: date
    applies_to: date | None
    approved_by: str
    reason: str
    recorded_at: datetime
    replayed: bool = strawberry.field(description="True when the key had already been used.")

    @classmethod
    def of(
        cls, found: ApprovedException, cin: str, support: str, measure: str
    ) -> LimitExceptionApproved:
        return cls(
            id=strawberry.ID(str(found.id)),
            cin=cin,
            support=support,
            limit_id=found.limit_id,
            extra=found.extra,
            measure=measure,
            applies_from=found.start,
            applies_to=found.end,
            approved_by=found.approved_by,
            reason=found.reason,
            recorded_at=found.recorded_at,
            replayed=found.replayed,
        )


@strawberry.input(description="A reviewer's approval of more than a limit allows.")
class LimitExceptionInput:
    cin: str
    support: str
    limit_id: str = strawberry.field(description="The limit's id, as `balances` names it.")
    extra: Decimal = strawberry.field(description="How much more, in the limit's measure.")
    applies_from: date = strawberry.field(description="From this day (its definition in force).")
    applies_to: date | None = strawberry.field(default=None, description="Until (null: for good).")
    reason: str = strawberry.field(description="What the limit's exception rule requires.")
    idempotency_key: str = strawberry.field(
        description="Your id for this approval: sending it again never records a second one."
    )


ImportPriorUseResult = Annotated[
    PriorUseImported | PriorUseRejected | ValidationErrors,
    strawberry.union("ImportPriorUseResult"),
]
ApproveLimitExceptionResult = Annotated[
    LimitExceptionApproved | NotFound | Conflict | ValidationErrors,
    strawberry.union("ApproveLimitExceptionResult"),
]

"""Authorization activities: elections, eligibility, the ledger and the projection (all the I/O)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from lieu.platform.authorizations import ledgering, projection
from lieu.platform.authorizations.pinning import PinnedDefinitionError, PinnedDefinitions
from lieu.platform.definitions.document import Definition
from lieu.platform.elections.offerings import is_offered
from lieu.platform.limits.errors import IdempotencyConflict, InvalidPosting, LimitExceeded
from lieu.platform.members.service import MemberNotFound, get_member
from lieu.workflows.authorizations.types import (
    AssessInput,
    AssessResult,
    DefinitionRef,
    LedgerInput,
    LedgerResult,
    Projection,
    ReleaseAndProject,
)
from lieu.workflows.webhooks.activities import start_recorded
from lieu.workflows.webhooks.starts import DeliveryStarter


class AuthorizationActivities:
    """Bound to session factories by the worker; each activity is one transaction."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        writes: async_sessionmaker[AsyncSession],
        webhooks: DeliveryStarter | None = None,
    ) -> None:
        self.sessions = sessions
        self.writes = writes
        self.definitions = PinnedDefinitions()
        self.webhooks = webhooks  # starts the webhook deliveries a projection recorded

    async def _definition(self, ref: DefinitionRef) -> Definition:
        """The pinned definition; a missing or altered one fails for good (retrying cannot
        bring it back), so the workflow stops at the step and operations see why."""
        try:
            async with self.sessions() as session:
                return await self.definitions.get(session, ref)
        except PinnedDefinitionError as missing:
            raise ApplicationError(
                str(missing), type="pinned_definition", non_retryable=True
            ) from None

    def all(self) -> Sequence[Callable[..., Any]]:
        """Every activity of this class, for the worker's registry."""
        return [
            self.assess,
            self.reserve,
            self.release,
            self.release_and_project,
            self.consume,
            self.project,
        ]

    @activity.defn(name="authorizations.assess")
    async def assess(self, request: AssessInput) -> AssessResult:
        """Is the support offered in the member's county on the date, and is the member eligible?"""
        definition = await self._definition(request.definition)
        async with self.sessions() as session:
            offered = await is_offered(
                session=session,
                plan=request.plan,
                county=request.county,
                support=request.definition.support,
                on=request.on,
            )
            if not offered:
                return AssessResult(
                    offered=False,
                    outcome="not_offered",
                    explanation=[],
                    missing=[],
                    refusal=(
                        f"plan {request.plan} does not offer {definition.title} in "
                        f"{request.county} on {request.on.isoformat()}"
                    ),
                )
            try:
                member = await get_member(
                    session=session, plan=request.plan, cin=request.member_cin
                )
            except MemberNotFound as missing:
                raise ApplicationError(
                    str(missing), type="member_not_found", non_retryable=True
                ) from None
            facts = member.facts
        assessment = self.definitions.criteria(definition).assess(facts, as_of=request.on)
        reasons = assessment.reasons
        return AssessResult(
            offered=True,
            outcome=assessment.outcome.value,
            explanation=[reason.text for reason in reasons],
            missing=sorted(assessment.missing),
        )

    @activity.defn(name="authorizations.reserve")
    async def reserve(self, request: LedgerInput) -> LedgerResult:
        """Hold what fits of the request on every limit of the support (partial if need be)."""
        definition = await self._definition(request.definition)
        try:
            async with self.writes.begin() as session:
                return await ledgering.reserve(
                    session=session, definition=definition, request=request
                )
        except LimitExceeded as raced:
            # Another request took the balance between the fit and the hold: retry computes again.
            raise ApplicationError(str(raced), type="limit_raced") from None

    @activity.defn(name="authorizations.release")
    async def release(self, request: LedgerInput) -> LedgerResult:
        """Give back what the authorization holds and will not use."""
        return await self._release(request, None)

    @activity.defn(name="authorizations.release_and_project")
    async def release_and_project(self, request: ReleaseAndProject) -> LedgerResult:
        """Release, and copy the state after it to the database, in one transaction."""
        return await self._release(request.ledger, request.projection)

    async def _release(self, request: LedgerInput, then: Projection | None) -> LedgerResult:
        definition = await self._definition(request.definition)
        try:
            async with self.writes.begin() as session:
                released = await ledgering.release(
                    session=session, definition=definition, request=request
                )
                deliveries = []
                if then is not None:
                    deliveries = await projection.project(
                        session=session, state=then.state, seq=then.seq
                    )
        except (InvalidPosting, IdempotencyConflict) as wrong:
            raise ApplicationError(str(wrong), type="bad_posting", non_retryable=True) from None
        await start_recorded(self.webhooks, self.writes, deliveries)
        return released

    @activity.defn(name="authorizations.consume")
    async def consume(self, request: LedgerInput) -> LedgerResult:
        """Record service delivered; a report over the limit comes back with quantity 0 and why."""
        definition = await self._definition(request.definition)
        try:
            async with self.writes.begin() as session:
                return await ledgering.consume(
                    session=session, definition=definition, request=request
                )
        except (InvalidPosting, IdempotencyConflict) as wrong:
            return LedgerResult(quantity=Decimal(0), end=request.end, message=str(wrong))
        except LimitExceeded as over:
            return LedgerResult(quantity=Decimal(0), end=request.end, message=str(over))

    @activity.defn(name="authorizations.project")
    async def project(self, update: Projection) -> None:
        """Copy the workflow's state and new timeline entries to the database."""
        async with self.writes.begin() as session:
            deliveries = await projection.project(
                session=session, state=update.state, seq=update.seq
            )
        # committed: the status changes it recorded go out now (or with the sweep)
        await start_recorded(self.webhooks, self.writes, deliveries)

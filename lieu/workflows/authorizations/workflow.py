"""`AuthorizationWorkflow`: one request for a Community Support, run by its definition's steps."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from lieu.platform.authorizations.deadlines import deadline_after
    from lieu.platform.authorizations.status import Decision, LoopReason, Status
    from lieu.platform.definitions.steps import Step, StepKind
    from lieu.workflows.authorizations.activities import AuthorizationActivities
    from lieu.workflows.authorizations.search import status_attributes
    from lieu.workflows.authorizations.types import (
        AssessInput,
        AuthorizationInput,
        AuthorizationState,
        Cancel,
        CloseLoop,
        LedgerInput,
        LedgerResult,
        Projection,
        ProviderResponse,
        ReauthorizationRequest,
        ReviewDecision,
        ReviewExtension,
        ServiceReport,
        ServiceResult,
        TimelineEntry,
    )

TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
ZERO = Decimal(0)
REVIEW_OPENS_AT_ONCE = "review-opens-at-once"


class Cancelled(Exception):
    """Raised inside the run when a cancel update has been accepted."""


@workflow.defn(name="Authorization")
class AuthorizationWorkflow:
    """One authorization, pinned to a definition version: eligibility, limit reservation,
    presumptive period, review with deadline, extension and escalation, provider acceptance,
    active period with a reauthorization reminder, renewals, expiry.

    Updates: `decide`, `extend_review`, `respond`, `report_service`, `request_reauthorization`,
    `close_loop`, `cancel`. Query: `state`.
    """

    @workflow.init
    def __init__(self, request: AuthorizationInput) -> None:
        self._in = request
        self._received = request.received_at or workflow.now()
        self._status = Status.RECEIVED
        self._approved: Decimal | None = None
        self._reserved = ZERO
        self._used = ZERO
        self._service_end: date | None = None
        self._presumptive_until: date | None = None
        self._review_deadline: datetime | None = None
        self._escalated = False
        self._extension_used = False
        self._loop_status: str | None = "sent" if request.terms.closed_loop_referral else None
        self._loop_reason: LoopReason | None = None
        self._renewals = 0
        self._timeline: list[TimelineEntry] = []
        self._projected = 0
        self._decision: ReviewDecision | None = None
        self._response: ProviderResponse | None = None
        self._reauthorization: ReauthorizationRequest | None = None
        self._cancel: Cancel | None = None
        self._closing: CloseLoop | None = None
        self._wake = 0
        self._ledger_lock = asyncio.Lock()
        self._ledger_calls = 0

    # --- the run ---------------------------------------------------------------------------

    @workflow.run
    async def run(self, request: AuthorizationInput) -> AuthorizationState:
        self._note("received", request.requested_by, self._requested_text())
        try:
            await self._steps()
        except Cancelled:
            await self._finish_cancelled()
        await self._project()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.state()

    async def _steps(self) -> None:
        terms = self._in.terms
        if not await self._assess():
            return
        if not await self._reserve(self._in.quantity, self._in.service_start):
            return
        presumptive = self._step(StepKind.PRESUMPTIVE)
        if presumptive is not None and presumptive.days:
            self._start_presumptive(presumptive.days)
        review = self._step(StepKind.REVIEW)
        if review is not None:
            if not workflow.patched(REVIEW_OPENS_AT_ONCE):
                # Before this patch a projection ran first, leaving a moment in which the
                # request showed as presumptive with no review open to decide.
                await self._project()
            decision = await self._review(review)
            if decision.decision is Decision.DENY:
                await self._deny(decision.reason, decision.reviewer)
                return
            await self._approve(decision)
        else:
            self._approved = self._reserved
            self._status = Status.APPROVED
            self._note("approved", "lieu", f"approved for {self._reserved} {self._in.measure}")
        self._notify_approval()
        acceptance = self._step(StepKind.PROVIDER_ACCEPTANCE)
        if (
            acceptance is not None
            and terms.closed_loop_referral
            and not await self._await_provider(acceptance.deadline_days or 5)
        ):
            return
        await self._active_period()

    # --- steps -----------------------------------------------------------------------------

    async def _assess(self) -> bool:
        result = await workflow.execute_activity_method(
            AuthorizationActivities.assess,
            AssessInput(
                authorization_id=self._in.authorization_id,
                definition=self._in.definition,
                plan=self._in.plan,
                member_cin=self._in.member_cin,
                county=self._in.county,
                on=self._in.service_start,
            ),
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
        if not result.offered:
            self._status = Status.REFUSED
            self._close_loop(LoopReason.NOT_AUTHORIZED)
            self._note("refused", "lieu", result.refusal)
            self._notice(("provider", "referrer"), f"Request refused: {result.refusal}")
            return False
        if self._step(StepKind.ELIGIBILITY) is None:
            return True
        text = "; ".join(result.explanation)
        self._note(
            "eligibility",
            "lieu",
            f"{result.outcome.replace('_', ' ')}: {text}",
            {"outcome": result.outcome, "missing": ", ".join(result.missing)},
        )
        if result.outcome == "eligible":
            return True
        if result.outcome == "undetermined" and self._step(StepKind.REVIEW) is not None:
            self._note(
                "eligibility_to_review",
                "lieu",
                "eligibility undetermined; the reviewer decides with the missing facts listed",
            )
            return True
        await self._deny(f"not eligible: {text}", "lieu")
        return False

    async def _reserve(self, quantity: Decimal, start: date) -> bool:
        if self._step(StepKind.LIMIT_CHECK) is None:
            self._reserved += quantity
            return True
        result = await self._hold(quantity, start, "reserve")
        if result.quantity <= ZERO:
            await self._deny(f"limit reached: {result.message}", "lieu")
            return False
        self._reserved += result.quantity
        if self._service_end is None or result.end > self._service_end:
            self._service_end = result.end
        kind = "limit_partial" if result.quantity < quantity else "limit_reserved"
        self._note(kind, "lieu", result.message, {"reserved": str(result.quantity)})
        return True

    def _start_presumptive(self, days: int) -> None:
        self._status = Status.PRESUMPTIVE
        self._presumptive_until = self._in.service_start + timedelta(days=days - 1)
        self._note(
            "presumptive",
            "lieu",
            f"presumptive authorization: service may start at once, for {days} days "
            f"(to {self._presumptive_until.isoformat()}) while review runs",
        )
        self._notice(
            ("provider", "member"), "Service may start now under presumptive authorization"
        )

    async def _review(self, step: Step) -> ReviewDecision:
        deadline = step.expedited if self._in.urgency.value == "expedited" else step.standard
        assert deadline is not None, "a review step always has deadlines (validated)"
        self._review_deadline = deadline_after(self._received, deadline.amount, deadline.unit)
        if self._status is not Status.PRESUMPTIVE:
            self._status = Status.PENDING_REVIEW
        self._note(
            "review_requested",
            "lieu",
            f"review by {step.role}; decision due {_when(self._review_deadline)} "
            f"({self._in.urgency.value}, {deadline})",
        )
        self._upsert_search()
        await self._project()
        while self._decision is None:
            self._raise_if_cancelled()
            wait = None if self._escalated else self._review_deadline - workflow.now()
            if wait is not None and wait <= timedelta(0):
                self._escalate()
                await self._project()
                continue
            await self._wait(lambda: self._decision is not None, wait)
        decision, self._decision = self._decision, None
        self._review_deadline = None
        return decision

    def _escalate(self) -> None:
        self._escalated = True
        self._note(
            "escalated",
            "lieu",
            "review deadline passed without a decision; escalated to operations "
            "(the request stays pending: it is neither approved nor denied)",
        )
        self._upsert_search()

    async def _approve(self, decision: ReviewDecision) -> None:
        approved = self._reserved
        if decision.decision is Decision.MODIFY and decision.quantity is not None:
            approved = min(decision.quantity, self._reserved)
            if approved < self._reserved:
                await self._release(self._reserved - approved, "modified by review")
        self._approved = approved
        self._status = Status.APPROVED
        self._escalated = False
        self._note(
            "approved",
            decision.reviewer,
            f"{decision.decision.value}d for {approved} {self._in.measure}: {decision.reason}",
        )

    async def _deny(self, reason: str, actor: str) -> None:
        if self._reserved > self._used:
            await self._release(self._reserved - self._used, "denied")
        self._status = Status.DENIED
        self._close_loop(LoopReason.NOT_AUTHORIZED)
        used = f"; service already delivered ({self._used} {self._in.measure}) stays charged"
        self._note("denied", actor, reason + (used if self._used > ZERO else ""))
        self._notice(("member", "provider", "referrer"), f"Request denied: {reason}")

    def _notify_approval(self) -> None:
        self._notice(
            ("member",),
            f"Authorized: {self._in.definition.support} with provider {self._in.provider}",
        )
        self._notice(("provider", "referrer"), f"Authorization {self._in.authorization_id} issued")

    async def _await_provider(self, deadline_days: int) -> bool:
        self._status = Status.AWAITING_PROVIDER
        self._loop_status = "pending_acceptance"
        due = workflow.now() + timedelta(days=deadline_days)
        self._note("referral_sent", "lieu", f"provider to accept by {due.date().isoformat()}")
        await self._project()
        try:
            await workflow.wait_condition(
                lambda: self._response is not None or self._cancel is not None,
                timeout=due - workflow.now(),
            )
        except TimeoutError:
            await self._release(self._reserved - self._used, "no provider response")
            self._status = Status.CLOSED
            self._close_loop(LoopReason.NO_PROVIDER_RESPONSE)
            self._note("referral_expired", "lieu", f"no answer from {self._in.provider}")
            self._notice(("member", "referrer"), "The provider did not accept in time")
            return False
        self._raise_if_cancelled()
        assert self._response is not None
        if not self._response.accept:
            await self._release(self._reserved - self._used, "declined by provider")
            self._status = Status.DECLINED
            self._close_loop(LoopReason.DECLINED_BY_PROVIDER)
            self._note("declined", self._response.provider, self._response.reason or "declined")
            self._notice(("member", "referrer"), "The provider declined the referral")
            return False
        self._loop_status = "accepted"
        self._note("accepted", self._response.provider, "referral accepted")
        return True

    async def _active_period(self) -> None:
        self._status = Status.ACTIVE
        period = self._in.terms.period_days
        if period and self._service_end is None:
            self._service_end = self._in.service_start + timedelta(days=period - 1)
        if self._service_end is None:
            self._service_end = self._in.service_start
        self._note("active", "lieu", f"active to {self._service_end.isoformat()}")
        self._upsert_search()
        await self._project()
        reminded_for: date | None = None
        while True:
            self._raise_if_cancelled()
            if self._closing is not None:
                await self._finish_closed(self._closing)
                return
            if self._reauthorization is not None:
                await self._renew(self._reauthorization)
                self._reauthorization = None
                await self._project()
                continue
            expiry = _midnight_after(self._service_end)
            reminder = self._reminder_moment()
            now = workflow.now()
            if reminder is not None and reminded_for != self._service_end and now >= reminder:
                reminded_for = self._service_end
                self._note(
                    "reauthorization_reminder",
                    "lieu",
                    f"authorization ends {self._service_end.isoformat()}; request "
                    "reauthorization now if service should continue",
                )
                self._notice(("provider",), "Reauthorization due soon")
                await self._project()
                continue
            if now >= expiry:
                await self._expire()
                return
            next_timer = expiry
            if reminder is not None and reminded_for != self._service_end and reminder < expiry:
                next_timer = reminder
            await self._wait(lambda: False, next_timer - now)

    def _reminder_moment(self) -> datetime | None:
        days = self._in.terms.reauthorization.notice_days_before_expiry
        if days is None or self._service_end is None:
            return None
        return _midnight_after(self._service_end) - timedelta(days=days)

    async def _renew(self, request: ReauthorizationRequest) -> None:
        assert self._service_end is not None
        allowed = self._in.terms.reauthorization.renewals_allowed
        self._note(
            "reauthorization_requested",
            request.requested_by,
            f"continue for {request.quantity} {self._in.measure}: {request.reason}",
        )
        start = self._service_end + timedelta(days=1)
        if allowed is not None and self._renewals >= allowed:
            self._note("reauthorization_refused", "lieu", f"only {allowed} renewal(s) allowed")
            return
        before_end = self._service_end
        reserved_before = self._reserved
        if not await self._reserve_more(request.quantity, start):
            return
        added = self._reserved - reserved_before
        review = self._step(StepKind.REVIEW)
        if review is not None and self._in.terms.reauthorization.review_required:
            self._received = workflow.now()
            decision = await self._review(review)
            self._status = Status.ACTIVE
            if decision.decision is Decision.DENY:
                await self._release(added, "reauthorization denied")
                self._service_end = before_end
                self._note("reauthorization_denied", decision.reviewer, decision.reason)
                self._notice(("member", "provider"), f"Reauthorization denied: {decision.reason}")
                return
            self._note("reauthorization_approved", decision.reviewer, decision.reason)
        self._renewals += 1
        self._approved = (self._approved or ZERO) + added
        self._note("renewed", "lieu", f"active to {self._service_end.isoformat()}")
        self._upsert_search()

    async def _reserve_more(self, quantity: Decimal, start: date) -> bool:
        if self._step(StepKind.LIMIT_CHECK) is None:
            self._reserved += quantity
            period = self._in.terms.period_days or 1
            self._service_end = start + timedelta(days=period - 1)
            return True
        result = await self._hold(quantity, start, "renew")
        if result.quantity <= ZERO:
            self._note("reauthorization_refused", "lieu", f"limit reached: {result.message}")
            return False
        self._reserved += result.quantity
        self._service_end = max(result.end, self._service_end or result.end)
        self._note("limit_reserved", "lieu", result.message, {"reserved": str(result.quantity)})
        return True

    async def _expire(self) -> None:
        unused = self._reserved - self._used
        if unused > ZERO:
            await self._release(unused, "expired")
        self._status = Status.EXPIRED
        self._close_loop(
            LoopReason.SERVICES_RECEIVED
            if self._used > ZERO
            else LoopReason.EXPIRED_WITHOUT_SERVICE
        )
        self._note("expired", "lieu", f"expired; {unused} {self._in.measure} unused released")

    async def _finish_closed(self, closing: CloseLoop) -> None:
        unused = self._reserved - self._used
        if unused > ZERO:
            await self._release(unused, f"loop closed: {closing.reason.value}")
        self._status = Status.CLOSED
        self._close_loop(closing.reason)
        self._note("loop_closed", closing.actor, f"{closing.reason.value}: {closing.note}".strip())

    async def _finish_cancelled(self) -> None:
        assert self._cancel is not None
        unused = self._reserved - self._used
        if unused > ZERO:
            await self._release(unused, "cancelled")
        self._status = Status.CANCELLED
        self._close_loop(LoopReason.CANCELLED)
        self._note("cancelled", self._cancel.actor, self._cancel.reason)
        self._notice(("member", "provider"), f"Authorization cancelled: {self._cancel.reason}")

    # --- updates ---------------------------------------------------------------------------

    @workflow.update
    async def decide(self, decision: ReviewDecision) -> AuthorizationState:
        """A reviewer approves, denies or modifies the request. A decision sent before the
        review has opened (the request is still being checked) waits for it."""
        if self._review_deadline is None:
            await workflow.wait_condition(
                lambda: self._review_deadline is not None or self._status.is_final
            )
            if self._status.is_final:
                raise ApplicationError(
                    f"authorization {self._in.authorization_id} was {self._status.value} "
                    "before its review opened",
                    type="not_pending_review",
                )
        if self._decision is not None:
            raise ApplicationError("another decision is being applied", type="conflict")
        self._decision = decision
        await workflow.wait_condition(lambda: self._decision is None or self._status.is_final)
        return self.state()

    @decide.validator
    def _validate_decide(self, decision: ReviewDecision) -> None:
        opening = self._status is Status.RECEIVED and self._step(StepKind.REVIEW) is not None
        if self._decision is not None or (self._review_deadline is None and not opening):
            raise ApplicationError(
                f"authorization {self._in.authorization_id} is {self._status.value}; "
                "there is no review waiting for a decision",
                type="not_pending_review",
            )
        if decision.decision is Decision.MODIFY and (
            decision.quantity is None or decision.quantity <= ZERO
        ):
            raise ApplicationError("a modification needs a positive quantity", type="bad_quantity")
        if not decision.reason.strip():
            raise ApplicationError("a decision needs a reason", type="reason_required")

    @workflow.update
    def extend_review(self, extension: ReviewExtension) -> AuthorizationState:
        """Take the one extension of the review deadline, with a reason."""
        step = self._step(StepKind.REVIEW)
        assert step is not None and step.extension is not None and self._review_deadline
        self._review_deadline += timedelta(days=step.extension.calendar_days)
        self._extension_used = True
        self._escalated = False
        self._note(
            "review_extended",
            extension.reviewer,
            f"deadline extended to {_when(self._review_deadline)}: {extension.reason}",
        )
        self._notice(("member", "provider"), f"Decision deferred: {extension.reason}")
        self._upsert_search()
        self._wake += 1
        return self.state()

    @extend_review.validator
    def _validate_extend(self, extension: ReviewExtension) -> None:
        step = self._step(StepKind.REVIEW)
        if self._review_deadline is None or step is None:
            raise ApplicationError("there is no review to extend", type="not_pending_review")
        if step.extension is None:
            raise ApplicationError("this definition allows no extension", type="no_extension")
        if self._extension_used and step.extension.once:
            raise ApplicationError("the review was extended once already", type="already_extended")
        if not extension.reason.strip():
            raise ApplicationError("an extension needs a reason", type="reason_required")

    @workflow.update
    async def respond(self, response: ProviderResponse) -> AuthorizationState:
        """The provider accepts or declines the referral."""
        self._response = response
        await workflow.wait_condition(lambda: self._status is not Status.AWAITING_PROVIDER)
        return self.state()

    @respond.validator
    def _validate_respond(self, response: ProviderResponse) -> None:
        if self._status is not Status.AWAITING_PROVIDER or self._response is not None:
            raise ApplicationError(
                f"authorization {self._in.authorization_id} is {self._status.value}; it is not "
                "waiting for the provider",
                type="not_awaiting_provider",
            )
        if response.provider != self._in.provider:
            raise ApplicationError(
                f"only provider {self._in.provider} can answer this referral", type="not_allowed"
            )

    @workflow.update
    async def report_service(self, report: ServiceReport) -> ServiceResult:
        """Service delivered: consumes the ledger, or is rejected with the reason (and kept)."""
        async with self._ledger_lock:
            for entry in self._timeline:
                if entry.data.get("report_id") == report.report_id:
                    return ServiceResult(
                        report.report_id,
                        entry.kind == "service_reported",
                        entry.text,
                        self._used,
                        self._reserved - self._used,
                    )
            problem = self._report_problem(report)
            if problem is None:
                result = await workflow.execute_activity_method(
                    AuthorizationActivities.consume,
                    self._ledger_input(
                        report.quantity,
                        report.start,
                        report.end,
                        f"service/{report.report_id}",
                        report.reported_by,
                    ),
                    start_to_close_timeout=TIMEOUT,
                    retry_policy=RETRY,
                )
                if result.quantity > ZERO:
                    self._used += result.quantity
                else:
                    problem = result.message
            data = {
                "report_id": report.report_id,
                "start": report.start.isoformat(),
                "end": report.end.isoformat(),
                "quantity": str(report.quantity),
            }
            if problem is None:
                text = f"{report.quantity} {self._in.measure} delivered {report.start}–{report.end}"
                self._note("service_reported", report.reported_by, text, data)
                if self._loop_status in {"accepted", "pending_acceptance", "sent"}:
                    self._loop_status = "services_started"
            else:
                text = f"rejected: {problem}"
                self._note("service_rejected", report.reported_by, text, data)
            await self._project()
            return ServiceResult(
                report.report_id, problem is None, text, self._used, self._reserved - self._used
            )

    def _report_problem(self, report: ServiceReport) -> str | None:
        serving = {Status.PRESUMPTIVE, Status.APPROVED, Status.ACTIVE, Status.AWAITING_PROVIDER}
        if self._status not in serving:
            return f"the authorization is {self._status.value}; no service can be reported"
        if report.end < report.start:
            return "the service ends before it starts"
        if report.start < self._in.service_start:
            return f"service before the authorized start {self._in.service_start.isoformat()}"
        if self._status is Status.PRESUMPTIVE and self._presumptive_until is not None:
            if report.end > self._presumptive_until:
                return f"presumptive authorization covers service to {self._presumptive_until}"
        elif self._service_end is not None and report.end > self._service_end:
            return f"service after the authorized end {self._service_end.isoformat()}"
        if self._used + report.quantity > self._reserved:
            return (
                f"{report.quantity} {self._in.measure} exceeds what is left on this "
                f"authorization ({self._reserved - self._used} {self._in.measure})"
            )
        return None

    @workflow.update
    def request_reauthorization(self, request: ReauthorizationRequest) -> AuthorizationState:
        """Ask to continue for another period (review repeats when the definition says so)."""
        self._reauthorization = request
        self._wake += 1
        return self.state()

    @request_reauthorization.validator
    def _validate_reauthorization(self, request: ReauthorizationRequest) -> None:
        if self._status is not Status.ACTIVE or self._reauthorization is not None:
            raise ApplicationError(
                f"authorization {self._in.authorization_id} is {self._status.value}; only an "
                "active authorization can be reauthorized",
                type="not_active",
            )
        if request.quantity <= ZERO:
            raise ApplicationError("reauthorization needs a positive quantity", type="bad_quantity")

    @workflow.update
    def close_loop(self, closing: CloseLoop) -> AuthorizationState:
        """Close the referral loop with a reason (ends an active authorization early)."""
        self._closing = closing
        self._wake += 1
        return self.state()

    @close_loop.validator
    def _validate_close(self, closing: CloseLoop) -> None:
        if self._status is not Status.ACTIVE:
            raise ApplicationError(
                f"authorization {self._in.authorization_id} is {self._status.value}; only an "
                "active authorization's loop can be closed (cancel it otherwise)",
                type="not_active",
            )

    @workflow.update
    async def cancel(self, cancel: Cancel) -> AuthorizationState:
        """Cancel: releases whatever is reserved and not used."""
        self._cancel = cancel
        self._wake += 1
        await workflow.wait_condition(lambda: self._status.is_final)
        return self.state()

    @cancel.validator
    def _validate_cancel(self, cancel: Cancel) -> None:
        if self._status.is_final or self._cancel is not None:
            raise ApplicationError(
                f"authorization {self._in.authorization_id} is already {self._status.value}",
                type="already_final",
            )
        if not cancel.reason.strip():
            raise ApplicationError("a cancellation needs a reason", type="reason_required")

    @workflow.query
    def state(self) -> AuthorizationState:
        """Status, quantities, dates and the whole timeline."""
        return AuthorizationState(
            authorization_id=self._in.authorization_id,
            status=self._status,
            plan=self._in.plan,
            support=self._in.definition.support,
            definition=self._in.definition,
            member_cin=self._in.member_cin,
            provider=self._in.provider,
            county=self._in.county,
            urgency=self._in.urgency,
            measure=self._in.measure,
            quantity_requested=self._in.quantity,
            quantity_approved=self._approved,
            quantity_reserved=self._reserved,
            quantity_used=self._used,
            service_start=self._in.service_start,
            service_end=self._service_end,
            presumptive_until=self._presumptive_until,
            review_deadline=self._review_deadline,
            escalated=self._escalated,
            extension_used=self._extension_used,
            loop_status=self._loop_status,
            loop_reason=self._loop_reason,
            renewals_used=self._renewals,
            requested_by=self._in.requested_by,
            received_at=self._received,
            timeline=list(self._timeline),
        )

    # --- helpers ---------------------------------------------------------------------------

    def _step(self, kind: StepKind) -> Step | None:
        return next((s for s in self._in.terms.steps if s.kind is kind), None)

    async def _wait(self, ready: Callable[[], bool], within: timedelta | None) -> bool:
        """Wait until `ready()`, a cancel, an update that changes the schedule, or `within`
        has passed (then False)."""
        wake = self._wake
        try:
            await workflow.wait_condition(
                lambda: ready() or self._cancel is not None or self._wake != wake,
                timeout=within,
            )
        except TimeoutError:
            return False
        return True

    def _raise_if_cancelled(self) -> None:
        if self._cancel is not None:
            raise Cancelled()

    def _requested_text(self) -> str:
        return (
            f"{self._in.definition.support} requested by {self._in.requested_by} for "
            f"{self._in.quantity} {self._in.measure} from {self._in.service_start.isoformat()} "
            f"({self._in.urgency.value}; definition {self._in.definition.plan} "
            f"v{self._in.definition.version})"
        )

    def _note(self, kind: str, actor: str, text: str, data: dict[str, str] | None = None) -> None:
        self._timeline.append(
            TimelineEntry(len(self._timeline) + 1, workflow.now(), kind, actor, text, data or {})
        )

    def _notice(self, to: tuple[str, ...], text: str) -> None:
        self._note("notice", "lieu", text, {"to": ", ".join(to)})

    def _close_loop(self, reason: LoopReason) -> None:
        if self._in.terms.closed_loop_referral:
            self._loop_status = "closed"
            self._loop_reason = reason

    def _ledger_input(
        self,
        quantity: Decimal,
        start: date,
        end: date,
        key: str,
        actor: str,
        *,
        reason: str = "",
        first: bool = False,
        whole: bool = False,
    ) -> LedgerInput:
        return LedgerInput(
            authorization_id=self._in.authorization_id,
            definition=self._in.definition,
            plan=self._in.plan,
            member_cin=self._in.member_cin,
            measure=self._in.measure,
            start=start,
            end=end,
            quantity=quantity,
            key=f"{self._in.authorization_id}/{key}",
            actor=actor,
            reason=reason,
            first=first,
            whole=whole,
        )

    def _period_end(self, start: date) -> date:
        return start + timedelta(days=max(self._in.terms.period_days or 1, 1) - 1)

    async def _hold(self, quantity: Decimal, start: date, label: str) -> LedgerResult:
        self._ledger_calls += 1
        return await workflow.execute_activity_method(
            AuthorizationActivities.reserve,
            self._ledger_input(
                quantity,
                start,
                self._period_end(start),
                f"{label}/{self._ledger_calls}",
                "lieu",
                first=self._ledger_calls == 1,
            ),
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )

    async def _release(self, quantity: Decimal, reason: str) -> None:
        if quantity <= ZERO:
            return
        self._ledger_calls += 1
        end = self._service_end or self._in.service_start
        await workflow.execute_activity_method(
            AuthorizationActivities.release,
            self._ledger_input(
                quantity,
                self._in.service_start,
                end,
                f"release/{self._ledger_calls}",
                "lieu",
                reason=reason,
                whole=quantity >= self._reserved and self._used <= ZERO,
            ),
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
        self._reserved -= quantity
        if self._in.measure == "days" and self._service_end is not None:
            self._service_end -= timedelta(days=int(quantity))
        self._note("released", "lieu", f"{quantity} {self._in.measure} released ({reason})")

    def _upsert_search(self) -> None:
        if not self._in.search_attributes:
            return
        workflow.upsert_search_attributes(status_attributes(self._status, self._review_deadline))

    async def _project(self) -> None:
        state = self.state()
        fresh = state.timeline[self._projected :]
        await workflow.execute_activity_method(
            AuthorizationActivities.project,
            Projection(state=replace(state, timeline=fresh), seq=len(state.timeline)),
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )
        self._projected = len(state.timeline)


def _when(moment: datetime) -> str:
    """A deadline as people read it: 2026-11-30 17:00 UTC."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _midnight_after(day: date) -> datetime:
    """The moment a day ends (the authorization is in force through `day`)."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)

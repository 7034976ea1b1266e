"""`AuthorizationWorkflow`: runs one authorization by interpreting its lifecycle state machine.

The policy is in `lieu.platform.authorizations.lifecycle.machine`: this class turns workflow
events (start, updates, timers, activity results) into machine events, and the machine's commands
into activities, a timer and search attributes. It holds no status and no sentence of its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ActivityError, ApplicationError
from temporalio.workflow import ParentClosePolicy

with workflow.unsafe.imports_passed_through():
    from lieu.platform.authorizations.lifecycle import machine
    from lieu.platform.authorizations.lifecycle.commands import (
        RESULT_COMMANDS,
        Acted,
        Assess,
        Assessed,
        Command,
        Consume,
        Consumed,
        Event,
        Failed,
        LateReportsWindow,
        LegacyProject,
        Notify,
        Project,
        ProjectExtension,
        Publish,
        Release,
        Reserve,
        Reserved,
        StartAppeal,
        Started,
        TimerFired,
        WindowOpened,
    )
    from lieu.platform.authorizations.lifecycle.state import Lifecycle
    from lieu.platform.authorizations.lifecycle.view import snapshot
    from lieu.workflows.appeals.workflow import AppealWorkflow
    from lieu.workflows.authorizations.activities import AuthorizationActivities
    from lieu.workflows.authorizations.search import status_attributes
    from lieu.workflows.authorizations.types import (
        AppealDecided,
        AssessInput,
        AttachDocument,
        AuthorizationInput,
        AuthorizationState,
        Cancel,
        CloseLoop,
        EndService,
        FileAppeal,
        LedgerInput,
        Projection,
        ProvideInformation,
        ProviderResponse,
        ReauthorizationRequest,
        ReleaseAndProject,
        Reply,
        RequestInformation,
        Retry,
        ReviewDecision,
        ReviewExtension,
        ServiceReport,
        carried_state,
        carry,
    )
    from lieu.workflows.notices.activities import NoticeActivities

TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
# Patches: each names a change of commands; histories recorded before it replay the old way.
REVIEW_OPENS_AT_ONCE = "review-opens-at-once"  # no projection before the review opens
LATE_SERVICE_REPORTS = "late-service-reports"  # stay open for reports after the end
ANSWER_AFTER_EFFECTS = "answer-after-effects"  # an answer waits for its command's activities
# A missed deadline is a denial, extensions count from receipt, adverse determinations issue
# notices of action (Terms.managed_care_rules): asked once, at the start of each run.
MANAGED_CARE_RULES = "managed-care-rules"
# An adverse determination keeps the run open for the 60 days it may be appealed in, and an
# appeal runs as a child workflow whose outcome comes back as a signal.
APPEALS = "appeals"
# The projection is written once per wait point (every turn since the last wait in one write),
# inside the ledger's transaction when a release comes first: asked once, at the start of each
# run, first. A run that takes it started under code with every patch above, so it implies
# them without asking (`_patched`): a new run records one marker, not six.
PROJECT_AT_WAIT_POINTS = "project-at-wait-points"
# A review extension is projected (before, the database showed the old deadline until the next
# action). Asked with `workflow.patched` itself: runs that took PROJECT_AT_WAIT_POINTS were
# recorded without it too.
EXTENSION_PROJECTED = "extension-projected"
KEPT_TIMELINE = 20  # timeline entries carried into the next run (all are projected already)


@workflow.defn(name="Authorization")
class AuthorizationWorkflow:
    """One authorization, pinned to a definition version.

    Updates (each answers a `Reply`, kept by the caller's idempotency key, which is also the
    update id): `decide`, `extend_review`, `request_information`, `provide_information`,
    `respond`, `report_service`, `request_reauthorization`, `close_loop`, `cancel`,
    `attach_document`, `retry`, `end_service`, `file_appeal`. Signal: `appeal_decided` (from
    the appeal's workflow). Queries: `state`, `answered`.
    """

    @workflow.init
    def __init__(self, request: AuthorizationInput) -> None:
        self._in = request
        self._terms = machine.Terms(request.terms, request.pricing, request.calendar)
        self._s: Lifecycle = carried_state(request) or machine.begin(
            authorization_id=request.authorization_id,
            plan=request.plan,
            definition=request.definition,
            member_cin=request.member_cin,
            provider=request.provider,
            county=request.county,
            urgency=request.urgency,
            measure=request.measure,
            quantity=request.quantity,
            service_start=request.service_start,
            requested_by=request.requested_by,
            received_at=request.received_at or workflow.now(),
        )
        self._inbox: list[tuple[str, Any]] = []
        self._held: set[str] = set()  # answered, but its command's results are still running
        self._timer: asyncio.TimerHandle | None = None
        self._timer_at: datetime | None = None
        self._fired = False
        self._at_wait_points = False  # PROJECT_AT_WAIT_POINTS, asked when the run starts
        self._unprojected = False  # a turn asked for a projection not written yet
        self._with_release = False  # …and it may be written with the turn's release

    # --- the run ---------------------------------------------------------------------------

    @workflow.run
    async def run(self, request: AuthorizationInput) -> AuthorizationState:
        self._at_wait_points = workflow.patched(PROJECT_AT_WAIT_POINTS)
        self._terms = replace(
            self._terms,
            managed_care_rules=self._patched(MANAGED_CARE_RULES),
            appeals=self._patched(APPEALS),
        )
        if request.carried is None:
            await self._feed(Started(workflow.now()))
        while not machine.finished(self._s):
            if self._inbox:
                key, action = self._inbox.pop(0)
                await self._feed(Acted(workflow.now(), action, key), key)
                continue
            due = machine.next_timer(self._s, self._terms)
            now = workflow.now()
            if due is not None and due <= now:
                await self._feed(TimerFired(now))
                continue
            if await self._flush():
                continue  # commands may have come in while it was written
            if self._s.continue_as_new or workflow.info().is_continue_as_new_suggested():
                await workflow.wait_condition(
                    lambda: workflow.all_handlers_finished() or bool(self._inbox)
                )
                if not self._inbox:
                    self._continue_as_new()
                continue
            self._arm(due, now)
            self._fired = False
            await workflow.wait_condition(lambda: bool(self._inbox) or self._fired)
        while self._inbox:  # sent as it ended: each gets its refusal
            key, action = self._inbox.pop(0)
            await self._feed(Acted(workflow.now(), action, key), key)
        await self._flush()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return snapshot(self._s)

    def _patched(self, patch: str) -> bool:
        """Whether this run takes `patch` (older than PROJECT_AT_WAIT_POINTS, which implies it;
        a history from before that patch asks for each as it was recorded)."""
        return self._at_wait_points or workflow.patched(patch)

    async def _feed(self, event: Event, key: str = "") -> None:
        """Advance the machine, then carry out its commands; a result feeds the next turn."""
        turn = machine.advance(self._s, self._terms, event)
        self._s = turn.state
        if key and turn.commands and (turn.waits or self._patched(ANSWER_AFTER_EFFECTS)):
            # the caller reads what it changed (ledger, projection) as soon as it has the answer
            self._held.add(key)
        self._disarm_if_stale()
        commands = turn.commands
        if self._at_wait_points and any(isinstance(c, Project) for c in commands):
            # written at the next wait point (`_flush`), or with this turn's release when the
            # turn ends there (a result would start another turn, with more to project)
            self._unprojected = True
            commands = [c for c in commands if not isinstance(c, Project)]
            self._with_release = not any(isinstance(c, RESULT_COMMANDS) for c in commands)
        try:
            for command in commands:
                result = await self._carry_out(command)
                if result is not None:
                    await self._feed(result)
        finally:
            self._held.discard(key)

    async def _carry_out(self, command: Command) -> Event | None:
        try:
            match command:
                case Assess():
                    found = await self._activity(
                        AuthorizationActivities.assess, self._assess(command)
                    )
                    return Assessed(
                        workflow.now(),
                        found.offered,
                        found.outcome,
                        tuple(found.explanation),
                        tuple(found.missing),
                        found.refusal,
                    )
                case Reserve():
                    held = await self._activity(
                        AuthorizationActivities.reserve, self._ledger(command)
                    )
                    return Reserved(workflow.now(), held.quantity, held.end, held.message)
                case Consume():
                    used = await self._activity(
                        AuthorizationActivities.consume, self._ledger(command)
                    )
                    return Consumed(workflow.now(), used.quantity, used.message)
                case Release() if self._unprojected and self._with_release:
                    # the state after this turn is known already: one transaction for both
                    projection = self._projection()
                    await self._activity(
                        AuthorizationActivities.release_and_project,
                        ReleaseAndProject(self._ledger(command), projection),
                    )
                    self._projected(projection)
                case Release():
                    await self._activity(AuthorizationActivities.release, self._ledger(command))
                case LegacyProject():
                    if not self._patched(REVIEW_OPENS_AT_ONCE):
                        await self._project()
                case Project():
                    await self._project()
                case ProjectExtension():
                    if workflow.patched(EXTENSION_PROJECTED):
                        if self._at_wait_points:
                            self._unprojected = True  # written at the next wait point
                        else:
                            await self._project()
                case Publish():
                    if self._in.search_attributes:
                        workflow.upsert_search_attributes(
                            status_attributes(self._s.status, self._s.review_deadline)
                        )
                case Notify():
                    await self._activity(NoticeActivities.issue, command.facts)
                case LateReportsWindow():
                    return WindowOpened(workflow.now(), self._patched(LATE_SERVICE_REPORTS))
                case StartAppeal():
                    await workflow.start_child_workflow(
                        AppealWorkflow.run,
                        command.appeal,
                        id=command.appeal.appeal_id,
                        task_queue=workflow.info().task_queue,
                        # the appeal outlives a continue-as-new of this run
                        parent_close_policy=ParentClosePolicy.ABANDON,
                    )
        except ActivityError as failure:
            cause = failure.cause
            if isinstance(cause, ApplicationError) and cause.non_retryable:
                return Failed(workflow.now(), command, cause.message)
            raise
        return None

    async def _activity(self, activity: Any, argument: Any) -> Any:
        return await workflow.execute_activity_method(
            activity, argument, start_to_close_timeout=TIMEOUT, retry_policy=RETRY
        )

    async def _project(self) -> None:
        projection = self._projection()
        await self._activity(AuthorizationActivities.project, projection)
        self._projected(projection)

    def _projection(self) -> Projection:
        """The state with the timeline entries the database does not have yet."""
        s = self._s
        fresh = s.timeline[max(s.projected - s.timeline_dropped, 0) :]
        return Projection(state=snapshot(s, fresh), seq=s.seq)

    def _projected(self, projection: Projection) -> None:
        self._s.projected = projection.seq  # bookkeeping only: what the database has
        self._unprojected = False

    async def _flush(self) -> bool:
        """Write the projection a turn asked for before the workflow waits (the answers of
        the commands that changed it wait for it too); True when it ran."""
        if not self._unprojected:
            return False
        result = await self._carry_out(Project())
        self._unprojected = False  # written, or failed for good: the failure's turn goes on
        if result is not None:
            await self._feed(result)
        return True

    def _assess(self, command: Assess) -> AssessInput:
        return AssessInput(
            authorization_id=self._in.authorization_id,
            definition=self._in.definition,
            plan=self._in.plan,
            member_cin=self._in.member_cin,
            county=self._in.county,
            on=command.on,
        )

    def _ledger(self, command: Reserve | Release | Consume) -> LedgerInput:
        return LedgerInput(
            authorization_id=self._in.authorization_id,
            definition=self._in.definition,
            plan=self._in.plan,
            member_cin=self._in.member_cin,
            measure=self._in.measure,
            start=command.start,
            end=command.end,
            quantity=command.quantity,
            key=command.key,
            actor=command.actor if isinstance(command, Consume) else "lieu",
            reason=command.reason if isinstance(command, Release) else "",
            first=command.first if isinstance(command, Reserve) else False,
            whole=command.whole if isinstance(command, Release) else False,
            late=command.late if isinstance(command, Consume) else False,
        )

    # --- the one timer ---------------------------------------------------------------------

    def _arm(self, due: datetime | None, now: datetime) -> None:
        if due is None or self._timer is not None:
            return
        self._timer_at = due
        self._timer = asyncio.get_running_loop().call_later((due - now).total_seconds(), self._fire)

    def _fire(self) -> None:
        self._timer, self._timer_at = None, None
        self._fired = True

    def _disarm_if_stale(self) -> None:
        """Cancel the timer at once when the machine no longer waits for that moment."""
        if self._timer is not None and self._timer_at != machine.next_timer(self._s, self._terms):
            self._timer.cancel()
            self._timer, self._timer_at = None, None

    def _continue_as_new(self) -> None:
        s = self._s
        kept = s.timeline[-KEPT_TIMELINE:]
        carried = replace(
            s,
            timeline=kept,
            timeline_dropped=s.timeline_dropped + len(s.timeline) - len(kept),
            continue_as_new=False,
        )
        workflow.continue_as_new(
            replace(self._in, carried=carry(carried), received_at=s.received_at)
        )

    # --- updates: each action goes through the machine, in the order received ---------------

    def _keyed(self, action: Any) -> Any:
        if action.key:
            return action
        info = workflow.current_update_info()
        return replace(action, key=info.id if info is not None else "")

    def _check(self, action: Any) -> None:
        problem = machine.refusal(self._s, self._terms, self._keyed(action), now=workflow.now())
        if problem is not None:
            code, message = problem
            left = {"remaining": str(self._s.remaining), "measure": self._s.measure}
            raise ApplicationError(
                message, *([left] if code == "limit_exceeded" else []), type=code
            )

    async def _act(self, action: Any) -> Reply:
        action = self._keyed(action)
        key = action.key
        if key not in self._s.answers:
            self._inbox.append((key, action))
        await workflow.wait_condition(
            lambda: key in self._s.answers and key not in self._held and not self._unprojected
        )
        return self._s.answers[key]

    @workflow.update
    async def decide(self, decision: ReviewDecision) -> Reply:
        """A reviewer approves, denies or modifies; sent before the review opens, it waits."""
        return await self._act(decision)

    @decide.validator
    def _validate_decide(self, decision: ReviewDecision) -> None:
        self._check(decision)

    @workflow.update
    async def extend_review(self, extension: ReviewExtension) -> Reply:
        """Take the review's extension of its deadline, with a reason."""
        return await self._act(extension)

    @extend_review.validator
    def _validate_extend(self, extension: ReviewExtension) -> None:
        self._check(extension)

    @workflow.update
    async def request_information(self, asking: RequestInformation) -> Reply:
        """The reviewer asks the provider for what is needed to decide (with its notice)."""
        return await self._act(asking)

    @request_information.validator
    def _validate_request_information(self, asking: RequestInformation) -> None:
        self._check(asking)

    @workflow.update
    async def provide_information(self, information: ProvideInformation) -> Reply:
        """The provider sends what the reviewer asked for."""
        return await self._act(information)

    @provide_information.validator
    def _validate_provide_information(self, information: ProvideInformation) -> None:
        self._check(information)

    @workflow.update
    async def respond(self, response: ProviderResponse) -> Reply:
        """The provider accepts or declines the referral."""
        return await self._act(response)

    @respond.validator
    def _validate_respond(self, response: ProviderResponse) -> None:
        self._check(response)

    @workflow.update
    async def report_service(self, report: ServiceReport) -> Reply:
        """Service delivered: recorded on the ledger, refused with the reason, or flagged."""
        return await self._act(report)

    @report_service.validator
    def _validate_report(self, report: ServiceReport) -> None:
        self._check(report)

    @workflow.update
    async def request_reauthorization(self, request: ReauthorizationRequest) -> Reply:
        """Ask to continue for another period (review repeats when the definition says so)."""
        return await self._act(request)

    @request_reauthorization.validator
    def _validate_reauthorization(self, request: ReauthorizationRequest) -> None:
        self._check(request)

    @workflow.update
    async def close_loop(self, closing: CloseLoop) -> Reply:
        """Close the referral loop with a reason (ends an active authorization early)."""
        return await self._act(closing)

    @close_loop.validator
    def _validate_close(self, closing: CloseLoop) -> None:
        self._check(closing)

    @workflow.update
    async def cancel(self, cancel: Cancel) -> Reply:
        """Cancel: releases whatever is reserved and not used."""
        return await self._act(cancel)

    @cancel.validator
    def _validate_cancel(self, cancel: Cancel) -> None:
        self._check(cancel)

    @workflow.update
    async def attach_document(self, document: AttachDocument) -> Reply:
        """A document a documentation step asks for is on file."""
        return await self._act(document)

    @attach_document.validator
    def _validate_attach(self, document: AttachDocument) -> None:
        self._check(document)

    @workflow.update
    async def retry(self, retry: Retry) -> Reply:
        """Operations run the step that failed for good again, once its cause is fixed."""
        return await self._act(retry)

    @retry.validator
    def _validate_retry(self, retry: Retry) -> None:
        self._check(retry)

    @workflow.update
    async def end_service(self, ending: EndService) -> Reply:
        """The plan ends an active authorization after the member's advance notice."""
        return await self._act(ending)

    @end_service.validator
    def _validate_end_service(self, ending: EndService) -> None:
        self._check(ending)

    @workflow.update
    async def file_appeal(self, filing: FileAppeal) -> Reply:
        """The member, or the provider for the member, appeals the last adverse determination;
        the answer names the appeal (its own workflow)."""
        return await self._act(filing)

    @file_appeal.validator
    def _validate_file_appeal(self, filing: FileAppeal) -> None:
        self._check(filing)

    @workflow.signal
    def appeal_decided(self, decided: AppealDecided) -> None:
        """The appeal's outcome, from its workflow (an overturn approves this authorization)."""
        key = decided.key or f"{decided.appeal_id}/decided"
        if key not in self._s.answers and all(k != key for k, _ in self._inbox):
            self._inbox.append((key, replace(decided, key=key)))

    @workflow.query
    def state(self) -> AuthorizationState:
        """Status, quantities, dates and the timeline entries this run holds."""
        return snapshot(self._s)

    @workflow.query
    def asked_documents(self) -> list[str]:
        """The document ids the definition's documentation steps ask for."""
        return [doc.id for step in self._in.terms.steps for doc in step.documents]

    @workflow.query
    def answered(self, key: str) -> Reply | None:
        """The answer given to the command sent with idempotency key `key`, if any."""
        return self._s.answers.get(key)

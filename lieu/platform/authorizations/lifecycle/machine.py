"""The authorization lifecycle as a state machine: `advance(state, terms, event)` gives the next
state and the commands to carry out. No I/O, no clock, no Temporal: the workflow interprets it.

`RULES` is the whole policy: for each event, the phases in which it applies, what it does and the
definition term that allows it. The steps run in the order the definition writes them
(`_walk`); everything a person reads is in `texts`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from lieu.platform.appeals.lifecycle import AppealStart, OnBehalf, Outcome
from lieu.platform.appeals.terms import FILING_DAYS
from lieu.platform.authorizations.lifecycle import reports, texts
from lieu.platform.authorizations.lifecycle.actions import (
    AppealDecided,
    AttachDocument,
    Cancel,
    CloseLoop,
    EndService,
    FileAppeal,
    ProvideInformation,
    ProviderResponse,
    ReauthorizationRequest,
    RequestInformation,
    Retry,
    ReviewDecision,
    ReviewExtension,
    ServiceReport,
)
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
from lieu.platform.authorizations.lifecycle.notices import criteria_of, notice_facts
from lieu.platform.authorizations.lifecycle.state import (
    REVIEWING,
    WAITING_FOR_A_RESULT,
    ZERO,
    Decided,
    Failure,
    Lifecycle,
    Phase,
    Renewal,
    Reply,
)
from lieu.platform.authorizations.records import DefinitionRef, TimelineEntry
from lieu.platform.authorizations.regulation import ADVANCE_NOTICE, EXPEDITED, STANDARD, ceiling
from lieu.platform.authorizations.status import Decision, LoopReason, Status, Urgency
from lieu.platform.definitions.steps import AfterDeadline, Authorization, Step, StepKind
from lieu.platform.notices.facts import REASONS, NoticeKind, Reason
from lieu.platform.plans.calendar import BEFORE_PLANS, PlanCalendar
from lieu.platform.pricing.terms import Pricing

EVERY = frozenset(Phase)
ALL = EVERY - {Phase.DONE}
OPEN = ALL - {Phase.REPORTING}
REPORTABLE = frozenset(
    {
        Phase.DOCUMENTS,
        Phase.REVIEW,
        Phase.SECOND_REVIEW,
        Phase.PROVIDER,
        Phase.ACTIVE,
        Phase.RENEWAL_REVIEW,
        Phase.REPORTING,
    }
)


@dataclass(frozen=True)
class Terms:
    """What the pinned definition says about authorizing and paying for the support, and the
    plan's clock it counts on.

    `managed_care_rules` is False only when replaying a history recorded before lieu applied
    the rules of 42 CFR 438 as it now does (a missed deadline is a denial, an extension counts
    from receipt, adverse determinations issue notices of action): such a run keeps its rules.
    `appeals` is False only for a history recorded before appeals (the run ended with its
    determination instead of waiting the 60 days an appeal may be filed in)."""

    authorization: Authorization
    pricing: Pricing | None = None
    calendar: PlanCalendar = BEFORE_PLANS
    managed_care_rules: bool = True
    appeals: bool = True

    def step(self, kind: StepKind) -> Step | None:
        return self.authorization.step(kind)

    def has(self, kind: StepKind) -> bool:
        return self.authorization.step(kind) is not None


@dataclass
class Turn:
    """One event's effect: the state after it and the commands to carry out, in order."""

    state: Lifecycle
    terms: Terms
    now: datetime
    key: str = ""
    commands: list[Command] = field(default_factory=list)
    message: str = ""  # the accepted action's answer, in words

    def issue(self, command: Command) -> None:
        self.commands.append(command)

    def when(self, moment: datetime) -> str:
        """A moment in the plan's words."""
        return self.terms.calendar.words(moment)

    def notify(self, kind: NoticeKind, **facts: Any) -> None:
        """Issue a notice of action (not when replaying a history from before notices)."""
        if not self.terms.managed_care_rules:
            return
        s = self.state
        s.notices += 1
        if self.terms.appeals and kind.adverse:
            # 42 CFR 438.402(c)(2)(ii): appealed within 60 calendar days of the notice
            calendar = self.terms.calendar
            s.appeal_until = calendar.day_ends(
                calendar.local_date(self.now) + timedelta(days=FILING_DAYS)
            )
            s.appealable, s.adverse_seq = kind.value, s.seq
            s.adverse_by = str(facts.get("decided_by", "lieu"))
        elif kind is NoticeKind.REVERSAL and not s.appeal_open:
            s.appeal_until, s.appealable = None, ""  # nothing adverse is left to appeal
        self.issue(
            Notify(
                notice_facts(
                    s,
                    self.terms.authorization,
                    self.terms.calendar,
                    self.now,
                    kind,
                    key=f"{s.authorization_id}/notice/{s.notices}",
                    **facts,
                )
            )
        )

    @property
    def waits(self) -> bool:
        """The last command's result is needed before anything else happens."""
        return bool(self.commands) and isinstance(self.commands[-1], RESULT_COMMANDS)

    def note(self, kind: str, actor: str, text: str, data: dict[str, str] | None = None) -> None:
        s = self.state
        s.timeline.append(TimelineEntry(s.seq + 1, self.now, kind, actor, text, data or {}))

    def tell(self, on: str, text: str) -> None:
        """A notice to whoever the definition's notice steps name for the event `on`."""
        to: list[str] = []
        for step in self.terms.authorization.steps:
            if step.kind is StepKind.NOTICE and on in step.on:
                to.extend(who for who in step.to if who not in to)
        if to:
            self.note("notice", "lieu", text, {"to": ", ".join(to), "on": on})

    def refuse(self, code: str, message: str, **more: Any) -> None:
        key = self.key or self.state.pending
        if key:
            s = self.state
            s.answers[key] = Reply(key, False, s.status, code, message, **more)


Handler = Callable[[Turn, Any], None]


@dataclass(frozen=True)
class Rule:
    """An event (or action) in some phases does `then`; `term` is what in the definition allows
    it, and `leads_to` the statuses it may leave the authorization in."""

    on: type
    phases: frozenset[Phase]
    then: Handler
    term: str
    leads_to: frozenset[Status]


def _statuses(*statuses: Status) -> frozenset[Status]:
    return frozenset(statuses)


# --- the steps, in the definition's order --------------------------------------------------


def _walk(t: Turn) -> None:
    """Run the steps from the current one until one waits for something, then go active."""
    s, steps = t.state, t.terms.authorization.steps
    while s.step < len(steps):
        step = steps[s.step]
        match step.kind:
            case StepKind.ELIGIBILITY:
                s.phase = Phase.ASSESSING
                t.issue(Assess(s.service_start))
                return
            case StepKind.LIMIT_CHECK:
                s.phase = Phase.RESERVING
                quantity = s.quantity_approved or s.quantity_requested
                _hold(t, quantity, s.service_start, "reserve")
                return
            case StepKind.PRESUMPTIVE:
                _presumptive(t, step)
            case StepKind.DOCUMENTATION:
                if _missing_documents(s, step):
                    _ask_for_documents(t, step)
                    return
            case StepKind.REVIEW:
                _open_review(t, step, Phase.REVIEW, s.received_at, legacy=True)
                return
            case StepKind.SECOND_REVIEW:
                _open_second_review(t, step)
                return
            case StepKind.PROVIDER_ACCEPTANCE:
                if t.terms.authorization.closed_loop_referral:
                    _decided(t)
                    _await_provider(t, step)
                    return
            case StepKind.NOTICE:
                pass
        s.step += 1
    _decided(t)
    _activate(t)


def _reserved_yet(t: Turn) -> bool:
    """Whether the request's quantity is held already (a limit check before this step, or none)."""
    kinds = t.terms.authorization.kinds()
    return StepKind.LIMIT_CHECK not in kinds or StepKind.LIMIT_CHECK in kinds[: t.state.step]


def _hold(t: Turn, quantity: Decimal, start: date, label: str) -> None:
    s = t.state
    s.ledger_calls += 1
    period = max(t.terms.authorization.period_days or 1, 1)
    t.issue(
        Reserve(
            quantity=quantity,
            start=start,
            end=start + timedelta(days=period - 1),
            key=f"{s.authorization_id}/{label}/{s.ledger_calls}",
            first=s.ledger_calls == 1,
        )
    )


def _release(t: Turn, quantity: Decimal, reason: str) -> None:
    s = t.state
    if quantity <= ZERO:
        return
    s.ledger_calls += 1
    t.issue(
        Release(
            quantity=quantity,
            start=s.service_start,
            end=s.service_end or s.service_start,
            key=f"{s.authorization_id}/release/{s.ledger_calls}",
            reason=reason,
            whole=quantity >= s.quantity_reserved and s.quantity_used <= ZERO,
        )
    )
    s.quantity_reserved -= quantity
    if s.measure == "days" and s.service_end is not None:
        s.service_end -= timedelta(days=int(quantity))
    t.note("released", "lieu", texts.released(quantity, s.measure, reason))


def _presumptive(t: Turn, step: Step) -> None:
    s = t.state
    assert step.days is not None, "a presumptive step has days (validated)"
    s.status = Status.PRESUMPTIVE
    s.served = True
    s.presumptive_until = s.service_start + timedelta(days=step.days - 1)
    t.note("presumptive", "lieu", texts.presumptive(step.days, s.presumptive_until))
    t.tell("presumptive", texts.PRESUMPTIVE_NOTICE)


def _missing_documents(s: Lifecycle, step: Step) -> list[str]:
    return [doc.label for doc in step.documents if doc.id not in s.documents]


def _ask_for_documents(t: Turn, step: Step) -> None:
    s = t.state
    s.phase = Phase.DOCUMENTS
    if s.status is not Status.PRESUMPTIVE:
        s.status = Status.AWAITING_DOCUMENTS
    missing = _missing_documents(s, step)
    t.note("documents_requested", "lieu", texts.documents_requested(missing))
    t.tell("documents_requested", texts.documents_notice(missing))
    t.issue(Publish())
    t.issue(Project())


def _open_review(t: Turn, step: Step, phase: Phase, since: datetime, *, legacy: bool) -> None:
    s = t.state
    span = step.expedited if s.urgency is Urgency.EXPEDITED else step.standard
    assert span is not None, "a review step always has deadlines (validated)"
    if legacy:
        t.issue(LegacyProject())
    calendar = t.terms.calendar
    configured = calendar.after(since, span.amount, span.unit)
    clock = EXPEDITED if s.urgency is Urgency.EXPEDITED else STANDARD
    latest = since + ceiling(clock, calendar.local_date(s.received_at)).longest
    s.review_deadline = min(configured, latest)
    s.review_since = since
    s.escalate_at = _escalation(t, step, since, s.review_deadline)
    s.escalated = False
    s.phase = phase
    if phase is Phase.REVIEW and s.status is not Status.PRESUMPTIVE:
        s.status = Status.PENDING_REVIEW
    capped = t.when(latest) if configured > latest else ""
    t.note(
        "review_requested",
        "lieu",
        texts.review_requested(step, t.when(s.review_deadline), s.urgency.value, span, capped),
    )
    t.issue(Publish())
    t.issue(Project())


def _open_second_review(t: Turn, step: Step) -> None:
    s = t.state
    assert step.role is not None and s.decided is not None
    s.phase = Phase.SECOND_REVIEW
    if s.review_deadline is None:
        _open_review(t, step, Phase.SECOND_REVIEW, s.received_at, legacy=False)
        return
    t.note(
        "review_requested",
        "lieu",
        texts.second_review_requested(step.role, s.decided.reviewer, t.when(s.review_deadline)),
    )
    t.issue(Publish())
    t.issue(Project())


def _decided(t: Turn) -> None:
    """The request is approved (by its review, or with none): say so, once."""
    s = t.state
    if s.decision_told:
        return
    if s.quantity_approved is None:
        s.quantity_approved = s.quantity_reserved
        t.note("approved", "lieu", texts.approved_without_review(s.quantity_reserved, s.measure))
    s.status = Status.APPROVED
    s.served = True
    s.review_deadline = None
    s.information_needed = ()
    s.decision_told = True
    t.tell("decision", texts.authorized_notice(s.support, s.provider))


def _await_provider(t: Turn, step: Step) -> None:
    s = t.state
    s.phase = Phase.PROVIDER
    s.status = Status.AWAITING_PROVIDER
    s.loop_status = "pending_acceptance"
    calendar = t.terms.calendar
    s.acceptance_due = calendar.add_calendar_days(t.now, step.deadline_days or 5)
    due = calendar.local_date(s.acceptance_due)
    t.note("referral_sent", "lieu", texts.referral_sent(due))
    t.tell("assignment", texts.referral_notice(s.provider, due))
    t.issue(Project())


def _activate(t: Turn) -> None:
    s = t.state
    s.phase = Phase.ACTIVE
    s.status = Status.ACTIVE
    period = t.terms.authorization.period_days
    if period and s.service_end is None:
        s.service_end = s.service_start + timedelta(days=period - 1)
    if s.service_end is None:
        s.service_end = s.service_start
    s.period_end = s.service_end
    t.note("active", "lieu", texts.active(s.service_end))
    t.issue(Publish())
    t.issue(Project())


def _close_loop(t: Turn, reason: LoopReason) -> None:
    if t.terms.authorization.closed_loop_referral:
        t.state.loop_status = "closed"
        t.state.loop_reason = reason


def _end(t: Turn) -> None:
    """The authorization has reached its outcome: project it, then stay open for late reports
    (when service could have been delivered and the definition gives days for them)."""
    s = t.state
    s.review_deadline = None
    s.renewal = None
    t.issue(Project())
    if s.served and t.terms.authorization.reports_close_after_days > 0:
        s.phase = Phase.REPORTING
        t.issue(LateReportsWindow())
    else:
        s.phase = Phase.DONE


def _deny(
    t: Turn,
    reason: str,
    actor: str,
    code: str = Reason.OTHER.value,
    explanation: tuple[str, ...] = (),
) -> None:
    s = t.state
    ends = _cut_short(t)
    _release(t, s.remaining, "denied")
    s.status = Status.DENIED
    s.review_deadline = None
    s.information_needed = ()
    s.deemed = False
    _close_loop(t, LoopReason.NOT_AUTHORIZED)
    t.note("denied", actor, texts.denied(reason, s.quantity_used, s.measure))
    t.tell("decision", texts.denied_notice(reason))
    reference = t.terms.authorization.reference
    if ends is not None:  # the presumptive service goes on until the notice's date, then ends
        s.presumptive_until = ends - timedelta(days=1)
        t.note("presumptive_ends", "lieu", texts.presumptive_ends(ends))
    t.notify(
        NoticeKind.DENIAL if ends is None else NoticeKind.TERMINATION,
        reason_code=code or Reason.OTHER.value,
        reason=reason,
        decided_by=actor,
        **({"criteria": criteria_of(explanation, reference)} if explanation else {}),
        **({"effective_on": ends} if ends is not None else {}),
    )
    _end(t)


def _cut_short(t: Turn) -> date | None:
    """The day a denial ends the presumptive service still running, after the advance notice
    the definition gives (42 CFR 431.211, 10 days by default); None when there is none to end
    (or it ends on its own first, or the run is a history from before this rule)."""
    s = t.state
    if not t.terms.appeals or s.status is not Status.PRESUMPTIVE or s.presumptive_until is None:
        return None
    today = t.terms.calendar.local_date(t.now)
    step = t.terms.step(StepKind.PRESUMPTIVE)
    days = ADVANCE_NOTICE.days
    if step is not None and step.advance_notice_days is not None:
        days = step.advance_notice_days
    ends = today + timedelta(days=days)
    return ends if ends <= s.presumptive_until else None


def _finish(t: Turn, status: Status, loop: LoopReason, reason: str) -> None:
    s = t.state
    _release(t, s.remaining, reason)
    s.status = status
    s.review_deadline = None
    _close_loop(t, loop)


# --- handlers --------------------------------------------------------------------------------


def started(t: Turn, event: Started) -> None:
    s = t.state
    t.note(
        "received",
        s.requested_by,
        texts.received(
            s.support,
            s.requested_by,
            s.quantity_requested,
            s.measure,
            s.service_start,
            s.urgency.value,
            s.definition.plan,
            s.definition.version,
        ),
    )
    if t.terms.authorization.closed_loop_referral:
        s.loop_status = "sent"
    if not t.terms.has(StepKind.LIMIT_CHECK):
        s.quantity_reserved = s.quantity_requested
    late = retroactive_problem(
        t.terms.authorization, s.service_start, s.received_at, t.terms.calendar
    )
    if late is not None:
        _refuse_request(t, late)
        return
    _walk(t)


def _refuse_request(t: Turn, reason: str, code: str = Reason.OTHER.value) -> None:
    s = t.state
    s.status = Status.REFUSED
    _close_loop(t, LoopReason.NOT_AUTHORIZED)
    t.note("refused", "lieu", reason)
    t.tell("decision", texts.refused(reason))
    t.notify(NoticeKind.DENIAL, reason_code=code, reason=reason, decided_by="lieu")
    _end(t)


def assessed(t: Turn, event: Assessed) -> None:
    s = t.state
    if not event.offered:
        _refuse_request(t, event.refusal, Reason.NOT_OFFERED.value)
        return
    t.note(
        "eligibility",
        "lieu",
        texts.eligibility(event.outcome, event.explanation),
        {"outcome": event.outcome, "missing": ", ".join(event.missing)},
    )
    if event.outcome == "undetermined" and t.terms.has(StepKind.REVIEW):
        t.note("eligibility_to_review", "lieu", texts.UNDETERMINED_TO_REVIEW)
    elif event.outcome != "eligible":
        _deny(
            t,
            texts.not_eligible(event.explanation),
            "lieu",
            Reason.CRITERIA_NOT_MET.value,
            event.explanation,
        )
        return
    s.step += 1
    _walk(t)


def reserved(t: Turn, event: Reserved) -> None:
    s = t.state
    if event.quantity <= ZERO:
        _deny(t, texts.limit_reached(event.message), "lieu", Reason.LIMIT_REACHED.value)
        return
    asked = s.quantity_approved or s.quantity_requested
    s.quantity_reserved += event.quantity
    if s.quantity_approved is not None:
        s.quantity_approved = min(s.quantity_approved, event.quantity)
    if s.service_end is None or event.end > s.service_end:
        s.service_end = event.end
    kind = "limit_partial" if event.quantity < asked else "limit_reserved"
    t.note(kind, "lieu", event.message, {"reserved": str(event.quantity)})
    s.step += 1
    _walk(t)


def decided(t: Turn, decision: ReviewDecision) -> None:
    s = t.state
    if decision.decision is Decision.DENY:
        t.message = texts.DECISION_WORDS["deny"]
        _deny(t, decision.reason, decision.reviewer, decision.reason_code)
        return
    base = s.quantity_reserved if _reserved_yet(t) else s.quantity_requested
    approved = base
    if decision.decision is Decision.MODIFY and decision.quantity is not None:
        approved = min(decision.quantity, base)
    if _reserved_yet(t) and approved < s.quantity_reserved:
        _release(t, s.quantity_reserved - approved, "modified by review")
    s.quantity_approved = approved
    s.escalated = False
    s.information_needed = ()
    s.decided = Decided(decision.reviewer, decision.decision.value, approved)
    t.message = texts.DECISION_WORDS[decision.decision.value]
    t.note(
        "approved",
        decision.reviewer,
        texts.approved(decision.decision.value, approved, s.measure, decision.reason),
    )
    _partly(t, decision, approved)
    s.step += 1
    _walk(t)


def _partly(t: Turn, decision: ReviewDecision, approved: Decimal) -> None:
    """Approving less than was asked is an adverse determination: its notice goes out."""
    if approved < t.state.quantity_requested:
        t.notify(
            NoticeKind.PARTIAL_APPROVAL,
            reason_code=decision.reason_code or Reason.LESS_IS_ENOUGH.value,
            reason=decision.reason,
            decided_by=decision.reviewer,
            approved=approved,
        )


def second_decided(t: Turn, decision: ReviewDecision) -> None:
    s = t.state
    t.message = texts.DECISION_WORDS[decision.decision.value]
    if decision.decision is Decision.DENY:
        _deny(t, decision.reason, decision.reviewer, decision.reason_code)
        return
    approved = s.quantity_approved or s.quantity_reserved
    if decision.decision is Decision.MODIFY and decision.quantity is not None:
        lower = min(decision.quantity, approved)
        if _reserved_yet(t) and lower < s.quantity_reserved:
            _release(t, s.quantity_reserved - lower, "modified by second review")
        if lower < approved:
            _partly(t, decision, lower)
        approved = lower
    s.quantity_approved = approved
    s.escalated = False
    t.note(
        "second_review",
        decision.reviewer,
        texts.confirmed(decision.decision.value, approved, s.measure, decision.reason),
    )
    s.step += 1
    _walk(t)


def _escalation(t: Turn, step: Step, since: datetime, deadline: datetime) -> datetime | None:
    """When operations are alerted: `escalate_before` (24 hours by default) before the deadline,
    not before the review opens (None: at the deadline, as histories before the rules ran)."""
    if not t.terms.managed_care_rules:
        return None
    lead = step.escalate_before
    alert = (
        deadline - timedelta(hours=24)
        if lead is None
        else _before(t.terms.calendar, deadline, lead.amount, lead.unit)
    )
    return max(alert, since)


def _before(calendar: PlanCalendar, deadline: datetime, amount: int, unit: str) -> datetime:
    if unit == "hours":
        return deadline - timedelta(hours=amount)
    # as many (working) days back as forward from the deadline's distance
    moment = deadline
    for _ in range(amount):
        moment -= timedelta(days=1)
        while unit == "working_days" and not calendar.is_working_day(calendar.local_date(moment)):
            moment -= timedelta(days=1)
    return moment


def review_clock(t: Turn, event: TimerFired) -> None:
    """The review's timer: operations are alerted first; at the deadline the request is denied
    (42 CFR 438.404(c)(5)). Histories from before that rule only escalate, at the deadline."""
    s = t.state
    assert s.review_deadline is not None
    if not t.terms.managed_care_rules:
        s.escalated = True
        t.note("escalated", "lieu", texts.ESCALATED)
        t.issue(Publish())
        t.issue(Project())
        return
    if event.now < s.review_deadline:
        s.escalated = True
        t.note("escalated", "lieu", texts.escalated(t.when(s.review_deadline)))
        t.issue(Publish())
        t.issue(Project())
        return
    _deem(t)


def _after_deadline(t: Turn) -> AfterDeadline:
    step = t.terms.step(StepKind.REVIEW)
    return (step.after_deadline if step is not None else None) or AfterDeadline()


def _deem(t: Turn) -> None:
    """No decision by the deadline: an adverse benefit determination at that instant."""
    s = t.state
    assert s.review_deadline is not None
    due = t.when(s.review_deadline)
    deemed_reason = texts.deemed_denied(due)
    if s.phase is Phase.RENEWAL_REVIEW:
        assert s.renewal is not None
        _release(t, s.renewal.added, "reauthorization deemed denied")
        s.service_end = s.renewal.end_before
        s.renewal = None
        s.escalated = False
        s.review_deadline = None
        s.phase = Phase.ACTIVE
        t.note("reauthorization_denied", "lieu", texts.deemed_renewal_denied(due))
        t.tell("decision", texts.DEEMED_NOTICE)
        t.notify(
            NoticeKind.DEEMED_DENIAL,
            reason_code=Reason.TIMEFRAME_PASSED.value,
            reason=texts.deemed_renewal_denied(due),
            decided_by="lieu",
        )
        t.issue(Publish())
        t.issue(Project())
        return
    after = _after_deadline(t)
    s.deemed, s.deemed_phase = True, s.phase
    s.status = Status.DENIED
    s.escalated = False
    t.note("deemed_denied", "lieu", deemed_reason)
    t.tell("decision", texts.DEEMED_NOTICE)
    t.notify(
        NoticeKind.DEEMED_DENIAL,
        reason_code=Reason.TIMEFRAME_PASSED.value,
        reason=deemed_reason,
        decided_by="lieu",
    )
    if after.hold == "release" and s.remaining > ZERO:
        _release(t, s.remaining, "deemed denied")
        s.hold_released = True
    if after.late_decision_days <= 0:
        s.deemed = False
        _close_loop(t, LoopReason.NOT_AUTHORIZED)
        _end(t)
        return
    s.phase = Phase.DEEMED
    s.late_until = t.terms.calendar.add_calendar_days(s.review_deadline, after.late_decision_days)
    t.note("late_decisions_open", "lieu", texts.late_decisions_until(t.when(s.late_until)))
    t.issue(Publish())
    t.issue(Project())


def late_decided(t: Turn, decision: ReviewDecision) -> None:
    """A decision after the deemed denial: a denial with its reason, or a reversal."""
    s = t.state
    if decision.decision is Decision.DENY:
        t.message = texts.DECISION_WORDS["deny"]
        _deny(t, decision.reason, decision.reviewer, decision.reason_code)
        return
    if s.hold_released:
        s.late_decision = decision
        s.phase = Phase.REINSTATING
        quantity = (
            decision.quantity
            if decision.decision is Decision.MODIFY and decision.quantity is not None
            else s.quantity_requested
        )
        _hold(t, min(quantity, s.quantity_requested), s.service_start, "reinstate")
        return
    _reverse(t, decision)


def reinstated(t: Turn, event: Reserved) -> None:
    s = t.state
    decision = s.late_decision
    assert decision is not None
    if event.quantity <= ZERO:
        s.late_decision = None
        s.phase = Phase.DEEMED
        t.note("reinstate_refused", "lieu", texts.limit_reached(event.message))
        t.refuse("limit_exceeded", texts.limit_reached(event.message))
        t.issue(Project())
        return
    s.quantity_reserved += event.quantity
    s.hold_released = False
    if s.service_end is None or event.end > s.service_end:
        s.service_end = event.end
    t.note("limit_reserved", "lieu", event.message, {"reserved": str(event.quantity)})
    _reverse(t, decision)


def _reverse(t: Turn, decision: ReviewDecision) -> None:
    s = t.state
    phase = s.deemed_phase or Phase.REVIEW
    s.deemed, s.late_decision, s.late_until = False, None, None
    s.phase = phase
    s.status = Status.PENDING_REVIEW
    quantity = decision.quantity if decision.decision is Decision.MODIFY else None
    shown = min(quantity or s.quantity_requested, s.quantity_reserved or s.quantity_requested)
    t.note(
        "reversed",
        decision.reviewer,
        texts.reversed_(decision.decision.value, shown, s.measure, decision.reason),
    )
    t.tell("decision", texts.reversal_notice(s.support))
    t.notify(
        NoticeKind.REVERSAL,
        reason=decision.reason,
        decided_by=decision.reviewer,
        approved=shown,
    )
    if phase is Phase.SECOND_REVIEW:
        second_decided(t, decision)
    else:
        decided(t, decision)


def late_closed(t: Turn, event: TimerFired) -> None:
    s = t.state
    s.deemed, s.late_until = False, None
    t.note("late_decisions_closed", "lieu", texts.LATE_DECISIONS_CLOSED)
    _close_loop(t, LoopReason.NOT_AUTHORIZED)
    _end(t)


def ask_information(t: Turn, asking: RequestInformation) -> None:
    s = t.state
    assert s.review_deadline is not None
    needed = tuple(item.strip() for item in asking.needed)
    s.information_needed = needed
    if s.status is Status.PENDING_REVIEW:
        s.status = Status.PENDING_INFORMATION
    due = t.when(s.review_deadline)
    t.note(
        "information_requested",
        asking.reviewer,
        texts.information_requested(needed, due),
        {"needed": "; ".join(needed)},
    )
    t.tell("information_requested", texts.information_notice(needed, due))
    t.notify(
        NoticeKind.INFORMATION_REQUEST,
        needed=needed,
        decide_by=s.review_deadline,
        decided_by=asking.reviewer,
    )
    t.message = "information requested"
    t.issue(Publish())
    t.issue(Project())


def information_in(t: Turn, information: ProvideInformation) -> None:
    s = t.state
    s.information_needed = ()
    if s.status is Status.PENDING_INFORMATION:
        s.status = Status.PENDING_REVIEW
    t.note(
        "information_received", information.provider, texts.information_received(information.note)
    )
    t.message = "information received"
    t.issue(Publish())
    t.issue(Project())


def extend(t: Turn, extension: ReviewExtension) -> None:
    s = t.state
    step = t.terms.step(StepKind.REVIEW)
    assert step is not None and step.extension is not None and s.review_deadline is not None
    s.review_deadline = _extended_deadline(s, t.terms, step)
    s.extension_used = True
    s.escalated = False
    s.escalate_at = _escalation(t, step, t.now, s.review_deadline)
    due = t.when(s.review_deadline)
    t.note("review_extended", extension.reviewer, texts.extended(due, extension.reason))
    t.tell("extension", texts.extension_notice(extension.reason, due))
    t.notify(
        NoticeKind.EXTENSION,
        reason=extension.reason,
        decided_by=extension.reviewer,
        decide_by=s.review_deadline,
    )
    t.issue(Publish())
    t.issue(ProjectExtension())


def _extended_deadline(s: Lifecycle, terms: Terms, step: Step) -> datetime:
    """The deadline an extension moves to: its days from receipt of the request (from the
    deadline, for histories from before the managed-care rules)."""
    assert step.extension is not None and s.review_deadline is not None
    days = step.extension.calendar_days
    if not terms.managed_care_rules:
        return s.review_deadline + timedelta(days=days)
    return terms.calendar.add_calendar_days(s.review_since or s.received_at, days)


def attach(t: Turn, document: AttachDocument) -> None:
    s = t.state
    label = next(
        (
            doc.label
            for step in t.terms.authorization.steps
            for doc in step.documents
            if doc.id == document.requirement
        ),
        document.requirement,
    )
    if document.requirement not in s.documents:
        s.documents.append(document.requirement)
    t.note(
        "document",
        document.attached_by,
        texts.document_attached(label, document.filename),
        {"requirement": document.requirement, "document_id": document.document_id},
    )
    t.message = texts.document_attached(label, document.filename)
    step = (
        t.terms.authorization.steps[s.step] if s.step < len(t.terms.authorization.steps) else None
    )
    if s.phase is Phase.DOCUMENTS and step is not None and not _missing_documents(s, step):
        s.step += 1
        _walk(t)
    else:
        t.issue(Project())


def responded(t: Turn, response: ProviderResponse) -> None:
    s = t.state
    s.acceptance_due = None
    if not response.accept:
        t.message = "declined"
        _finish(t, Status.DECLINED, LoopReason.DECLINED_BY_PROVIDER, "declined by provider")
        t.note("declined", response.provider, response.reason or "declined")
        t.tell("closure", texts.DECLINED_NOTICE)
        _end(t)
        return
    t.message = "accepted"
    s.loop_status = "accepted"
    t.note("accepted", response.provider, texts.ACCEPTED)
    s.step += 1
    _walk(t)


def no_answer(t: Turn, event: TimerFired) -> None:
    s = t.state
    s.acceptance_due = None
    _finish(t, Status.CLOSED, LoopReason.NO_PROVIDER_RESPONSE, "no provider response")
    t.note("referral_expired", "lieu", texts.no_answer(s.provider))
    t.tell("closure", texts.NO_ANSWER_NOTICE)
    _end(t)


def report(t: Turn, service: ServiceReport) -> None:
    s = t.state
    if service.report_id in s.reports:
        first = s.reports[service.report_id]
        s.answers[t.key] = replace(first, key=t.key)
        return
    verdict = reports.problem(s, service, t.terms.pricing, strict=False)
    if verdict is not None and not verdict.flag:
        t.note(
            "service_rejected",
            service.reported_by,
            texts.service_rejected(verdict.message),
            _report_data(service),
        )
        t.refuse(
            verdict.code,
            verdict.message,
            report_id=service.report_id,
            used=s.quantity_used,
            remaining=s.remaining,
        )
        t.issue(Project())
        return
    s.pending_report = service
    t.issue(
        Consume(
            quantity=service.quantity,
            start=service.start,
            end=service.end,
            key=f"{s.authorization_id}/service/{service.report_id}",
            actor=service.reported_by,
            late=s.phase is Phase.REPORTING,
        )
    )


def _report_data(service: ServiceReport) -> dict[str, str]:
    data = {
        "report_id": service.report_id,
        "start": service.start.isoformat(),
        "end": service.end.isoformat(),
        "quantity": str(service.quantity),
    }
    if service.code:
        data["code"] = "-".join((service.code, *service.modifiers))
    if service.units is not None:
        data["units"] = str(service.units)
    if service.amount is not None:
        data["amount"] = str(service.amount)
    if service.rendering_npi:
        data["rendering_npi"] = service.rendering_npi
    return data


def consumed(t: Turn, event: Consumed) -> None:
    s = t.state
    service = s.pending_report
    assert service is not None, "a consume result answers a report"
    s.pending_report = None
    data = _report_data(service)
    if event.quantity <= ZERO:
        t.note("service_rejected", service.reported_by, texts.service_rejected(event.message), data)
        t.refuse(
            "limit_exceeded",
            event.message,
            report_id=service.report_id,
            used=s.quantity_used,
            remaining=s.remaining,
        )
        t.issue(Project())
        return
    verdict = reports.pricing_verdict(service, t.terms.pricing)
    flagged = verdict is not None and verdict.flag
    s.quantity_used += event.quantity
    line = reports.billing_line(service)
    t.note(
        "service_reported",
        service.reported_by,
        texts.service_reported(service.quantity, s.measure, service.start, service.end, line),
        data,
    )
    if flagged and verdict is not None:
        s.flagged_reports.append(service.report_id)
        t.note(
            "report_flagged",
            "lieu",
            texts.flagged(verdict.message),
            {"report_id": service.report_id},
        )
    if s.loop_status in {"accepted", "pending_acceptance", "sent"}:
        s.loop_status = "services_started"
    key = s.pending
    reply = Reply(
        key,
        True,
        s.status,
        message=texts.flagged(verdict.message) if flagged and verdict else "recorded",
        report_id=service.report_id,
        used=s.quantity_used,
        remaining=s.remaining,
        flagged=flagged,
    )
    s.reports[service.report_id] = reply
    if key:
        s.answers[key] = reply
    t.issue(Project())


def remind_or_expire(t: Turn, event: TimerFired) -> None:
    s = t.state
    assert s.service_end is not None
    reminder = _reminder_at(s, t.terms)
    if reminder is not None and event.now >= reminder:
        s.reminded_for = s.service_end
        t.note("reauthorization_reminder", "lieu", texts.reminder(s.service_end))
        t.tell("reauthorization_due", texts.REMINDER_NOTICE)
        t.issue(Project())
        return
    unused = s.remaining
    _finish(
        t,
        Status.EXPIRED,
        LoopReason.SERVICES_RECEIVED
        if s.quantity_used > ZERO
        else LoopReason.EXPIRED_WITHOUT_SERVICE,
        "expired",
    )
    t.note("expired", "lieu", texts.expired(unused, s.measure))
    t.tell("expiry", texts.EXPIRED_NOTICE)
    _end(t)


def reauthorize(t: Turn, request: ReauthorizationRequest) -> None:
    s = t.state
    assert s.service_end is not None
    t.note(
        "reauthorization_requested",
        request.requested_by,
        texts.reauthorization_requested(request.quantity, s.measure, request.reason),
    )
    start = s.service_end + timedelta(days=1)
    s.renewal = Renewal(
        request.requested_by, request.quantity, request.reason, start, s.service_end
    )
    if t.terms.has(StepKind.LIMIT_CHECK):
        s.phase = Phase.RENEWING
        _hold(t, request.quantity, start, "renew")
        return
    period = t.terms.authorization.period_days or 1
    s.quantity_reserved += request.quantity
    s.service_end = start + timedelta(days=period - 1)
    s.renewal = replace(s.renewal, added=request.quantity)
    _renewal_review_or_renew(t)


def renewal_reserved(t: Turn, event: Reserved) -> None:
    s = t.state
    assert s.renewal is not None and s.service_end is not None
    s.phase = Phase.ACTIVE
    if event.quantity <= ZERO:
        t.note("reauthorization_refused", "lieu", texts.limit_reached(event.message))
        t.refuse("limit_exceeded", texts.limit_reached(event.message))
        s.renewal = None
        t.issue(Project())
        return
    s.quantity_reserved += event.quantity
    s.service_end = max(event.end, s.service_end)
    s.renewal = replace(s.renewal, added=event.quantity)
    t.note("limit_reserved", "lieu", event.message, {"reserved": str(event.quantity)})
    _renewal_review_or_renew(t)


def _renewal_review_or_renew(t: Turn) -> None:
    step = t.terms.step(StepKind.REVIEW)
    if step is not None and t.terms.authorization.reauthorization.review_required:
        _open_review(t, step, Phase.RENEWAL_REVIEW, t.now, legacy=False)
        return
    _renew(t)


def renewal_decided(t: Turn, decision: ReviewDecision) -> None:
    s = t.state
    assert s.renewal is not None
    s.escalated = False
    s.review_deadline = None
    s.phase = Phase.ACTIVE
    t.message = texts.DECISION_WORDS[decision.decision.value]
    if decision.decision is Decision.DENY:
        _release(t, s.renewal.added, "reauthorization denied")
        s.service_end = s.renewal.end_before
        s.renewal = None
        t.note("reauthorization_denied", decision.reviewer, decision.reason)
        t.tell("decision", texts.reauthorization_denied_notice(decision.reason))
        t.notify(
            NoticeKind.DENIAL,
            reason_code=decision.reason_code or Reason.OTHER.value,
            reason=decision.reason,
            decided_by=decision.reviewer,
        )
        t.issue(Publish())
        t.issue(Project())
        return
    added = s.renewal.added
    if (
        decision.decision is Decision.MODIFY
        and decision.quantity is not None
        and decision.quantity < added
    ):
        _release(t, added - decision.quantity, "modified by review")
        t.notify(
            NoticeKind.PARTIAL_APPROVAL,
            reason_code=decision.reason_code or Reason.LESS_IS_ENOUGH.value,
            reason=decision.reason,
            decided_by=decision.reviewer,
            approved=decision.quantity,
        )
        added = decision.quantity
    s.renewal = replace(s.renewal, added=added)
    t.note("reauthorization_approved", decision.reviewer, decision.reason)
    _renew(t)


def _renew(t: Turn) -> None:
    s = t.state
    assert s.renewal is not None and s.service_end is not None
    s.renewals_used += 1
    s.quantity_approved = (s.quantity_approved or ZERO) + s.renewal.added
    s.renewal = None
    s.phase = Phase.ACTIVE
    s.status = Status.ACTIVE
    s.period_end = s.service_end
    t.note("renewed", "lieu", texts.renewed(s.service_end))
    t.issue(Publish())
    t.issue(Project())
    s.continue_as_new = True


def close(t: Turn, closing: CloseLoop) -> None:
    _finish(t, Status.CLOSED, closing.reason, f"loop closed: {closing.reason.value}")
    t.note("loop_closed", closing.actor, texts.loop_closed(closing.reason.value, closing.note))
    t.tell("closure", texts.closed_notice(closing.reason.value))
    t.message = "closed"
    _end(t)


def cancel(t: Turn, cancelling: Cancel) -> None:
    _finish(t, Status.CANCELLED, LoopReason.CANCELLED, "cancelled")
    t.note("cancelled", cancelling.actor, cancelling.reason)
    t.tell("closure", texts.cancelled_notice(cancelling.reason))
    t.message = "cancelled"
    _end(t)


def end_service(t: Turn, ending: EndService) -> None:
    """The plan ends the service after the member's advance notice (a termination notice)."""
    s = t.state
    ends = _notice_runs_out(t)
    s.service_end = ends - timedelta(days=1)
    s.reminded_for = s.service_end  # no reauthorization reminder for a service ending
    t.message = texts.service_ending(ends, ending.reason)
    t.note("ending", ending.actor, t.message)
    t.notify(
        NoticeKind.TERMINATION,
        reason_code=ending.reason_code or Reason.OTHER.value,
        reason=ending.reason,
        decided_by=ending.actor,
        effective_on=ends,
    )
    t.issue(Publish())
    t.issue(Project())


def _notice_runs_out(t: Turn) -> date:
    return t.terms.calendar.local_date(t.now) + ADVANCE_NOTICE


def window_opened(t: Turn, event: WindowOpened) -> None:
    s = t.state
    if not event.opened:
        s.phase = Phase.DONE
        return
    last = s.period_end or s.presumptive_until or s.service_start
    s.reports_until = last + timedelta(days=t.terms.authorization.reports_close_after_days)
    t.note("reports_open", "lieu", texts.reports_open(s.reports_until))
    t.issue(Project())


def reports_closed(t: Turn, event: TimerFired) -> None:
    t.state.phase = Phase.DONE
    t.note("reports_closed", "lieu", texts.REPORTS_CLOSED)
    t.issue(Project())


def failed(t: Turn, event: Failed) -> None:
    s = t.state
    name = type(event.command).__name__.lower()
    s.failure = Failure(
        name,
        event.message,
        reserve=event.command if isinstance(event.command, Reserve) else None,
        release=event.command if isinstance(event.command, Release) else None,
        notify=event.command if isinstance(event.command, Notify) else None,
    )
    t.note("failed", "lieu", texts.failed(name, event.message))
    if s.pending:
        t.refuse("failed", texts.failed(name, event.message))
    if name != "project":
        t.issue(Project())


def retry(t: Turn, action: Retry) -> None:
    s = t.state
    assert s.failure is not None
    failure, s.failure = s.failure, None
    t.note("retried", action.actor, texts.retried(failure.command, action.reason))
    t.message = texts.retried(failure.command, action.reason)
    match failure.command:
        case "assess":
            t.issue(Assess(s.service_start))
        case "reserve":
            assert failure.reserve is not None
            t.issue(failure.reserve)
        case "release":
            assert failure.release is not None
            t.issue(failure.release)
            t.issue(Project())
        case "notify":
            assert failure.notify is not None
            t.issue(failure.notify)
            t.issue(Project())
        case _:
            t.issue(Project())


def appeal_filed(t: Turn, filing: FileAppeal) -> None:
    """An appeal of the last adverse determination: its own workflow decides it."""
    s = t.state
    s.appeals_filed += 1
    appeal_id = f"{s.authorization_id}-AP{s.appeals_filed}"
    deadline = filing.terms.deadline(t.now, filing.expedited, t.terms.calendar)
    s.appeal_open = appeal_id
    t.message = texts.appeal_filed(appeal_id, filing.on_behalf, filing.expedited, t.when(deadline))
    t.note("appeal_filed", filing.filed_by, t.message, {"appeal": appeal_id})
    t.issue(
        StartAppeal(
            AppealStart(
                appeal_id=appeal_id,
                authorization_id=s.authorization_id,
                plan=s.plan,
                support=s.support,
                definition_version=s.definition.version,
                member_cin=s.member_cin,
                provider=s.provider,
                measure=s.measure,
                requested=s.quantity_requested,
                approved=(
                    s.quantity_approved
                    if s.appealable == NoticeKind.PARTIAL_APPROVAL.value
                    else None
                ),
                determination=s.appealable,
                determination_seq=s.adverse_seq,
                first_decided_by=s.adverse_by,
                filed_by=filing.filed_by,
                on_behalf=filing.on_behalf,
                reason=filing.reason.strip(),
                expedited=filing.expedited,
                received_at=t.now,
                deadline=deadline,
                terms=filing.terms,
                calendar=t.terms.calendar,
            )
        )
    )
    t.issue(Project())
    if t.key:
        s.answers[t.key] = Reply(t.key, True, s.status, message=t.message, appeal_id=appeal_id)


def appeal_decided(t: Turn, decided: AppealDecided) -> None:
    """The appeal's outcome: an overturn approves (holding on the limits what it approves)."""
    s = t.state
    appealed = s.appealable
    s.appeal_open = ""
    s.appeal_until, s.appealable = None, ""  # one level of appeal at the plan (438.402(b))
    approve = s.quantity_requested
    if decided.outcome == Outcome.PARTLY_OVERTURNED.value and decided.quantity is not None:
        approve = min(decided.quantity, s.quantity_requested)
    t.note(
        f"appeal_{decided.outcome}",
        decided.decided_by,
        texts.appeal_resolved(
            decided.appeal_id, decided.outcome, decided.quantity, s.measure, decided.reason
        ),
        {"appeal": decided.appeal_id},
    )
    t.message = texts.APPEAL_WORDS.get(decided.outcome, decided.outcome)
    if decided.outcome not in (Outcome.OVERTURNED.value, Outcome.PARTLY_OVERTURNED.value):
        t.issue(Project())
        return
    if appealed == NoticeKind.TERMINATION.value and s.phase is Phase.ACTIVE and s.period_end:
        s.service_end = s.period_end  # the ending is undone: the period runs as authorized
        t.note("ending_withdrawn", decided.decided_by, texts.active(s.service_end))
        t.issue(Publish())
        t.issue(Project())
        return
    if s.status in ENDED:
        extra = approve - s.remaining
        # approved now: the period runs from today if the date asked for has passed
        s.service_start = max(s.service_start, t.terms.calendar.local_date(t.now))
        s.service_end = None
        s.deemed, s.late_until, s.late_decision = False, None, None
    elif s.phase in (Phase.PROVIDER, Phase.ACTIVE) and approve > (s.quantity_approved or ZERO):
        extra = approve - (s.quantity_approved or ZERO)
    else:
        t.note("appeal_too_late", "lieu", texts.appeal_after_end(decided.appeal_id, s.status))
        t.issue(Project())
        return
    s.appeal_approves, s.appeal_back_to = approve, s.phase
    s.phase = Phase.APPEAL_HOLD
    _hold(t, extra, s.service_start, "appeal")


def appeal_reserved(t: Turn, event: Reserved) -> None:
    s = t.state
    back, approve = s.appeal_back_to, s.appeal_approves
    assert back is not None and approve is not None
    s.appeal_back_to, s.appeal_approves = None, None
    appeal_id = f"{s.authorization_id}-AP{s.appeals_filed}"
    if event.quantity <= ZERO:
        s.phase = back
        t.note("appeal_hold_refused", "lieu", texts.appeal_hold_refused(event.message))
        t.issue(Publish())
        t.issue(Project())
        return
    s.quantity_reserved += event.quantity
    t.note("limit_reserved", "lieu", event.message, {"reserved": str(event.quantity)})
    if s.status not in ENDED:
        s.quantity_approved = (s.quantity_approved or ZERO) + event.quantity
        s.phase = back
        t.note(
            "approved",
            f"appeal {appeal_id}",
            texts.appeal_approved(s.quantity_approved, s.measure, appeal_id),
        )
        t.issue(Publish())
        t.issue(Project())
        return
    s.quantity_approved = s.quantity_reserved
    s.decided = Decided(f"appeal {appeal_id}", Decision.APPROVE.value, s.quantity_approved)
    s.decision_told = False
    if s.service_end is None or event.end > s.service_end:
        s.service_end = event.end
    if t.terms.authorization.closed_loop_referral:
        s.loop_status, s.loop_reason = "sent", None
    t.note(
        "approved",
        f"appeal {appeal_id}",
        texts.appeal_approved(s.quantity_approved, s.measure, appeal_id),
    )
    # what is left to do after an approval: the provider's acceptance, then service
    kinds = t.terms.authorization.kinds()
    s.step = (
        kinds.index(StepKind.PROVIDER_ACCEPTANCE)
        if StepKind.PROVIDER_ACCEPTANCE in kinds
        else len(kinds)
    )
    _walk(t)


def appeal_window_closed(t: Turn, event: TimerFired) -> None:
    t.state.appeal_until, t.state.appealable = None, ""
    t.note("appeal_window_closed", "lieu", texts.APPEAL_WINDOW_CLOSED)
    t.issue(Project())


def _appeal_window_over(s: Lifecycle, now: datetime) -> bool:
    return s.appeal_until is not None and not s.appeal_open and now >= s.appeal_until


def finished(s: Lifecycle) -> bool:
    """Nothing more can happen: the outcome is reached and no appeal can come or is open."""
    return s.phase is Phase.DONE and s.appeal_until is None and not s.appeal_open


# --- the table -----------------------------------------------------------------------------

SERVING_STATUSES = _statuses(
    Status.PRESUMPTIVE,
    Status.AWAITING_DOCUMENTS,
    Status.PENDING_REVIEW,
    Status.PENDING_INFORMATION,
    Status.APPROVED,
    Status.AWAITING_PROVIDER,
    Status.ACTIVE,
)
ENDED = _statuses(Status.REFUSED, Status.DENIED)
ANY_STATUS = frozenset(Status)


def _in(*phases: Phase) -> frozenset[Phase]:
    return frozenset(phases)


DOCUMENTS_TERM = "authorization.steps[documentation].documents"
REPORT_TERM = "pricing (codes, rate, cap, outside_rate); authorization.reports_close_after_days"
RENEWAL_TERM = "authorization.reauthorization (renewals_allowed, review_required); limits"
EXPIRY_TERM = "authorization.period_days; authorization.reauthorization.notice_days_before_expiry"
APPEAL_TERM = "(42 CFR 438.402-438.408: the plan's appeals; plans/<plan>.json appeals)"

# fmt: off
RULES: tuple[Rule, ...] = (
    # on                    in phases                 then              term; statuses it may leave
    Rule(Started,             _in(Phase.ASSESSING),       started,
         "authorization.steps (in order); authorization.retroactive",
         SERVING_STATUSES | _statuses(Status.RECEIVED, Status.REFUSED)),
    Rule(Assessed,            _in(Phase.ASSESSING),       assessed,
         "authorization.steps[eligibility]; eligibility",
         SERVING_STATUSES | _statuses(Status.RECEIVED) | ENDED),
    Rule(Reserved,            _in(Phase.RESERVING),       reserved,
         "authorization.steps[limit_check]; limits",
         SERVING_STATUSES | _statuses(Status.RECEIVED, Status.DENIED)),
    Rule(AttachDocument,      ALL,                        attach,
         DOCUMENTS_TERM, ANY_STATUS),
    Rule(ReviewDecision,      _in(Phase.REVIEW),          decided,
         "authorization.steps[review]", SERVING_STATUSES | _statuses(Status.DENIED)),
    Rule(ReviewDecision,      _in(Phase.SECOND_REVIEW),   second_decided,
         "authorization.steps[second_review]", SERVING_STATUSES | _statuses(Status.DENIED)),
    Rule(ReviewDecision,      _in(Phase.RENEWAL_REVIEW),  renewal_decided,
         "authorization.reauthorization.review_required", _statuses(Status.ACTIVE)),
    Rule(ReviewExtension,     REVIEWING,                  extend,
         "authorization.steps[review].extension", SERVING_STATUSES),
    Rule(TimerFired,          REVIEWING,                  review_clock,
         "authorization.steps[review].deadlines, escalate_before, after_deadline",
         SERVING_STATUSES | _statuses(Status.DENIED)),
    Rule(RequestInformation,  REVIEWING,                  ask_information,
         "authorization.steps[review]", SERVING_STATUSES),
    Rule(ProvideInformation,  REVIEWING,                  information_in,
         "authorization.steps[review]", SERVING_STATUSES),
    Rule(ReviewDecision,      _in(Phase.DEEMED),          late_decided,
         "authorization.steps[review].after_deadline",
         SERVING_STATUSES | _statuses(Status.DENIED)),
    Rule(Reserved,            _in(Phase.REINSTATING),     reinstated,
         "authorization.steps[review].after_deadline.hold; limits",
         SERVING_STATUSES | _statuses(Status.DENIED)),
    Rule(TimerFired,          _in(Phase.DEEMED),          late_closed,
         "authorization.steps[review].after_deadline.late_decision_days",
         _statuses(Status.DENIED)),
    Rule(ProviderResponse,    _in(Phase.PROVIDER),        responded,
         "authorization.steps[provider_acceptance]; authorization.closed_loop_referral",
         SERVING_STATUSES | _statuses(Status.DECLINED)),
    Rule(TimerFired,          _in(Phase.PROVIDER),        no_answer,
         "authorization.steps[provider_acceptance].deadline_days", _statuses(Status.CLOSED)),
    Rule(ServiceReport,       REPORTABLE,                 report,
         REPORT_TERM, ANY_STATUS),
    Rule(Consumed,            ALL,                        consumed,
         "limits; pricing.outside_rate", ANY_STATUS),
    Rule(TimerFired,          _in(Phase.ACTIVE),          remind_or_expire,
         EXPIRY_TERM, _statuses(Status.ACTIVE, Status.EXPIRED)),
    Rule(ReauthorizationRequest, _in(Phase.ACTIVE),       reauthorize,
         RENEWAL_TERM, _statuses(Status.ACTIVE)),
    Rule(Reserved,            _in(Phase.RENEWING),        renewal_reserved,
         RENEWAL_TERM, _statuses(Status.ACTIVE)),
    Rule(CloseLoop,           _in(Phase.ACTIVE),          close,
         "authorization.closed_loop_referral", _statuses(Status.CLOSED)),
    Rule(EndService,          _in(Phase.ACTIVE),          end_service,
         "(42 CFR 431.211: ending a service needs 10 days' advance notice)",
         _statuses(Status.ACTIVE)),
    Rule(Cancel,              OPEN,                       cancel,
         "(always, before the end)", _statuses(Status.CANCELLED)),
    Rule(WindowOpened,        _in(Phase.REPORTING),       window_opened,
         "authorization.reports_close_after_days", ANY_STATUS),
    Rule(TimerFired,          _in(Phase.REPORTING),       reports_closed,
         "authorization.reports_close_after_days", ANY_STATUS),
    Rule(FileAppeal,          EVERY - WAITING_FOR_A_RESULT, appeal_filed,
         APPEAL_TERM, ANY_STATUS),
    Rule(AppealDecided,       EVERY - WAITING_FOR_A_RESULT, appeal_decided,
         APPEAL_TERM, ANY_STATUS),
    Rule(Reserved,            _in(Phase.APPEAL_HOLD),     appeal_reserved,
         "(42 CFR 438.424: an overturned denial is authorized promptly); limits",
         ANY_STATUS),
    Rule(TimerFired,          _in(Phase.DONE),            appeal_window_closed,
         "(42 CFR 438.402(c)(2)(ii): 60 days to appeal)", ANY_STATUS),
    Rule(Failed,              EVERY,                      failed,
         "(a step failed for good: operations see it)", ANY_STATUS),
    Rule(Retry,               EVERY,                      retry,
         "(operations run the failed step again)", ANY_STATUS),
)
# fmt: on


APPEAL_WINDOW = next(rule for rule in RULES if rule.then is appeal_window_closed)


def rule_for(event: Event, phase: Phase) -> Rule | None:
    """The rule an event (an action, for `Acted`) follows in a phase."""
    subject = event.action if isinstance(event, Acted) else event
    return next(
        (rule for rule in RULES if isinstance(subject, rule.on) and phase in rule.phases), None
    )


# --- the machine ---------------------------------------------------------------------------


def begin(
    *,
    authorization_id: str,
    plan: str,
    definition: DefinitionRef,
    member_cin: str,
    provider: str,
    county: str,
    urgency: Urgency,
    measure: str,
    quantity: Decimal,
    service_start: date,
    requested_by: str,
    received_at: datetime,
) -> Lifecycle:
    """The state of a request just received (before `Started`)."""
    return Lifecycle(
        authorization_id=authorization_id,
        plan=plan,
        support=definition.support,
        definition=definition,
        member_cin=member_cin,
        provider=provider,
        county=county,
        urgency=urgency,
        measure=measure,
        quantity_requested=quantity,
        service_start=service_start,
        requested_by=requested_by,
        received_at=received_at,
    )


def advance(state: Lifecycle, terms: Terms, event: Event) -> Turn:
    """The state after `event` and the commands to carry out. `state` itself is not changed."""
    s = _copy(state)
    key = event.key if isinstance(event, Acted) else ""
    t = Turn(s, terms, event.now, key)
    if key and key in s.answers:
        return t  # a resend: the first answer stands
    rule = (
        APPEAL_WINDOW
        if isinstance(event, TimerFired) and _appeal_window_over(s, event.now)
        else rule_for(event, s.phase)
    )
    if isinstance(event, Acted):
        problem = refusal(s, terms, event.action, strict=False, now=event.now)
        if rule is None or problem is not None:
            code, message = problem or ("not_now", _not_now(s, event.action))
            t.refuse(code, message)
            return t
        rule.then(t, event.action)
    else:
        assert rule is not None, f"{type(event).__name__} cannot happen in phase {s.phase}"
        rule.then(t, event)
    assert s.status in rule.leads_to, f"{rule.then.__name__} left status {s.status}"
    _settle(t)
    return t


def _copy(state: Lifecycle) -> Lifecycle:
    """A copy a turn may change: the value fields, and new containers for the ones handlers
    append to (their items are frozen and shared)."""
    s = copy.copy(state)
    s.timeline = list(state.timeline)
    s.documents = list(state.documents)
    s.flagged_reports = list(state.flagged_reports)
    s.reports = dict(state.reports)
    s.answers = dict(state.answers)
    return s


def _settle(t: Turn) -> None:
    """Answer the command once nothing more is awaited for it."""
    s = t.state
    if t.waits:
        if t.key:
            s.pending = t.key
        return
    key = t.key or s.pending
    if key and key not in s.answers:
        s.answers[key] = Reply(key, True, s.status, message=t.message or "done")
    if not t.key:
        s.pending = ""


def _not_now(s: Lifecycle, action: Any) -> str:
    if s.phase is Phase.DONE:
        return texts.not_now(s.authorization_id, s.status.value, texts.CLOSED)
    if isinstance(action, ReviewDecision):
        if s.phase in (Phase.REPORTING,) and s.status in ENDED:
            return texts.denied_before_review(s.status.value)
        return texts.not_now(s.authorization_id, s.status.value, texts.NO_REVIEW_WAITING)
    if isinstance(action, ProviderResponse):
        return texts.not_now(s.authorization_id, s.status.value, texts.NOT_AWAITING_PROVIDER)
    if isinstance(action, ReauthorizationRequest):
        return texts.not_now(s.authorization_id, s.status.value, texts.ONLY_ACTIVE_REAUTHORIZED)
    if isinstance(action, CloseLoop):
        return texts.not_now(s.authorization_id, s.status.value, texts.ONLY_ACTIVE_CLOSED)
    return texts.not_now(s.authorization_id, s.status.value, texts.CLOSED)


# --- what may be asked now (the update validators) -----------------------------------------


def refusal(
    s: Lifecycle,
    terms: Terms,
    action: Any,
    *,
    strict: bool = True,
    now: datetime | None = None,
) -> tuple[str, str] | None:
    """Why `action` cannot be taken now (`now`: when it is sent), as (code, message); None when
    it can. `strict` is for an action just sent (it is checked again, not strictly, when its
    turn comes)."""
    if action.key and action.key in s.answers:
        return None  # a resend: it gets the first answer
    if isinstance(action, AppealDecided):
        if action.appeal_id != s.appeal_open:
            return ("unknown_appeal", texts.unknown_appeal(action.appeal_id, s.appeal_open))
        return None
    if isinstance(action, FileAppeal) and s.failure is None:
        return _appeal_refusal(s, terms, action, now)
    if isinstance(action, Retry) and s.failure is not None:
        return None
    if s.phase is Phase.DONE:
        return ("already_final", texts.not_now(s.authorization_id, s.status.value, texts.CLOSED))
    if s.failure is not None and not isinstance(action, Retry | Cancel | AttachDocument):
        return ("stopped", texts.stuck(s.failure.command, s.failure.message))
    match action:
        case ReviewDecision():
            return _decision_refusal(s, terms, action)
        case ReviewExtension():
            return _extension_refusal(s, terms, action)
        case RequestInformation():
            if s.phase not in REVIEWING or s.review_deadline is None:
                return ("not_pending_review", _not_now(s, ReviewDecision("", Decision.APPROVE, "")))
            if not action.needed or not all(item.strip() for item in action.needed):
                return ("needed_required", texts.NEEDED_REQUIRED)
            return _role_refusal(s, terms, action.roles)
        case ProvideInformation():
            if s.phase not in REVIEWING or not s.information_needed:
                return ("nothing_asked", texts.NO_INFORMATION_ASKED)
            if action.provider != s.provider:
                return ("not_allowed", texts.only_provider(s.provider))
        case ProviderResponse():
            if s.phase is not Phase.PROVIDER:
                return ("not_awaiting_provider", _not_now(s, action))
            if action.provider != s.provider:
                return ("not_allowed", texts.only_provider(s.provider))
        case ServiceReport():
            if action.report_id in s.reports:
                return None
            if s.phase not in REPORTABLE:
                return (
                    "service_rejected",
                    texts.not_now(
                        s.authorization_id, s.status.value, "no service can be reported now"
                    ),
                )
            verdict = reports.problem(s, action, terms.pricing, strict=strict)
            if verdict is not None and not verdict.flag:
                return (verdict.code, verdict.message)
        case ReauthorizationRequest():
            if s.phase is not Phase.ACTIVE or s.renewal is not None:
                return ("not_active", _not_now(s, action))
            if action.quantity <= ZERO:
                return ("bad_quantity", texts.POSITIVE_QUANTITY)
            allowed = terms.authorization.reauthorization.renewals_allowed
            if allowed is not None and s.renewals_used >= allowed:
                return ("renewals_used", texts.renewals_used_up(allowed))
        case CloseLoop():
            if s.phase is not Phase.ACTIVE:
                return ("not_active", _not_now(s, action))
        case EndService():
            if s.phase is not Phase.ACTIVE or s.renewal is not None or s.service_end is None:
                return (
                    "not_active",
                    texts.not_now(s.authorization_id, s.status.value, texts.ONLY_ACTIVE_ENDED),
                )
            if not action.reason.strip():
                return ("reason_required", texts.REASON_REQUIRED)
            if action.reason_code and action.reason_code not in REASONS:
                return ("bad_reason_code", texts.unknown_reason(action.reason_code, REASONS))
            ends = terms.calendar.local_date(now) + ADVANCE_NOTICE if now is not None else None
            if ends is not None and ends > s.service_end:
                return ("ends_sooner", texts.ends_on_its_own(s.service_end, ends))
        case Cancel():
            if s.phase not in OPEN:
                return (
                    "already_final",
                    texts.not_now(s.authorization_id, s.status.value, texts.CLOSED),
                )
            if not action.reason.strip():
                return ("reason_required", texts.REASON_REQUIRED)
        case AttachDocument():
            known = [doc.id for step in terms.authorization.steps for doc in step.documents]
            if action.requirement not in known:
                return ("unknown_requirement", texts.unknown_requirement(action.requirement, known))
        case Retry():
            if s.failure is None:
                return ("nothing_to_retry", texts.NOTHING_FAILED)
    return None


def _appeal_refusal(
    s: Lifecycle, terms: Terms, filing: FileAppeal, now: datetime | None
) -> tuple[str, str] | None:
    if not terms.appeals:
        return ("no_appeals", texts.NO_APPEALS_RECORDED)
    if s.appeal_open:
        return ("appeal_open", texts.appeal_open(s.appeal_open))
    if s.appeal_until is None:
        return (
            "nothing_to_appeal",
            texts.ONE_APPEAL if s.appeals_filed else texts.NOTHING_TO_APPEAL,
        )
    if now is not None and now > s.appeal_until:
        return ("appeal_too_late", texts.appeal_window_passed(terms.calendar.words(s.appeal_until)))
    if filing.on_behalf not in (OnBehalf.MEMBER, OnBehalf.PROVIDER):
        return ("bad_on_behalf", texts.unknown_on_behalf(filing.on_behalf))
    if not filing.reason.strip():
        return ("reason_required", texts.REASON_REQUIRED)
    return None


def _decision_refusal(
    s: Lifecycle, terms: Terms, decision: ReviewDecision
) -> tuple[str, str] | None:
    if decision.decision is Decision.MODIFY and (
        decision.quantity is None or decision.quantity <= ZERO
    ):
        return ("bad_quantity", texts.MODIFY_NEEDS_QUANTITY)
    if not decision.reason.strip():
        return ("reason_required", texts.REASON_REQUIRED)
    if decision.reason_code and decision.reason_code not in REASONS:
        return ("bad_reason_code", texts.unknown_reason(decision.reason_code, REASONS))
    if s.phase is Phase.DEEMED:
        return _role_refusal(s, terms, decision.roles, decision.reviewer)
    if s.phase in WAITING_FOR_A_RESULT and s.phase is not Phase.RENEWING:
        ahead = terms.authorization.kinds()[s.step :]
        if StepKind.REVIEW in ahead:
            return None  # it waits for the review to open
    if s.phase not in REVIEWING:
        if s.phase is Phase.DOCUMENTS:
            step = terms.authorization.steps[s.step]
            return ("documents_missing", texts.documents_missing(_missing_documents(s, step)))
        return ("not_pending_review", _not_now(s, decision))
    return _role_refusal(s, terms, decision.roles, decision.reviewer)


def _role_refusal(
    s: Lifecycle, terms: Terms, roles: tuple[str, ...], reviewer: str = ""
) -> tuple[str, str] | None:
    """The review waiting (or deemed denied) is for another role, or a second review is asked
    of the first reviewer."""
    phase = s.deemed_phase if s.phase is Phase.DEEMED else s.phase
    kind = StepKind.SECOND_REVIEW if phase is Phase.SECOND_REVIEW else StepKind.REVIEW
    reviewing = terms.step(kind)
    assert reviewing is not None and reviewing.role is not None
    role = reviewing.role
    if roles and role not in roles:
        return ("not_allowed", texts.wrong_role(role, roles))
    if (
        kind is StepKind.SECOND_REVIEW
        and reviewer
        and s.decided is not None
        and reviewer == s.decided.reviewer
    ):
        return ("not_allowed", texts.same_reviewer(reviewer))
    return None


def _extension_refusal(
    s: Lifecycle, terms: Terms, extension: ReviewExtension
) -> tuple[str, str] | None:
    step = terms.step(StepKind.REVIEW)
    if s.phase not in REVIEWING or s.review_deadline is None or step is None:
        return ("not_pending_review", texts.NO_REVIEW_TO_EXTEND)
    if step.extension is None:
        return ("no_extension", texts.NO_EXTENSION)
    if s.extension_used and step.extension.once:
        return ("already_extended", texts.ALREADY_EXTENDED)
    if not extension.reason.strip():
        return ("reason_required", texts.REASON_REQUIRED)
    new = _extended_deadline(s, terms, step)
    if new <= s.review_deadline:
        calendar = terms.calendar
        return (
            "extension_too_short",
            texts.extension_too_short(calendar.words(new), calendar.words(s.review_deadline)),
        )
    return None


# --- timers and terms read elsewhere -------------------------------------------------------


def _reminder_at(s: Lifecycle, terms: Terms) -> datetime | None:
    days = terms.authorization.reauthorization.notice_days_before_expiry
    if days is None or s.service_end is None or s.reminded_for == s.service_end:
        return None
    return terms.calendar.day_ends(s.service_end - timedelta(days=days))


def next_timer(s: Lifecycle, terms: Terms) -> datetime | None:
    """When the machine next wants `TimerFired`, or None when it waits only for people."""
    if s.failure is not None:
        return None
    due = _phase_timer(s, terms)
    if s.appeal_until is not None and not s.appeal_open:
        return s.appeal_until if due is None else min(due, s.appeal_until)
    return due


def _phase_timer(s: Lifecycle, terms: Terms) -> datetime | None:
    if s.phase in REVIEWING:
        if not terms.managed_care_rules:
            return None if s.escalated else s.review_deadline
        if not s.escalated and s.escalate_at is not None and s.review_deadline is not None:
            return min(s.escalate_at, s.review_deadline)
        return s.review_deadline
    if s.phase is Phase.DEEMED:
        return s.late_until
    if s.phase is Phase.PROVIDER:
        return s.acceptance_due
    if s.phase is Phase.ACTIVE:
        assert s.service_end is not None
        expiry = terms.calendar.day_ends(s.service_end)
        reminder = _reminder_at(s, terms)
        return min(reminder, expiry) if reminder is not None else expiry
    if s.phase is Phase.REPORTING and s.reports_until is not None:
        return terms.calendar.day_ends(s.reports_until)
    return None


def retroactive_problem(
    authorization: Authorization,
    service_start: date,
    received_at: datetime,
    calendar: PlanCalendar = BEFORE_PLANS,
) -> str | None:
    """Why a request for service from `service_start`, received at `received_at` (a local date
    on the plan's clock), is too late for the definition's `retroactive` term; None if not."""
    today = calendar.local_date(received_at)
    if service_start >= today:
        return None
    retro = authorization.retroactive
    if not retro.allowed:
        return texts.not_retroactive(service_start, today)
    if retro.max_days is not None and (today - service_start).days > retro.max_days:
        return texts.too_late(service_start, today, retro.max_days)
    return None

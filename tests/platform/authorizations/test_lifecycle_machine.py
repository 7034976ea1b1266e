"""The authorization lifecycle as policy: each test is a rule, run on the pure state machine
(no Temporal, no database), from the shipped definitions' terms or a term changed in a copy."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from lieu.platform.authorizations.lifecycle import machine, texts
from lieu.platform.authorizations.lifecycle.actions import (
    AttachDocument,
    Cancel,
    ProviderResponse,
    ReauthorizationRequest,
    Retry,
    ReviewDecision,
    ReviewExtension,
    ServiceReport,
)
from lieu.platform.authorizations.lifecycle.commands import (
    Acted,
    Assess,
    Assessed,
    Consume,
    Consumed,
    Failed,
    LateReportsWindow,
    LegacyProject,
    Notify,
    Project,
    Publish,
    Release,
    Reserve,
    Reserved,
    Started,
    TimerFired,
    WindowOpened,
)
from lieu.platform.authorizations.lifecycle.machine import RULES, Terms, Turn
from lieu.platform.authorizations.lifecycle.state import Lifecycle, Phase
from lieu.platform.authorizations.records import DefinitionRef
from lieu.platform.authorizations.status import Decision, LoopReason, Status, Urgency
from lieu.platform.definitions.steps import (
    Authorization,
    RequiredDocument,
    Step,
    StepKind,
    parse_authorization,
)
from lieu.platform.notices.facts import NoticeKind
from lieu.platform.pricing.terms import parse_pricing

DEFINITIONS = Path(__file__).resolve().parents[3] / "benefit_definitions"
MONDAY = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TODAY = MONDAY.date()
NPI = "1234567893"


def terms_of(plan: str, support: str, **changes: Any) -> Terms:
    """The terms of a shipped definition, with some authorization terms changed."""
    document = json.loads((DEFINITIONS / plan / support / "v1.json").read_text())
    if "authorization" not in document:
        document = json.loads((DEFINITIONS / "dhcs" / support / "v1.json").read_text())
    authorization = replace(parse_authorization(document["authorization"]), **changes)
    pricing = parse_pricing(document["pricing"]) if "pricing" in document else None
    return Terms(authorization, pricing)


RECUPERATIVE = terms_of("demo-plan", "recuperative-care")  # presumptive 14 days, then review
RESPITE = terms_of("dhcs", "respite")  # limit check, review, provider acceptance


def request(
    *,
    quantity: int = 30,
    start: date = TODAY,
    measure: str = "days",
    support: str = "recuperative-care",
) -> Lifecycle:
    return machine.begin(
        authorization_id="A-TEST",
        plan="demo-plan",
        definition=DefinitionRef("demo-plan", support, 1, "hash"),
        member_cin="91000001A",
        provider="org-a",
        county="sacramento",
        urgency=Urgency.STANDARD,
        measure=measure,
        quantity=Decimal(quantity),
        service_start=start,
        requested_by="planner",
        received_at=MONDAY,
    )


class Run:
    """Drive one authorization through the machine, keeping every command issued."""

    def __init__(self, terms: Terms, state: Lifecycle) -> None:
        self.terms, self.state = terms, state
        self.commands: list[Any] = []
        self.now = MONDAY

    def feed(self, event: Any) -> Turn:
        turn = machine.advance(self.state, self.terms, event)
        self.state = turn.state
        self.commands.extend(turn.commands)
        return turn

    def act(self, action: Any, key: str = "") -> Turn:
        key = key or f"k{len(self.commands)}-{type(action).__name__}"
        return self.feed(Acted(self.now, replace(action, key=key), key))

    def later(self, delta: timedelta) -> None:
        self.now += delta

    def timer(self) -> Turn:
        due = machine.next_timer(self.state, self.terms)
        assert due is not None, f"no timer in phase {self.state.phase}"
        self.now = max(self.now, due)
        return self.feed(TimerFired(self.now))

    @property
    def kinds(self) -> list[str]:
        return [entry.kind for entry in self.state.timeline]

    def notices(self) -> list[tuple[str, str]]:
        return [(e.data["on"], e.data["to"]) for e in self.state.timeline if e.kind == "notice"]


def started(terms: Terms, **changes: Any) -> Run:
    run = Run(terms, request(**changes))
    run.feed(Started(MONDAY))
    return run


def eligible(run: Run) -> None:
    run.feed(Assessed(run.now, True, "eligible", ("recent discharge: met",), ()))


def reserved(run: Run, quantity: int | None = None, end: date | None = None) -> None:
    asked = run.commands[-1]
    assert isinstance(asked, Reserve)
    held = Decimal(quantity) if quantity is not None else asked.quantity
    run.feed(Reserved(run.now, held, end or asked.start + timedelta(days=int(held) - 1), "held"))


def approve(reviewer: str = "um", quantity: int | None = None) -> ReviewDecision:
    decided = Decision.APPROVE if quantity is None else Decision.MODIFY
    amount = None if quantity is None else Decimal(quantity)
    return ReviewDecision(reviewer, decided, "meets criteria", amount, ("utilization_management",))


def billed(report_id: str, start: date, end: date, quantity: int, **changes: Any) -> ServiceReport:
    line = {
        "code": "T2033",
        "modifiers": ("U6",),
        "units": Decimal(quantity),
        "amount": Decimal(175) * quantity,
        "rendering_npi": NPI,
        **changes,
    }
    return ServiceReport(report_id, "org-a", start, end, Decimal(quantity), **line)


# --- the table ------------------------------------------------------------------------------


def test_every_rule_names_the_term_that_allows_it_and_every_handler_is_in_the_table() -> None:
    assert all(rule.term for rule in RULES)
    handlers = {rule.then for rule in RULES}
    assert machine.decided in handlers and machine.remind_or_expire in handlers
    # no event type meets two rules in the same phase: the table reads one way
    seen: set[tuple[type, Phase]] = set()
    for rule in RULES:
        for phase in rule.phases:
            assert (rule.on, phase) not in seen, (rule.on, phase)
            seen.add((rule.on, phase))


def test_advance_never_changes_the_state_it_is_given() -> None:
    run = started(RECUPERATIVE)
    before = run.state
    copy = replace(before, timeline=list(before.timeline))
    machine.advance(before, RECUPERATIVE, Assessed(MONDAY, True, "eligible", (), ()))
    assert before == copy


# --- steps in the definition's order ----------------------------------------------------------


def test_the_steps_run_in_the_order_the_definition_writes_them() -> None:
    run = started(RECUPERATIVE)
    assert run.commands == [Assess(TODAY)]
    eligible(run)
    assert isinstance(run.commands[-1], Reserve) and run.state.phase is Phase.RESERVING
    reserved(run)
    assert run.state.status is Status.PRESUMPTIVE
    assert run.state.presumptive_until == TODAY + timedelta(days=13)
    assert run.state.phase is Phase.REVIEW
    assert run.kinds == ["received", "eligibility", "limit_reserved", "presumptive",
                         "review_requested"]  # fmt: skip
    assert run.commands[-3:] == [LegacyProject(), Publish(), Project()]


def test_a_plan_that_reserves_after_the_review_holds_only_what_was_approved() -> None:
    steps = RESPITE.authorization.steps
    by = {step.kind: step for step in steps}
    reordered = (
        by[StepKind.ELIGIBILITY],
        by[StepKind.REVIEW],
        by[StepKind.LIMIT_CHECK],
        by[StepKind.PROVIDER_ACCEPTANCE],
    )
    terms = replace(RESPITE, authorization=replace(RESPITE.authorization, steps=reordered))
    run = started(terms, measure="hours", quantity=40, support="respite")
    eligible(run)
    assert run.state.phase is Phase.REVIEW and run.state.quantity_reserved == 0
    run.act(approve(quantity=24))
    hold = run.commands[-1]
    assert isinstance(hold, Reserve) and hold.quantity == Decimal(24)
    reserved(run)
    assert run.state.status is Status.AWAITING_PROVIDER
    assert run.state.quantity_approved == Decimal(24)


def test_eligibility_undetermined_goes_to_the_reviewer_and_not_eligible_is_denied() -> None:
    unsure = started(RESPITE, measure="hours", support="respite")
    unsure.feed(Assessed(MONDAY, True, "undetermined", ("caregiver: unknown",), ("caregiver",)))
    assert "eligibility_to_review" in unsure.kinds and unsure.state.phase is Phase.RESERVING
    denied = started(RESPITE, measure="hours", support="respite")
    denied.feed(Assessed(MONDAY, True, "not_eligible", ("caregiver: not met",), ()))
    assert denied.state.status is Status.DENIED and denied.state.phase is Phase.DONE
    assert denied.commands[-1] == Project()  # nothing was held, nothing to report later


def test_a_support_not_offered_is_refused_with_the_reason() -> None:
    run = started(RESPITE, measure="hours", support="respite")
    run.feed(Assessed(MONDAY, False, "not_offered", (), (), "plan does not offer it in kern"))
    assert run.state.status is Status.REFUSED
    refused = next(e for e in run.state.timeline if e.kind == "refused")
    assert refused.text == "plan does not offer it in kern"


def test_nothing_fitting_the_limits_is_a_denial_saying_why() -> None:
    run = started(RESPITE, measure="hours", support="respite")
    eligible(run)
    reserved(run, quantity=0, end=TODAY)
    assert run.state.status is Status.DENIED
    assert "limit reached" in run.state.timeline[-1].text


def test_a_partial_fit_holds_what_fits() -> None:
    run = started(RESPITE, measure="hours", quantity=40, support="respite")
    eligible(run)
    reserved(run, quantity=12, end=TODAY)
    assert run.state.quantity_reserved == Decimal(12)
    assert "limit_partial" in run.kinds


# --- review ----------------------------------------------------------------------------------


def in_review(terms: Terms = RESPITE, **changes: Any) -> Run:
    run = started(terms, measure="hours", quantity=40, support="respite", **changes)
    eligible(run)
    reserved(run)
    assert run.state.phase is Phase.REVIEW
    return run


def test_the_review_deadline_is_counted_from_receipt_in_working_days() -> None:
    run = in_review()
    review = RESPITE.step(StepKind.REVIEW)
    assert review is not None and review.standard is not None
    assert review.standard.unit == "working_days"
    assert run.state.review_deadline is not None
    assert run.state.review_deadline.weekday() < 5
    # operations are alerted a day before the deadline
    alert = run.state.review_deadline - timedelta(hours=24)
    assert machine.next_timer(run.state, RESPITE) == alert


def test_operations_are_alerted_before_the_deadline_and_the_request_stays_pending() -> None:
    run = in_review()
    run.timer()
    assert run.state.escalated and run.state.status is Status.PENDING_REVIEW
    assert run.now < (run.state.review_deadline or run.now)
    assert machine.next_timer(run.state, RESPITE) == run.state.review_deadline


def test_a_history_from_before_the_managed_care_rules_only_escalates_at_the_deadline() -> None:
    before = replace(RESPITE, managed_care_rules=False)
    run = in_review(before)
    assert machine.next_timer(run.state, before) == run.state.review_deadline
    run.timer()
    assert run.state.escalated and run.state.status is Status.PENDING_REVIEW
    assert machine.next_timer(run.state, before) is None  # it waits for a person
    assert run.kinds[-1] == "escalated"


def test_a_modification_releases_what_was_not_approved() -> None:
    run = in_review()
    run.act(approve(quantity=24))
    release = next(c for c in run.commands if isinstance(c, Release))
    assert release.quantity == Decimal(16) and release.reason == "modified by review"
    assert run.state.quantity_approved == Decimal(24)
    assert any(e.text.startswith("modified for 24 hours") for e in run.state.timeline)


def test_a_denial_releases_everything_held_and_tells_whom_the_notice_steps_name() -> None:
    run = in_review()
    run.act(ReviewDecision("um", Decision.DENY, "caregiver not in the home", None, ()))
    assert run.state.status is Status.DENIED and run.state.quantity_reserved == 0
    assert ("decision", "member, referring_entity") in run.notices()


def test_the_extension_moves_the_deadline_once() -> None:
    run = in_review()
    deadline = run.state.review_deadline
    assert deadline is not None
    run.act(ReviewExtension("um", "records requested"))
    assert run.state.review_deadline == MONDAY + timedelta(days=14)  # 14 days from receipt
    assert machine.refusal(run.state, RESPITE, ReviewExtension("um", "again", key="x")) == (
        "already_extended",
        texts.ALREADY_EXTENDED,
    )


def test_a_reviewer_without_the_steps_role_is_refused() -> None:
    run = in_review()
    decision = replace(approve(), roles=("medical_director",), key="r1")
    code, message = machine.refusal(run.state, RESPITE, decision) or ("", "")
    assert code == "not_allowed" and "utilization_management" in message


def test_a_second_review_needs_another_reviewer_of_its_role() -> None:
    steps = list(RESPITE.authorization.steps)
    at = [s.kind for s in steps].index(StepKind.REVIEW) + 1
    steps.insert(at, Step(StepKind.SECOND_REVIEW, role="medical_director"))
    terms = replace(RESPITE, authorization=replace(RESPITE.authorization, steps=tuple(steps)))
    run = in_review(terms)
    run.act(approve("nurse-a"))
    assert run.state.phase is Phase.SECOND_REVIEW
    assert run.state.status is Status.PENDING_REVIEW  # not approved until the second says so
    same = ReviewDecision("nurse-a", Decision.APPROVE, "ok", None, ("medical_director",), "s1")
    assert machine.refusal(run.state, terms, same) == (
        "not_allowed",
        texts.same_reviewer("nurse-a"),
    )
    run.act(ReviewDecision("dr-b", Decision.MODIFY, "fewer hours", Decimal(30),
                           ("medical_director",)))  # fmt: skip
    assert run.state.quantity_approved == Decimal(30)
    assert run.state.status is Status.AWAITING_PROVIDER


# --- documents -------------------------------------------------------------------------------


def with_documents(terms: Terms) -> Terms:
    steps = list(terms.authorization.steps)
    at = [s.kind for s in steps].index(StepKind.REVIEW)
    steps.insert(
        at,
        Step(
            StepKind.DOCUMENTATION,
            documents=(
                RequiredDocument("provider_order", "the provider's order"),
                RequiredDocument("care_plan", "the care plan"),
            ),
        ),
    )
    return replace(terms, authorization=replace(terms.authorization, steps=tuple(steps)))


def test_a_documentation_step_holds_the_request_until_each_document_is_on_file() -> None:
    terms = with_documents(RESPITE)
    run = started(terms, measure="hours", support="respite")
    eligible(run)
    reserved(run)
    assert run.state.phase is Phase.DOCUMENTS and run.state.status is Status.AWAITING_DOCUMENTS
    code, _ = machine.refusal(run.state, terms, replace(approve(), key="early")) or ("", "")
    assert code == "documents_missing"
    run.act(AttachDocument("provider_order", "d1", "order.pdf", "org-a"))
    assert run.state.phase is Phase.DOCUMENTS
    run.act(AttachDocument("care_plan", "d2", "plan.pdf", "org-a"))
    assert run.state.phase is Phase.REVIEW and run.state.documents == [
        "provider_order",
        "care_plan",
    ]
    unknown = AttachDocument("photo", "d3", "x.png", "org-a", key="u")
    assert machine.refusal(run.state, terms, unknown)[0] == "unknown_requirement"  # type: ignore[index]


# --- provider acceptance and the active period ------------------------------------------------


def active(terms: Terms = RESPITE) -> Run:
    run = in_review(terms)
    run.act(approve())
    assert run.state.phase is Phase.PROVIDER
    run.act(ProviderResponse("org-a", True))
    assert run.state.phase is Phase.ACTIVE
    return run


def test_no_answer_from_the_provider_closes_the_loop_and_releases() -> None:
    run = in_review()
    run.act(approve())
    run.timer()
    assert run.state.status is Status.CLOSED
    assert run.state.loop_reason is LoopReason.NO_PROVIDER_RESPONSE
    assert run.state.quantity_reserved == 0


def test_only_the_assigned_provider_answers_the_referral() -> None:
    run = in_review()
    run.act(approve())
    other = ProviderResponse("org-b", True, key="o")
    assert machine.refusal(run.state, RESPITE, other) == (
        "not_allowed",
        texts.only_provider("org-a"),
    )


def test_the_reminder_comes_the_configured_days_before_the_end_then_it_expires() -> None:
    run = active()
    end = run.state.service_end
    assert end is not None
    run.timer()
    assert run.kinds[-1] == "reauthorization_reminder"
    assert run.now == RESPITE.calendar.day_ends(end) - timedelta(days=30)
    run.timer()
    assert run.state.status is Status.EXPIRED
    assert run.state.loop_reason is LoopReason.EXPIRED_WITHOUT_SERVICE


def test_a_renewal_holds_more_reviews_again_and_continues_as_new() -> None:
    run = active()
    end = run.state.service_end
    assert end is not None
    run.act(ReauthorizationRequest("planner", Decimal(20), "still needed"))
    hold = run.commands[-1]
    assert isinstance(hold, Reserve) and hold.start == end + timedelta(days=1)
    run.feed(Reserved(run.now, Decimal(20), end + timedelta(days=180), "held"))
    assert run.state.phase is Phase.RENEWAL_REVIEW
    run.act(approve())
    assert run.state.renewals_used == 1 and run.state.continue_as_new
    assert run.state.quantity_approved == Decimal(60)


def test_renewals_beyond_what_the_definition_allows_are_refused() -> None:
    terms = replace(
        RESPITE,
        authorization=replace(
            RESPITE.authorization,
            reauthorization=replace(RESPITE.authorization.reauthorization, renewals_allowed=0),
        ),
    )
    run = active(terms)
    ask = ReauthorizationRequest("planner", Decimal(10), key="r")
    assert machine.refusal(run.state, terms, ask) == ("renewals_used", texts.renewals_used_up(0))


# --- service reports -------------------------------------------------------------------------


def presumptive_run(terms: Terms = RECUPERATIVE) -> Run:
    run = started(terms)
    eligible(run)
    reserved(run)
    return run


def test_a_report_is_consumed_and_an_accepted_report_id_is_never_counted_twice() -> None:
    run = presumptive_run()
    run.act(billed("r1", TODAY, TODAY + timedelta(days=4), 5), key="first")
    assert isinstance(run.commands[-1], Consume)
    run.feed(Consumed(run.now, Decimal(5), "consumed"))
    assert run.state.answers["first"].accepted and run.state.quantity_used == Decimal(5)
    again = run.act(billed("r1", TODAY, TODAY + timedelta(days=4), 5), key="second")
    assert again.commands == [] and run.state.answers["second"].used == Decimal(5)


def test_a_report_past_the_presumptive_period_is_refused_on_arrival() -> None:
    run = presumptive_run()
    late = billed("r2", TODAY + timedelta(days=20), TODAY + timedelta(days=21), 2, key="k")
    code, message = machine.refusal(run.state, RECUPERATIVE, late) or ("", "")
    assert code == "service_rejected" and "presumptive" in message


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"code": ""}, "needs its HCPCS code"),
        ({"code": "T2034"}, "is not a code of this support"),
        ({"modifiers": ()}, "is not a code of this support"),
        ({"rendering_npi": "1234567890"}, "is not a valid NPI"),
        ({"amount": None}, "needs the amount billed"),
    ],
)
def test_a_billing_line_the_pricing_does_not_allow_is_refused(
    changes: dict[str, Any], problem: str
) -> None:
    run = presumptive_run()
    report = billed("r3", TODAY, TODAY, 1, key="k", **changes)
    code, message = machine.refusal(run.state, RECUPERATIVE, report) or ("", "")
    assert code == "bad_billing" and problem in message


def test_a_rate_above_the_contract_is_flagged_for_review_or_refused_as_the_pricing_says() -> None:
    run = presumptive_run()
    dear = billed("r4", TODAY, TODAY, 1, amount=Decimal(400))
    assert machine.refusal(run.state, RECUPERATIVE, replace(dear, key="k")) is None
    run.act(dear, key="dear")
    run.feed(Consumed(run.now, Decimal(1), "consumed"))
    assert run.state.answers["dear"].flagged and run.state.flagged_reports == ["r4"]
    assert RECUPERATIVE.pricing is not None
    strict = replace(RECUPERATIVE, pricing=replace(RECUPERATIVE.pricing, outside_rate="refuse"))
    code, _ = machine.refusal(run.state, strict, replace(dear, report_id="r5", key="k")) or ("", "")
    assert code == "rate_outside_range"


def test_presumptive_days_are_charged_when_reported_after_a_denial() -> None:
    run = presumptive_run()
    run.act(ReviewDecision("um", Decision.DENY, "not skilled care", None, ()))
    assert run.state.status is Status.DENIED and run.commands[-1] == LateReportsWindow()
    run.feed(WindowOpened(run.now, True))
    assert run.state.phase is Phase.REPORTING
    # the 14 presumptive days are cut short with 10 days' notice (42 CFR 431.211): days 0-9
    assert run.state.presumptive_until == TODAY + timedelta(days=9)
    assert run.state.reports_until == TODAY + timedelta(days=9 + 90)
    inside = billed("p1", TODAY, TODAY + timedelta(days=2), 3, key="k")
    assert machine.refusal(run.state, RECUPERATIVE, inside) is None
    outside = billed("p2", TODAY + timedelta(days=10), TODAY + timedelta(days=11), 2, key="k2")
    assert machine.refusal(run.state, RECUPERATIVE, outside) is not None
    run.timer()  # the 60 days to appeal the denial end first, inside the reports' window
    assert run.kinds[-1] == "appeal_window_closed" and run.state.phase is Phase.REPORTING
    run.timer()
    assert run.state.phase is Phase.DONE and run.kinds[-1] == "reports_closed"
    assert machine.finished(run.state)


def _notified(run: Run) -> list[Any]:
    return [c.facts for c in run.commands if isinstance(c, Notify)]


def test_a_denial_that_cuts_a_presumptive_period_short_gives_advance_notice_of_its_end() -> None:
    run = presumptive_run()
    run.later(timedelta(days=2))
    run.act(ReviewDecision("um", Decision.DENY, "not skilled care", None, ()))
    (notice,) = _notified(run)
    assert notice.kind is NoticeKind.TERMINATION and notice.effective_on == TODAY + timedelta(12)
    assert run.state.presumptive_until == TODAY + timedelta(days=11)
    assert "presumptive_ends" in run.kinds


def test_a_presumptive_period_ending_before_the_notice_would_is_not_cut_short() -> None:
    run = presumptive_run()
    run.later(timedelta(days=6))  # day 6 of 14: ten days' notice would reach past day 13
    run.act(ReviewDecision("um", Decision.DENY, "not skilled care", None, ()))
    (notice,) = _notified(run)
    assert notice.kind is NoticeKind.DENIAL and notice.effective_on is None
    assert run.state.presumptive_until == TODAY + timedelta(days=13)


def test_a_plan_that_reads_presumptive_days_as_unauthorized_ends_them_at_once() -> None:
    steps = tuple(
        replace(step, advance_notice_days=0) if step.kind is StepKind.PRESUMPTIVE else step
        for step in RECUPERATIVE.authorization.steps
    )
    terms = replace(RECUPERATIVE, authorization=replace(RECUPERATIVE.authorization, steps=steps))
    run = presumptive_run(terms)
    run.act(ReviewDecision("um", Decision.DENY, "not skilled care", None, ()))
    (notice,) = _notified(run)
    assert notice.kind is NoticeKind.TERMINATION and notice.effective_on == TODAY
    assert run.state.presumptive_until == TODAY - timedelta(days=1)


def test_no_late_window_when_the_definition_gives_none() -> None:
    terms = replace(
        RECUPERATIVE,
        authorization=replace(RECUPERATIVE.authorization, reports_close_after_days=0),
    )
    run = started(terms)
    eligible(run)
    reserved(run)
    run.act(Cancel("ops", "duplicate"))
    assert run.state.phase is Phase.DONE and LateReportsWindow() not in run.commands


# --- retroactive, failures, resends -----------------------------------------------------------


def test_a_request_for_earlier_service_is_refused_when_the_definition_forbids_it() -> None:
    run = started(RECUPERATIVE, start=TODAY - timedelta(days=3))
    assert run.state.status is Status.REFUSED
    refused = next(e for e in run.state.timeline if e.kind == "refused")
    assert "not authorized retroactively" in refused.text
    sobering = terms_of("dhcs", "sobering-centers")
    assert sobering.authorization.retroactive.allowed
    bounded = replace(
        sobering.authorization, retroactive=replace(sobering.authorization.retroactive, max_days=2)
    )
    assert machine.retroactive_problem(bounded, TODAY - timedelta(days=2), MONDAY) is None
    too_late = machine.retroactive_problem(bounded, TODAY - timedelta(days=3), MONDAY)
    assert too_late is not None and "at most 2 days" in too_late


def test_a_step_that_failed_for_good_waits_for_operations_and_runs_again() -> None:
    run = started(RESPITE, measure="hours", support="respite")
    eligible(run)
    hold = run.commands[-1]
    run.feed(Failed(run.now, hold, "the pinned definition is gone"))
    assert run.state.failure is not None and machine.next_timer(run.state, RESPITE) is None
    code, _ = machine.refusal(run.state, RESPITE, replace(approve(), key="x")) or ("", "")
    assert code == "stopped"
    run.act(Retry("ops", "definition restored"))
    assert run.commands[-1] == hold and run.state.failure is None


def test_a_command_resent_with_its_key_gets_the_first_answer_and_changes_nothing() -> None:
    run = in_review()
    run.act(ReviewExtension("um", "records"), key="ext-1")
    first = run.state.answers["ext-1"]
    before = run.state
    again = run.act(ReviewExtension("um", "records"), key="ext-1")
    assert again.commands == [] and run.state == before
    assert machine.refusal(run.state, RESPITE, ReviewExtension("um", "x", key="ext-1")) is None
    assert run.state.answers["ext-1"] == first


def test_an_action_that_comes_too_late_is_answered_with_a_refusal_not_applied() -> None:
    run = in_review()
    run.act(Cancel("ops", "duplicate"))
    late = run.act(approve(), key="late")
    assert late.commands == [] and not run.state.answers["late"].accepted
    assert run.state.status is Status.CANCELLED


def test_notices_go_only_to_whom_the_definition_names_for_each_event() -> None:
    notice = Step(StepKind.NOTICE, to=("provider",), on=("presumptive", "reauthorization_due"))
    authorization: Authorization = RECUPERATIVE.authorization
    terms = replace(
        RECUPERATIVE, authorization=replace(authorization, steps=(*authorization.steps, notice))
    )
    plain, told = presumptive_run(), Run(terms, request())
    told.feed(Started(MONDAY))
    eligible(told)
    reserved(told)
    assert ("presumptive", "provider") in told.notices()
    assert not any(on == "presumptive" for on, _ in plain.notices())

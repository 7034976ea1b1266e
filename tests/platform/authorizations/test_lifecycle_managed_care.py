"""The Medi-Cal managed care rules on the pure state machine, each test a rule: the plan's clock
(Pacific time, California holidays), the federal ceilings, escalation before the deadline, the
deemed denial (42 CFR 438.404(c)(5)) and what a late decision does, the extension counted from
receipt, requests for information, and the notices of action each adverse determination issues."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from lieu.platform.authorizations.lifecycle import machine
from lieu.platform.authorizations.lifecycle.actions import (
    ProvideInformation,
    ProviderResponse,
    ReauthorizationRequest,
    RequestInformation,
    ReviewDecision,
    ReviewExtension,
)
from lieu.platform.authorizations.lifecycle.commands import (
    Assessed,
    Notify,
    Release,
    Reserve,
    Reserved,
    Started,
)
from lieu.platform.authorizations.lifecycle.machine import Terms
from lieu.platform.authorizations.lifecycle.state import Phase
from lieu.platform.authorizations.records import DefinitionRef
from lieu.platform.authorizations.status import Decision, Status, Urgency
from lieu.platform.definitions.steps import AfterDeadline, Duration, Extension, StepKind
from lieu.platform.notices.facts import NoticeKind
from lieu.platform.plans.calendar import CALIFORNIA
from tests.platform.authorizations.test_lifecycle_machine import RESPITE, Run

PACIFIC = CALIFORNIA.zone
# Friday 16 January 2026, 17:30 in Los Angeles (Saturday 01:30 UTC); Monday the 19th is
# Martin Luther King Jr. Day, a California state holiday.
FRIDAY_EVENING = datetime(2026, 1, 16, 17, 30, tzinfo=PACIFIC).astimezone(UTC)
CA_RESPITE = replace(RESPITE, calendar=CALIFORNIA)


def review_terms(
    terms: Terms = CA_RESPITE,
    *,
    standard: Duration | None = None,
    expedited: Duration | None = None,
    extension: Extension | None = None,
    after: AfterDeadline | None = None,
    escalate_before: Duration | None = None,
) -> Terms:
    """The terms with the review step's clocks changed."""
    steps = []
    for step in terms.authorization.steps:
        if step.kind is StepKind.REVIEW:
            step = replace(
                step,
                standard=standard or step.standard,
                expedited=expedited or step.expedited,
                extension=extension or step.extension,
                after_deadline=after or step.after_deadline,
                escalate_before=escalate_before or step.escalate_before,
            )
        steps.append(step)
    return replace(terms, authorization=replace(terms.authorization, steps=tuple(steps)))


def received(
    terms: Terms = CA_RESPITE,
    at: datetime = FRIDAY_EVENING,
    urgency: Urgency = Urgency.STANDARD,
    quantity: int = 40,
) -> Run:
    """A respite request received at `at`, eligible, its hours held, in review."""
    state = machine.begin(
        authorization_id="A-RULES",
        plan="demo-plan",
        definition=DefinitionRef("dhcs", "respite", 1, "hash"),
        member_cin="91000001A",
        provider="org-a",
        county="sacramento",
        urgency=urgency,
        measure="hours",
        quantity=Decimal(quantity),
        service_start=CALIFORNIA.local_date(at),
        requested_by="planner",
        received_at=at,
    )
    run = Run(terms, state)
    run.now = at
    run.feed(Started(at))
    run.feed(Assessed(at, True, "eligible", ("caregiver relies on respite",), (), ""))
    start = CALIFORNIA.local_date(at)
    run.feed(Reserved(at, Decimal(quantity), start + timedelta(days=364), "held"))
    assert run.state.phase is Phase.REVIEW
    return run


def local(moment: datetime | None) -> datetime:
    assert moment is not None
    return moment.astimezone(PACIFIC)


def notices(run: Run) -> list[Any]:
    return [c.facts for c in run.commands if isinstance(c, Notify)]


def approve(reason: str = "meets criteria", **more: Any) -> ReviewDecision:
    return ReviewDecision("um", Decision.APPROVE, reason, roles=("utilization_management",), **more)


# --- the plan's clock -------------------------------------------------------------------------


def test_a_friday_evening_receipt_counts_working_days_from_friday_skipping_the_holiday() -> None:
    run = received(review_terms(standard=Duration(3, "working_days")))
    due = local(run.state.review_deadline)
    # Tuesday, Wednesday, Thursday: the weekend and Martin Luther King Jr. Day do not count
    assert (due.date(), due.hour, due.minute) == (date(2026, 1, 22), 17, 30)
    assert "2026-01-22 17:30 PST" in run.state.timeline[-1].text


def test_five_working_days_a_holiday_stretches_stop_at_the_federal_seven_days() -> None:
    run = received()  # the DHCS respite review: 5 working days
    due = local(run.state.review_deadline)
    # 5 working days would end Monday 26 January; CMS-0057-F caps standard at 7 calendar days
    assert due == datetime(2026, 1, 23, 17, 30, tzinfo=PACIFIC)
    assert "capped at the federal limit" in run.state.timeline[-1].text


def test_a_request_received_before_2026_is_capped_at_fourteen_days() -> None:
    at = datetime(2025, 12, 1, 9, 0, tzinfo=PACIFIC).astimezone(UTC)
    run = received(review_terms(standard=Duration(10, "calendar_days")), at=at)
    assert local(run.state.review_deadline) == datetime(2025, 12, 11, 9, 0, tzinfo=PACIFIC)


def test_an_expedited_request_is_decided_within_72_hours_whatever_the_definition_says() -> None:
    terms = review_terms(expedited=Duration(1, "working_days"))
    run = received(terms, urgency=Urgency.EXPEDITED)
    # one working day after Friday evening is Tuesday evening (the holiday); 72 hours is Monday
    assert run.state.review_deadline == FRIDAY_EVENING + timedelta(hours=72)


def test_an_authorization_through_a_date_covers_that_whole_pacific_day() -> None:
    run = received()
    run.act(approve())
    run.act(ProviderResponse("org-a", True))
    end = run.state.service_end
    assert run.state.phase is Phase.ACTIVE and end is not None
    expiry = CALIFORNIA.day_ends(end)
    assert local(expiry) == datetime(end.year, end.month, end.day, tzinfo=PACIFIC) + timedelta(
        days=1
    )
    assert machine.next_timer(replace(run.state, reminded_for=end), CA_RESPITE) == expiry


def test_retroactive_service_is_judged_on_the_plans_date_not_utcs() -> None:
    # received Friday evening in Los Angeles, which is already Saturday in UTC: service from
    # Friday is the same day, not a day in the past
    assert (
        machine.retroactive_problem(
            CA_RESPITE.authorization, date(2026, 1, 16), FRIDAY_EVENING, CALIFORNIA
        )
        is None
    )
    assert machine.retroactive_problem(
        CA_RESPITE.authorization, date(2026, 1, 16), FRIDAY_EVENING
    )  # on UTC's clock it is yesterday


# --- escalation and the deemed denial ---------------------------------------------------------


def test_operations_are_alerted_the_configured_lead_before_the_deadline() -> None:
    run = received(review_terms(escalate_before=Duration(2, "working_days")))
    # the deadline is Friday 23 January 17:30; two working days before is Wednesday 17:30
    assert local(machine.next_timer(run.state, run.terms)) == datetime(
        2026, 1, 21, 17, 30, tzinfo=PACIFIC
    )
    run.timer()
    assert run.state.escalated and run.state.status is Status.PENDING_REVIEW
    assert run.kinds[-1] == "escalated"


def test_a_standard_review_missed_is_denied_at_the_deadline_with_the_members_notice() -> None:
    run = received()
    deadline = run.state.review_deadline
    run.timer()  # the alert
    run.timer()  # the deadline
    assert run.now == deadline
    assert run.state.status is Status.DENIED and run.state.deemed
    assert run.state.phase is Phase.DEEMED
    (notice,) = notices(run)
    assert notice.kind is NoticeKind.DEEMED_DENIAL and notice.issued_at == deadline
    assert notice.reason_code == "timeframe_passed" and "member" in notice.to
    released = [c for c in run.commands if isinstance(c, Release)]
    assert released and released[-1].quantity == Decimal(40)  # the hold is given back
    assert "deemed_denied" in run.kinds


def test_a_late_approval_holds_again_and_is_recorded_as_a_reversal_with_its_notice() -> None:
    run = received()
    run.timer()
    run.timer()
    run.later(timedelta(days=2))
    run.act(approve("records arrived late"))
    hold = run.commands[-1]
    assert isinstance(hold, Reserve) and run.state.phase is Phase.REINSTATING
    run.feed(Reserved(run.now, Decimal(40), hold.end, "held again"))
    assert run.state.status is Status.AWAITING_PROVIDER and not run.state.deemed
    assert [n.kind for n in notices(run)] == [NoticeKind.DEEMED_DENIAL, NoticeKind.REVERSAL]
    assert "reversed" in run.kinds


def test_a_late_denial_gives_its_own_reason_in_a_denial_notice() -> None:
    run = received()
    run.timer()
    run.timer()
    run.act(
        ReviewDecision(
            "um",
            Decision.DENY,
            "another service meets the need",
            roles=("utilization_management",),
            reason_code="duplicate_service",
        )
    )
    assert run.state.status is Status.DENIED and run.state.phase in (Phase.REPORTING, Phase.DONE)
    last = notices(run)[-1]
    assert (last.kind, last.reason_code) == (NoticeKind.DENIAL, "duplicate_service")


def test_no_late_decision_in_the_window_leaves_the_deemed_denial_standing() -> None:
    run = received(review_terms(after=AfterDeadline("release", 10)))
    run.timer()
    run.timer()
    assert local(run.state.late_until) == local(run.now) + timedelta(days=10)
    run.timer()
    assert run.state.status is Status.DENIED and run.kinds[-1] != "reversed"
    assert "late_decisions_closed" in run.kinds


def test_a_definition_may_keep_the_hold_while_a_late_decision_may_come() -> None:
    run = received(review_terms(after=AfterDeadline("keep", 30)))
    run.timer()
    run.timer()
    assert not [c for c in run.commands if isinstance(c, Release)]
    run.act(approve())  # nothing to hold again: the reversal applies at once
    assert run.state.status is Status.AWAITING_PROVIDER


def test_no_late_decisions_ends_the_request_at_the_deemed_denial() -> None:
    run = received(review_terms(after=AfterDeadline("release", 0)))
    run.timer()
    run.timer()
    assert run.state.phase in (Phase.REPORTING, Phase.DONE)
    assert machine.refusal(run.state, run.terms, replace(approve(), key="late")) is not None


def test_a_renewal_review_missed_denies_the_renewal_and_the_authorization_runs_on() -> None:
    run = received()
    run.act(approve())
    run.act(ProviderResponse("org-a", True))
    end = run.state.service_end
    run.act(ReauthorizationRequest("planner", Decimal(20), "still needed"))
    assert end is not None
    run.feed(Reserved(run.now, Decimal(20), end + timedelta(days=365), "held"))
    assert run.state.phase is Phase.RENEWAL_REVIEW
    run.timer()
    run.timer()
    assert run.state.phase is Phase.ACTIVE and run.state.service_end == end
    assert notices(run)[-1].kind is NoticeKind.DEEMED_DENIAL


# --- extension and requests for information --------------------------------------------------


def test_the_extension_ends_fourteen_days_from_receipt_with_a_notice() -> None:
    run = received()
    run.later(timedelta(days=3))
    run.act(ReviewExtension("um", "specialist review needed"))
    assert local(run.state.review_deadline) == datetime(2026, 1, 30, 17, 30, tzinfo=PACIFIC)
    (notice,) = notices(run)
    assert notice.kind is NoticeKind.EXTENSION and notice.decide_by == run.state.review_deadline
    assert notice.reason == "specialist review needed"


def test_an_extension_that_would_not_move_the_deadline_is_refused() -> None:
    run = received(review_terms(extension=Extension(5, True)))
    code, message = machine.refusal(run.state, run.terms, ReviewExtension("um", "x", key="e"))
    assert code == "extension_too_short" and "from receipt" in message


def test_asking_the_provider_for_information_pends_the_review_with_a_notice() -> None:
    run = received()
    run.act(
        RequestInformation(
            "um", ("caregiver's schedule", "signed order"), roles=("utilization_management",)
        )
    )
    assert run.state.status is Status.PENDING_INFORMATION
    (notice,) = notices(run)
    assert notice.kind is NoticeKind.INFORMATION_REQUEST
    assert notice.needed == ("caregiver's schedule", "signed order")
    assert notice.decide_by == run.state.review_deadline  # the clock keeps running
    other = ProvideInformation("org-b", "here", key="p0")
    assert machine.refusal(run.state, run.terms, other) == (
        "not_allowed",
        "only provider org-a can answer this referral",
    )
    run.act(ProvideInformation("org-a", "schedule and order attached"))
    assert run.state.status is Status.PENDING_REVIEW and run.state.information_needed == ()


def test_a_request_for_nothing_is_refused() -> None:
    run = received()
    code, _ = machine.refusal(run.state, run.terms, RequestInformation("um", ("  ",), key="i"))
    assert code == "needed_required"


# --- notices of adverse determinations --------------------------------------------------------


def test_a_partial_approval_issues_a_notice_with_what_was_approved() -> None:
    run = received()
    run.act(
        ReviewDecision(
            "um",
            Decision.MODIFY,
            "20 hours meet the need",
            Decimal(20),
            ("utilization_management",),
        )
    )
    (notice,) = notices(run)
    assert notice.kind is NoticeKind.PARTIAL_APPROVAL and notice.approved == Decimal(20)
    assert notice.requested == Decimal(40) and notice.reason_code == "less_is_enough"


def test_a_denial_carries_the_reviewers_coded_reason_and_the_criteria_used() -> None:
    run = received()
    run.act(
        ReviewDecision(
            "um",
            Decision.DENY,
            "no unpaid caregiver",
            roles=("utilization_management",),
            reason_code="criteria_not_met",
        )
    )
    (notice,) = notices(run)
    assert (notice.kind, notice.reason_code, notice.reason) == (
        NoticeKind.DENIAL,
        "criteria_not_met",
        "no unpaid caregiver",
    )
    assert notice.criteria and notice.criteria[0].reference
    assert notice.time_zone == "America/Los_Angeles"


def test_an_unknown_reason_code_is_refused_with_the_list() -> None:
    run = received()
    decision = replace(approve(), decision=Decision.DENY, reason_code="because", key="d")
    code, message = machine.refusal(run.state, run.terms, decision) or ("", "")
    assert code == "bad_reason_code" and "criteria_not_met" in message


def test_an_approval_in_full_issues_no_notice_of_action() -> None:
    run = received()
    run.act(approve())
    assert notices(run) == []


def test_a_history_from_before_the_rules_issues_no_notices() -> None:
    before = replace(CA_RESPITE, managed_care_rules=False)
    run = received(before)
    run.act(replace(approve(), decision=Decision.DENY))
    assert notices(run) == []

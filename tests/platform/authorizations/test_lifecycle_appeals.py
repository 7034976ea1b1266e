"""Appeals on the pure state machine, each test a rule of 42 CFR 438.402-438.424: an adverse
determination may be appealed within 60 days of its notice, and the authorization stays open
that long; one appeal at a time, one level at the plan; an overturn approves (held on the limits
first) and the authorization goes on to service; an upheld appeal leaves it as it was."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from lieu.platform.appeals.terms import AppealTerms
from lieu.platform.authorizations.lifecycle import machine
from lieu.platform.authorizations.lifecycle.actions import (
    AppealDecided,
    EndService,
    FileAppeal,
    ProviderResponse,
    ReviewDecision,
)
from lieu.platform.authorizations.lifecycle.commands import (
    Notify,
    Project,
    Reserve,
    Reserved,
    StartAppeal,
    TimerFired,
)
from lieu.platform.authorizations.lifecycle.state import Phase
from lieu.platform.authorizations.status import Decision, Status
from lieu.platform.notices.facts import NoticeKind
from lieu.platform.plans.calendar import CALIFORNIA
from tests.platform.authorizations.test_lifecycle_machine import Run
from tests.platform.authorizations.test_lifecycle_managed_care import (
    CA_RESPITE,
    FRIDAY_EVENING,
    received,
)

UM = ("utilization_management",)


def denied(reviewer: str = "um-1") -> Run:
    run = received()
    run.act(ReviewDecision(reviewer, Decision.DENY, "caregiver support in place", roles=UM))
    assert run.state.status is Status.DENIED
    return run


def appeal(run: Run, *, expedited: bool = False, key: str = "appeal-1") -> StartAppeal:
    run.act(
        FileAppeal("member-services", "member", "I need the relief", expedited=expedited),
        key=key,
    )
    start = run.commands[-2]
    assert isinstance(start, StartAppeal) and isinstance(run.commands[-1], Project)
    return start


def decided(run: Run, outcome: str, quantity: int | None = None) -> None:
    appeal_id = run.state.appeal_open
    run.act(
        AppealDecided(
            appeal_id,
            outcome,
            "dr-appeals",
            "the caregiver's doctor explains the need",
            Decimal(quantity) if quantity is not None else None,
        ),
        key=f"{appeal_id}/decided",
    )


def test_a_denial_opens_sixty_days_to_appeal_and_the_authorization_waits_for_them() -> None:
    run = denied()
    # the notice's date is Friday 16 January in Los Angeles: 60 days later is 17 March
    until = run.state.appeal_until
    assert until is not None
    assert until == CALIFORNIA.day_ends(date(2026, 3, 17))
    assert run.state.appealable == "denial" and run.state.adverse_by == "um-1"
    assert run.state.phase is Phase.DONE and not machine.finished(run.state)
    assert machine.next_timer(run.state, run.terms) == until
    run.timer()
    assert run.kinds[-1] == "appeal_window_closed" and machine.finished(run.state)


def test_an_appeal_starts_its_own_workflow_with_who_decided_first_and_its_deadline() -> None:
    run = denied()
    run.later(timedelta(days=3))
    start = appeal(run).appeal
    assert start.appeal_id == "A-RULES-AP1" and start.first_decided_by == "um-1"
    assert start.determination == "denial" and start.determination_seq > 0
    assert start.deadline == CALIFORNIA.add_calendar_days(run.now, 30)
    assert run.state.answers["appeal-1"].appeal_id == "A-RULES-AP1"
    # while it is open the window's timer does not end the authorization
    assert machine.next_timer(run.state, run.terms) is None
    assert not machine.finished(run.state)


def test_an_expedited_appeal_is_due_in_72_hours_or_the_plans_own_shorter_clock() -> None:
    run = denied()
    assert appeal(run, expedited=True).appeal.deadline == FRIDAY_EVENING + timedelta(hours=72)
    quick = denied()
    quick.act(
        FileAppeal("m", "member", "urgent", expedited=True, terms=AppealTerms(expedited_hours=48)),
        key="a",
    )
    start = quick.commands[-2]
    assert isinstance(start, StartAppeal)
    assert start.appeal.deadline == FRIDAY_EVENING + timedelta(hours=48)


def test_what_cannot_be_appealed_is_refused_with_the_reason() -> None:
    run = received()
    code, _ = machine.refusal(run.state, run.terms, FileAppeal("m", "member", "x", key="k")) or (
        "",
        "",
    )
    assert code == "nothing_to_appeal"  # nothing adverse yet
    run = denied()
    late = run.state.appeal_until
    assert late is not None
    refused = machine.refusal(
        run.state, run.terms, FileAppeal("m", "member", "x", key="k"), now=late + timedelta(1)
    )
    assert refused is not None and refused[0] == "appeal_too_late"
    for filing, code in (
        (FileAppeal("m", "cousin", "x", key="k"), "bad_on_behalf"),
        (FileAppeal("m", "member", " ", key="k"), "reason_required"),
    ):
        assert (machine.refusal(run.state, run.terms, filing) or ("",))[0] == code
    appeal(run)
    again = machine.refusal(run.state, run.terms, FileAppeal("m", "member", "x", key="k2"))
    assert again is not None and again[0] == "appeal_open"


def test_an_upheld_appeal_ends_the_plan_level_and_the_authorization_can_finish() -> None:
    run = denied()
    appeal(run)
    decided(run, "upheld")
    assert run.kinds[-1] == "appeal_upheld" and run.state.status is Status.DENIED
    assert machine.finished(run.state)
    second = machine.refusal(run.state, run.terms, FileAppeal("m", "member", "x", key="k9"))
    assert second is not None and second[0] == "nothing_to_appeal"
    assert "State Fair Hearing" in second[1]


def test_an_overturned_denial_holds_the_request_again_then_goes_to_the_provider() -> None:
    run = denied()
    run.later(timedelta(days=10))
    appeal(run)
    run.later(timedelta(days=5))
    decided(run, "overturned")
    hold = run.commands[-1]
    assert isinstance(hold, Reserve) and hold.quantity == 40
    # approved now, so the period runs from today, not the date first asked for
    assert hold.start == CALIFORNIA.local_date(run.now)
    assert run.state.phase is Phase.APPEAL_HOLD
    run.feed(Reserved(run.now, Decimal(40), hold.start + timedelta(days=364), "held"))
    assert run.state.quantity_approved == 40
    assert run.state.phase is Phase.PROVIDER  # respite's provider acceptance comes next
    run.act(ProviderResponse("org-a", True))
    assert run.state.status is Status.ACTIVE


def test_a_partly_overturned_denial_approves_the_quantity_the_appeal_gave() -> None:
    run = denied()
    appeal(run)
    decided(run, "partly_overturned", 24)
    hold = run.commands[-1]
    assert isinstance(hold, Reserve) and hold.quantity == 24


def test_an_overturn_the_limits_no_longer_allow_is_recorded_and_waits_for_an_exception() -> None:
    run = denied()
    appeal(run)
    decided(run, "overturned")
    run.feed(Reserved(run.now, Decimal(0), run.state.service_start, "respite: 0 hours left"))
    assert run.kinds[-1] == "appeal_hold_refused" and run.state.status is Status.DENIED
    assert machine.finished(run.state)


def test_an_appeal_of_a_partial_approval_adds_what_it_approves_to_the_authorization() -> None:
    run = received()
    run.act(
        ReviewDecision("um-1", Decision.MODIFY, "less is enough", Decimal(24), roles=UM),
        key="modify",
    )
    assert run.state.appealable == "partial_approval"
    run.act(ProviderResponse("org-a", True))
    assert run.state.status is Status.ACTIVE
    start = appeal(run).appeal
    assert start.approved == 24 and start.determination == "partial_approval"
    decided(run, "overturned")
    hold = run.commands[-1]
    assert isinstance(hold, Reserve) and hold.quantity == 16
    run.feed(Reserved(run.now, Decimal(16), run.state.service_end or run.now.date(), "held"))
    assert run.state.quantity_approved == 40 and run.state.phase is Phase.ACTIVE


def test_a_deemed_denial_may_be_appealed_and_an_overturn_approves_it() -> None:
    run = received()
    while run.state.phase is Phase.REVIEW:
        run.timer()
    assert run.state.appealable == "deemed_denial" and run.state.adverse_by == "lieu"
    appeal(run)
    decided(run, "overturned")
    # the deemed denial released the hold: the appeal's approval holds it again
    hold = run.commands[-1]
    assert isinstance(hold, Reserve) and run.state.phase is Phase.APPEAL_HOLD
    assert not run.state.deemed and run.state.late_until is None


def test_a_history_recorded_before_appeals_ends_with_its_denial() -> None:
    run = Run(replace(CA_RESPITE, appeals=False), received().state)
    run.now = FRIDAY_EVENING
    run.act(ReviewDecision("um-1", Decision.DENY, "no", roles=UM))
    assert run.state.appeal_until is None and machine.finished(run.state)
    refused = machine.refusal(run.state, run.terms, FileAppeal("m", "member", "x", key="k"))
    assert refused is not None


def test_the_timer_routes_to_the_appeal_window_before_the_phase_s_own_timer() -> None:
    run = denied()
    until = run.state.appeal_until
    assert until is not None
    turn = run.feed(TimerFired(until))
    assert run.kinds[-1] == "appeal_window_closed" and turn.state.appeal_until is None


def active_respite() -> Run:
    run = received()
    run.act(ReviewDecision("um-1", Decision.APPROVE, "meets criteria", roles=UM))
    run.act(ProviderResponse("org-a", True))
    assert run.state.status is Status.ACTIVE
    return run


def test_ending_an_active_service_gives_ten_days_notice_then_it_expires() -> None:
    run = active_respite()
    run.later(timedelta(days=20))
    today = CALIFORNIA.local_date(run.now)
    run.act(EndService("um-2", "the member moved into a nursing facility", "other"), key="end")
    notice = next(c.facts for c in reversed(run.commands) if isinstance(c, Notify))
    assert notice.kind is NoticeKind.TERMINATION
    assert notice.effective_on == today + timedelta(days=10)
    assert run.state.service_end == today + timedelta(days=9)
    assert run.state.appealable == "termination" and run.state.phase is Phase.ACTIVE
    run.timer()  # the end of the notice's last day: it expires
    assert run.state.status is Status.EXPIRED


def test_a_service_that_ends_before_the_notice_would_run_is_left_to_expire() -> None:
    run = active_respite()
    end = run.state.service_end
    assert end is not None
    late = CALIFORNIA.day_starts(end - timedelta(days=5))
    refused = machine.refusal(run.state, run.terms, EndService("um-2", "moved", key="e"), now=late)
    assert refused is not None and refused[0] == "ends_sooner"


def test_an_overturned_appeal_of_an_ending_restores_the_authorized_period() -> None:
    run = active_respite()
    period_end = run.state.service_end
    run.act(EndService("um-2", "moved", "other"), key="end")
    assert run.state.service_end != period_end
    appeal(run)
    decided(run, "overturned")
    assert run.state.service_end == period_end and "ending_withdrawn" in run.kinds

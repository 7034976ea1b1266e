"""Facts that cannot make the notice their kind must be are refused, each problem by its field."""

from __future__ import annotations

from datetime import datetime

import pytest

from lieu.platform.notices.checks import InvalidNoticeFacts, check_facts, facts_problems
from lieu.platform.notices.facts import NoticeKind, Reason
from tests.platform.notices.notice_cases import facts


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_the_facts_of_every_kind_as_the_machine_fills_them_make_a_notice(kind: NoticeKind) -> None:
    assert facts_problems(facts(kind)) == []


@pytest.mark.parametrize(
    ("kind", "changes", "problem"),
    [
        (NoticeKind.DENIAL, {"reason_code": "because"}, "reason_code 'because' is not a reason"),
        (
            NoticeKind.DENIAL,
            {"reason_code": Reason.OTHER.value, "reason": " "},
            "reason is empty and reason_code is 'other'",
        ),
        (NoticeKind.PARTIAL_APPROVAL, {"approved": None}, "give approved"),
        (NoticeKind.REDUCTION, {"effective_on": None}, "42 CFR 431.211): give effective_on"),
        (NoticeKind.TERMINATION, {"effective_on": None}, "give effective_on"),
        (NoticeKind.EXTENSION, {"decide_by": None}, "gives the new decision date"),
        (NoticeKind.EXTENSION, {"reason": ""}, "gives the reason for the delay"),
        (NoticeKind.INFORMATION_REQUEST, {"needed": ()}, "says what is needed"),
        (NoticeKind.INFORMATION_REQUEST, {"decide_by": None}, "says by when"),
        (NoticeKind.DENIAL, {"time_zone": "Pacific"}, "'Pacific' is not an IANA time zone"),
        (NoticeKind.DENIAL, {"issued_at": datetime(2026, 12, 11, 17, 30)}, "has no time zone"),
        (NoticeKind.DENIAL, {"plan": "../etc"}, "plan '../etc' is not a plan code"),
        (NoticeKind.DENIAL, {"key": ""}, "key must be 1 to 200 characters"),
        (NoticeKind.DENIAL, {"member_cin": ""}, "member_cin is empty"),
    ],
)
def test_facts_missing_what_their_kind_must_say_are_refused_naming_it(
    kind: NoticeKind, changes: dict[str, object], problem: str
) -> None:
    with pytest.raises(InvalidNoticeFacts) as refused:
        check_facts(facts(kind, **changes))
    assert problem in str(refused.value)


def test_a_reversal_needs_no_reason_words_of_its_own() -> None:
    assert facts_problems(facts(NoticeKind.REVERSAL, reason="")) == []


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(InvalidNoticeFacts) as refused:
        check_facts(facts(NoticeKind.REDUCTION, effective_on=None, time_zone="Mars/Olympus"))
    assert len(refused.value.problems) == 2

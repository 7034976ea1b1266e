"""What a notice's facts must hold before it is issued: each kind says something a member must
be told (42 CFR 438.404(b), 438.210(d), 431.211), so facts that cannot say it are refused."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lieu.platform.notices.facts import (
    APPEAL_KINDS,
    APPEAL_OUTCOMES,
    REASONS,
    NoticeFacts,
    NoticeKind,
    Reason,
)

# A plan's code names a folder of the definitions directory: never a path of its own.
PLAN_CODE = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
MAX_KEY = 200


class InvalidNoticeFacts(ValueError):
    """Facts a notice cannot be issued from; the message lists every problem, by field."""

    def __init__(self, key: str, problems: list[str]) -> None:
        super().__init__(f"notice {key[:80]!r} cannot be issued: {'; '.join(problems)}")
        self.problems = tuple(problems)


def zone_of(name: str) -> ZoneInfo | None:
    """The time zone of that IANA name, or None when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Pacific" is a directory
        return None


def facts_problems(facts: NoticeFacts) -> list[str]:
    """Every reason these facts cannot make a notice, one sentence each naming the field."""
    problems = _identity_problems(facts)
    if facts.reason_code not in REASONS:
        problems.append(
            f"reason_code {facts.reason_code!r} is not a reason code; use one of "
            f"{', '.join(REASONS)}"
        )
    if (
        facts.reason_code == Reason.OTHER.value
        and not facts.reason.strip()
        and _needs_reason(facts)
    ):
        problems.append(
            "reason is empty and reason_code is 'other': give the specific reason in words "
            "(CMS-0057-F requires one for every denial)"
        )
    for moment, name in ((facts.issued_at, "issued_at"), (facts.received_at, "received_at")):
        if moment.tzinfo is None:
            problems.append(f"{name} {moment.isoformat()} has no time zone; give it in UTC")
    if zone_of(facts.time_zone) is None:
        problems.append(
            f"time_zone {facts.time_zone!r} is not an IANA time zone; use e.g. "
            "'America/Los_Angeles'"
        )
    return problems + _kind_problems(facts)


def check_facts(facts: NoticeFacts) -> None:
    """Raise `InvalidNoticeFacts` unless a notice can be issued from these facts."""
    problems = facts_problems(facts)
    if problems:
        raise InvalidNoticeFacts(facts.key, problems)


def _identity_problems(facts: NoticeFacts) -> list[str]:
    problems = []
    if not facts.key.strip() or len(facts.key) > MAX_KEY:
        problems.append(f"key must be 1 to {MAX_KEY} characters (the same key is one notice)")
    if not PLAN_CODE.fullmatch(facts.plan):
        problems.append(
            f"plan {facts.plan[:80]!r} is not a plan code (lowercase letters, digits and '-')"
        )
    for name in ("authorization_id", "member_cin", "support"):
        if not str(getattr(facts, name)).strip():
            problems.append(f"{name} is empty; a notice names the {name.replace('_', ' ')}")
    return problems


def _needs_reason(facts: NoticeFacts) -> bool:
    return facts.kind.adverse or facts.kind in (NoticeKind.EXTENSION, NoticeKind.APPEAL_EXTENSION)


def _kind_problems(facts: NoticeFacts) -> list[str]:
    kind = facts.kind
    problems = []
    if kind is NoticeKind.PARTIAL_APPROVAL and facts.approved is None:
        problems.append("a partial_approval notice says what was approved: give approved")
    if kind in (NoticeKind.REDUCTION, NoticeKind.TERMINATION) and facts.effective_on is None:
        problems.append(
            f"a {kind.value} notice says when the change takes effect (given in advance, "
            "42 CFR 431.211): give effective_on"
        )
    if kind is NoticeKind.EXTENSION:
        if facts.decide_by is None:
            problems.append("an extension notice gives the new decision date: give decide_by")
        if not facts.reason.strip():
            problems.append("an extension notice gives the reason for the delay: give reason")
    if kind is NoticeKind.INFORMATION_REQUEST:
        if not facts.needed:
            problems.append("an information_request notice says what is needed: give needed")
        if facts.decide_by is None:
            problems.append("an information_request notice says by when: give decide_by")
    if kind in APPEAL_KINDS and not facts.appeal_id.strip():
        problems.append(f"a {kind.value} notice names the appeal: give appeal_id")
    if kind is NoticeKind.APPEAL_RESOLUTION and facts.outcome not in APPEAL_OUTCOMES:
        problems.append(
            f"outcome {facts.outcome!r} is not an appeal outcome; use one of "
            f"{', '.join(APPEAL_OUTCOMES)}"
        )
    partly = kind is NoticeKind.APPEAL_RESOLUTION and facts.outcome == "partly_overturned"
    if partly and facts.approved is None:
        problems.append("a partly overturned appeal says what was approved: give approved")
    if kind is NoticeKind.APPEAL_EXTENSION:
        if facts.decide_by is None:
            problems.append("an appeal_extension notice gives the new deadline: give decide_by")
        if not facts.reason.strip():
            problems.append("an appeal_extension notice gives the reason: give reason")
    if facts.decide_by is not None and facts.decide_by.tzinfo is None:
        problems.append(f"decide_by {facts.decide_by.isoformat()} has no time zone")
    return problems

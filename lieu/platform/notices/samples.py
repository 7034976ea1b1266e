"""Sample facts of every notice kind, to check a plan's templates (`lieu notices check`), to
preview one (`lieu notices render`) and for the README's picture. Made-up member and numbers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

from lieu.platform.notices.facts import Criterion, NoticeFacts, NoticeKind, Reason

# December 11, 2026 at 5:30 PM PST; received a week earlier at 9:15 AM PST.
ISSUED = datetime(2026, 12, 12, 1, 30, tzinfo=UTC)
RECEIVED = datetime(2026, 12, 4, 17, 15, tzinfo=UTC)

BASE = NoticeFacts(
    key="sample",
    kind=NoticeKind.DENIAL,
    plan="demo-plan",
    support="respite",
    definition_version=1,
    authorization_id="A-3F9C0A1B2C3D4E5F",
    member_cin="91000001A",
    provider="sac-respite-co",
    issued_at=ISSUED,
    received_at=RECEIVED,
    measure="hours",
    requested=Decimal(40),
    reason_code=Reason.CRITERIA_NOT_MET.value,
    reason="The caregiver's own health needs are met by the in-home support already in place.",
    criteria=(
        Criterion(
            "The member's unpaid caregiver needs relief to avoid the member's placement in an "
            "institution.",
            "DHCS Community Supports Policy Guide, Volume 1, Respite Services (2025)",
        ),
    ),
    decided_by="reviewer:demo-plan:um-nurse-2",
    service_start=date(2026, 12, 14),
)

SAMPLES: dict[NoticeKind, NoticeFacts] = {
    NoticeKind.DENIAL: BASE,
    NoticeKind.DEEMED_DENIAL: replace(
        BASE,
        kind=NoticeKind.DEEMED_DENIAL,
        reason_code=Reason.TIMEFRAME_PASSED.value,
        reason="",
        criteria=(),
        decide_by=ISSUED,
    ),
    NoticeKind.PARTIAL_APPROVAL: replace(
        BASE,
        kind=NoticeKind.PARTIAL_APPROVAL,
        approved=Decimal(24),
        reason_code=Reason.LESS_IS_ENOUGH.value,
        reason="24 hours meet the need this quarter.",
    ),
    NoticeKind.REDUCTION: replace(
        BASE,
        kind=NoticeKind.REDUCTION,
        approved=Decimal(16),
        reason_code=Reason.LIMIT_REACHED.value,
        reason="",
        effective_on=date(2026, 12, 28),
    ),
    NoticeKind.TERMINATION: replace(
        BASE,
        kind=NoticeKind.TERMINATION,
        reason_code=Reason.DUPLICATE_SERVICE.value,
        reason="In-home supportive services now cover the same hours.",
        effective_on=date(2026, 12, 28),
    ),
    NoticeKind.EXTENSION: replace(
        BASE,
        kind=NoticeKind.EXTENSION,
        reason_code=Reason.INFORMATION_MISSING.value,
        reason="We asked the provider for the caregiver assessment and are waiting for it.",
        criteria=(),
        decide_by=datetime(2026, 12, 19, 1, 30, tzinfo=UTC),
    ),
    NoticeKind.INFORMATION_REQUEST: replace(
        BASE,
        kind=NoticeKind.INFORMATION_REQUEST,
        reason_code=Reason.INFORMATION_MISSING.value,
        reason="",
        criteria=(),
        needed=("The caregiver assessment signed by the provider",),
        decide_by=datetime(2026, 12, 16, 1, 0, tzinfo=UTC),
    ),
    NoticeKind.REVERSAL: replace(
        BASE,
        kind=NoticeKind.REVERSAL,
        approved=Decimal(40),
        reason_code=Reason.OTHER.value,
        reason="",
        criteria=(),
    ),
    NoticeKind.APPEAL_RESOLUTION: replace(
        BASE,
        kind=NoticeKind.APPEAL_RESOLUTION,
        appeal_id="A-3F9C0A1B2C3D4E5F-AP1",
        outcome="upheld",
        reason_code=Reason.OTHER.value,
        reason="The in-home support already in place meets the caregiver's need for relief.",
        decided_by="dr-appeals",
    ),
    NoticeKind.APPEAL_EXTENSION: replace(
        BASE,
        kind=NoticeKind.APPEAL_EXTENSION,
        appeal_id="A-3F9C0A1B2C3D4E5F-AP1",
        reason_code=Reason.OTHER.value,
        reason="The member asked for time to send a letter from the caregiver's doctor.",
        criteria=(),
        decide_by=datetime(2027, 1, 25, 1, 30, tzinfo=UTC),
    ),
}


def sample(kind: NoticeKind, plan: str = "demo-plan") -> NoticeFacts:
    """Sample facts of a kind for a plan."""
    return replace(SAMPLES[kind], plan=plan, key=f"sample-{kind.value}")

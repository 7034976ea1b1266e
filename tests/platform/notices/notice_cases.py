"""Facts of notices as the state machine would fill them, and the words a member reads in the
HTML and the PDF (text extracted with pypdf)."""

from __future__ import annotations

import html
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pypdf import PdfReader

from lieu.platform.notices.facts import Criterion, NoticeFacts, NoticeKind, Reason

HERE = Path(__file__).resolve().parent
PLANS = HERE / "plans"
BROKEN = HERE / "broken"
# Friday, December 11, 2026 at 5:30 PM in Los Angeles (PST, UTC-8).
DECIDED = datetime(2026, 12, 12, 1, 30, tzinfo=UTC)
RECEIVED = datetime(2026, 12, 4, 17, 15, tzinfo=UTC)  # 9:15 AM PST

DENIAL = NoticeFacts(
    key="A-1:denial",
    kind=NoticeKind.DENIAL,
    plan="demo-plan",
    support="respite",
    definition_version=1,
    authorization_id="A-1",
    member_cin="91000001A",
    provider="sac-respite-co",
    issued_at=DECIDED,
    received_at=RECEIVED,
    measure="hours",
    requested=Decimal(40),
    reason_code=Reason.CRITERIA_NOT_MET.value,
    reason="The caregiver is not at risk of burnout this quarter.",
    criteria=(
        Criterion(
            "An unpaid caregiver needs relief to avoid institutional placement.",
            "DHCS Community Supports Policy Guide, Volume 1 (2025), Respite Services",
        ),
    ),
)

KINDS: dict[NoticeKind, dict[str, Any]] = {
    NoticeKind.DENIAL: {},
    NoticeKind.DEEMED_DENIAL: {"reason_code": Reason.TIMEFRAME_PASSED.value, "reason": ""},
    NoticeKind.PARTIAL_APPROVAL: {
        "approved": Decimal(24),
        "reason_code": Reason.LESS_IS_ENOUGH.value,
        "reason": "24 hours meet the need.",
    },
    NoticeKind.REDUCTION: {
        "approved": Decimal(16),
        "reason_code": Reason.LIMIT_REACHED.value,
        "effective_on": date(2026, 12, 28),
    },
    NoticeKind.TERMINATION: {
        "reason_code": Reason.DUPLICATE_SERVICE.value,
        "effective_on": date(2026, 12, 28),
    },
    NoticeKind.EXTENSION: {
        "reason_code": Reason.INFORMATION_MISSING.value,
        "reason": "We are waiting for the caregiver assessment.",
        "decide_by": datetime(2026, 12, 19, 1, 30, tzinfo=UTC),
        "criteria": (),
    },
    NoticeKind.INFORMATION_REQUEST: {
        "reason_code": Reason.INFORMATION_MISSING.value,
        "reason": "",
        "needed": ("The caregiver assessment signed by the provider",),
        "decide_by": datetime(2026, 12, 16, 1, 0, tzinfo=UTC),
        "criteria": (),
    },
    NoticeKind.REVERSAL: {
        "approved": Decimal(40),
        "reason_code": Reason.OTHER.value,
        "reason": "",
        "criteria": (),
    },
    NoticeKind.APPEAL_RESOLUTION: {
        "appeal_id": "A-1-AP1",
        "outcome": "upheld",
        "reason_code": Reason.OTHER.value,
        "reason": "The caregiver's relief is already provided by in-home support.",
        "decided_by": "dr-appeals",
    },
    NoticeKind.APPEAL_EXTENSION: {
        "appeal_id": "A-1-AP1",
        "reason_code": Reason.OTHER.value,
        "reason": "The member asked for time to send a doctor's letter.",
        "decide_by": datetime(2027, 1, 25, 1, 30, tzinfo=UTC),
        "criteria": (),
    },
}


def facts(kind: NoticeKind = NoticeKind.DENIAL, **changes: Any) -> NoticeFacts:
    """Facts of a notice of that kind (its own key), with some changed."""
    return replace(DENIAL, kind=kind, **{"key": f"A-1:{kind.value}", **KINDS[kind], **changes})


def pdf_text(pdf: bytes) -> str:
    """The words of every page of a PDF, spaces collapsed."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def html_text(page: str) -> str:
    """The words a browser shows of an HTML page (head left out), spaces collapsed."""
    body = page.split("<body>", 1)[-1]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())

"""What became of a notice on its way to its reader: each report of a mail house, an e-mail
service or the portal is a delivery record; the latest is the notice's delivery status. The
caller owns the session."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.db.base import utcnow
from lieu.platform.notices.models import Channel, DeliveryStatus, Notice, NoticeDelivery

MAX_NOTE = 2000
MAX_KEY = 200
CLOCK_SKEW = timedelta(minutes=5)  # a report may come from a clock a little ahead of ours


@dataclass(frozen=True, slots=True)
class DeliveryReport:
    """A delivery as reported: how, where it stands, when, by whom, and the reporter's key."""

    notice_id: str
    channel: str
    status: str
    at: datetime
    recorded_by: str
    idempotency_key: str
    note: str = ""


class DeliveryRefused(ValueError):
    """A report that cannot be recorded: `code`, the input's JSON `pointer` and what to do."""

    def __init__(self, code: str, message: str, pointer: str) -> None:
        super().__init__(message)
        self.code = code
        self.pointer = pointer


class DeliveryKeyReused(ValueError):
    """The idempotency key already recorded another delivery of this notice."""


@dataclass(frozen=True, slots=True)
class Recorded:
    """The delivery record of a report; `created` is False when its key had recorded it."""

    delivery: NoticeDelivery
    created: bool


def latest(deliveries: Sequence[NoticeDelivery]) -> NoticeDelivery | None:
    """The delivery record that says where the notice stands now."""
    return max(deliveries, key=lambda d: (d.at, d.id), default=None)


async def deliveries_of(
    *, session: AsyncSession, notice_ids: Sequence[str]
) -> dict[str, list[NoticeDelivery]]:
    """The delivery records of several notices in one query, oldest first."""
    found: dict[str, list[NoticeDelivery]] = {i: [] for i in notice_ids}
    if not notice_ids:
        return found
    rows = await session.scalars(
        select(NoticeDelivery)
        .where(NoticeDelivery.notice_id.in_(list(notice_ids)))
        .order_by(NoticeDelivery.at, NoticeDelivery.id)
    )
    for row in rows:
        found[row.notice_id].append(row)
    return found


async def record_delivery(
    *, session: AsyncSession, notice: Notice, report: DeliveryReport
) -> Recorded:
    """Record a report about `notice` (`DeliveryRefused` for a report that cannot be true or
    is malformed; `DeliveryKeyReused` when its key recorded a different one)."""
    _check(notice, report)
    first = await _by_key(session, notice.id, report.idempotency_key)
    if first is not None:
        return _replayed(first, report)
    row = NoticeDelivery(
        notice_id=notice.id,
        channel=report.channel,
        status=report.status,
        at=report.at,
        note=report.note.strip(),
        recorded_by=report.recorded_by,
        recorded_at=utcnow(),
        idempotency_key=report.idempotency_key,
    )
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        first = await _by_key(session, notice.id, report.idempotency_key)
        if first is None:
            raise
        return _replayed(first, report)
    return Recorded(row, created=True)


def _check(notice: Notice, report: DeliveryReport) -> None:
    channels = [c.value for c in Channel]
    statuses = [s.value for s in DeliveryStatus]
    if report.channel not in channels:
        raise DeliveryRefused(
            "bad_channel",
            f"channel {report.channel[:40]!r} is not one of {', '.join(channels)}",
            "/channel",
        )
    if report.status not in statuses:
        raise DeliveryRefused(
            "bad_status",
            f"status {report.status[:40]!r} is not one of {', '.join(statuses)}",
            "/status",
        )
    if report.at.tzinfo is None:
        raise DeliveryRefused("bad_time", "give `at` with its time zone (or in UTC)", "/at")
    if report.at < notice.issued_at:
        raise DeliveryRefused(
            "before_issued",
            f"`at` {report.at.isoformat()} is before the notice was issued "
            f"({notice.issued_at.isoformat()}); give when this delivery step happened",
            "/at",
        )
    if report.at > utcnow() + CLOCK_SKEW:
        raise DeliveryRefused(
            "in_the_future",
            f"`at` {report.at.isoformat()} is in the future; record a step once it happened",
            "/at",
        )
    if len(report.note) > MAX_NOTE:
        raise DeliveryRefused(
            "note_too_long", f"keep the note under {MAX_NOTE} characters", "/note"
        )
    key = report.idempotency_key
    if not key.strip() or len(key) > MAX_KEY:
        raise DeliveryRefused(
            "bad_idempotency_key",
            f"give an idempotency key of 1 to {MAX_KEY} characters (your id for this report; "
            "sending it again records nothing new)",
            "/idempotencyKey",
        )


async def _by_key(session: AsyncSession, notice_id: str, key: str) -> NoticeDelivery | None:
    found: NoticeDelivery | None = await session.scalar(
        select(NoticeDelivery).where(
            NoticeDelivery.notice_id == notice_id, NoticeDelivery.idempotency_key == key
        )
    )
    return found


def _replayed(first: NoticeDelivery, report: DeliveryReport) -> Recorded:
    same = (first.channel, first.status, first.at, first.note) == (
        report.channel,
        report.status,
        report.at,
        report.note.strip(),
    )
    if not same:
        raise DeliveryKeyReused(
            f"idempotency key {report.idempotency_key!r} already recorded {first.channel} "
            f"{first.status} at {first.at.isoformat()} for notice {first.notice_id}; use a new "
            "key for a different report"
        )
    return Recorded(first, created=False)

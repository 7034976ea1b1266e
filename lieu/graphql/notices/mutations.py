"""Recording what became of a notice on its way (queued, sent, delivered, returned, failed), by
mail, e-mail or the member portal: operations staff, from the mail house's or portal's reports."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict, NotFound, ValidationErrors
from lieu.graphql.notices.types import Notice, RecordNoticeDeliveryResult
from lieu.graphql.permissions import allow
from lieu.platform.access.audit import record
from lieu.platform.access.roles import Role
from lieu.platform.notices.deliveries import (
    DeliveryKeyReused,
    DeliveryRefused,
    DeliveryReport,
    record_delivery,
)
from lieu.platform.notices.models import Channel, DeliveryStatus
from lieu.platform.notices.records import find_notice

ACTION = "recordNoticeDelivery"


@strawberry.input
class NoticeDeliveryInput:
    notice_id: strawberry.ID
    idempotency_key: str = strawberry.field(
        description="Your id for this report: sending it again records nothing new."
    )
    channel: Channel
    status: DeliveryStatus
    at: datetime = strawberry.field(description="When it happened (not before the notice).")
    note: str = strawberry.field(default="", description="E.g. the mail house's tracking id.")


@strawberry.type
class NoticeMutations:
    @strawberry.mutation(
        description="Record a step of a notice's delivery (its latest is `deliveryStatus`).",
        extensions=allow(Role.OPERATIONS),
    )
    async def record_notice_delivery(
        self, info: Info[Context, None], input: NoticeDeliveryInput
    ) -> RecordNoticeDeliveryResult:
        context = info.context
        caller = context.caller
        target = f"notice:{input.notice_id}"
        report = DeliveryReport(
            notice_id=str(input.notice_id),
            channel=input.channel.value,
            status=input.status.value,
            at=input.at,
            recorded_by=caller.actor,
            idempotency_key=input.idempotency_key,
            note=input.note,
        )
        try:
            async with context.writes.begin() as session:
                notice = await find_notice(
                    session=session, notice_id=report.notice_id, content=False
                )
                if notice is None or not caller.sees_authorization(notice.plan, notice.provider):
                    context.audit(ACTION, target, "not_found")
                    return NotFound(
                        message=f"no notice {report.notice_id} that you may see",
                        what="notice",
                        id=report.notice_id,
                    )
                recorded = await record_delivery(session=session, notice=notice, report=report)
                outcome = "ok" if recorded.created else "replayed"
                detail = f"{report.channel} {report.status} {report.at.isoformat()}"
                record(session, [context.record(ACTION, target, outcome, detail)])
        except DeliveryRefused as refused:
            context.audit(ACTION, target, "refused", f"{refused.code}: {refused}")
            return ValidationErrors.one(refused.pointer, refused.code, str(refused))
        except DeliveryKeyReused as reused:
            context.audit(ACTION, target, "refused", "idempotency_key_reused")
            return Conflict(message=str(reused), code="idempotency_key_reused")
        return Notice.of(notice)

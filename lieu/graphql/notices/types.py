"""The Notice type (a notice of action as issued, without its HTML and PDF: those are at its
URLs) and its delivery records."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import Conflict, NotFound, ValidationErrors
from lieu.platform.notices.deliveries import latest
from lieu.platform.notices.facts import NoticeKind as Kind
from lieu.platform.notices.models import Channel, DeliveryStatus, NoticeDelivery
from lieu.platform.notices.models import Notice as NoticeRow

HTML_PATH = "/notices/{id}.html"
PDF_PATH = "/notices/{id}.pdf"

NoticeKind = strawberry.enum(
    Kind,
    name="NoticeKind",
    description="Why the notice was sent; DENIAL, DEEMED_DENIAL, PARTIAL_APPROVAL, REDUCTION "
    "and TERMINATION are adverse benefit determinations and carry the member's appeal rights.",
)
NoticeChannel = strawberry.enum(Channel, name="NoticeChannel")
NoticeDeliveryStatus = strawberry.enum(DeliveryStatus, name="NoticeDeliveryStatus")


@strawberry.type(description="One step of a notice's delivery, as reported.")
class NoticeDeliveryStep:
    channel: Channel
    status: DeliveryStatus
    at: datetime = strawberry.field(description="When it happened.")
    note: str
    recorded_by: str
    recorded_at: datetime

    @classmethod
    def of(cls, row: NoticeDelivery) -> NoticeDeliveryStep:
        return cls(
            channel=Channel(row.channel),
            status=DeliveryStatus(row.status),
            at=row.at,
            note=row.note,
            recorded_by=row.recorded_by,
            recorded_at=row.recorded_at,
        )


@strawberry.type(
    description="A notice of action sent to the member and the provider, in one language "
    "(its HTML and PDF: `htmlUrl`, `pdfUrl`)."
)
class Notice:
    id: strawberry.ID
    authorization_id: str
    member_cin: str
    support: str
    kind: Kind
    adverse: bool = strawberry.field(
        description="An adverse benefit determination (the notice gives the appeal rights)."
    )
    language: str = strawberry.field(description="A BCP 47 tag: `en`, `es`, `vi`…")
    copy_of: strawberry.ID | None = strawberry.field(
        description="For a copy the plan keeps in another language: the member's notice."
    )
    issued_at: datetime
    reason_code: str = strawberry.field(description="A coded reason, e.g. `limit_reached`.")
    html_url: str = strawberry.field(description="A path on this server; GET it with your token.")
    pdf_url: str = strawberry.field(description="A path on this server; GET it with your token.")

    @strawberry.field(description="Every delivery step reported, oldest first.")
    async def deliveries(self, info: Info[Context, None]) -> list[NoticeDeliveryStep]:
        rows = await info.context.loaders.deliveries.load(str(self.id))
        return [NoticeDeliveryStep.of(row) for row in rows]

    @strawberry.field(description="Where its delivery stands (the latest step); null: none yet.")
    async def delivery_status(self, info: Info[Context, None]) -> DeliveryStatus | None:
        found = latest(await info.context.loaders.deliveries.load(str(self.id)))
        return None if found is None else DeliveryStatus(found.status)

    @classmethod
    def of(cls, row: NoticeRow) -> Notice:
        return cls(
            id=strawberry.ID(row.id),
            authorization_id=row.authorization_id,
            member_cin=row.member_cin,
            support=row.support,
            kind=Kind(row.kind),
            adverse=Kind(row.kind).adverse,
            language=row.language,
            copy_of=None if row.copy_of is None else strawberry.ID(row.copy_of),
            issued_at=row.issued_at,
            reason_code=row.reason_code,
            html_url=HTML_PATH.format(id=row.id),
            pdf_url=PDF_PATH.format(id=row.id),
        )


RecordNoticeDeliveryResult = Annotated[
    Notice | ValidationErrors | NotFound | Conflict,
    strawberry.union("RecordNoticeDeliveryResult"),
]

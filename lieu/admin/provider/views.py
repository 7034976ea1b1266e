"""What the inbox's pages read: a provider's authorizations (the GraphQL access rules: its
organization's only), the referrals it has to answer and by when, one authorization with its
balances, documents and forms. Every read of member data is audited, as the console's are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from lieu.admin.actions import origin_of
from lieu.admin.database import runtime_of
from lieu.platform.access.audit import AuditRecord
from lieu.platform.access.authorizations import (
    AuthorizationFilter,
    search_authorizations,
    timelines,
)
from lieu.platform.access.balances import LimitBalance, member_balances
from lieu.platform.access.eligibility_check import NoDefinitionInForce
from lieu.platform.access.members import MemberNotVisible
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.lifecycle.texts import referral_due
from lieu.platform.authorizations.models import AuthorizationEvent, AuthorizationRecord
from lieu.platform.authorizations.pinning import PinnedDefinitionError
from lieu.platform.authorizations.records import DefinitionRef
from lieu.platform.authorizations.status import Status
from lieu.platform.db.keyset import Window
from lieu.platform.documents.models import AuthorizationDocument
from lieu.platform.documents.records import documents_of
from lieu.platform.notes.models import ReferralNote
from lieu.platform.notes.service import notes_of
from lieu.platform.pricing.terms import BillingCode
from lieu.workflows.authorizations.service import DEFINITIONS

PAGE_SIZE = 50
AWAITING = Status.AWAITING_PROVIDER.value
# The statuses service may be reported in (the workflow says why when it refuses one).
REPORTABLE = frozenset(
    {Status.PRESUMPTIVE.value, Status.APPROVED.value, Status.ACTIVE.value, Status.EXPIRED.value}
)


@dataclass(frozen=True, slots=True)
class Referral:
    """A referral waiting for the provider's answer, and the day it is due."""

    row: AuthorizationRecord
    due: date | None


@dataclass(frozen=True, slots=True)
class Detail:
    """One authorization as the provider sees it, with what its forms offer."""

    row: AuthorizationRecord
    events: Sequence[AuthorizationEvent]
    due: date | None
    balances: Sequence[LimitBalance]
    balances_note: str
    codes: Sequence[BillingCode]
    asked: Sequence[str]
    documents: Sequence[AuthorizationDocument]
    requirement_labels: dict[str, str] = field(default_factory=dict)
    notes: Sequence[ReferralNote] = ()

    @property
    def remaining(self) -> Decimal:
        """Held and not yet used on this authorization (GraphQL's `remaining`)."""
        return self.row.quantity_reserved - self.row.quantity_used

    @property
    def can_respond(self) -> bool:
        return self.row.status == AWAITING

    @property
    def can_inform(self) -> bool:
        return self.row.status == Status.PENDING_INFORMATION.value

    @property
    def can_report(self) -> bool:
        return self.row.status in REPORTABLE

    @property
    def can_reauthorize(self) -> bool:
        return self.row.status == Status.ACTIVE.value

    @property
    def can_upload(self) -> bool:
        return bool(self.asked) and not Status(self.row.status).is_final


def due_of(events: Sequence[AuthorizationEvent]) -> date | None:
    """The answer-by day of the latest referral sent on the timeline."""
    for event in reversed(events):
        if event.kind == "referral_sent":
            return referral_due(event.text)
    return None


async def inbox_rows(
    session: AsyncSession, principal: Principal, page_number: int
) -> tuple[list[Referral], list[AuthorizationRecord], bool]:
    """The referrals to answer (all of them) and one page of the organization's
    authorizations, newest first, and whether more follow."""
    waiting = (
        await search_authorizations(
            session=session,
            principal=principal,
            where=AuthorizationFilter(statuses=[AWAITING]),
            window=Window(PAGE_SIZE),
        )
    ).rows
    events = await timelines(session=session, authorization_ids=[row.id for row in waiting])
    referrals = [Referral(row, due_of(events[row.id])) for row in waiting]
    referrals.sort(key=lambda r: (r.due or date.max, r.row.id))
    found = await search_authorizations(
        session=session,
        principal=principal,
        where=AuthorizationFilter(),
        window=Window.first(PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE),
    )
    return referrals, found.rows, found.has_next


async def detail(
    request: Request,
    session: AsyncSession,
    principal: Principal,
    row: AuthorizationRecord,
    events: Sequence[AuthorizationEvent],
    asked: Sequence[str],
) -> Detail:
    """Everything the authorization's page shows besides the row and its timeline."""
    runtime = runtime_of(request)
    note = ""
    try:
        balances = await member_balances(
            session=session,
            cache=DEFINITIONS,
            principal=principal,
            cin=row.member_cin,
            support=row.support,
            on=row.service_start,
            in_force=runtime.in_force,
        )
    except (MemberNotVisible, NoDefinitionInForce) as why:
        balances, note = [], str(why)
    codes: Sequence[BillingCode] = ()
    labels: dict[str, str] = {}
    ref = DefinitionRef(row.definition_plan, row.support, row.definition_version, row.content_hash)
    try:
        definition = await DEFINITIONS.get(session, ref)
    except PinnedDefinitionError:
        definition = None
    if definition is not None:
        codes = definition.pricing.codes if definition.pricing is not None else ()
        if definition.authorization is not None:
            for step in definition.authorization.steps:
                labels |= {doc.id: doc.label for doc in step.documents}
    documents = (await documents_of(session=session, authorization_ids=[row.id]))[row.id]
    notes = await notes_of(session=session, authorization_id=row.id)
    return Detail(
        row, events, due_of(events), balances, note, codes, asked, documents, labels, notes
    )


def list_audit(
    request: Request, principal: Principal, rows: Sequence[AuthorizationRecord]
) -> AuditRecord:
    """The audit line of the inbox: which authorizations (and so which members) it showed."""
    return AuditRecord(
        principal,
        "provider.list_authorizations",
        f"authorizations:{principal.plan}/{principal.provider}",
        "ok",
        origin_of(request),
        detail=" ".join(sorted({row.id for row in rows})),
    )

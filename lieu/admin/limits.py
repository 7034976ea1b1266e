"""The limits on an authorization's page: what each leaves the member (used through lieu, used
elsewhere, held, adjusted, remaining, and why nothing is left), and for a reviewer the form that
approves an exception where a limit refused or cut the request and its rule allows one."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from lieu.admin.database import runtime_of, writes
from lieu.platform.access.audit import AuditRecord, Origin, record
from lieu.platform.access.eligibility_check import NoDefinitionInForce
from lieu.platform.access.limit_exceptions import (
    ExceptionAsked,
    UnknownLimit,
    approve_member_exception,
)
from lieu.platform.access.members import MemberNotVisible
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.pinning import PinnedDefinitionError
from lieu.platform.authorizations.records import DefinitionRef
from lieu.platform.limits.errors import LedgerError
from lieu.platform.limits.spec import LimitSpec
from lieu.platform.limits.window_balance import WindowBalance, window_balance
from lieu.workflows.authorizations.service import DEFINITIONS

MAX_EXTRA = Decimal(10) ** 9


class BadExceptionInput(ValueError):
    """The exception form cannot be sent as it is; the message says what to change."""


@dataclass(frozen=True, slots=True)
class LimitLine:
    """One limit of the authorization's support, seen on its first day of service."""

    spec: LimitSpec
    balance: WindowBalance

    @property
    def exception_allowed(self) -> bool:
        return self.spec.exception.allowed


async def limit_lines(session: AsyncSession, row: AuthorizationRecord) -> list[LimitLine]:
    """Every limit of the pinned definition that counts the support, with its balance."""
    ref = DefinitionRef(row.definition_plan, row.support, row.definition_version, row.content_hash)
    try:
        definition = await DEFINITIONS.get(session, ref)
    except PinnedDefinitionError:
        return []  # the page still shows everything else; the definition's problem is elsewhere
    lines = []
    for limit in definition.limits:
        spec = LimitSpec.from_json(asdict(limit))
        if spec.covers(row.support):
            seen = await window_balance(
                row.member_cin, spec, row.service_start, viewer_plan=row.plan, session=session
            )
            lines.append(LimitLine(spec, seen))
    return lines


def held_by_a_limit(row: AuthorizationRecord, lines: list[LimitLine]) -> bool:
    """Whether a limit refused or cut the request: less is held than asked, or one is used up."""
    short = row.quantity_reserved < (row.quantity_approved or row.quantity_requested)
    return short or any(line.balance.exhausted for line in lines)


def exception_values(form: FormData) -> dict[str, str]:
    """What the exception form carried, kept to show again after a refusal."""
    key = str(form.get("key", "")).strip()
    return {
        "limit": str(form.get("limit", "")).strip(),
        "extra": str(form.get("extra", "")).strip(),
        "applies_from": str(form.get("applies_from", "")).strip(),
        "reason": str(form.get("reason", "")).strip(),
        "key": key[:64] if key else uuid.uuid4().hex,
    }


def _asked(row: AuthorizationRecord, values: dict[str, str]) -> ExceptionAsked:
    if not values["limit"]:
        raise BadExceptionInput("choose the limit the exception raises")
    try:
        extra = Decimal(values["extra"])
    except InvalidOperation:
        raise BadExceptionInput(
            f"{values['extra']!r} is not a number; write how much more, like 40 or 7.5"
        ) from None
    if not extra.is_finite() or extra <= 0 or extra >= MAX_EXTRA:
        raise BadExceptionInput(f"how much more must be above 0 and below {MAX_EXTRA:,}")
    if extra != extra.quantize(Decimal("0.01")):
        raise BadExceptionInput(f"{values['extra']!r} has more than two decimals; round it")
    try:
        start = date.fromisoformat(values["applies_from"]) if values["applies_from"] else None
    except ValueError:
        raise BadExceptionInput(
            f"{values['applies_from']!r} is not a date; write it as YYYY-MM-DD"
        ) from None
    reason = values["reason"]
    if not reason:
        raise BadExceptionInput("an exception needs the reason its rule asks for")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in reason):
        raise BadExceptionInput("the reason contains a control character; type it again")
    return ExceptionAsked(
        cin=row.member_cin,
        support=row.support,
        limit_id=values["limit"],
        extra=extra,
        start=start or row.service_start,
        reason=reason,
        key=values["key"],
    )


async def approve_from_console(
    request: Request,
    principal: Principal,
    row: AuthorizationRecord,
    values: dict[str, str],
    origin: Origin,
) -> Response | str:
    """Record the exception and redirect with the catalogue's message; or the refusal, in words."""
    try:
        asked = _asked(row, values)
    except BadExceptionInput as bad:
        return str(bad)
    target = f"member:{principal.plan}/{row.member_cin}"
    detail = f"{asked.support}/{asked.limit_id} +{asked.extra} (authorization {row.id})"
    try:
        async with writes(request).begin() as session:
            await approve_member_exception(
                asked,
                session=session,
                cache=DEFINITIONS,
                principal=principal,
                in_force=runtime_of(request).in_force,
            )
            line = AuditRecord(principal, "console.approve_exception", target, "ok", origin, detail)
            record(session, [line])
    except (MemberNotVisible, NoDefinitionInForce, UnknownLimit, LedgerError) as refused:
        async with writes(request).begin() as session:
            why = f"{detail}: {refused}"
            line = AuditRecord(
                principal, "console.approve_exception", target, "refused", origin, why
            )
            record(session, [line])
        return str(refused)
    query = urlencode({"flash": "exception_approved"})
    return RedirectResponse(f"/admin/authorizations/{row.id}?{query}", status_code=303)

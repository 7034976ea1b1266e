"""Two read-only pages: the audit log viewer (who read or changed what, PHI reads included,
filterable and paginated, as the `auditLog` query answers it) and a member's page (their
authorizations, balances per support through the `balances` service, and notices), whose read
is audited as GraphQL's `member` read is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from lieu.admin.access import AUDIT_LOG, BALANCES, MEMBER, SEARCH, refused
from lieu.admin.actions import origin_of
from lieu.admin.database import runtime_of, writes
from lieu.admin.notice_lines import notices_for_member
from lieu.admin.pages import answers_when_busy, page
from lieu.admin.search import BadSearch, day_of
from lieu.admin.session import NotSignedIn, principal_of
from lieu.platform.access.audit import AuditFilter, AuditRecord, audit_trail, count_audit, record
from lieu.platform.access.authorizations import (
    AuthorizationFilter,
    count_authorizations,
    search_authorizations,
)
from lieu.platform.access.balances import LimitBalance, member_balances
from lieu.platform.access.eligibility_check import NoDefinitionInForce
from lieu.platform.access.members import MemberNotVisible, visible_member
from lieu.platform.access.models import AuditEntry
from lieu.platform.access.roles import Principal
from lieu.platform.db.base import utcnow
from lieu.platform.db.keyset import Window
from lieu.workflows.authorizations.service import DEFINITIONS

PAGE_SIZE = 50
LAST_PAGE = 10_000
MEMBER_AUTHORIZATIONS = 50


async def _signed_in(request: Request) -> Principal | Response:
    try:
        return await principal_of(request)
    except NotSignedIn:
        query = urlencode({"next": str(request.url.path)})
        return RedirectResponse(f"/admin/login?{query}", status_code=303)


def audit_filter(request: Request) -> AuditFilter:
    """The audit log filter the GET parameters describe (`BadSearch` for a bad date)."""
    params = request.query_params
    first, last = day_of(params, "from"), day_of(params, "to")
    if first and last and last < first:
        raise BadSearch("to", last.isoformat(), f"on or after from ({first})")

    def given(name: str) -> str | None:
        return (params.get(name) or "").strip() or None

    return AuditFilter(
        target=given("target"),
        token_id=given("token"),
        action=given("action"),
        starts=datetime.combine(first, time(), UTC) if first else None,
        ends=datetime.combine(last + timedelta(days=1), time(), UTC) if last else None,
    )


async def audit_log(request: Request) -> Response:
    """The plan's audit log, newest first, fifty a page, with the total."""
    principal = await _signed_in(request)
    if isinstance(principal, Response):
        return principal
    if not AUDIT_LOG.allows(principal):
        return refused(request, principal, AUDIT_LOG)
    params = request.query_params
    raw_page = params.get("page", "1")
    bad: BadSearch | None = None
    if not (raw_page.isascii() and raw_page.isdigit() and 1 <= int(raw_page) <= LAST_PAGE):
        bad = BadSearch("page", raw_page[:40], f"a whole number from 1 to {LAST_PAGE}")
    try:
        where = audit_filter(request)
    except BadSearch as wrong:
        bad, where = wrong, AuditFilter()
    rows: list[AuditEntry] = []
    total, page_number = 0, 1
    if bad is None:
        page_number = int(raw_page)
        # The log names members (targets such as member:plan/CIN): reading it is audited too.
        async with writes(request).begin() as session:
            total = await count_audit(session=session, plan=principal.plan, where=where)
            found = await audit_trail(
                session=session,
                plan=principal.plan,
                window=Window.first(PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE),
                where=where,
            )
            rows = found.rows
            line = AuditRecord(
                principal,
                "console.audit_log",
                f"audit:{principal.plan}",
                "ok",
                origin_of(request),
                detail=str(params)[:500],
            )
            record(session, [line])
    query = [(k, v) for k, v in params.multi_items() if k != "page"]
    return page(
        request,
        "audit_log.html",
        {
            "rows": rows,
            "total": total,
            "asked": {key: params.get(key, "") for key in params},
            "bad": bad,
            "page_number": page_number,
            "last_page": max(1, -(-total // PAGE_SIZE)),
            "more": page_number * PAGE_SIZE < total,
            "query": query,
        },
        principal=principal,
        status_code=400 if bad else 200,
    )


@dataclass(frozen=True, slots=True)
class SupportBalances:
    """A support's limits for the member, or why none can be shown."""

    support: str
    limits: list[LimitBalance]
    problem: str = ""


async def member_page(request: Request) -> Response:
    """One member: their authorizations, balances per support and notices (a PHI read,
    audited as `console.member` with the parts shown)."""
    principal = await _signed_in(request)
    if isinstance(principal, Response):
        return principal
    if not MEMBER.allows(principal):
        return refused(request, principal, MEMBER)
    cin = request.path_params["cin"]
    target = f"member:{principal.plan}/{cin}"
    origin = origin_of(request)
    today = utcnow().date()
    async with writes(request).begin() as session:
        try:
            member = await visible_member(session=session, principal=principal, cin=cin)
        except MemberNotVisible:
            record(session, [AuditRecord(principal, "console.member", target, "not_found", origin)])
            return page(
                request,
                "not_found.html",
                {"what": "member", "number": cin},
                principal=principal,
                status_code=404,
            )
        rows, total, balances, notices = [], 0, [], []
        if SEARCH.allows(principal):
            where = AuthorizationFilter(member_cin=cin)
            total = await count_authorizations(session=session, principal=principal, where=where)
            theirs = await search_authorizations(
                session=session,
                principal=principal,
                where=where,
                window=Window.first(MEMBER_AUTHORIZATIONS),
            )
            rows = theirs.rows
            notices = await notices_for_member(session=session, principal=principal, cin=cin)
        if BALANCES.allows(principal):
            for support in sorted({row.support for row in rows}):
                try:
                    limits = await member_balances(
                        session=session,
                        cache=DEFINITIONS,
                        principal=principal,
                        cin=cin,
                        support=support,
                        on=today,
                        in_force=runtime_of(request).in_force,
                    )
                    balances.append(SupportBalances(support, limits))
                except NoDefinitionInForce as none:
                    balances.append(SupportBalances(support, [], str(none)))
        shown = f"authorizations {len(rows)}, balances {len(balances)}, notices {len(notices)}"
        record(session, [AuditRecord(principal, "console.member", target, "ok", origin, shown)])
    return page(
        request,
        "member.html",
        {
            "member": member,
            "rows": rows,
            "total": total,
            "balances": balances,
            "notices": notices,
            "today": today,
            "shows_authorizations": SEARCH.allows(principal),
            "shows_balances": BALANCES.allows(principal),
        },
        principal=principal,
    )


def routes() -> list[Route]:
    """The audit log and member pages."""
    return [
        Route("/audit", answers_when_busy(audit_log), name="admin-audit"),
        Route("/members/{cin}", answers_when_busy(member_page), name="admin-member"),
    ]

"""The console's authorization search: every filter a GET parameter, so a search is a URL one can
share (and the dashboard's counts link to theirs); results paginated with the total count."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import urlencode

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from lieu.admin.access import SEARCH, refused
from lieu.admin.actions import origin_of
from lieu.admin.database import writes
from lieu.admin.notice_lines import notices_for_member
from lieu.admin.pages import page
from lieu.admin.session import NotSignedIn, principal_of
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.authorizations import (
    QUEUES,
    AuthorizationFilter,
    DateRange,
    count_authorizations,
    search_authorizations,
)
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.lifecycle.reports import npi_valid
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Status
from lieu.platform.db.keyset import Window
from lieu.platform.elections.counties import COUNTY_NAMES, county_slug

PAGE_SIZE = 50
LAST_PAGE = 10_000  # 500,000 rows in: past it, narrow the search
DATES = ("requested", "decided", "deadline")  # each with _from and _to parameters


@dataclass(frozen=True, slots=True)
class BadSearch(ValueError):
    """A parameter the search cannot use: which, what was given, and what would do."""

    parameter: str
    given: str
    expected: str

    def __str__(self) -> str:
        return f"{self.parameter}={self.given!r} is not {self.expected}"


def day_of(params: QueryParams, name: str) -> date | None:
    given = (params.get(name) or "").strip()
    if not given:
        return None
    try:
        return date.fromisoformat(given)
    except ValueError:
        raise BadSearch(name, given[:40], "a date such as 2026-12-04 (year-month-day)") from None


def _range(params: QueryParams, name: str) -> DateRange | None:
    first, last = day_of(params, f"{name}_from"), day_of(params, f"{name}_to")
    if first is None and last is None:
        return None
    if first and last and last < first:
        raise BadSearch(f"{name}_to", last.isoformat(), f"on or after {name}_from ({first})")
    return DateRange(first, last)


def search_filter(params: QueryParams) -> AuthorizationFilter:
    """The search the parameters describe (`BadSearch` for one it cannot run)."""
    statuses = [s for s in params.getlist("status") if s]
    known = {s.value for s in Status}
    for status in statuses:
        if status not in known:
            raise BadSearch("status", status[:40], f"one of {', '.join(sorted(known))}")
    queue = params.get("queue") or None
    if queue is not None and queue not in QUEUES:
        raise BadSearch("queue", queue[:40], f"one of {', '.join(QUEUES)}")
    county = (params.get("county") or "").strip()
    npi = (params.get("npi") or "").strip()
    if npi and not npi_valid(npi):
        expected = "an NPI: 10 digits whose last is their check digit (Luhn over 80840 and them)"
        raise BadSearch("npi", npi[:40], expected)
    return AuthorizationFilter(
        statuses=statuses,
        number=(params.get("number") or "").strip() or None,
        support=(params.get("support") or "").strip() or None,
        provider=(params.get("provider") or "").strip() or None,
        npi=npi or None,
        member_cin=(params.get("member") or "").strip() or None,
        county=county_slug(county) if county else None,
        escalated=True if params.get("escalated") == "1" else None,
        requested=_range(params, "requested"),
        decided=_range(params, "decided"),
        deadline=_range(params, "deadline"),
        queue=queue,
        at=datetime.now(UTC) if queue else None,
    )


async def authorizations(request: Request) -> Response:
    """Search authorizations; the page shows the total and fifty a page."""
    try:
        principal = await principal_of(request)
    except NotSignedIn:
        query = urlencode({"next": str(request.url.path)})
        return RedirectResponse(f"/admin/login?{query}", status_code=303)
    if not SEARCH.allows(principal):
        return refused(request, principal, SEARCH)
    params = request.query_params
    raw_page = params.get("page", "1")
    if not (raw_page.isascii() and raw_page.isdigit() and 1 <= int(raw_page) <= LAST_PAGE):
        return page(
            request,
            "bad_page.html",
            {"given": raw_page[:40], "last": LAST_PAGE, "query": _without_page(params)},
            principal=principal,
            status_code=400,
        )
    try:
        where = search_filter(params)
    except BadSearch as bad:
        return _search_page(request, principal, AuthorizationFilter(), bad=bad)
    return await _search(request, principal, where, int(raw_page))


async def _search(
    request: Request, principal: Principal, where: AuthorizationFilter, page_number: int
) -> Response:
    # The page shows members' CINs: a read of member data, so its audit line makes it a write.
    async with writes(request).begin() as session:
        total = await count_authorizations(session=session, principal=principal, where=where)
        found = await search_authorizations(
            session=session,
            principal=principal,
            where=where,
            window=Window.first(PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE),
        )
        rows = found.rows
        member_notices = []
        if where.member_cin:
            member_notices = await notices_for_member(
                session=session, principal=principal, cin=where.member_cin
            )
            target = f"member:{principal.plan}/{where.member_cin}"
            audit = AuditRecord(
                principal, "console.search_member", target, "ok", origin_of(request)
            )
            record(session, [audit])
        if rows:
            record(session, [list_audit(request, principal, "console.list_authorizations", rows)])
    return _search_page(
        request,
        principal,
        where,
        rows=rows,
        total=total,
        page_number=page_number,
        member_notices=member_notices,
    )


def _search_page(
    request: Request,
    principal: Principal,
    where: AuthorizationFilter,
    *,
    rows: list[AuthorizationRecord] | None = None,
    total: int = 0,
    page_number: int = 1,
    member_notices: Sequence[object] | None = None,
    bad: BadSearch | None = None,
) -> Response:
    params = request.query_params
    return page(
        request,
        "authorizations.html",
        {
            "rows": rows or [],
            "total": total,
            "member_notices": member_notices or [],
            "where": where,
            "asked": {key: params.get(key, "") for key in params},
            "statuses": [s.value for s in Status],
            "queues": QUEUES,
            "counties": COUNTY_NAMES,
            "dates": DATES,
            "page_number": page_number,
            "last_page": max(1, -(-total // PAGE_SIZE)),
            "more": page_number * PAGE_SIZE < total,
            "query": _without_page(params),
            "bad": bad,
        },
        principal=principal,
        status_code=400 if bad else 200,
    )


def list_audit(
    request: Request, principal: Principal, action: str, rows: list[AuthorizationRecord]
) -> AuditRecord:
    """The audit line of a page listing authorizations (and so their members' CINs): which
    authorizations it showed."""
    return AuditRecord(
        principal,
        action,
        f"authorizations:{principal.plan}",
        "ok",
        origin_of(request),
        detail=" ".join(row.id for row in rows),
    )


def _without_page(params: QueryParams) -> list[tuple[str, str]]:
    return [(k, v) for k, v in params.multi_items() if k != "page"]

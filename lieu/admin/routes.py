"""The operations console: server-rendered pages under /admin."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lieu.admin.access import ONE, QUEUES, SEARCH, refused
from lieu.admin.actions import act, authorization_page, origin_of
from lieu.admin.contracts import routes as contract_routes
from lieu.admin.database import reads, runtime_of, writes
from lieu.admin.limits import limit_lines
from lieu.admin.notice_lines import authorization_notices, notices_for_member
from lieu.admin.notices import routes as notice_routes
from lieu.admin.pages import HERE, answers_when_busy, page
from lieu.admin.session import (
    COOKIE,
    NotSignedIn,
    check_token,
    login_csrf_token,
    login_nonce,
    principal_of,
    set_login_cookie,
    sign_in,
    sign_out,
)
from lieu.admin.studio import (
    elections_page,
    studio,
    studio_simulate,
    studio_support,
    submit_election,
)
from lieu.health import check_all
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.authorizations import (
    AuthorizationFilter,
    expiring,
    find_authorization,
    review_queue,
    search_authorizations,
    stalled,
    timelines,
)
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.authorizations.status import Status
from lieu.platform.catalog import published_supports
from lieu.platform.notes.service import notes_of

PAGE_SIZE = 50
QUEUE_SIZE = 10
LAST_PAGE = 10_000  # 500,000 rows in: past it, narrow the search


def _to_login(back: str = "/admin/") -> Response:
    # The sign-in page works out why by itself: a link never carries text for it to show.
    return RedirectResponse(f"/admin/login?{urlencode({'next': back})}", status_code=303)


async def overview(request: Request) -> Response:
    """Health, published definitions, and for signed-in staff the work that needs attention."""
    runtime = runtime_of(request)
    checks = await check_all(runtime.engine, runtime.temporal, runtime.settings.temporal_address)
    try:
        principal: Principal | None = await principal_of(request) if checks[0].ok else None
    except NotSignedIn:
        principal = None
    supports, queues = [], {}
    now = datetime.now(UTC)
    if checks[0].ok:
        async with reads(request)() as session:
            supports = await published_supports(session=session, on=now.date())
            if principal is not None:
                queues = await _queues(session, principal, now)
        listed = [row for rows in queues.values() for row in rows]
        if principal is not None and listed:  # the queues show members' CINs
            async with writes(request).begin() as session:
                record(session, [_list_audit(request, principal, "console.overview", listed)])
    return page(
        request,
        "overview.html",
        {
            "checks": checks,
            "supports": supports,
            "plans": sorted({entry.plan for entry in supports}),
            "today": now.date(),
            "settings": runtime.settings,
            "queues": queues,
        },
        principal=principal,
    )


async def _queues(
    session: AsyncSession, principal: Principal, now: datetime
) -> dict[str, Sequence[AuthorizationRecord]]:
    """The overview's lists of work, each only for the roles GraphQL answers it to."""
    lists: dict[str, Sequence[AuthorizationRecord]] = {}
    if QUEUES["overdue"].allows(principal):
        lists["overdue"] = await review_queue(
            session=session, principal=principal, offset=0, limit=QUEUE_SIZE, overdue_at=now
        )
    if QUEUES["review"].allows(principal):
        lists["review"] = await review_queue(
            session=session, principal=principal, offset=0, limit=QUEUE_SIZE
        )
    if QUEUES["expiring"].allows(principal):
        lists["expiring"] = await expiring(
            session=session,
            principal=principal,
            today=now.date(),
            within_days=30,
            offset=0,
            limit=QUEUE_SIZE,
        )
    if QUEUES["stalled"].allows(principal):
        lists["stalled"] = await stalled(
            session=session,
            principal=principal,
            now=now,
            quiet_for=timedelta(minutes=10),
            offset=0,
            limit=QUEUE_SIZE,
        )
    return lists


async def login_form(request: Request) -> Response:
    """The sign-in form, saying why the console's cookie no longer signs in (if it does not)."""
    back = _safe_next(request)
    reason = ""
    if request.cookies.get(COOKIE):
        try:
            await principal_of(request)
        except NotSignedIn as refused_session:
            reason = refused_session.reason
    elif back != "/admin/":
        reason = "sign in to see that page"
    return _login_page(request, {"reason": reason, "next": back})


def _login_page(request: Request, context: dict[str, str], status_code: int = 200) -> Response:
    """The sign-in form, its CSRF token bound to a pre-session cookie (set if new)."""
    nonce, new = login_nonce(request)
    response = page(
        request,
        "login.html",
        {**context, "login_csrf": login_csrf_token(request, nonce)},
        status_code=status_code,
    )
    if new:
        set_login_cookie(request, response, nonce)
    return response


async def login(request: Request) -> Response:
    """Check the token; on success open a new server-side session (its id, signed, is the
    cookie; the token never is) and go on."""
    form = await request.form()
    secret = str(form.get("token", ""))
    back = _safe_next(request, str(form.get("next", "/admin/")))
    try:
        principal = await check_token(runtime_of(request), secret)
    except NotSignedIn as refused_token:
        context = {"reason": refused_token.reason, "next": back}
        return _login_page(request, context, status_code=401)
    response = RedirectResponse(back, status_code=303)
    await sign_in(request, response, principal)
    return response


async def logout(request: Request) -> Response:
    """End the session in the database (its cookie no longer signs in anywhere) and forget it."""
    response = RedirectResponse("/admin/", status_code=303)
    await sign_out(request, response)
    return response


async def authorizations(request: Request) -> Response:
    """Search authorizations by status, support, provider and member."""
    try:
        principal = await principal_of(request)
    except NotSignedIn:
        return _to_login(str(request.url.path))
    if not SEARCH.allows(principal):
        return refused(request, principal, SEARCH)
    params = request.query_params
    where = AuthorizationFilter(
        statuses=[s for s in params.getlist("status") if s],
        support=params.get("support") or None,
        provider=params.get("provider") or None,
        member_cin=(params.get("member") or "").strip() or None,
        escalated=True if params.get("escalated") == "1" else None,
    )
    raw_page = params.get("page", "1")
    if not (raw_page.isascii() and raw_page.isdigit() and 1 <= int(raw_page) <= LAST_PAGE):
        return page(
            request,
            "bad_page.html",
            {"given": raw_page[:40], "last": LAST_PAGE, "query": _without_page(params)},
            principal=principal,
            status_code=400,
        )
    page_number = int(raw_page)
    # The page shows members' CINs: a read of member data, so its audit line makes it a write.
    async with writes(request).begin() as session:
        rows = await search_authorizations(
            session=session,
            principal=principal,
            where=where,
            offset=(page_number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE + 1,
        )
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
        shown = rows[:PAGE_SIZE]
        if shown:
            record(session, [_list_audit(request, principal, "console.list_authorizations", shown)])
    more = len(rows) > PAGE_SIZE
    return page(
        request,
        "authorizations.html",
        {
            "rows": rows[:PAGE_SIZE],
            "member_notices": member_notices,
            "where": where,
            "statuses": [s.value for s in Status],
            "page_number": page_number,
            "more": more,
            "query": _without_page(params),
        },
        principal=principal,
    )


async def authorization(request: Request) -> Response:
    """One authorization: its status, quantities, dates, timeline, and the actions allowed."""
    number = request.path_params["number"]
    try:
        principal = await principal_of(request)
    except NotSignedIn:
        return _to_login(str(request.url.path))
    if not ONE.allows(principal):
        return refused(request, principal, ONE)
    async with writes(request).begin() as session:
        row = await find_authorization(
            session=session, principal=principal, authorization_id=number
        )
        events = (await timelines(session=session, authorization_ids=[number]))[number]
        notices = (
            await authorization_notices(session=session, authorization_id=number) if row else []
        )
        limits = await limit_lines(session, row) if row else []
        notes = await notes_of(session=session, authorization_id=number) if row else []
        outcome = "ok" if row else "not_found"
        audit = AuditRecord(
            principal,
            "console.view_authorization",
            f"authorization:{number}",
            outcome,
            origin_of(request),
        )
        record(session, [audit])
    return authorization_page(
        request,
        principal,
        row,
        events,
        number=number,
        notices=notices,
        limits=limits,
        notes=notes,
    )


def _list_audit(
    request: Request, principal: Principal, action: str, rows: Sequence[AuthorizationRecord]
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


def _safe_next(request: Request, given: str | None = None) -> str:
    target = given if given is not None else request.query_params.get("next", "/admin/")
    return target if target.startswith("/admin") and "//" not in target else "/admin/"


def routes() -> list[Route | Mount]:
    """The console's routes, to mount at /admin."""
    return [
        Route("/", answers_when_busy(overview), name="admin-overview"),
        Route("/login", answers_when_busy(login_form), methods=["GET"], name="admin-login"),
        Route("/login", answers_when_busy(login), methods=["POST"]),
        Route("/logout", answers_when_busy(logout), methods=["POST"], name="admin-logout"),
        Route("/authorizations", answers_when_busy(authorizations), name="admin-authorizations"),
        Route(
            "/authorizations/{number}",
            answers_when_busy(authorization),
            name="admin-authorization",
        ),
        Route(
            "/authorizations/{number}/{action}",
            answers_when_busy(act),
            methods=["POST"],
            name="admin-act",
        ),
        Route("/studio", answers_when_busy(studio), name="admin-studio"),
        Route(
            "/studio/elections", answers_when_busy(elections_page), name="admin-studio-elections"
        ),
        Route(
            "/studio/elections",
            answers_when_busy(submit_election),
            methods=["POST"],
            name="admin-studio-submit-election",
        ),
        Route("/studio/{support}", answers_when_busy(studio_support), name="admin-studio-support"),
        Route(
            "/studio/{support}/simulate",
            answers_when_busy(studio_simulate),
            methods=["POST"],
            name="admin-studio-simulate",
        ),
        *notice_routes(),
        *contract_routes(),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="admin-static"),
    ]

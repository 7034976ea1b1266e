"""The operations console: server-rendered pages under /admin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lieu.admin.pages import HERE, page
from lieu.admin.session import COOKIE, NotSignedIn, check_token, principal_of, same_origin
from lieu.health import check_all
from lieu.platform.access.audit import AuditRecord, Origin, record
from lieu.platform.access.authorizations import (
    AuthorizationFilter,
    expiring,
    find_authorization,
    review_queue,
    search_authorizations,
    stalled,
    timelines,
)
from lieu.platform.access.roles import Principal, Role
from lieu.platform.authorizations.status import Decision, Status
from lieu.platform.catalog import published_supports
from lieu.runtime import Runtime
from lieu.workflows.authorizations.service import AuthorizationRequestError, send_update
from lieu.workflows.authorizations.types import Cancel, ReviewDecision
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow

PAGE_SIZE = 50
QUEUE_SIZE = 10


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _to_login(reason: str, back: str = "/admin/") -> Response:
    query = urlencode({"reason": reason, "next": back})
    return RedirectResponse(f"/admin/login?{query}", status_code=303)


def _origin(request: Request) -> Origin:
    return Origin(
        client_ip=request.client.host if request.client else "",
        user_agent=request.headers.get("user-agent", ""),
    )


async def overview(request: Request) -> Response:
    """Health, published definitions, and for signed-in staff the work that needs attention."""
    runtime = _runtime(request)
    checks = await check_all(runtime.engine, runtime.temporal, runtime.settings.temporal_address)
    try:
        principal: Principal | None = await principal_of(request) if checks[0].ok else None
    except NotSignedIn:
        principal = None
    supports, queues = [], {}
    if checks[0].ok:
        async with runtime.sessions() as session:
            supports = await published_supports(session=session)
            if principal is not None:
                now = datetime.now(UTC)
                queues = {
                    "overdue": await review_queue(
                        session=session,
                        principal=principal,
                        offset=0,
                        limit=QUEUE_SIZE,
                        overdue_at=now,
                    ),
                    "review": await review_queue(
                        session=session, principal=principal, offset=0, limit=QUEUE_SIZE
                    ),
                    "expiring": await expiring(
                        session=session,
                        principal=principal,
                        today=now.date(),
                        within_days=30,
                        offset=0,
                        limit=QUEUE_SIZE,
                    ),
                    "stalled": await stalled(
                        session=session,
                        principal=principal,
                        now=now,
                        quiet_for=timedelta(minutes=10),
                        offset=0,
                        limit=QUEUE_SIZE,
                    ),
                }
    return page(
        request,
        "overview.html",
        {
            "checks": checks,
            "supports": supports,
            "plans": sorted({entry.plan for entry in supports}),
            "settings": runtime.settings,
            "queues": queues,
        },
        principal=principal,
    )


async def login_form(request: Request) -> Response:
    """The sign-in form."""
    return page(
        request,
        "login.html",
        {"reason": request.query_params.get("reason", ""), "next": _safe_next(request)},
    )


async def login(request: Request) -> Response:
    """Check the token; on success keep it in an HttpOnly cookie and go on."""
    form = await request.form()
    secret = str(form.get("token", ""))
    back = _safe_next(request, str(form.get("next", "/admin/")))
    try:
        await check_token(_runtime(request), secret)
    except NotSignedIn as refused:
        context = {"reason": refused.reason, "next": back}
        return page(request, "login.html", context, status_code=401)
    response = RedirectResponse(back, status_code=303)
    response.set_cookie(
        COOKIE,
        secret.strip(),
        httponly=True,
        samesite="strict",
        path="/admin",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
    )
    return response


async def logout(_request: Request) -> Response:
    """Forget the token."""
    response = RedirectResponse("/admin/", status_code=303)
    response.delete_cookie(COOKIE, path="/admin")
    return response


async def authorizations(request: Request) -> Response:
    """Search authorizations by status, support, provider and member."""
    try:
        principal = await principal_of(request)
    except NotSignedIn as missing:
        return _to_login(missing.reason, str(request.url.path))
    params = request.query_params
    where = AuthorizationFilter(
        statuses=[s for s in params.getlist("status") if s],
        support=params.get("support") or None,
        provider=params.get("provider") or None,
        member_cin=(params.get("member") or "").strip() or None,
        escalated=True if params.get("escalated") == "1" else None,
    )
    raw_page = params.get("page", "1")
    page_number = max(int(raw_page), 1) if raw_page.isdigit() else 1
    async with _runtime(request).sessions.begin() as session:
        rows = await search_authorizations(
            session=session,
            principal=principal,
            where=where,
            offset=(page_number - 1) * PAGE_SIZE,
            limit=PAGE_SIZE + 1,
        )
        if where.member_cin:
            record(
                session,
                [
                    AuditRecord(
                        principal, "console.search_member", where.member_cin, "ok", _origin(request)
                    )
                ],
            )
    more = len(rows) > PAGE_SIZE
    return page(
        request,
        "authorizations.html",
        {
            "rows": rows[:PAGE_SIZE],
            "where": where,
            "statuses": [s.value for s in Status],
            "page_number": page_number,
            "more": more,
            "query": {k: v for k, v in params.items() if k != "page"},
        },
        principal=principal,
    )


async def authorization(request: Request) -> Response:
    """One authorization: its status, quantities, dates, timeline, and the actions allowed."""
    number = request.path_params["number"]
    try:
        principal = await principal_of(request)
    except NotSignedIn as missing:
        return _to_login(missing.reason, str(request.url.path))
    async with _runtime(request).sessions.begin() as session:
        row = await find_authorization(
            session=session, principal=principal, authorization_id=number
        )
        events = (await timelines(session=session, authorization_ids=[number]))[number]
        record(
            session,
            [
                AuditRecord(
                    principal,
                    "console.view_authorization",
                    number,
                    "ok" if row else "not_found",
                    _origin(request),
                )
            ],
        )
    if row is None:
        return page(
            request, "not_found.html", {"number": number}, principal=principal, status_code=404
        )
    return page(
        request,
        "authorization.html",
        {
            "row": row,
            "events": events,
            "can_cancel": principal.role is Role.OPERATIONS and not Status(row.status).is_final,
            "can_decide": principal.role is Role.REVIEWER
            and row.review_deadline is not None
            and row.status in (Status.PENDING_REVIEW.value, Status.PRESUMPTIVE.value),
        },
        principal=principal,
    )


async def act(request: Request) -> Response:
    """Cancel (operations) or decide (reviewers) from the console."""
    number = request.path_params["number"]
    action = request.path_params["action"]
    back = f"/admin/authorizations/{number}"
    try:
        principal = await principal_of(request)
    except NotSignedIn as missing:
        return _to_login(missing.reason, back)
    if not same_origin(request):
        return Response("cross-site form posts are refused", status_code=403)
    form = await request.form()
    runtime = _runtime(request)
    async with runtime.sessions() as session:
        row = await find_authorization(
            session=session, principal=principal, authorization_id=number
        )
    if row is None:
        return page(
            request, "not_found.html", {"number": number}, principal=principal, status_code=404
        )
    reason = str(form.get("reason", "")).strip()
    try:
        if action == "cancel" and principal.role is Role.OPERATIONS:
            await send_update(
                runtime.temporal,
                number,
                AuthorizationWorkflow.cancel,
                Cancel(principal.actor, reason),
            )
            message = "cancelled"
        elif action == "decide" and principal.role is Role.REVIEWER:
            decision = Decision(str(form.get("decision", "")))
            quantity = _quantity(str(form.get("quantity", "")))
            await send_update(
                runtime.temporal,
                number,
                AuthorizationWorkflow.decide,
                ReviewDecision(principal.actor, decision, reason, quantity),
            )
            message = f"decision recorded: {decision.value}"
        else:
            return Response(f"a {principal.role.value} cannot {action}", status_code=403)
    except (AuthorizationRequestError, ValueError) as refused:
        message = f"refused: {getattr(refused, 'message', str(refused))}"
    async with runtime.sessions.begin() as session:
        record(
            session,
            [
                AuditRecord(
                    principal, f"console.{action}", number, message, _origin(request), reason
                )
            ],
        )
    return RedirectResponse(f"{back}?{urlencode({'flash': message})}", status_code=303)


def _quantity(text: str) -> Decimal | None:
    if not text.strip():
        return None
    try:
        return Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None


def _safe_next(request: Request, given: str | None = None) -> str:
    target = given if given is not None else request.query_params.get("next", "/admin/")
    return target if target.startswith("/admin") and "//" not in target else "/admin/"


def routes() -> list[Route | Mount]:
    """The console's routes, to mount at /admin."""
    return [
        Route("/", overview, name="admin-overview"),
        Route("/login", login_form, methods=["GET"], name="admin-login"),
        Route("/login", login, methods=["POST"]),
        Route("/logout", logout, methods=["POST"], name="admin-logout"),
        Route("/authorizations", authorizations, name="admin-authorizations"),
        Route("/authorizations/{number}", authorization, name="admin-authorization"),
        Route("/authorizations/{number}/{action}", act, methods=["POST"]),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="admin-static"),
    ]

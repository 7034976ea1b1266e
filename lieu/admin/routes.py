"""The operations console: server-rendered pages under /admin."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lieu.admin.access import ONE, QUEUES, refused
from lieu.admin.actions import act, authorization_page, origin_of
from lieu.admin.authorization_view import read_view
from lieu.admin.bulk import routes as bulk_routes
from lieu.admin.contracts import routes as contract_routes
from lieu.admin.dashboard import board, weeks_cache
from lieu.admin.database import reads, runtime_of, writes
from lieu.admin.failures import routes as failure_routes
from lieu.admin.notices import routes as notice_routes
from lieu.admin.pages import HERE, answers_when_busy, login_page, page
from lieu.admin.records import routes as record_routes
from lieu.admin.search import authorizations
from lieu.admin.session import (
    COOKIE,
    NotSignedIn,
    check_token,
    principal_of,
    sign_in,
    sign_out,
)
from lieu.admin.studio import (
    elections_page,
    studio,
    studio_simulate,
    studio_support,
    studio_try,
    submit_election,
)
from lieu.admin.studio_editor import check, editor, redraw, save
from lieu.admin.studio_export import export_simulation
from lieu.admin.studio_reviews import decide, review_list, review_page, submit_draft
from lieu.health import check_all
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.authorizations import (
    expiring,
    review_queue,
    stalled,
)
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.catalog import published_supports
from lieu.platform.db.keyset import Window

QUEUE_SIZE = 10
FIRST_PAGE = Window.first(QUEUE_SIZE)


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
    supports, queues, shown = [], {}, None
    now = datetime.now(UTC)
    if checks[0].ok:
        async with reads(request)() as session:
            supports = await published_supports(session=session, on=now.date())
            if principal is not None:
                queues = await _queues(session, principal, now)
                shown = await board(
                    session=session,
                    client=runtime.temporal if checks[1].ok else None,
                    principal=principal,
                    now=now,
                    definitions_dir=runtime.settings.definitions_dir,
                    cache=weeks_cache(request.app.state),
                )
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
            "board": shown,
        },
        principal=principal,
    )


async def _queues(
    session: AsyncSession, principal: Principal, now: datetime
) -> dict[str, Sequence[AuthorizationRecord]]:
    """The overview's lists of work, each only for the roles GraphQL answers it to."""
    lists: dict[str, Sequence[AuthorizationRecord]] = {}
    if QUEUES["overdue"].allows(principal):
        lists["overdue"] = (
            await review_queue(
                session=session, principal=principal, window=FIRST_PAGE, overdue_at=now
            )
        ).rows
    if QUEUES["review"].allows(principal):
        lists["review"] = (
            await review_queue(session=session, principal=principal, window=FIRST_PAGE)
        ).rows
    if QUEUES["expiring"].allows(principal):
        ending = await expiring(
            session=session,
            principal=principal,
            today=now.date(),
            within_days=30,
            window=FIRST_PAGE,
        )
        lists["expiring"] = ending.rows
    if QUEUES["stalled"].allows(principal):
        stuck = await stalled(
            session=session,
            principal=principal,
            now=now,
            quiet_for=timedelta(minutes=10),
            window=FIRST_PAGE,
        )
        lists["stalled"] = stuck.rows
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
    return login_page(request, "login.html", {"reason": reason, "next": back})


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
        return login_page(request, "login.html", context, status_code=401)
    response = RedirectResponse(back, status_code=303)
    await sign_in(request, response, principal)
    return response


async def logout(request: Request) -> Response:
    """End the session in the database (its cookie no longer signs in anywhere) and forget it."""
    response = RedirectResponse("/admin/", status_code=303)
    await sign_out(request, response)
    return response


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
        view = await read_view(session, principal, number, datetime.now(UTC))
        outcome = "ok" if view else "not_found"
        audit = AuditRecord(
            principal,
            "console.view_authorization",
            f"authorization:{number}",
            outcome,
            origin_of(request),
        )
        record(session, [audit])
    return authorization_page(request, principal, view, number=number)


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
        Route("/studio/reviews", answers_when_busy(review_list), name="admin-studio-reviews"),
        Route("/studio/reviews/{id}", answers_when_busy(review_page), name="admin-studio-review"),
        Route(
            "/studio/reviews/{id}/{step}",
            answers_when_busy(decide),
            methods=["POST"],
            name="admin-studio-decide",
        ),
        Route("/studio/{support}", answers_when_busy(studio_support), name="admin-studio-support"),
        Route(
            "/studio/{support}/submit",
            answers_when_busy(submit_draft),
            methods=["POST"],
            name="admin-studio-submit",
        ),
        Route("/studio/{support}/edit", answers_when_busy(editor), name="admin-studio-edit"),
        Route(
            "/studio/{support}/edit",
            answers_when_busy(save),
            methods=["POST"],
            name="admin-studio-save",
        ),
        Route(
            "/studio/{support}/edit/check",
            answers_when_busy(check),
            methods=["POST"],
            name="admin-studio-check",
        ),
        Route(
            "/studio/{support}/edit/form",
            answers_when_busy(redraw),
            methods=["POST"],
            name="admin-studio-redraw",
        ),
        Route(
            "/studio/{support}/try",
            answers_when_busy(studio_try),
            methods=["POST"],
            name="admin-studio-try",
        ),
        Route(
            "/studio/{support}/export",
            answers_when_busy(export_simulation),
            methods=["POST"],
            name="admin-studio-export",
        ),
        Route(
            "/studio/{support}/simulate",
            answers_when_busy(studio_simulate),
            methods=["POST"],
            name="admin-studio-simulate",
        ),
        *notice_routes(),
        *bulk_routes(),
        *contract_routes(),
        *failure_routes(),
        *record_routes(),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="admin-static"),
    ]

"""The provider inbox's pages under /provider: sign-in (the console's sessions, through the
provider door), the inbox, one authorization with its forms, and the webhook settings."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from lieu.admin.access import PROVIDER_PAGES, refused
from lieu.admin.actions import Sent
from lieu.admin.database import runtime_of, writes
from lieu.admin.pages import answers_when_busy, login_page, page
from lieu.admin.provider import actions, webhooks
from lieu.admin.provider.shown import HOME, authorization_page, signed_in
from lieu.admin.provider.views import inbox_rows, list_audit
from lieu.admin.session import (
    PROVIDER,
    NotSignedIn,
    check_token,
    principal_of,
    sign_in,
    sign_out,
)
from lieu.platform.access.audit import record

LAST_PAGE = 10_000


def _safe_next(request: Request, given: str | None = None) -> str:
    target = given if given is not None else request.query_params.get("next", HOME)
    return target if target.startswith("/provider") and "//" not in target else HOME


async def login_form(request: Request) -> Response:
    """The sign-in form, saying why the cookie no longer signs in (if it does not)."""
    back = _safe_next(request)
    reason = ""
    if request.cookies.get(PROVIDER.cookie):
        try:
            await principal_of(request)
        except NotSignedIn as ended:
            reason = ended.reason
    elif back != HOME:
        reason = "sign in to see that page"
    return login_page(request, "provider/login.html", {"reason": reason, "next": back})


async def login(request: Request) -> Response:
    """Check the provider token; on success open a server-side session and go on."""
    form = await request.form()
    back = _safe_next(request, str(form.get("next", HOME)))
    try:
        principal = await check_token(runtime_of(request), str(form.get("token", "")), PROVIDER)
    except NotSignedIn as refused_token:
        return login_page(
            request, "provider/login.html", {"reason": refused_token.reason, "next": back}, 401
        )
    response = RedirectResponse(back, status_code=303)
    await sign_in(request, response, principal)
    return response


async def logout(request: Request) -> Response:
    """End the session (its cookie no longer signs in) and forget it."""
    response = RedirectResponse("/provider/login", status_code=303)
    await sign_out(request, response)
    return response


async def inbox(request: Request) -> Response:
    """Referrals to answer by their deadline, then every authorization of the organization."""
    principal = await signed_in(request)
    if isinstance(principal, Response):
        return principal
    shown = PROVIDER_PAGES["inbox"]
    if not shown.allows(principal):
        return refused(request, principal, shown)
    raw = request.query_params.get("page", "1")
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= LAST_PAGE):
        raw = "1"
    number = int(raw)
    async with writes(request).begin() as session:
        referrals, rows, more = await inbox_rows(session, principal, number)
        listed = [referral.row for referral in referrals] + rows
        if listed:  # the inbox shows members' CINs
            record(session, [list_audit(request, principal, listed)])
    return page(
        request,
        "provider/inbox.html",
        {"referrals": referrals, "rows": rows, "page_number": number, "more": more},
        principal=principal,
    )


async def authorization(request: Request, sent: Sent | None = None) -> Response:
    """One authorization: status, what is left, balances, documents, timeline and the forms
    its status allows."""
    number = request.path_params["number"]
    principal = await signed_in(request)
    if isinstance(principal, Response):
        return principal
    shown = PROVIDER_PAGES["authorization"]
    if not shown.allows(principal):
        return refused(request, principal, shown)
    return await authorization_page(request, principal, number, sent)


def routes() -> list[Route]:
    """The inbox's routes, to mount at /provider."""
    return [
        Route("/", answers_when_busy(inbox), name="provider-inbox"),
        Route("/login", answers_when_busy(login_form), methods=["GET"], name="provider-login"),
        Route("/login", answers_when_busy(login), methods=["POST"]),
        Route("/logout", answers_when_busy(logout), methods=["POST"], name="provider-logout"),
        Route(
            "/authorizations/{number}",
            answers_when_busy(authorization),
            name="provider-authorization",
        ),
        Route(
            "/authorizations/{number}/{action}",
            answers_when_busy(actions.act),
            methods=["POST"],
            name="provider-act",
        ),
        Route("/settings", answers_when_busy(webhooks.settings_page), name="provider-settings"),
        Route(
            "/settings/webhooks",
            answers_when_busy(webhooks.register),
            methods=["POST"],
            name="provider-register-webhook",
        ),
        Route(
            "/settings/webhooks/{id}/remove",
            answers_when_busy(webhooks.remove),
            methods=["POST"],
            name="provider-remove-webhook",
        ),
    ]

"""The inbox's settings page: the organization's webhooks, registering one (its secret is shown
on the answer, once) and removing one. The same service functions and audit lines as GraphQL's
`webhooks`, `registerWebhook` and `removeWebhook`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from lieu.admin.access import PROVIDER_PAGES, refused
from lieu.admin.actions import origin_of
from lieu.admin.database import reads, writes
from lieu.admin.pages import page
from lieu.admin.provider.shown import signed_in
from lieu.platform.access.audit import AuditRecord, record
from lieu.platform.access.roles import Principal
from lieu.platform.db.base import utcnow
from lieu.platform.webhooks.endpoints import (
    WebhookRefused,
    endpoints_of,
    register_endpoint,
    remove_endpoint,
)
from lieu.platform.webhooks.signing import TOLERANCE


def _target(principal: Principal) -> str:
    return f"webhooks:{principal.plan}/{principal.provider}"


async def _page(
    request: Request,
    principal: Principal,
    *,
    secret: str = "",
    error: str = "",
    url: str = "",
    status_code: int = 200,
) -> Response:
    async with reads(request)() as session:
        endpoints = await endpoints_of(
            session=session, plan=principal.plan, provider=principal.provider or ""
        )
    context = {
        "endpoints": endpoints,
        "secret": secret,
        "error": error,
        "url": url,
        "tolerance": int(TOLERANCE.total_seconds()),
    }
    return page(
        request, "provider/settings.html", context, principal=principal, status_code=status_code
    )


async def settings_page(request: Request) -> Response:
    """The organization's webhooks and the form to register one."""
    principal = await signed_in(request)
    if isinstance(principal, Response):
        return principal
    if not PROVIDER_PAGES["webhooks"].allows(principal):
        return refused(request, principal, PROVIDER_PAGES["webhooks"])
    return await _page(request, principal)


async def register(request: Request) -> Response:
    """Register a URL; the answer shows its secret (never stored in the audit log)."""
    principal = await signed_in(request)
    if isinstance(principal, Response):
        return principal
    if not PROVIDER_PAGES["register"].allows(principal):
        return refused(request, principal, PROVIDER_PAGES["register"])
    form = await request.form()
    url = str(form.get("url", ""))[:2100]
    origin = origin_of(request)
    async with writes(request).begin() as session:
        try:
            done = await register_endpoint(
                session=session,
                plan=principal.plan,
                provider=principal.provider or "",
                url=url,
                actor=principal.actor,
                now=utcnow(),
            )
        except WebhookRefused as wrong:
            line = AuditRecord(
                principal,
                "provider.registerWebhook",
                _target(principal),
                "invalid",
                origin,
                str(wrong),
            )
            record(session, [line])
            error = str(wrong)
        else:
            endpoint = done.endpoint
            target = f"{_target(principal)}/{endpoint.id}"
            line = AuditRecord(
                principal, "provider.registerWebhook", target, "ok", origin, endpoint.url
            )
            record(session, [line])
            error = ""
    if error:
        return await _page(request, principal, error=error, url=url, status_code=400)
    return await _page(request, principal, secret=done.secret)


async def remove(request: Request) -> Response:
    """Stop sending to a webhook."""
    principal = await signed_in(request)
    if isinstance(principal, Response):
        return principal
    if not PROVIDER_PAGES["remove"].allows(principal):
        return refused(request, principal, PROVIDER_PAGES["remove"])
    endpoint_id = request.path_params["id"][:40]
    target = f"{_target(principal)}/{endpoint_id}"
    async with writes(request).begin() as session:
        try:
            row = await remove_endpoint(
                session=session,
                plan=principal.plan,
                provider=principal.provider or "",
                endpoint_id=endpoint_id,
                now=utcnow(),
            )
        except WebhookRefused as none:
            line = AuditRecord(
                principal, "provider.removeWebhook", target, "not_found", origin_of(request)
            )
            record(session, [line])
            error = str(none)
        else:
            line = AuditRecord(
                principal, "provider.removeWebhook", target, "ok", origin_of(request), row.url
            )
            record(session, [line])
            error = ""
    if error:
        return await _page(request, principal, error=error, status_code=404)
    return RedirectResponse("/provider/settings?flash=webhook_removed", status_code=303)

"""Webhooks through GraphQL: a provider registers the URL its authorizations' status changes
are POSTed to (signed; the secret is answered once), lists and removes them. Audited with the
change, as contracts are."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import NotFound, ValidationErrors
from lieu.graphql.permissions import allow
from lieu.platform.access.audit import record
from lieu.platform.access.roles import Role
from lieu.platform.db.base import utcnow
from lieu.platform.webhooks.endpoints import (
    WebhookRefused,
    endpoints_of,
    register_endpoint,
    remove_endpoint,
)
from lieu.platform.webhooks.models import WebhookEndpoint
from lieu.platform.webhooks.signing import TOLERANCE

SIGNING = (
    "Each POST carries webhook-id (the event id: the same on every retry, dedupe on it), "
    "webhook-timestamp (Unix seconds) and webhook-signature (`v1,` and the base64 HMAC-SHA256 "
    "of `<id>.<timestamp>.<body>` under the secret's key, the Standard Webhooks scheme); "
    f"refuse a timestamp more than {int(TOLERANCE.total_seconds())} seconds from your clock."
)


@strawberry.type(description="A URL your organization's status changes are POSTed to.")
class Webhook:
    id: strawberry.ID
    url: str
    created_by: str
    created_at: datetime

    @classmethod
    def of(cls, row: WebhookEndpoint) -> Webhook:
        return cls(
            id=strawberry.ID(row.id),
            url=row.url,
            created_by=row.created_by,
            created_at=row.created_at,
        )


@strawberry.type(description="A webhook registered, with its signing secret (shown only now).")
class WebhookRegistered:
    webhook: Webhook
    secret: str = strawberry.field(description=f"`whsec_` and the base64 key. {SIGNING}")


@strawberry.input(description="Where to POST your authorizations' status changes.")
class RegisterWebhookInput:
    url: str = strawberry.field(description="https:// (plain http only to 127.0.0.1/localhost).")


RegisterWebhookResult = Annotated[
    WebhookRegistered | ValidationErrors, strawberry.union("RegisterWebhookResult")
]
RemoveWebhookResult = Annotated[Webhook | NotFound, strawberry.union("RemoveWebhookResult")]


def _target(context: Context) -> str:
    caller = context.caller
    return f"webhooks:{caller.plan}/{caller.provider}"


@strawberry.type
class WebhookQueries:
    @strawberry.field(
        description="Your organization's webhooks, oldest first.", extensions=allow(Role.PROVIDER)
    )
    async def webhooks(self, info: Info[Context, None]) -> list[Webhook]:
        caller = info.context.caller
        async with info.context.reads() as session:
            rows = await endpoints_of(
                session=session, plan=caller.plan, provider=caller.provider or ""
            )
        return [Webhook.of(row) for row in rows]


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        description=f"Register a URL for every status change of your authorizations. {SIGNING}",
        extensions=allow(Role.PROVIDER),
    )
    async def register_webhook(
        self, info: Info[Context, None], input: RegisterWebhookInput
    ) -> RegisterWebhookResult:
        context = info.context
        return await register(context, input.url)

    @strawberry.mutation(
        description="Stop sending to a webhook (changes not yet delivered to it are dropped).",
        extensions=allow(Role.PROVIDER),
    )
    async def remove_webhook(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> RemoveWebhookResult:
        context = info.context
        caller = context.caller
        target = f"{_target(context)}/{str(id)[:40]}"
        async with context.writes.begin() as session:
            try:
                row = await remove_endpoint(
                    session=session,
                    plan=caller.plan,
                    provider=caller.provider or "",
                    endpoint_id=str(id),
                    now=utcnow(),
                )
            except WebhookRefused as none:
                record(session, [context.record("removeWebhook", target, "not_found")])
                return NotFound(message=str(none), what="webhook", id=str(id))
            record(session, [context.record("removeWebhook", target, "ok", row.url)])
            return Webhook.of(row)


async def register(context: Context, url: str) -> WebhookRegistered | ValidationErrors:
    """Register `url` for the caller's organization, audited (the secret never is)."""
    caller = context.caller
    async with context.writes.begin() as session:
        try:
            registered = await register_endpoint(
                session=session,
                plan=caller.plan,
                provider=caller.provider or "",
                url=url,
                actor=caller.actor,
                now=utcnow(),
            )
        except WebhookRefused as wrong:
            record(
                session,
                [context.record("registerWebhook", _target(context), "invalid", str(wrong))],
            )
            return ValidationErrors.one(wrong.pointer, wrong.code, str(wrong))
        endpoint = registered.endpoint
        line = context.record(
            "registerWebhook", f"{_target(context)}/{endpoint.id}", "ok", endpoint.url
        )
        record(session, [line])
        return WebhookRegistered(webhook=Webhook.of(endpoint), secret=registered.secret)

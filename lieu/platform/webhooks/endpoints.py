"""Registering, listing and removing a provider organization's webhook endpoints. The caller
owns the session."""

from __future__ import annotations

import ipaddress
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.webhooks.models import WebhookEndpoint
from lieu.platform.webhooks.signing import new_secret

MAX_URL = 2000
MAX_ENDPOINTS = 5  # per provider organization
LOOPBACK_NAMES = frozenset({"localhost"})


class WebhookRefused(ValueError):
    """A registration or removal that cannot be made: `code`, the input's JSON `pointer` and
    what to do, in the message."""

    def __init__(self, code: str, message: str, pointer: str) -> None:
        super().__init__(message)
        self.code = code
        self.pointer = pointer


@dataclass(frozen=True, slots=True)
class Registered:
    """A new endpoint and its secret (shown this once)."""

    endpoint: WebhookEndpoint
    secret: str


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def _loopback(host: str) -> bool:
    address = _address(host)
    return host in LOOPBACK_NAMES or (address is not None and address.is_loopback)


def checked_url(url: str) -> str:
    """The URL if lieu may POST to it: https (plain http only to this machine's loopback, for
    development), a host, no user name or password in it; WebhookRefused otherwise."""
    url = url.strip()
    if not url or len(url) > MAX_URL:
        raise WebhookRefused(
            "INVALID_URL", f"give the URL to POST to, at most {MAX_URL} characters", "/url"
        )
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("https", "http") or not host:
        raise WebhookRefused(
            "INVALID_URL", f"{url[:80]!r} is not an absolute https:// URL; write it in full", "/url"
        )
    if parts.scheme == "http" and not _loopback(host):
        raise WebhookRefused(
            "INSECURE_URL",
            f"status changes are only sent over https; {host} needs an https:// URL "
            "(plain http is accepted for 127.0.0.1 and localhost, for development)",
            "/url",
        )
    address = _address(host)
    if address is not None and not address.is_loopback and not address.is_global:
        raise WebhookRefused(
            "PRIVATE_ADDRESS",
            f"{host} is a private or reserved address lieu will not POST to; give your "
            "receiver's public https:// URL",
            "/url",
        )
    if parts.username or parts.password:
        raise WebhookRefused(
            "INVALID_URL",
            "do not put a user name or password in the URL; verify our signature instead",
            "/url",
        )
    if parts.fragment:
        raise WebhookRefused("INVALID_URL", "a webhook URL has no #fragment; remove it", "/url")
    return url


async def endpoints_of(
    *, session: AsyncSession, plan: str, provider: str
) -> Sequence[WebhookEndpoint]:
    """The organization's endpoints in use, oldest first."""
    rows = await session.scalars(
        select(WebhookEndpoint)
        .where(
            WebhookEndpoint.plan == plan,
            WebhookEndpoint.provider == provider,
            WebhookEndpoint.removed_at.is_(None),
        )
        .order_by(WebhookEndpoint.created_at, WebhookEndpoint.id)
    )
    return list(rows)


async def register_endpoint(
    *, session: AsyncSession, plan: str, provider: str, url: str, actor: str, now: datetime
) -> Registered:
    """Register `url` for the organization's status changes, with a new secret."""
    url = checked_url(url)
    existing = await endpoints_of(session=session, plan=plan, provider=provider)
    if any(endpoint.url == url for endpoint in existing):
        raise WebhookRefused(
            "ALREADY_REGISTERED",
            f"{url} is already registered; remove it first to get a new secret",
            "/url",
        )
    if len(existing) >= MAX_ENDPOINTS:
        raise WebhookRefused(
            "TOO_MANY_WEBHOOKS",
            f"an organization registers at most {MAX_ENDPOINTS} webhooks; remove one first",
            "/url",
        )
    secret = new_secret()
    endpoint = WebhookEndpoint(
        id=f"wh_{uuid.uuid4().hex}",
        plan=plan,
        provider=provider,
        url=url,
        secret=secret,
        created_by=actor,
        created_at=now,
    )
    session.add(endpoint)
    await session.flush()
    return Registered(endpoint, secret)


async def remove_endpoint(
    *, session: AsyncSession, plan: str, provider: str, endpoint_id: str, now: datetime
) -> WebhookEndpoint:
    """Stop sending to the endpoint (deliveries not yet made to it are not made)."""
    endpoint = await session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.id == endpoint_id,
            WebhookEndpoint.plan == plan,
            WebhookEndpoint.provider == provider,
            WebhookEndpoint.removed_at.is_(None),
        )
    )
    if endpoint is None:
        raise WebhookRefused(
            "NOT_FOUND",
            f"your organization has no webhook {endpoint_id!r}; list them with `webhooks`",
            "/id",
        )
    endpoint.removed_at = now
    await session.flush()
    return endpoint

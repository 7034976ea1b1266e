"""Signing webhook requests the Standard Webhooks way (standardwebhooks.com), so a receiver can
use any of its libraries: `webhook-id` (the event id, the same on every retry: dedupe on it),
`webhook-timestamp` (Unix seconds of this attempt) and `webhook-signature`:
`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` under the endpoint's secret, which is
`whsec_<base64 key>`. A receiver refuses a timestamp more than `TOLERANCE` from its clock, so a
captured request cannot be replayed later."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from datetime import datetime, timedelta

PREFIX = "whsec_"
KEY_BYTES = 24
TOLERANCE = timedelta(minutes=5)


class SignatureRejected(ValueError):
    """A request whose signature or timestamp does not verify; the message says which."""


def new_secret() -> str:
    """A fresh signing secret, `whsec_` and 24 random bytes in base64."""
    return PREFIX + base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def _key(secret: str) -> bytes:
    if not secret.startswith(PREFIX):
        raise ValueError(f"a webhook secret starts with {PREFIX!r}")
    return base64.b64decode(secret.removeprefix(PREFIX))


def signature(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header of one attempt."""
    signed = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The headers of one attempt's POST."""
    return {
        "content-type": "application/json",
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, event_id, timestamp, body),
    }


def verify(secret: str, received: Mapping[str, str], body: bytes, *, now: datetime) -> str:
    """The event id of a request whose signature verifies and whose timestamp is within
    `TOLERANCE` of `now`; SignatureRejected saying why otherwise (what a receiver does)."""
    event_id = received.get("webhook-id", "")
    stamp = received.get("webhook-timestamp", "")
    if not event_id or not stamp.isdigit():
        raise SignatureRejected("the request has no webhook-id or no numeric webhook-timestamp")
    if abs(now.timestamp() - int(stamp)) > TOLERANCE.total_seconds():
        raise SignatureRejected(
            f"webhook-timestamp {stamp} is more than {TOLERANCE} away from now: a replay or a "
            "clock out of sync"
        )
    expected = signature(secret, event_id, int(stamp), body).encode()
    sent = received.get("webhook-signature", "").split()
    if not any(hmac.compare_digest(candidate.encode(), expected) for candidate in sent):
        raise SignatureRejected("webhook-signature does not match the body under this secret")
    return event_id

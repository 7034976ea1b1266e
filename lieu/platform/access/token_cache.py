"""Tokens verified recently, so a request does not look its token up again.

A token found valid is trusted for `seconds` (LIEU_CACHE_SECONDS, default 5) after it was read:
a token revoked meanwhile, by `lieu tokens revoke` or any other process, is refused by every API
process within that bound. Expiry is checked on every request against the expiry read. Refusals
are not kept (a token issued a moment ago works at once), and the cache is keyed by the token's
SHA-256, never by the secret.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from lieu.platform.access.roles import Principal
from lieu.platform.access.tokens import Verified, secret_digest, verify
from lieu.platform.db.base import utcnow

MAX_TOKENS = 10_000  # distinct tokens kept; the oldest read is dropped first


@dataclass(frozen=True, slots=True)
class _Entry:
    verified: Verified
    read_at: float  # on the cache's clock


class TokenCache:
    """Principals of tokens verified within the last `seconds` (0: always read the token)."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock  # monotonic seconds (tests move it)
        self._entries: dict[str, _Entry] = {}

    async def authenticate(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        secret: str,
        now: datetime | None = None,
    ) -> Principal:
        """The principal of `secret`; TokenRejected saying why it cannot be used."""
        key = secret_digest(secret)
        entry = self._entries.get(key)
        if entry is not None and self.clock() - entry.read_at < self.seconds:
            entry.verified.check_expiry(now or utcnow())
            return entry.verified.principal
        read_at = self.clock()
        try:
            async with sessions() as session:
                verified = await verify(session=session, secret=secret, now=now)
        except BaseException:
            self._entries.pop(key, None)
            raise
        if self.seconds > 0:
            self._entries.pop(key, None)  # re-inserted last: the dict stays in order of reading
            self._entries[key] = _Entry(verified, read_at)
            if len(self._entries) > MAX_TOKENS:
                del self._entries[next(iter(self._entries))]
        return verified.principal

    def forget(self) -> None:
        """Drop every entry (the next request of each token reads it again)."""
        self._entries.clear()

"""Per-caller rate limits: token buckets, one per token (or per client address when the request
carries none), and a second, stricter bucket per caller for expensive operations.

A bucket holds at most a minute's allowance and refills continuously; each request takes one
unit (an expensive operation takes one per expensive field it asks for). A refusal says how long
until the request would be accepted, which the HTTP layer sends as `Retry-After`.

The buckets live in the API process: with N replicas behind a load balancer a caller may make N
times the allowance (docs/security.md says so). The number of callers remembered is bounded; the
fullest buckets (idle callers) are forgotten first, which costs them nothing.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from lieu.platform.access.roles import Principal

MAX_CALLERS = 10_000  # buckets remembered per kind; past it the least recently used go
CODE = "RATE_LIMITED"
EXPENSIVE_CODE = "EXPENSIVE_RATE_LIMITED"


@dataclass(frozen=True, slots=True)
class Allowance:
    """So many requests per minute (0: no limit); at most a minute's worth at once."""

    per_minute: int

    @property
    def unlimited(self) -> bool:
        return self.per_minute == 0


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a request was refused and when to try again (whole seconds, at least 1)."""

    message: str
    code: str
    retry_after: int


class TokenBucket:
    """`capacity` units, refilled at `rate` units per second, up to the capacity."""

    __slots__ = ("capacity", "level", "rate", "updated")

    def __init__(self, capacity: float, rate: float, now: float) -> None:
        self.capacity = capacity
        self.rate = rate
        self.level = capacity
        self.updated = now

    def take(self, units: float, now: float) -> float:
        """Take `units` and return 0, or take nothing and return the seconds until they could."""
        self.level = min(self.capacity, self.level + (now - self.updated) * self.rate)
        self.updated = now
        if units <= self.level:
            self.level -= units
            return 0.0
        if units > self.capacity:
            return math.inf  # never, whatever the wait: the caller must ask for less at once
        return (units - self.level) / self.rate


class Buckets:
    """One token bucket per key, the least recently used forgotten past `MAX_CALLERS`."""

    def __init__(self, allowance: Allowance, clock: Callable[[], float]) -> None:
        self.allowance = allowance
        self.clock = clock
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    def take(self, key: str, units: int = 1) -> float:
        """0 when `units` were taken from `key`'s bucket, else the seconds to wait."""
        if self.allowance.unlimited:
            return 0.0
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            per_minute = float(self.allowance.per_minute)
            bucket = TokenBucket(capacity=per_minute, rate=per_minute / 60.0, now=now)
            self._buckets[key] = bucket
            if len(self._buckets) > MAX_CALLERS:
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(key)
        return bucket.take(units, now)

    def __len__(self) -> int:
        return len(self._buckets)


def caller_key(principal: Principal | None, client_ip: str) -> str:
    """Whose bucket a request draws on: its token's, or its client address's without one."""
    if principal is not None:
        return f"token:{principal.token_id}"
    return f"address:{client_ip or 'unknown'}"


class RateLimits:
    """The API process's buckets: requests per token, per client address without a token, and
    expensive operations per token (or address)."""

    def __init__(
        self,
        *,
        per_token: Allowance,
        per_address: Allowance,
        expensive: Allowance,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.per_token = Buckets(per_token, clock)
        self.per_address = Buckets(per_address, clock)
        self.expensive = Buckets(expensive, clock)

    def admit(self, principal: Principal | None, client_ip: str) -> Refusal | None:
        """Take one request from the caller's bucket; a refusal if it is empty."""
        key = caller_key(principal, client_ip)
        buckets = self.per_token if principal is not None else self.per_address
        wait = buckets.take(key)
        if not wait:
            return None
        per_minute = buckets.allowance.per_minute
        if principal is not None:
            message = (
                f"too many requests for this token: at most {per_minute} a minute "
                "(LIEU_RATE_LIMIT_PER_MINUTE)"
            )
        else:
            message = (
                f"too many requests without a token from this address: at most {per_minute} "
                "a minute (LIEU_RATE_LIMIT_ANONYMOUS_PER_MINUTE); send your token as "
                "`Authorization: Bearer <token>`"
            )
        return _refusal(message, CODE, wait)

    def admit_expensive(
        self, principal: Principal | None, client_ip: str, fields: dict[str, int]
    ) -> Refusal | None:
        """Take one unit per expensive field asked for (`fields`: name → how many times)."""
        units = sum(fields.values())
        if not units:
            return None
        wait = self.expensive.take(caller_key(principal, client_ip), units)
        if not wait:
            return None
        per_minute = self.expensive.allowance.per_minute
        asked = ", ".join(f"{name} ×{count}" for name, count in sorted(fields.items()))
        message = (
            f"too many expensive operations ({asked}) for this caller: at most {per_minute} "
            "a minute (LIEU_RATE_LIMIT_EXPENSIVE_PER_MINUTE)"
        )
        if math.isinf(wait):
            message += f"; this request asks for {units} at once: send them in separate requests"
            wait = 60.0
        return _refusal(message, EXPENSIVE_CODE, wait)


def _refusal(message: str, code: str, wait: float) -> Refusal:
    seconds = max(1, math.ceil(wait))
    return Refusal(message=f"{message}; try again in {seconds} s", code=code, retry_after=seconds)

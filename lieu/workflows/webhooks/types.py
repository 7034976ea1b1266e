"""What the webhook workflows and activities take and give (frozen dataclasses; fields are only
ever added with defaults)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DeliveryInput:
    """One outbox row to POST, and how to retry it: exponential backoff from
    `first_retry_seconds`, doubling, at most `longest_wait_seconds` apart, `attempts` in all
    (the defaults try for about a day)."""

    delivery_id: str
    first_retry_seconds: float = 5.0
    backoff: float = 2.0
    longest_wait_seconds: float = 3600.0
    attempts: int = 30


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """How the delivery ended: delivered (a 2xx answer), or given up, and why."""

    delivery_id: str
    delivered: bool
    why: str = ""


@dataclass(frozen=True, slots=True)
class Attempt:
    """What one POST did: `delivered`, or `skipped` with why (the endpoint was removed)."""

    delivered: bool
    skipped: str = ""


@dataclass(frozen=True, slots=True)
class GiveUp:
    """Mark a delivery failed for good, saying why."""

    delivery_id: str
    why: str


@dataclass(frozen=True, slots=True)
class SweepInput:
    """The sweep's rhythm: every `every_seconds`, start the deliveries recorded more than
    `grace_seconds` ago whose workflow never started; continue as new after `rounds`."""

    every_seconds: float = 30.0
    grace_seconds: float = 10.0
    rounds: int = 500
    batch: int = 200


@dataclass(frozen=True, slots=True)
class SweepRound:
    """One round of the sweep: how far back to look and how many to take."""

    grace_seconds: float
    batch: int


@dataclass(frozen=True, slots=True)
class Swept:
    """How many deliveries one round started."""

    started: int

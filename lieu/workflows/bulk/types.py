"""The frozen dataclasses in and out of `BulkWorkflow`, its update, query and activities."""

# No `from __future__ import annotations`: pydantic builds these types inside the workflow
# sandbox, where string annotations cannot be resolved.
from dataclasses import dataclass


@dataclass(frozen=True)
class BulkRun:
    """Run batch `batch_id` (frozen in the database) for the `run`-th time."""

    batch_id: str
    run: int


@dataclass(frozen=True)
class Begun:
    """The batch's action and the items this run is to reach (those without an outcome)."""

    action: str
    numbers: tuple[str, ...]


@dataclass(frozen=True)
class ApplyInput:
    """Apply the batch's action to one of its authorizations."""

    batch_id: str
    authorization_id: str
    run: int


@dataclass(frozen=True)
class FailInput:
    """Record that the action could not be sent to an item, with the error in words."""

    batch_id: str
    authorization_id: str
    run: int
    message: str


@dataclass(frozen=True)
class ItemResult:
    """One item's outcome (done, refused, failed) and what the authorization answered."""

    authorization_id: str
    outcome: str
    message: str


@dataclass(frozen=True)
class EndInput:
    batch_id: str
    run: int
    stopped: bool


@dataclass(frozen=True)
class StopBatch:
    """Operations stop the batch: items not reached yet are skipped."""

    actor: str
    reason: str = ""


@dataclass(frozen=True)
class BulkReport:
    """How many items of this run had each outcome, and whether it was stopped."""

    done: int = 0
    refused: int = 0
    failed: int = 0
    left: int = 0  # not reached yet (skipped, if the run was stopped)
    stopped: bool = False

"""Acting on authorizations in tests the way the interfaces do: through `service.act`, each
command with an idempotency key, each service report with a billing line that fits its support."""

from __future__ import annotations

import json
import uuid
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from temporalio.client import WorkflowHandle

from lieu.platform.authorizations.status import Decision
from lieu.workflows.authorizations import service
from lieu.workflows.authorizations.types import (
    AuthorizationState,
    Reply,
    ReviewDecision,
    ServiceReport,
)
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow

DEFINITIONS = Path(__file__).resolve().parents[2] / "benefit_definitions"
NPI = "1234567893"  # CMS's example of a valid NPI (its Luhn check over 80840 holds)
Handle = WorkflowHandle[AuthorizationWorkflow, AuthorizationState]


def key() -> str:
    return uuid.uuid4().hex


async def send(handle: Handle, action: Any) -> Reply:
    """One command through the command API (a fresh key unless the action has one)."""
    if not action.key:
        action = type(action)(**{**action.__dict__, "key": key()})
    return await service.act(handle._client, handle.id, action)


async def state(handle: Handle) -> AuthorizationState:
    return await handle.query(AuthorizationWorkflow.state)


def decision(
    reviewer: str,
    decided: Decision,
    reason: str,
    quantity: Decimal | None = None,
    *,
    roles: tuple[str, ...] = ("utilization_management",),
    key: str = "",
) -> ReviewDecision:
    return ReviewDecision(reviewer, decided, reason, quantity, roles, key)


@cache
def _pricing(support: str) -> dict[str, Any]:
    plan = DEFINITIONS / "demo-plan" / support / "v1.json"
    if plan.exists() and "pricing" in (document := json.loads(plan.read_text())):
        return dict(document["pricing"])
    return dict(json.loads((DEFINITIONS / "dhcs" / support / "v1.json").read_text())["pricing"])


def billing(support: str, units: Decimal) -> dict[str, Any]:
    """A billing line the support's pricing accepts: its first code, at a rate in range."""
    pricing = _pricing(support)
    code = pricing["codes"][0]
    if pricing.get("rate") is not None:
        rate = Decimal(str(pricing["rate"]))
    elif pricing.get("guidance"):
        rate = Decimal(str(pricing["guidance"]["low"]))
    else:
        rate = Decimal(100)
    amount = rate * units
    if pricing.get("cap") is not None:
        amount = min(amount, Decimal(str(pricing["cap"])))
    return {
        "code": code["hcpcs"],
        "modifiers": tuple(code["modifiers"]),
        "units": units,
        "amount": amount,
        "rendering_npi": NPI,
    }


def report(
    support: str,
    report_id: str,
    start: date,
    end: date,
    quantity: Decimal | int,
    *,
    by: str = "org-a",
    **changes: Any,
) -> ServiceReport:
    """A service report with a billing line that fits `support` (changed by `changes`)."""
    quantity = Decimal(quantity)
    line = {**billing(support, quantity), **changes}
    return ServiceReport(report_id, by, start, end, quantity, **line)

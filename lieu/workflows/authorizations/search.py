"""The search attributes an authorization workflow sets (see `lieu.workflows.search`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from temporalio.common import (
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)

from lieu.platform.authorizations.status import Status
from lieu.workflows.search import DEADLINE, MEMBER_KEY, PLAN, PROVIDER, STATUS, SUPPORT


def initial_attributes(
    plan: str, support: str, provider: str = "", member_key: str = ""
) -> TypedSearchAttributes:
    """Set when the workflow starts (the provider organization's code when there is one, and
    the member's keyed digest, `lieu.workflows.search.member_key`, never the CIN)."""
    pairs: list[SearchAttributePair[Any]] = [
        SearchAttributePair(PLAN, plan),
        SearchAttributePair(SUPPORT, support),
        SearchAttributePair(STATUS, Status.RECEIVED.value),
    ]
    if provider:
        pairs.append(SearchAttributePair(PROVIDER, provider))
    if member_key:
        pairs.append(SearchAttributePair(MEMBER_KEY, member_key))
    return TypedSearchAttributes(pairs)


def status_attributes(
    status: Status, deadline: datetime | None
) -> Sequence[SearchAttributeUpdate[Any]]:
    """Upserted at each transition: the status, and the review deadline while one runs."""
    when = DEADLINE.value_set(deadline) if deadline else DEADLINE.value_unset()
    return [STATUS.value_set(status.value), when]

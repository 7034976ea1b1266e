"""Search attributes of authorization workflows: identifiers and dates only, never PHI."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from temporalio.client import Client
from temporalio.common import (
    SearchAttributeKey,
    SearchAttributePair,
    SearchAttributeUpdate,
    TypedSearchAttributes,
)

from lieu.platform.authorizations.status import Status

PLAN = SearchAttributeKey.for_keyword("LieuPlan")
SUPPORT = SearchAttributeKey.for_keyword("LieuSupport")
STATUS = SearchAttributeKey.for_keyword("LieuStatus")
DEADLINE = SearchAttributeKey.for_datetime("LieuDeadline")


def initial_attributes(plan: str, support: str) -> TypedSearchAttributes:
    """Set when the workflow starts."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(PLAN, plan),
            SearchAttributePair(SUPPORT, support),
            SearchAttributePair(STATUS, Status.RECEIVED.value),
        ]
    )


def status_attributes(
    status: Status, deadline: datetime | None
) -> Sequence[SearchAttributeUpdate[Any]]:
    """Upserted at each transition: the status, and the review deadline while one runs."""
    when = DEADLINE.value_set(deadline) if deadline else DEADLINE.value_unset()
    return [STATUS.value_set(status.value), when]


async def register(client: Client, namespace: str) -> None:
    """Register lieu's search attributes on a server that does not have them yet."""
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import (
        AddSearchAttributesRequest,
        ListSearchAttributesRequest,
    )

    wanted = {
        key.name: IndexedValueType.ValueType(key.indexed_value_type.value)
        for key in (PLAN, SUPPORT, STATUS, DEADLINE)
    }
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {name: kind for name, kind in wanted.items() if name not in listed.custom_attributes}
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )

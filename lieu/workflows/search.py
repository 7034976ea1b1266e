"""lieu's Temporal search attributes: identifiers and dates only, never health information."""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import SearchAttributeKey

PLAN = SearchAttributeKey.for_keyword("LieuPlan")
SUPPORT = SearchAttributeKey.for_keyword("LieuSupport")
STATUS = SearchAttributeKey.for_keyword("LieuStatus")
DEADLINE = SearchAttributeKey.for_datetime("LieuDeadline")
# The provider organization's code (an identifier of the organization, not of a person). The
# member's CIN is not one: it identifies a person, and nothing Temporal stores may hold it.
PROVIDER = SearchAttributeKey.for_keyword("LieuProvider")
KEYS = (PLAN, SUPPORT, STATUS, DEADLINE, PROVIDER)

# name → type, as `temporal server start-dev --search-attribute NAME=TYPE` takes them.
DECLARED: dict[str, str] = {
    key.name: {"KEYWORD": "Keyword", "DATETIME": "Datetime"}[key.indexed_value_type.name]
    for key in KEYS
}


async def register(client: Client, namespace: str) -> None:
    """Register lieu's search attributes on a server that does not have them yet."""
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import (
        AddSearchAttributesRequest,
        ListSearchAttributesRequest,
    )

    wanted = {key.name: IndexedValueType.ValueType(key.indexed_value_type.value) for key in KEYS}
    listed = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    missing = {name: kind for name, kind in wanted.items() if name not in listed.custom_attributes}
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )

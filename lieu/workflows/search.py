"""lieu's Temporal search attributes: identifiers and dates only, never health information."""

from __future__ import annotations

import hashlib
import hmac

from temporalio.client import Client
from temporalio.common import SearchAttributeKey

PLAN = SearchAttributeKey.for_keyword("LieuPlan")
SUPPORT = SearchAttributeKey.for_keyword("LieuSupport")
STATUS = SearchAttributeKey.for_keyword("LieuStatus")
DEADLINE = SearchAttributeKey.for_datetime("LieuDeadline")
# The provider organization's code (an identifier of the organization, not of a person). The
# member's CIN is not one: it identifies a person, and nothing Temporal stores may hold it.
PROVIDER = SearchAttributeKey.for_keyword("LieuProvider")
# A member, findable without the CIN: `member_key(secret, plan, cin)`, a keyed digest that
# Temporal cannot turn back into the CIN (nor can anyone without LIEU_MEMBER_KEY_SECRET, even by
# trying every CIN). Set when an authorization workflow starts.
MEMBER_KEY = SearchAttributeKey.for_keyword("LieuMemberKey")
KEYS = (PLAN, SUPPORT, STATUS, DEADLINE, PROVIDER, MEMBER_KEY)
MEMBER_KEY_CHARS = 32  # 128 bits of HMAC-SHA256, in hex

# name → type, as `temporal server start-dev --search-attribute NAME=TYPE` takes them.
DECLARED: dict[str, str] = {
    key.name: {"KEYWORD": "Keyword", "DATETIME": "Datetime"}[key.indexed_value_type.name]
    for key in KEYS
}


def member_key(secret: bytes, plan: str, cin: str) -> str:
    """The `LieuMemberKey` of a plan's member: HMAC-SHA256 of plan and CIN under `secret`
    (`lieu.settings.member_key_secret`), hex, its first MEMBER_KEY_CHARS characters. The CIN is
    trimmed and upper-cased first, so `04711023s` finds what `04711023S` started."""
    if not secret:
        raise ValueError("member_key needs the secret (lieu.settings.member_key_secret)")
    message = f"{plan.strip()}\x1f{cin.strip().upper()}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:MEMBER_KEY_CHARS]


def member_query(secret: bytes, plan: str, cin: str) -> str:
    """The visibility query (Temporal UI, `temporal workflow list -q`) for a member's workflows."""
    return f"{MEMBER_KEY.name} = '{member_key(secret, plan, cin)}'"


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

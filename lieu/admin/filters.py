"""The search's filter as URL query parameters: the search page and bulk actions read the same
parameters into the same `AuthorizationFilter`, so a search's URL is a bulk action's set."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from lieu.platform.access.authorizations import AuthorizationFilter

FILTER_PARAMS = ("status", "support", "provider", "member", "escalated")


def filter_of(params: QueryParams) -> AuthorizationFilter:
    """The filter the query parameters give (empty ones mean any)."""
    return AuthorizationFilter(
        statuses=[s for s in params.getlist("status") if s],
        support=params.get("support") or None,
        provider=params.get("provider") or None,
        member_cin=(params.get("member") or "").strip() or None,
        escalated=True if params.get("escalated") == "1" else None,
    )


def filter_query(params: QueryParams) -> str:
    """The filter's parameters alone, as a query string (stored with a frozen set)."""
    kept = [(k, v) for k, v in params.multi_items() if k in FILTER_PARAMS and v]
    return urlencode(kept)

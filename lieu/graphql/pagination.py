"""Relay cursor connections over keyset pages.

`first`/`after` read forward, `last`/`before` backward; a cursor is the opaque sort key of its row
(its listing's name included, so a cursor of one listing is refused by another), so a page starts
after the last row seen even if rows before it left the set meanwhile: deciding a review does not
shift the review queue's next page. `pageInfo` is complete: `hasNextPage`, `hasPreviousPage`,
`startCursor`, `endCursor` (the Relay connection specification).
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Generic, TypeVar

import strawberry

from lieu.graphql.errors import ClientError
from lieu.platform.db.keyset import Key, Ordering, Slice, Window

T = TypeVar("T")
S = TypeVar("S")
MAX_PAGE = 100
DEFAULT_PAGE = 20


@strawberry.type(description="Where a page lies in its listing (Relay's PageInfo).")
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field(description="The nodes of `edges`, for clients that need no cursors.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]


@dataclass(frozen=True, slots=True)
class Listing:
    """A paged listing: its name (carried in its cursors) and its order."""

    name: str
    ordering: Ordering

    def cursor(self, row: object) -> str:
        return encode_cursor(self.name, self.ordering.key_of(row))


def encode_cursor(listing: str, key: Key) -> str:
    body = json.dumps([listing, [_value(v) for v in key]], separators=(",", ":"))
    return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, Decimal):
        return {"n": str(value)}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"a cursor cannot hold {type(value).__name__}")


def _parsed(value: object) -> object:
    if isinstance(value, dict) and len(value) == 1:
        ((kind, text),) = value.items()
        if kind == "t":
            return datetime.fromisoformat(text)
        if kind == "d":
            return date.fromisoformat(text)
        if kind == "n":
            return Decimal(text)
        raise ValueError(kind)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError(value)


def decode_cursor(listing: Listing, cursor: str, argument: str) -> Key:
    """The key in a cursor this listing gave out; a clear error for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        name, values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if name != listing.name or not isinstance(values, list):
            raise ValueError(name)
        key = tuple(_parsed(v) for v in values)
        if len(key) != len(listing.ordering.columns):
            raise ValueError(values)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, json.JSONDecodeError):
        raise ClientError(
            f"{argument}={cursor[:80]!r} is not a cursor of {listing.name}; pass a `startCursor`, "
            f"`endCursor` or edge `cursor` this listing gave out",
            "BAD_REQUEST",
        ) from None
    return key


def page(
    listing: Listing,
    first: int | None,
    after: str | None,
    last: int | None = None,
    before: str | None = None,
) -> Window:
    """Parse the Relay arguments; a clear error for a bad cursor, a page over MAX_PAGE, or
    `first` and `last` together."""
    if first is not None and last is not None:
        raise ClientError(
            "pass `first` (with `after`) to read forward or `last` (with `before`) to read "
            "backward, not both",
            "BAD_REQUEST",
        )
    name, asked = ("last", last) if last is not None else ("first", first)
    size = DEFAULT_PAGE if asked is None else asked
    if not 1 <= size <= MAX_PAGE:
        raise ClientError(f"{name} must be between 1 and {MAX_PAGE}, got {size}", "BAD_REQUEST")
    return Window(
        size=size,
        after=None if after is None else decode_cursor(listing, after, "after"),
        before=None if before is None else decode_cursor(listing, before, "before"),
        backward=last is not None or (before is not None and first is None),
    )


def connection(found: Slice[S], listing: Listing, node: Callable[[S], T]) -> Connection[T]:
    """The connection over one keyset page."""
    edges = [Edge(cursor=listing.cursor(row), node=node(row)) for row in found.rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=found.has_next,
            has_previous_page=found.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


@dataclass(frozen=True, slots=True)
class Resume:
    """Where to go on in a listing another service pages with its own tokens (Temporal's
    visibility): the token of the page an edge was read from, and how many of its rows came
    before and with the edge."""

    token: bytes
    skip: int


def resume_cursor(listing: str, at: Resume) -> str:
    body = json.dumps([listing, base64.b64encode(at.token).decode(), at.skip])
    return base64.urlsafe_b64encode(body.encode()).decode().rstrip("=")


def resume_from(
    listing: str, first: int | None, after: str | None, last: int | None, before: str | None
) -> tuple[int, Resume]:
    """Parse forward-only Relay arguments of a token-paged listing."""
    if last is not None or before is not None:
        raise ClientError(
            f"{listing} pages forward only: pass `first` and `after` (the `endCursor`)",
            "BAD_REQUEST",
        )
    size = DEFAULT_PAGE if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise ClientError(f"first must be between 1 and {MAX_PAGE}, got {size}", "BAD_REQUEST")
    if after is None:
        return size, Resume(b"", 0)
    try:
        padded = after + "=" * (-len(after) % 4)
        name, token, skip = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if name != listing or not isinstance(skip, int) or skip < 0:
            raise ValueError(name)
        return size, Resume(base64.b64decode(token, validate=True), skip)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, json.JSONDecodeError):
        raise ClientError(
            f"after={after[:80]!r} is not a cursor of {listing}; pass an `endCursor` it gave out",
            "BAD_REQUEST",
        ) from None

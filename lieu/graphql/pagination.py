"""Cursor connections: `first` / `after` in, edges with opaque cursors and `pageInfo` out."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from lieu.graphql.errors import ClientError

T = TypeVar("T")
S = TypeVar("S")
MAX_PAGE = 100
DEFAULT_PAGE = 20


@strawberry.type
class PageInfo:
    has_next_page: bool
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
class Page:
    """Which rows to read: `limit` is one more than asked, to learn whether more follow."""

    offset: int
    first: int

    @property
    def limit(self) -> int:
        return self.first + 1


def cursor_of(position: int) -> str:
    return base64.urlsafe_b64encode(f"at:{position}".encode()).decode()


def page(first: int | None, after: str | None) -> Page:
    """Parse `first`/`after`; a clear error for a bad cursor or a page over MAX_PAGE."""
    size = DEFAULT_PAGE if first is None else first
    if not 1 <= size <= MAX_PAGE:
        raise ClientError(f"first must be between 1 and {MAX_PAGE}, got {size}", "BAD_REQUEST")
    if after is None:
        return Page(0, size)
    try:
        kind, _, value = base64.urlsafe_b64decode(after.encode()).decode().partition(":")
        if kind != "at" or not value.isdigit():
            raise ValueError(after)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ClientError(
            f"after={after!r} is not a cursor this API gave out; pass an `endCursor`",
            "BAD_REQUEST",
        ) from None
    return Page(int(value) + 1, size)


def connection(rows: Sequence[S], at: Page, node: Callable[[S], T]) -> Connection[T]:
    """The connection over rows read with `at.limit`."""
    shown = rows[: at.first]
    edges = [Edge(cursor=cursor_of(at.offset + i), node=node(row)) for i, row in enumerate(shown)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > at.first,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )

"""Keyset pagination: a page is the rows after (or before) a row's sort key, not an offset.

An offset shifts when rows leave the set between two reads (a review decided on page one moves
every later request up, so page two skips one); a key does not: the next page starts after the
last row shown, wherever the rows before it went. Every ordering ends in a unique column, so a key
names exactly one place in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

Key = tuple[Any, ...]
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Column:
    """One sort column: the model attribute and its direction."""

    attribute: Any  # an ORM attribute (InstrumentedAttribute) or a column
    descending: bool = False

    @property
    def name(self) -> str:
        return str(self.attribute.key)


@dataclass(frozen=True, slots=True)
class Ordering:
    """The order of a listing; its last column is unique (the primary key), so keys are total."""

    columns: tuple[Column, ...]

    def key_of(self, row: object) -> Key:
        """The sort key of a row read in this order."""
        return tuple(getattr(row, column.name) for column in self.columns)

    def order_by(self, *, reverse: bool = False) -> list[ColumnElement[Any]]:
        return [
            (c.attribute.asc() if c.descending == reverse else c.attribute.desc())
            for c in self.columns
        ]

    def beyond(self, key: Key, *, backward: bool = False) -> ColumnElement[bool]:
        """Rows strictly after `key` in this order (strictly before it when `backward`):
        (a > ka) or (a = ka and b > kb) or …, each comparison turned for a descending column.
        Written out (not a row-value comparison) so mixed directions work on every database."""
        if len(key) != len(self.columns):
            raise ValueError(f"a key of {len(self.columns)} values expected, got {len(key)}")
        alternatives: list[ColumnElement[bool]] = []
        for at, column in enumerate(self.columns):
            earlier = [c.attribute == key[i] for i, c in enumerate(self.columns[:at])]
            later = column.descending == backward
            step = column.attribute > key[at] if later else column.attribute < key[at]
            alternatives.append(and_(*earlier, step))
        return or_(*alternatives) if alternatives else false()


@dataclass(frozen=True, slots=True)
class Window:
    """Which rows of a listing to read.

    - `first(n)` and `after`: the n rows after the key (from the start without one);
    - `backward`: the `size` rows before `before` (the end without it), still returned in the
      listing's order;
    - `offset`: the console's numbered pages (a page number is a shareable URL); keys elsewhere.

    `size + 1` rows are read, to learn whether more follow in the direction of travel."""

    size: int
    after: Key | None = None
    before: Key | None = None
    backward: bool = False
    offset: int = 0

    @classmethod
    def first(cls, size: int, *, offset: int = 0) -> Window:
        return cls(size=size, offset=offset)


@dataclass(frozen=True, slots=True)
class Slice(Generic[T]):
    """A page of rows in the listing's order, and whether rows lie beyond it either way."""

    rows: list[T]
    has_next: bool
    has_previous: bool


async def read_page(
    session: AsyncSession, query: Select[Any], ordering: Ordering, window: Window
) -> Slice[Any]:
    """Read one page of `query` (its filters, no order) through `window`, in `ordering`."""
    bounded = query
    if window.after is not None:
        bounded = bounded.where(ordering.beyond(window.after))
    if window.before is not None:
        bounded = bounded.where(ordering.beyond(window.before, backward=True))
    travel = bounded.order_by(*ordering.order_by(reverse=window.backward))
    if window.offset:
        travel = travel.offset(window.offset)
    found = list(await session.scalars(travel.limit(window.size + 1)))
    more = len(found) > window.size
    rows = found[: window.size]
    if window.backward:
        rows.reverse()
    # The other direction: rows exist before a page that began after a key (or a page number),
    # and after a page read back from a key. One indexed EXISTS, only when a key was given.
    behind: bool
    if window.backward:
        behind = window.before is not None and await _any(
            session, query, ordering, window.before, inclusive=True
        )
    elif window.offset:
        behind = True
    else:
        behind = window.after is not None and await _any(
            session, query, ordering, window.after, backward=True, inclusive=True
        )
    return Slice(
        rows=rows,
        has_next=behind if window.backward else more,
        has_previous=more if window.backward else behind,
    )


async def _any(
    session: AsyncSession,
    query: Select[Any],
    ordering: Ordering,
    key: Key,
    *,
    backward: bool = False,
    inclusive: bool = False,
) -> bool:
    """Whether `query` has a row beyond `key` (before it when `backward`; the key's own row
    counts when `inclusive`)."""
    condition = ordering.beyond(key, backward=backward)
    if inclusive:
        same = and_(*(c.attribute == v for c, v in zip(ordering.columns, key, strict=True)))
        condition = or_(condition, same)
    return bool(await session.scalar(select(query.where(condition).exists())))

"""Keeping notices: store the notices rendered for a facts key (once: the same key again returns
them), list them per authorization and per member, read one back. The caller owns the session."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import defer

from lieu.platform.db.base import utcnow
from lieu.platform.members.models import Member
from lieu.platform.notices.facts import NoticeFacts
from lieu.platform.notices.models import Notice
from lieu.platform.notices.rendering import Rendered

NOTICE_PREFIX = "N-"
PREFERRED_LANGUAGE = "preferred_language"  # the member fact (member-facts.schema.json)
# The notices of one key in the order they were issued: the member's, then the plan's copies.
MEMBERS_FIRST = (Notice.copy_of.is_not(None), Notice.language)


@functools.cache
def _adapter() -> TypeAdapter[NoticeFacts]:
    return TypeAdapter(NoticeFacts)


def facts_document(facts: NoticeFacts) -> dict[str, Any]:
    """The facts as the JSON stored with the notice."""
    document: dict[str, Any] = _adapter().dump_python(facts, mode="json")
    return document


def facts_of(notice: Notice) -> NoticeFacts:
    """The facts a stored notice was issued from."""
    return _adapter().validate_python(notice.facts)


class KeyReused(ValueError):
    """The facts key already issued notices from other facts."""

    def __init__(self, key: str, first: Sequence[Notice]) -> None:
        ids = ", ".join(n.id for n in first)
        super().__init__(
            f"notice key {key!r} already issued {ids} from other facts; a notice never "
            "changes once issued: issue the new facts under a new key"
        )


@dataclass(frozen=True, slots=True)
class Issued:
    """The notices of a facts key, the member's language first; `created` is False when the
    key had already issued them (nothing new was stored)."""

    notices: tuple[Notice, ...]
    created: bool


async def issued_for(*, session: AsyncSession, key: str) -> list[Notice]:
    """The notices a facts key issued, in the order they were issued (none if it issued none)."""
    rows = await session.scalars(
        _without_content().where(Notice.key == key).order_by(*MEMBERS_FIRST)
    )
    return list(rows)


def replayed(facts: NoticeFacts, first: Sequence[Notice]) -> Issued:
    """The first notices of a key issued again: the same facts give them back, others are
    refused (`KeyReused`)."""
    if any(row.facts != facts_document(facts) for row in first):
        raise KeyReused(facts.key, first)
    return Issued(tuple(first), created=False)


async def preferred_language(*, session: AsyncSession, plan: str, cin: str) -> str | None:
    """The language the member asked for notices in, if the member is known and said one."""
    facts = await session.scalar(select(Member.facts).where(Member.plan == plan, Member.cin == cin))
    found = facts.get(PREFERRED_LANGUAGE) if isinstance(facts, dict) else None
    return found if isinstance(found, str) else None


async def store_notices(
    *, session: AsyncSession, facts: NoticeFacts, renderings: Sequence[Rendered]
) -> Issued:
    """Store one notice per rendering of the facts; when the key issued notices already (another
    attempt got there first) those, or `KeyReused` if they came from other facts."""
    first = await issued_for(session=session, key=facts.key)
    if first:
        return replayed(facts, first)
    document = facts_document(facts)
    now = utcnow()
    ids = [f"{NOTICE_PREFIX}{uuid.uuid4().hex.upper()}" for _ in renderings]
    rows = [
        Notice(
            id=notice_id,
            key=facts.key,
            plan=facts.plan,
            authorization_id=facts.authorization_id,
            member_cin=facts.member_cin,
            provider=facts.provider,
            support=facts.support,
            kind=facts.kind.value,
            reason_code=facts.reason_code,
            language=rendered.language,
            copy_of=None if notice_id == ids[0] else ids[0],
            issued_at=facts.issued_at,
            facts=document,
            html=rendered.html,
            pdf=rendered.pdf,
            created_at=now,
        )
        for notice_id, rendered in zip(ids, renderings, strict=True)
    ]
    try:
        async with session.begin_nested():
            session.add_all(rows)
            await session.flush()
    except IntegrityError:
        first = await issued_for(session=session, key=facts.key)
        if not first:
            raise
        return replayed(facts, first)
    return Issued(tuple(rows), created=True)


async def notices_of(
    *, session: AsyncSession, authorization_ids: Sequence[str]
) -> dict[str, list[Notice]]:
    """The notices of several authorizations in one query (without their HTML and PDF), oldest
    first."""
    found: dict[str, list[Notice]] = {i: [] for i in authorization_ids}
    if not authorization_ids:
        return found
    rows = await session.scalars(
        _without_content()
        .where(Notice.authorization_id.in_(list(authorization_ids)))
        .order_by(Notice.issued_at, Notice.key, *MEMBERS_FIRST)
    )
    for row in rows:
        found[row.authorization_id].append(row)
    return found


async def member_notices(
    *, session: AsyncSession, plan: str, cin: str, provider: str | None = None
) -> list[Notice]:
    """A member's notices in a plan, newest first (only one provider's when it is given)."""
    query = _without_content().where(Notice.plan == plan, Notice.member_cin == cin)
    if provider is not None:
        query = query.where(Notice.provider == provider)
    rows = await session.scalars(
        query.order_by(Notice.issued_at.desc(), Notice.key, *MEMBERS_FIRST)
    )
    return list(rows)


async def find_notice(
    *, session: AsyncSession, notice_id: str, content: bool = True
) -> Notice | None:
    """A notice (with its HTML and PDF unless `content` is False), or None."""
    query = select(Notice) if content else _without_content()
    found: Notice | None = await session.scalar(query.where(Notice.id == notice_id))
    return found


def _without_content() -> Select[Notice]:
    return select(Notice).options(defer(Notice.html), defer(Notice.pdf))

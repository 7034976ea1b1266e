"""Writing and reading the notes on a referral, shared by its provider and the plan's staff.
The caller finds the authorization within the principal's scope first (the access rules of
`lieu.platform.access.authorizations`) and owns the session."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.models import AuthorizationRecord
from lieu.platform.notes.models import ReferralNote

MAX_NOTE = 2000


class NoteRefused(ValueError):
    """A note that cannot be kept; the message says what to change."""


def checked_text(text: str) -> str:
    """The note's text, trimmed, if it can be kept: not empty, at most 2,000 characters, no
    control characters; NoteRefused saying why otherwise."""
    text = text.strip()
    if not text:
        raise NoteRefused("write the note; an empty one tells the other side nothing")
    if len(text) > MAX_NOTE:
        raise NoteRefused(f"a note is at most {MAX_NOTE} characters; this one has {len(text)}")
    if any(ord(c) < 32 and c not in "\t\n\r" for c in text):
        raise NoteRefused("the note contains a control character; type it again as plain text")
    return text


async def add_note(
    *,
    session: AsyncSession,
    authorization: AuthorizationRecord,
    principal: Principal,
    text: str,
    now: datetime,
) -> ReferralNote:
    """Keep a note on the authorization, by `principal` (who may see it: checked by the caller)."""
    note = ReferralNote(
        authorization_id=authorization.id,
        plan=authorization.plan,
        provider=authorization.provider,
        author=principal.actor,
        author_role=principal.role.value,
        text=checked_text(text),
        created_at=now,
    )
    session.add(note)
    await session.flush()
    return note


async def notes_of(*, session: AsyncSession, authorization_id: str) -> Sequence[ReferralNote]:
    """The authorization's notes, oldest first."""
    rows = await session.scalars(
        select(ReferralNote)
        .where(ReferralNote.authorization_id == authorization_id)
        .order_by(ReferralNote.created_at, ReferralNote.id)
    )
    return list(rows)

"""Notes on a referral through GraphQL: its provider and the plan's reviewers and operations
write and read them (each within their access rules: a provider only on its own referrals),
audited like every read of member data and every write."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from lieu.graphql.context import Context
from lieu.graphql.errors import NotFound, ValidationErrors
from lieu.graphql.permissions import allow
from lieu.platform.access.audit import record
from lieu.platform.access.authorizations import find_authorization
from lieu.platform.access.roles import Role
from lieu.platform.db.base import utcnow
from lieu.platform.notes.models import ReferralNote as NoteRow
from lieu.platform.notes.service import MAX_NOTE, NoteRefused, add_note, notes_of

PARTIES = (Role.PROVIDER, Role.REVIEWER, Role.OPERATIONS)


@strawberry.type(description="A note on a referral, shared by its provider and the plan.")
class ReferralNote:
    id: strawberry.ID
    authorization_id: strawberry.ID
    author: str = strawberry.field(description="As timelines name actors.")
    author_role: str
    text: str
    created_at: datetime

    @classmethod
    def of(cls, row: NoteRow) -> ReferralNote:
        return cls(
            id=strawberry.ID(str(row.id)),
            authorization_id=strawberry.ID(row.authorization_id),
            author=row.author,
            author_role=row.author_role,
            text=row.text,
            created_at=row.created_at,
        )


@strawberry.type(description="An authorization's notes, oldest first.")
class ReferralNotes:
    authorization_id: strawberry.ID
    notes: list[ReferralNote]


@strawberry.input
class ReferralNoteInput:
    authorization_id: strawberry.ID
    text: str = strawberry.field(description=f"At most {MAX_NOTE} characters.")


AddReferralNoteResult = Annotated[
    ReferralNote | NotFound | ValidationErrors, strawberry.union("AddReferralNoteResult")
]
ReferralNotesResult = Annotated[ReferralNotes | NotFound, strawberry.union("ReferralNotesResult")]


def _missing(number: str) -> NotFound:
    return NotFound(
        message=f"no authorization {number} that you may see; check the number",
        what="authorization",
        id=number,
    )


@strawberry.type
class NoteQueries:
    @strawberry.field(
        description="The notes on a referral (providers: their own referrals).",
        extensions=allow(*PARTIES),
    )
    async def referral_notes(
        self, info: Info[Context, None], authorization_id: strawberry.ID
    ) -> ReferralNotesResult:
        context = info.context
        number = str(authorization_id)
        target = f"authorization:{number}"
        async with context.reads() as session:
            row = await find_authorization(
                session=session, principal=context.caller, authorization_id=number
            )
            notes = await notes_of(session=session, authorization_id=number) if row else []
        if row is None:
            context.audit("referralNotes", target, "not_found")
            return _missing(number)
        context.audit("referralNotes", target, "ok", f"{len(notes)} notes")
        return ReferralNotes(
            authorization_id=strawberry.ID(number), notes=[ReferralNote.of(n) for n in notes]
        )


@strawberry.type
class NoteMutations:
    @strawberry.mutation(
        description="Add a note to a referral; its provider and the plan's staff read it.",
        extensions=allow(*PARTIES),
    )
    async def add_referral_note(
        self, info: Info[Context, None], input: ReferralNoteInput
    ) -> AddReferralNoteResult:
        context = info.context
        number = str(input.authorization_id)
        target = f"authorization:{number}"
        async with context.writes.begin() as session:
            row = await find_authorization(
                session=session, principal=context.caller, authorization_id=number
            )
            if row is None:
                record(session, [context.record("addReferralNote", target, "not_found")])
                return _missing(number)
            try:
                note = await add_note(
                    session=session,
                    authorization=row,
                    principal=context.caller,
                    text=input.text,
                    now=utcnow(),
                )
            except NoteRefused as wrong:
                record(session, [context.record("addReferralNote", target, "invalid", str(wrong))])
                return ValidationErrors.one("/text", "bad_note", str(wrong))
            record(session, [context.record("addReferralNote", target, "ok", f"note {note.id}")])
            return ReferralNote.of(note)

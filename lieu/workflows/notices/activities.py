"""Issuing notices of action: render the facts in the member's language (and the plan's copies),
store them once per facts key. Rendering runs in a thread: a PDF takes ~0.1 s of CPU."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from lieu.platform.notices.checks import InvalidNoticeFacts, facts_problems
from lieu.platform.notices.errors import NoticeTemplateError
from lieu.platform.notices.facts import NoticeFacts
from lieu.platform.notices.records import (
    Issued,
    KeyReused,
    issued_for,
    preferred_language,
    replayed,
    store_notices,
)
from lieu.platform.notices.rendering import render_for_member
from lieu.platform.notices.templates import NoticeTemplates
from lieu.workflows.notices.types import IssuedNotice


class NoticeActivities:
    """Bound by the worker to session factories and the plans' notice templates."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        writes: async_sessionmaker[AsyncSession],
        templates: NoticeTemplates,
    ) -> None:
        self.sessions = sessions
        self.writes = writes
        self.templates = templates

    def all(self) -> Sequence[Callable[..., Any]]:
        """Every activity of this class, for the worker's registry."""
        return [self.issue]

    @activity.defn(name="notices.issue")
    async def issue(self, facts: NoticeFacts) -> IssuedNotice:
        """Issue the notice the facts describe, once per `facts.key` (again: the same notices).

        Facts that cannot make a notice, a key reused for other facts and a plan template that
        cannot render fail for good (`ApplicationError`, non-retryable, saying what to fix):
        retrying cannot change them; operations retry the step once they are fixed."""
        problems = facts_problems(facts)
        if problems:
            raise ApplicationError(
                str(InvalidNoticeFacts(facts.key, problems)),
                type="invalid_notice_facts",
                non_retryable=True,
            )
        try:
            async with self.sessions() as session:
                first = await issued_for(session=session, key=facts.key)
                if first:
                    return _answer(facts, replayed(facts, first))
                preferred = await preferred_language(
                    session=session, plan=facts.plan, cin=facts.member_cin
                )
            renderings = await asyncio.to_thread(
                render_for_member, self.templates, facts, preferred
            )
            async with self.writes.begin() as session:
                issued = await store_notices(session=session, facts=facts, renderings=renderings)
        except KeyReused as reused:
            raise ApplicationError(
                str(reused), type="notice_key_reused", non_retryable=True
            ) from None
        except NoticeTemplateError as broken:
            raise ApplicationError(
                f"the notice template cannot render notice {facts.key!r}: {broken}",
                type="notice_template",
                non_retryable=True,
            ) from None
        return _answer(facts, issued)


def _answer(facts: NoticeFacts, issued: Issued) -> IssuedNotice:
    return IssuedNotice(
        key=facts.key,
        notice_ids=tuple(notice.id for notice in issued.notices),
        languages=tuple(notice.language for notice in issued.notices),
    )

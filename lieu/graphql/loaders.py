"""DataLoaders: one query for the timelines (members, documents, notices) of every authorization
in a list, and for the deliveries of every notice."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from lieu.platform.access.authorizations import timelines
from lieu.platform.access.members import members_by_key
from lieu.platform.appeals.models import AppealRecord
from lieu.platform.appeals.records import appeals_of
from lieu.platform.authorizations.models import AuthorizationEvent
from lieu.platform.documents.models import AuthorizationDocument
from lieu.platform.documents.records import documents_of
from lieu.platform.members.models import Member
from lieu.platform.notices.deliveries import deliveries_of
from lieu.platform.notices.models import Notice, NoticeDelivery
from lieu.platform.notices.records import notices_of

MemberKey = tuple[str, str]  # (plan, CIN)


@dataclass(frozen=True)
class Loaders:
    """Built per request (a loader caches only for its request)."""

    timeline: DataLoader[str, list[AuthorizationEvent]]
    member: DataLoader[MemberKey, Member | None]
    documents: DataLoader[str, list[AuthorizationDocument]]
    notices: DataLoader[str, list[Notice]]
    deliveries: DataLoader[str, list[NoticeDelivery]]
    appeals: DataLoader[str, list[AppealRecord]]


def build_loaders(sessions: Callable[[], AbstractAsyncContextManager[AsyncSession]]) -> Loaders:
    """Loaders reading through `sessions` (the request's reads)."""

    async def load_timelines(ids: Sequence[str]) -> list[list[AuthorizationEvent]]:
        async with sessions() as session:
            found = await timelines(session=session, authorization_ids=ids)
        return [found[i] for i in ids]

    async def load_members(keys: Sequence[MemberKey]) -> list[Member | None]:
        async with sessions() as session:
            found = await members_by_key(session=session, keys=list(keys))
        return [found.get(key) for key in keys]

    async def load_documents(ids: Sequence[str]) -> list[list[AuthorizationDocument]]:
        async with sessions() as session:
            found = await documents_of(session=session, authorization_ids=ids)
        return [found[i] for i in ids]

    async def load_notices(ids: Sequence[str]) -> list[list[Notice]]:
        async with sessions() as session:
            found = await notices_of(session=session, authorization_ids=ids)
        return [found[i] for i in ids]

    async def load_deliveries(ids: Sequence[str]) -> list[list[NoticeDelivery]]:
        async with sessions() as session:
            found = await deliveries_of(session=session, notice_ids=ids)
        return [found[i] for i in ids]

    async def load_appeals(ids: Sequence[str]) -> list[list[AppealRecord]]:
        async with sessions() as session:
            found = await appeals_of(session=session, authorization_ids=list(ids))
        return [found[i] for i in ids]

    return Loaders(
        timeline=DataLoader(load_fn=load_timelines),
        member=DataLoader(load_fn=load_members),
        documents=DataLoader(load_fn=load_documents),
        notices=DataLoader(load_fn=load_notices),
        deliveries=DataLoader(load_fn=load_deliveries),
        appeals=DataLoader(load_fn=load_appeals),
    )

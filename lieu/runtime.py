"""What a running API process holds: settings, the database engine, the Temporal client and the
document store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client

from lieu.platform.db.engine import create_engine, create_session_factory
from lieu.platform.documents.store import DocumentStore, open_store
from lieu.settings import Settings
from lieu.workflows.client import connect


@dataclass(frozen=True, slots=True)
class Runtime:
    """Built once per process at startup, closed at shutdown, handed to every request."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    temporal: Client
    documents: DocumentStore

    @classmethod
    async def open(cls, settings: Settings) -> Runtime:
        """Create the engine and a lazily connecting Temporal client (the API starts even if
        Temporal is down, reports it in /healthz, and recovers when it comes back). The document
        store is contacted only when a document is stored or read."""
        engine = create_engine(settings.database_url)
        return cls(
            settings=settings,
            engine=engine,
            sessions=create_session_factory(engine),
            temporal=await connect(settings, lazy=True),
            documents=open_store(settings),
        )

    async def close(self) -> None:
        """Release the database pool."""
        await self.engine.dispose()

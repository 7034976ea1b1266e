"""What a running API process holds: settings, the database engine, the Temporal client, the
document store, the audit log's writer, the console's signing secret, the key of members' search
attribute and the caches of tokens and definition versions in force."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from temporalio.client import Client

from lieu.platform.access.audit_writer import AuditWriter
from lieu.platform.access.in_force import VersionsInForce
from lieu.platform.access.token_cache import TokenCache
from lieu.platform.db.engine import create_engine, create_session_factory, for_writes
from lieu.platform.documents.store import DocumentStore, open_store
from lieu.settings import Settings, console_secret, member_key_secret
from lieu.workflows.client import connect


@dataclass(frozen=True, slots=True)
class Runtime:
    """Built once per process at startup, closed at shutdown, handed to every request."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    temporal: Client
    documents: DocumentStore
    audit: AuditWriter
    tokens: TokenCache
    in_force: VersionsInForce
    session_secret: bytes = field(repr=False)  # signs the console's cookies
    member_key_secret: bytes = field(repr=False)  # keys members' Temporal search attribute

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
            audit=AuditWriter(for_writes(engine)),
            tokens=TokenCache(settings.cache_seconds),
            in_force=VersionsInForce(settings.cache_seconds),
            session_secret=console_secret(settings),
            member_key_secret=member_key_secret(settings),
        )

    async def close(self) -> None:
        """Store the audit records handed over, then release the database pool."""
        try:
            await self.audit.close()
        finally:
            await self.engine.dispose()

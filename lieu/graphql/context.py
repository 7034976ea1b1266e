"""The per-request GraphQL context: the runtime, the caller, where it came from, loaders, audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket

from lieu.graphql.loaders import Loaders
from lieu.platform.access.audit import AuditRecord, Origin
from lieu.platform.access.roles import Principal
from lieu.platform.authorizations.pinning import PinnedDefinitions
from lieu.runtime import Runtime


@dataclass
class Context:
    """What resolvers may use. `principal` is None when no valid token came (`rejection` says
    why); permission classes turn that into a clear error before any resolver runs."""

    runtime: Runtime
    request: Request | WebSocket
    response: Response | WebSocket | None
    writes: async_sessionmaker[AsyncSession]  # transactions that read, then write
    definitions: PinnedDefinitions
    loaders: Loaders
    principal: Principal | None = None
    rejection: str = ""
    origin: Origin = field(default_factory=Origin)
    connection_params: dict[str, Any] | None = None
    pending_audit: list[AuditRecord] = field(default_factory=list)

    @property
    def caller(self) -> Principal:
        """The authenticated caller (fields that use it carry the `Authenticated` permission)."""
        assert self.principal is not None, "field is missing its permission extension"
        return self.principal

    def audit(self, action: str, target: str, outcome: str = "ok", detail: str = "") -> None:
        """Note a read of member data or a write; stored when the operation ends."""
        if self.principal is None:
            return
        self.pending_audit.append(self.record(action, target, outcome, detail))

    def record(
        self, action: str, target: str, outcome: str = "ok", detail: str = ""
    ) -> AuditRecord:
        """An audit record for the caller, to store in the resolver's own transaction."""
        return AuditRecord(self.caller, action, target, outcome, self.origin, detail)

    def take_audit(self) -> list[AuditRecord]:
        """The records noted so far, handed over once."""
        taken, self.pending_audit = self.pending_audit, []
        return taken

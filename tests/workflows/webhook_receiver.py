"""A provider's webhook receiver for tests: a Starlette app on loopback that verifies each
request's signature and timestamp as a receiver should, dedupes on the event id, and can be told
to answer 500 to the next requests (a forced failure)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from lieu.platform.webhooks.signing import SignatureRejected, verify


@dataclass
class Receiver:
    """What the receiver saw: every request per event id, and the events it accepted (once)."""

    secret: str = ""
    fail_next: int = 0
    requests: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    accepted: list[dict[str, Any]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])

    async def hook(self, request: Request) -> Response:
        body = await request.body()
        try:
            event_id = verify(self.secret, request.headers, body, now=datetime.now(UTC))
        except SignatureRejected as wrong:
            self.rejected.append(str(wrong))
            return PlainTextResponse(str(wrong), status_code=400)
        payload = json.loads(body)
        self.requests[event_id].append(payload)
        if self.fail_next > 0:
            self.fail_next -= 1
            return PlainTextResponse("down for a moment", status_code=500)
        if all(seen["id"] != event_id for seen in self.accepted):  # dedupe on webhook-id
            self.accepted.append(payload)
        return PlainTextResponse("ok")

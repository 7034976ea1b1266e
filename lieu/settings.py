"""Settings, read once from the environment into a frozen object and passed down.

Where the embedded stack's state lives (`LIEU_DATA_DIR`, default `.lieu`): a `.lieu/` holding a
`lieu.db` in the working directory wins; otherwise the `.lieu/` of the checkout lieu is installed
from (what `make run` uses), so `lieu tokens create` works from any directory; otherwise (lieu
installed from a wheel) `.lieu/` in the working directory. Reading settings never creates anything.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import ipaddress
import os
import re
import secrets
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")
DATA_DIR_NAME = ".lieu"
DATABASE_FILE = "lieu.db"
FOLDER_STORE = "folder"
S3_SCHEME = "s3://"
DEFAULT_DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
# The GraphQL endpoint reads a whole upload into memory before checking it: keep that bounded.
LARGEST_DOCUMENT_MAX_BYTES = 100 * 1024 * 1024
# How long an API process may answer from what it read of a token or of the definition version in
# force: a revocation, publication or retirement made by another process is seen within this.
DEFAULT_CACHE_SECONDS = 5.0
LONGEST_CACHE_SECONDS = 60.0
# Console sessions: ended after this long without a request, and after this long in any case.
DEFAULT_CONSOLE_IDLE_MINUTES = 30
LONGEST_CONSOLE_IDLE_MINUTES = 24 * 60
DEFAULT_CONSOLE_SESSION_HOURS = 12
LONGEST_CONSOLE_SESSION_HOURS = 7 * 24
# The console's cookies are signed with LIEU_SESSION_SECRET; unset, lieu makes one under the data
# dir (`session.secret`) on first use, which serves one machine but not several replicas.
# GraphQL: the estimated cost one operation may have (lieu.graphql.cost), and requests a minute
# per token, per client address without a token, and expensive operations (simulateDraft, the
# reports) per caller (lieu.graphql.rate_limits; 0 turns a limit off, e.g. for a benchmark).
DEFAULT_GRAPHQL_MAX_COST = 1_000
LARGEST_GRAPHQL_MAX_COST = 1_000_000
DEFAULT_RATE_LIMIT_PER_MINUTE = 600
DEFAULT_RATE_LIMIT_ANONYMOUS_PER_MINUTE = 120
DEFAULT_RATE_LIMIT_EXPENSIVE_PER_MINUTE = 6
LARGEST_RATE_LIMIT_PER_MINUTE = 1_000_000
SHORTEST_SESSION_SECRET = 32
SESSION_SECRET_FILE = "session.secret"
# Temporal payloads are sealed with AES-256-GCM under LIEU_PAYLOAD_KEYS (`id:key,...`, each key
# 32 random bytes in base64url); unset, lieu makes one key under the data dir (`payload.keys`) on
# first use, which serves one machine but not several replicas.
PAYLOAD_KEY_BYTES = 32
# A member's Temporal search attribute (LieuMemberKey) is an HMAC of plan and CIN under
# LIEU_MEMBER_KEY_SECRET (at least 32 characters); unset, lieu makes one under the data dir
# (`member-key.secret`) on first use, which serves one machine but not several replicas.
MEMBER_KEY_SECRET_FILE = "member-key.secret"
PAYLOAD_KEYS_FILE = "payload.keys"
PAYLOAD_KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
# S3's rules for a bucket name (MinIO's are the same): 3-63 of a-z 0-9 . -, letters or digits at
# both ends.
BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
REGION_NAME = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
PACKAGE_PARENT = Path(__file__).resolve().parent.parent  # the checkout, for an editable install


DEFAULT_WEBHOOK_FIRST_RETRY_SECONDS = 5
DEFAULT_WEBHOOK_ATTEMPTS = 30
DEFAULT_WEBHOOK_SWEEP_SECONDS = 30


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
    # Where `lieu worker` serves the Temporal SDK's Prometheus metrics (host:port); "": not served.
    worker_metrics_address: str = ""
    api_host: str = "127.0.0.1"
    # The proxies whose X-Forwarded-For / X-Forwarded-Proto lieu believes (addresses or networks,
    # comma-separated, or "*"); "": none, the connecting address is the client's.
    trusted_proxies: str = ""
    api_port: int = 8000
    log_level: str = "info"
    log_format: str = "console"
    definitions_dir: Path = Path("benefit_definitions")
    document_store: str = FOLDER_STORE  # `folder` (under data_dir) or `s3://bucket`
    document_max_bytes: int = DEFAULT_DOCUMENT_MAX_BYTES
    s3_endpoint: str = ""  # e.g. `http://minio:9000`; empty for AWS itself
    s3_access_key: str = ""
    s3_secret_key: str = field(default="", repr=False)
    s3_region: str = "us-east-1"
    cache_seconds: float = DEFAULT_CACHE_SECONDS
    session_secret: str = field(default="", repr=False)  # "": the data dir's session.secret
    console_idle_minutes: int = DEFAULT_CONSOLE_IDLE_MINUTES
    console_session_hours: int = DEFAULT_CONSOLE_SESSION_HOURS
    payload_keys: str = field(default="", repr=False)  # "": the data dir's payload.keys
    payload_key_id: str = ""  # the key that seals new payloads; "": the first one listed
    member_key_secret: str = field(default="", repr=False)  # "": the data dir's member-key.secret
    temporal_ui_origin: str = ""  # the codec endpoint's CORS origin; "": the local UI's
    # Where the console links a workflow's history (LIEU_TEMPORAL_UI_URL); "": the local UI's.
    temporal_ui_url: str = ""
    graphql_max_cost: int = DEFAULT_GRAPHQL_MAX_COST
    rate_limit_per_minute: int = DEFAULT_RATE_LIMIT_PER_MINUTE
    rate_limit_anonymous_per_minute: int = DEFAULT_RATE_LIMIT_ANONYMOUS_PER_MINUTE
    rate_limit_expensive_per_minute: int = DEFAULT_RATE_LIMIT_EXPENSIVE_PER_MINUTE
    # A webhook POST not answered 2xx is tried again after this, then doubling (at most an
    # hour apart), `webhook_attempts` times in all; the sweep looks for unstarted ones this often.
    webhook_first_retry_seconds: int = DEFAULT_WEBHOOK_FIRST_RETRY_SECONDS
    webhook_attempts: int = DEFAULT_WEBHOOK_ATTEMPTS
    webhook_sweep_seconds: int = DEFAULT_WEBHOOK_SWEEP_SECONDS

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
    def documents_dir(self) -> Path:
        """Where the folder document store keeps its files."""
        return self.data_dir / "documents"

    @property
    def s3_bucket(self) -> str | None:
        """The bucket of an `s3://bucket` document store, or None for the folder store."""
        if not self.document_store.startswith(S3_SCHEME):
            return None
        return self.document_store.removeprefix(S3_SCHEME)

    @property
    def session_secret_file(self) -> Path:
        """Where the embedded stack keeps the console's signing secret when none is set."""
        return self.data_dir / SESSION_SECRET_FILE

    @property
    def payload_keys_file(self) -> Path:
        """Where the embedded stack keeps its Temporal payload key when none is set."""
        return self.data_dir / PAYLOAD_KEYS_FILE

    @property
    def member_key_secret_file(self) -> Path:
        """Where the embedded stack keeps the member-key secret when none is set."""
        return self.data_dir / MEMBER_KEY_SECRET_FILE

    @property
    def codec_origins(self) -> tuple[str, ...]:
        """The browser origins the codec endpoint answers (the Temporal UI's, nothing else)."""
        if self.temporal_ui_origin:
            return (self.temporal_ui_origin,)
        port = self.temporal_ui_port
        return (f"http://127.0.0.1:{port}", f"http://localhost:{port}")

    @property
    def temporal_ui(self) -> str:
        """The Temporal UI's base URL: LIEU_TEMPORAL_UI_URL, else the dev server's own UI."""
        return self.temporal_ui_url or f"http://127.0.0.1:{self.temporal_ui_port}"

    def workflow_history_url(self, workflow_id: str) -> str:
        """The Temporal UI's page of a workflow's history in lieu's namespace."""
        namespace, workflow = quote(self.temporal_namespace, safe=""), quote(workflow_id, safe="")
        return f"{self.temporal_ui}/namespaces/{namespace}/workflows/{workflow}"

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
        access_key = env.get("LIEU_S3_ACCESS_KEY", "")
        secret_key = env.get("LIEU_S3_SECRET_KEY", "")
        _check_s3_keys(access_key, secret_key)
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            temporal_address=_address("LIEU_TEMPORAL_ADDRESS", env, "127.0.0.1:7233"),
            temporal_namespace=env.get("LIEU_TEMPORAL_NAMESPACE", "default"),
            task_queue=env.get("LIEU_TASK_QUEUE", "lieu"),
            temporal_ui_port=_port("LIEU_TEMPORAL_UI_PORT", env, 8233),
            worker_metrics_address=(
                _address("LIEU_WORKER_METRICS_ADDRESS", env, "")
                if env.get("LIEU_WORKER_METRICS_ADDRESS")
                else ""
            ),
            api_host=env.get("LIEU_API_HOST", "127.0.0.1"),
            api_port=_port("LIEU_API_PORT", env, 8000),
            trusted_proxies=_trusted_proxies(env),
            log_level=_choice("LIEU_LOG_LEVEL", env, "info", ("debug", "info", "warning", "error")),
            log_format=_choice("LIEU_LOG_FORMAT", env, "console", ("console", "json")),
            definitions_dir=Path(env.get("LIEU_DEFINITIONS_DIR", str(default_definitions))),
            document_store=_document_store(env),
            document_max_bytes=_document_max_bytes(env),
            s3_endpoint=_endpoint("LIEU_S3_ENDPOINT", env),
            s3_access_key=access_key,
            s3_secret_key=secret_key,
            s3_region=_region(env),
            cache_seconds=_cache_seconds(env),
            session_secret=_session_secret(env),
            member_key_secret=_member_key_secret(env),
            console_idle_minutes=_whole_number(
                "LIEU_CONSOLE_IDLE_MINUTES",
                env,
                DEFAULT_CONSOLE_IDLE_MINUTES,
                LONGEST_CONSOLE_IDLE_MINUTES,
                "minutes a console session may go without a request",
            ),
            console_session_hours=_whole_number(
                "LIEU_CONSOLE_SESSION_HOURS",
                env,
                DEFAULT_CONSOLE_SESSION_HOURS,
                LONGEST_CONSOLE_SESSION_HOURS,
                "hours a console session lasts at most, active or not",
            ),
            **_payload_settings(env),
            webhook_first_retry_seconds=_whole_number(
                "LIEU_WEBHOOK_FIRST_RETRY_SECONDS",
                env,
                DEFAULT_WEBHOOK_FIRST_RETRY_SECONDS,
                3600,
                "seconds before a failed webhook POST is first tried again",
            ),
            webhook_attempts=_whole_number(
                "LIEU_WEBHOOK_ATTEMPTS",
                env,
                DEFAULT_WEBHOOK_ATTEMPTS,
                200,
                "attempts a webhook POST gets before it is marked failed",
            ),
            webhook_sweep_seconds=_whole_number(
                "LIEU_WEBHOOK_SWEEP_SECONDS",
                env,
                DEFAULT_WEBHOOK_SWEEP_SECONDS,
                3600,
                "seconds between two sweeps for webhook deliveries nobody started",
            ),
            graphql_max_cost=_whole_number(
                "LIEU_GRAPHQL_MAX_COST",
                env,
                DEFAULT_GRAPHQL_MAX_COST,
                LARGEST_GRAPHQL_MAX_COST,
                "estimated cost one GraphQL operation may have",
            ),
            rate_limit_per_minute=_per_minute(
                "LIEU_RATE_LIMIT_PER_MINUTE",
                env,
                DEFAULT_RATE_LIMIT_PER_MINUTE,
                "GraphQL requests a minute one token may make",
            ),
            rate_limit_anonymous_per_minute=_per_minute(
                "LIEU_RATE_LIMIT_ANONYMOUS_PER_MINUTE",
                env,
                DEFAULT_RATE_LIMIT_ANONYMOUS_PER_MINUTE,
                "GraphQL requests a minute one client address may make without a token",
            ),
            rate_limit_expensive_per_minute=_per_minute(
                "LIEU_RATE_LIMIT_EXPENSIVE_PER_MINUTE",
                env,
                DEFAULT_RATE_LIMIT_EXPENSIVE_PER_MINUTE,
                "expensive GraphQL operations (simulateDraft, the reports) a minute per caller",
            ),
        )


def console_secret(settings: Settings) -> bytes:
    """The key the console signs its cookies with: LIEU_SESSION_SECRET, or else the data dir's
    `session.secret`, made on first use (0600, created whole, so processes starting together on
    one machine agree on it)."""
    if settings.session_secret:
        return settings.session_secret.encode()
    path = settings.session_secret_file
    try:
        if not path.exists():
            _make_secret(path)
        return _read_secret(path)
    except OSError as failure:
        raise SettingsError(
            f"LIEU_SESSION_SECRET is unset and lieu cannot keep one in {path} "
            f"({failure.strerror}); set LIEU_SESSION_SECRET (the same on every API replica) or "
            "make LIEU_DATA_DIR writable"
        ) from None


def member_key_secret(settings: Settings) -> bytes:
    """The key of members' Temporal search attribute (`LieuMemberKey`): LIEU_MEMBER_KEY_SECRET,
    or else the data dir's `member-key.secret`, made on first use like `session.secret`. API and
    worker replicas and `lieu workflows member-key` must share it, or a member's workflows are
    not found by the digest."""
    if settings.member_key_secret:
        return settings.member_key_secret.encode()
    path = settings.member_key_secret_file
    try:
        if not path.exists():
            _make_secret(path)
        return _read_secret(
            path,
            "LIEU_MEMBER_KEY_SECRET",
            "members' Temporal search key",
            "lieu makes a new one; workflows started before are then not found by member",
        )
    except OSError as failure:
        raise SettingsError(
            f"LIEU_MEMBER_KEY_SECRET is unset and lieu cannot keep one in {path} "
            f"({failure.strerror}); set LIEU_MEMBER_KEY_SECRET (the same on every API replica "
            "and wherever `lieu workflows member-key` runs) or make LIEU_DATA_DIR writable"
        ) from None


@dataclass(frozen=True, slots=True)
class PayloadKeys:
    """The AES-256-GCM keys of Temporal payloads by id: `active` seals, every one opens."""

    active: str
    keys: Mapping[str, bytes] = field(repr=False)

    def key(self, key_id: str) -> bytes | None:
        return self.keys.get(key_id)


def parse_payload_keys(raw: str, active: str, where: str) -> PayloadKeys:
    """`id:key` entries (commas or lines), each key 32 bytes in base64; `active` names the one
    that seals (the first when empty). `where` names the source in error messages."""
    keys: dict[str, bytes] = {}
    entries = [entry.strip() for entry in re.split(r"[,\n]", raw) if entry.strip()]
    for number, entry in enumerate(entries, start=1):
        key_id, sep, encoded = entry.partition(":")
        key_id, encoded = key_id.strip(), encoded.strip()
        if not sep or not PAYLOAD_KEY_ID.fullmatch(key_id):
            raise SettingsError(
                f"{where}: entry {number} is not `id:key` with an id of letters, digits, '.', "
                "'_' or '-' (e.g. '2026-12:' followed by the key); make a key with `python -c "
                "'import secrets,base64; print(base64.urlsafe_b64encode(secrets.token_bytes(32))"
                ".decode())'`"
            )
        try:
            key = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
        except (binascii.Error, ValueError):
            key = b""
        if len(key) != PAYLOAD_KEY_BYTES:
            raise SettingsError(
                f"{where}: key {key_id!r} is not {PAYLOAD_KEY_BYTES} bytes in base64 (it decodes "
                f"to {len(key)}); give 32 random bytes, base64-encoded"
            )
        if key_id in keys:
            raise SettingsError(f"{where}: key id {key_id!r} is listed twice; ids must differ")
        keys[key_id] = key
    if not keys:
        raise SettingsError(f"{where} holds no key; give at least one `id:key`")
    chosen = active or next(iter(keys))
    if chosen not in keys:
        raise SettingsError(
            f"LIEU_PAYLOAD_KEY_ID={chosen!r} is not one of the ids in {where} "
            f"({', '.join(keys)}); name one of them, or add its key"
        )
    return PayloadKeys(active=chosen, keys=keys)


def payload_keys(settings: Settings) -> PayloadKeys:
    """The keys of Temporal payloads: LIEU_PAYLOAD_KEYS, or else the data dir's `payload.keys`,
    made with one random key on first use (0600, created whole, like `session.secret`)."""
    if settings.payload_keys:
        return parse_payload_keys(
            settings.payload_keys, settings.payload_key_id, "LIEU_PAYLOAD_KEYS"
        )
    path = settings.payload_keys_file
    try:
        if not path.exists():
            _make_secret(path, _new_payload_key)
        raw = path.read_text(encoding="utf-8")
    except OSError as failure:
        raise SettingsError(
            f"LIEU_PAYLOAD_KEYS is unset and lieu cannot keep a key in {path} "
            f"({failure.strerror}); set LIEU_PAYLOAD_KEYS (the same on every API and worker "
            "replica) or make LIEU_DATA_DIR writable"
        ) from None
    return parse_payload_keys(raw, settings.payload_key_id, str(path))


def new_payload_key_entry(key_id: str) -> str:
    """One `id:key` entry with a fresh random key (for LIEU_PAYLOAD_KEYS or `payload.keys`)."""
    return f"{key_id}:{base64.urlsafe_b64encode(secrets.token_bytes(PAYLOAD_KEY_BYTES)).decode()}"


def _new_payload_key() -> str:
    return new_payload_key_entry(f"local-{secrets.token_hex(4)}")


def _payload_settings(env: Mapping[str, str]) -> dict[str, str]:
    raw = env.get("LIEU_PAYLOAD_KEYS", "").strip()
    active = env.get("LIEU_PAYLOAD_KEY_ID", "").strip()
    if raw:
        parse_payload_keys(raw, active, "LIEU_PAYLOAD_KEYS")  # refused now, not at first use
    origin = env.get("LIEU_TEMPORAL_UI_ORIGIN", "").strip().rstrip("/")
    scheme, sep, host = origin.partition("://")
    if origin and (not sep or scheme not in ("http", "https") or not host or "/" in host):
        raise SettingsError(
            f"LIEU_TEMPORAL_UI_ORIGIN={origin!r} is not an origin; give the Temporal UI's "
            "scheme, host and port, e.g. 'https://temporal-ui.plan.example' (no path)"
        )
    ui_url = env.get("LIEU_TEMPORAL_UI_URL", "").strip().rstrip("/")
    scheme, sep, rest = ui_url.partition("://")
    if ui_url and (not sep or scheme not in ("http", "https") or not rest or rest[0] == "/"):
        raise SettingsError(
            f"LIEU_TEMPORAL_UI_URL={ui_url!r} is not a web address; give the Temporal UI's "
            "base URL, e.g. 'https://temporal-ui.plan.example' (the console links workflow "
            "histories under it)"
        )
    return {
        "payload_keys": raw,
        "payload_key_id": active,
        "temporal_ui_origin": origin,
        "temporal_ui_url": ui_url,
    }


def _make_secret(path: Path, make: Callable[[], str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".session-secret-")
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write((make() if make else secrets.token_urlsafe(48)) + "\n")
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            os.link(temporary, path)
    finally:
        os.unlink(temporary)


def _read_secret(
    path: Path,
    variable: str = "LIEU_SESSION_SECRET",
    purpose: str = "the console's signing secret",
    remedy: str = "lieu makes a new one; everyone signs in again",
) -> bytes:
    secret = path.read_text(encoding="utf-8").strip()
    if len(secret) < SHORTEST_SESSION_SECRET:
        raise SettingsError(
            f"{path} holds {len(secret)} characters, too few for {purpose}; "
            f"delete it ({remedy}) or set {variable}"
        )
    return secret.encode()


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
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) < 65536:
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


def _document_store(env: Mapping[str, str]) -> str:
    raw = env.get("LIEU_DOCUMENT_STORE", "").strip() or FOLDER_STORE
    if raw == FOLDER_STORE:
        return raw
    if not raw.startswith(S3_SCHEME):
        raise SettingsError(
            f"LIEU_DOCUMENT_STORE={raw!r} is not a document store; use 'folder' (files under "
            "LIEU_DATA_DIR/documents) or 's3://BUCKET' (an S3-compatible store, with "
            "LIEU_S3_ENDPOINT for MinIO)"
        )
    bucket = raw.removeprefix(S3_SCHEME)
    if not BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
        raise SettingsError(
            f"LIEU_DOCUMENT_STORE={raw!r} names bucket {bucket!r}, which is not an S3 bucket "
            "name; use 3 to 63 lowercase letters, digits, dots or hyphens, starting and ending "
            "with a letter or digit, e.g. 's3://lieu-documents'"
        )
    return raw


def _document_max_bytes(env: Mapping[str, str]) -> int:
    raw = env.get("LIEU_DOCUMENT_MAX_BYTES")
    if raw is None or not raw.strip():
        return DEFAULT_DOCUMENT_MAX_BYTES
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= LARGEST_DOCUMENT_MAX_BYTES:
        raise SettingsError(
            f"LIEU_DOCUMENT_MAX_BYTES={raw!r} is not a size lieu accepts; give a number of "
            f"bytes from 1 to {LARGEST_DOCUMENT_MAX_BYTES}, e.g. {DEFAULT_DOCUMENT_MAX_BYTES} "
            "for 5 MiB"
        )
    return int(raw)


def _cache_seconds(env: Mapping[str, str]) -> float:
    raw = env.get("LIEU_CACHE_SECONDS", "").strip()
    if not raw:
        return DEFAULT_CACHE_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= LONGEST_CACHE_SECONDS:  # NaN fails too
        raise SettingsError(
            f"LIEU_CACHE_SECONDS={raw!r} is not a number of seconds lieu accepts; give 0 to "
            f"{LONGEST_CACHE_SECONDS:g} (how soon a token revoked or a definition published "
            f"by another process is seen; default {DEFAULT_CACHE_SECONDS:g}, 0 turns the caches "
            "off)"
        )
    return seconds


def _session_secret(env: Mapping[str, str]) -> str:
    raw = env.get("LIEU_SESSION_SECRET", "").strip()
    if raw and len(raw) < SHORTEST_SESSION_SECRET:
        raise SettingsError(
            f"LIEU_SESSION_SECRET is {len(raw)} characters long; give at least "
            f"{SHORTEST_SESSION_SECRET} random characters (e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`), the same on every "
            "API replica, or leave it unset on one machine"
        )
    return raw


def _member_key_secret(env: Mapping[str, str]) -> str:
    raw = env.get("LIEU_MEMBER_KEY_SECRET", "").strip()
    if raw and len(raw) < SHORTEST_SESSION_SECRET:
        raise SettingsError(
            f"LIEU_MEMBER_KEY_SECRET is {len(raw)} characters long; give at least "
            f"{SHORTEST_SESSION_SECRET} random characters (e.g. the output of "
            "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`), the same on every "
            "API replica, or leave it unset on one machine"
        )
    return raw


def _whole_number(
    name: str, env: Mapping[str, str], default: int, largest: int, meaning: str
) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 0 < int(raw) <= largest:
        raise SettingsError(
            f"{name}={raw!r} is not a number lieu accepts; give the {meaning}, a whole number "
            f"from 1 to {largest} (default {default})"
        )
    return int(raw)


def _per_minute(name: str, env: Mapping[str, str], default: int, meaning: str) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or int(raw) > LARGEST_RATE_LIMIT_PER_MINUTE:
        raise SettingsError(
            f"{name}={raw!r} is not a rate lieu accepts; give the {meaning}, a whole number "
            f"from 0 (no limit) to {LARGEST_RATE_LIMIT_PER_MINUTE} (default {default})"
        )
    return int(raw)


def _endpoint(name: str, env: Mapping[str, str]) -> str:
    raw = env.get(name, "").strip()
    if not raw:
        return ""
    scheme, sep, rest = raw.partition("://")
    host = rest.split("/", 1)[0]
    if not sep or scheme not in ("http", "https") or not host or " " in raw:
        raise SettingsError(
            f"{name}={raw!r} is not an http(s) URL; use e.g. 'http://minio:9000', or leave it "
            "unset for AWS S3 itself"
        )
    return raw.rstrip("/")


def _check_s3_keys(access_key: str, secret_key: str) -> None:
    if bool(access_key) != bool(secret_key):
        given, missing = (
            ("LIEU_S3_ACCESS_KEY", "LIEU_S3_SECRET_KEY")
            if access_key
            else ("LIEU_S3_SECRET_KEY", "LIEU_S3_ACCESS_KEY")
        )
        raise SettingsError(
            f"{given} is set but {missing} is not; set both, or neither to use the AWS "
            "credential chain (environment, profile, instance role)"
        )


def _region(env: Mapping[str, str]) -> str:
    raw = env.get("LIEU_S3_REGION", "").strip() or "us-east-1"
    if not REGION_NAME.fullmatch(raw):
        raise SettingsError(
            f"LIEU_S3_REGION={raw!r} is not a region name; use lowercase letters, digits and "
            "hyphens, e.g. 'us-east-1' (MinIO accepts any)"
        )
    return raw


def _trusted_proxies(env: Mapping[str, str]) -> str:
    """LIEU_TRUSTED_PROXIES: addresses or networks (10.0.0.0/8), comma-separated, or `*`."""
    raw = env.get("LIEU_TRUSTED_PROXIES", "").strip()
    if raw in ("", "*"):
        return raw
    parts = [part.strip() for part in raw.split(",") if part.strip()]
    for part in parts:
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise SettingsError(
                f"LIEU_TRUSTED_PROXIES: {part!r} is not an address or network; give the "
                "proxies in front of lieu, e.g. 10.0.0.5 or 10.0.0.0/8, comma-separated"
            ) from None
    return ",".join(parts)

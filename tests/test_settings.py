"""Settings are read once from the environment, with defaults for the embedded stack."""

from __future__ import annotations

from pathlib import Path

import pytest

from lieu.settings import (
    Settings,
    SettingsError,
    checkout_root,
    console_secret,
    default_data_dir,
)


def test_defaults_give_the_embedded_stack_under_dot_lieu(tmp_path: Path) -> None:
    settings = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path / ".lieu")})
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / '.lieu' / 'lieu.db'}"
    assert settings.is_sqlite
    assert settings.temporal_address == "127.0.0.1:7233"
    assert settings.temporal_namespace == "default"
    assert settings.task_queue == "lieu"
    assert settings.temporal_db_file == tmp_path / ".lieu" / "temporal.db"


def test_every_setting_comes_from_its_variable() -> None:
    settings = Settings.from_env(
        {
            "LIEU_DATABASE_URL": "postgresql+asyncpg://lieu@db:5432/lieu",
            "LIEU_TEMPORAL_ADDRESS": "temporal:7233",
            "LIEU_TEMPORAL_NAMESPACE": "plans",
            "LIEU_TASK_QUEUE": "lieu-prod",
            "LIEU_API_PORT": "9000",
            "LIEU_LOG_FORMAT": "json",
        }
    )
    assert (settings.temporal_address, settings.temporal_namespace) == ("temporal:7233", "plans")
    assert (settings.task_queue, settings.api_port, settings.log_format) == (
        "lieu-prod",
        9000,
        "json",
    )
    assert not settings.is_sqlite


def test_documents_go_to_a_folder_under_the_data_dir_up_to_5_mib_by_default(
    tmp_path: Path,
) -> None:
    settings = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path / ".lieu")})
    assert settings.document_store == "folder" and settings.s3_bucket is None
    assert settings.documents_dir == tmp_path / ".lieu" / "documents"
    assert settings.document_max_bytes == 5 * 1024 * 1024
    assert not (tmp_path / ".lieu").exists()


def test_an_s3_document_store_takes_its_bucket_endpoint_and_keys_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "LIEU_DOCUMENT_STORE": "s3://lieu-documents",
            "LIEU_DOCUMENT_MAX_BYTES": "10485760",
            "LIEU_S3_ENDPOINT": "http://minio:9000/",
            "LIEU_S3_ACCESS_KEY": "lieu",
            "LIEU_S3_SECRET_KEY": "not-in-repr",
            "LIEU_S3_REGION": "us-west-2",
        }
    )
    assert settings.s3_bucket == "lieu-documents"
    assert settings.document_max_bytes == 10 * 1024 * 1024
    assert (settings.s3_endpoint, settings.s3_region) == ("http://minio:9000", "us-west-2")
    assert (settings.s3_access_key, settings.s3_secret_key) == ("lieu", "not-in-repr")
    assert "not-in-repr" not in repr(settings)


def test_an_api_process_caches_tokens_and_definitions_in_force_for_5_seconds_unless_told(
    tmp_path: Path,
) -> None:
    assert Settings.from_env({"LIEU_DATA_DIR": str(tmp_path)}).cache_seconds == 5.0
    assert Settings.from_env({"LIEU_CACHE_SECONDS": "0"}).cache_seconds == 0.0
    assert Settings.from_env({"LIEU_CACHE_SECONDS": "1.5"}).cache_seconds == 1.5


def test_console_sessions_last_30_idle_minutes_and_12_hours_unless_told(tmp_path: Path) -> None:
    settings = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path)})
    assert (settings.console_idle_minutes, settings.console_session_hours) == (30, 12)
    told = Settings.from_env({"LIEU_CONSOLE_IDLE_MINUTES": "15", "LIEU_CONSOLE_SESSION_HOURS": "8"})
    assert (told.console_idle_minutes, told.console_session_hours) == (15, 8)


def test_the_console_secret_is_the_setting_or_one_made_once_under_the_data_dir(
    tmp_path: Path,
) -> None:
    given = "s" * 40
    assert console_secret(Settings.from_env({"LIEU_SESSION_SECRET": given})) == given.encode()
    assert given not in repr(Settings.from_env({"LIEU_SESSION_SECRET": given}))
    settings = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path / ".lieu")})
    assert not settings.session_secret_file.exists(), "reading settings makes nothing"
    made = console_secret(settings)
    assert len(made) >= 64
    assert settings.session_secret_file.stat().st_mode & 0o777 == 0o600
    assert console_secret(settings) == made, "the same secret on every start"
    assert list(settings.data_dir.iterdir()) == [settings.session_secret_file]


def test_a_session_secret_file_too_short_to_sign_with_says_what_to_do(tmp_path: Path) -> None:
    settings = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path)})
    settings.session_secret_file.write_text("tiny\n")
    with pytest.raises(SettingsError, match=r"delete it .*or set LIEU_SESSION_SECRET"):
        console_secret(settings)


def test_a_data_dir_lieu_cannot_write_asks_for_the_session_secret(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the data dir should be")
    settings = Settings.from_env({"LIEU_DATA_DIR": str(blocked / ".lieu")})
    with pytest.raises(SettingsError, match=r"set LIEU_SESSION_SECRET .* or make LIEU_DATA_DIR"):
        console_secret(settings)


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path)})
    with pytest.raises(AttributeError):
        settings.task_queue = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("LIEU_DATABASE_URL", "not a url", "is not a database URL"),
        ("LIEU_DATABASE_URL", "mysql://root@localhost/x", "driver 'mysql'"),
        (
            "LIEU_DATABASE_URL",
            "postgres://x@y/z",
            "use one of sqlite+aiosqlite, postgresql+asyncpg",
        ),
        ("LIEU_DATABASE_URL", "sqlite+aiosqlite://", "names no SQLite file"),
        ("LIEU_TEMPORAL_ADDRESS", "temporal", "is not host:port"),
        ("LIEU_API_PORT", "eighty", "is not a TCP port"),
        ("LIEU_LOG_LEVEL", "loud", "is not one of debug, info, warning, error"),
        ("LIEU_DOCUMENT_STORE", "minio", "use 'folder' (files under LIEU_DATA_DIR/documents)"),
        ("LIEU_DOCUMENT_STORE", "s3://Lieu_Documents", "is not an S3 bucket name"),
        ("LIEU_DOCUMENT_STORE", "s3://", "names bucket '', which is not an S3 bucket name"),
        ("LIEU_DOCUMENT_MAX_BYTES", "5MiB", "give a number of bytes from 1 to 104857600"),
        ("LIEU_DOCUMENT_MAX_BYTES", "0", "e.g. 5242880 for 5 MiB"),
        ("LIEU_DOCUMENT_MAX_BYTES", "104857601", "from 1 to 104857600"),
        ("LIEU_S3_ENDPOINT", "minio:9000", "is not an http(s) URL; use e.g. 'http://minio:9000'"),
        ("LIEU_S3_ACCESS_KEY", "lieu", "is set but LIEU_S3_SECRET_KEY is not; set both"),
        ("LIEU_S3_SECRET_KEY", "secret", "is set but LIEU_S3_ACCESS_KEY is not; set both"),
        ("LIEU_S3_REGION", "US East", "is not a region name"),
        ("LIEU_CACHE_SECONDS", "5s", "give 0 to 60 (how soon a token revoked"),
        ("LIEU_CACHE_SECONDS", "61", "give 0 to 60"),
        ("LIEU_CACHE_SECONDS", "nan", "0 turns the caches off"),
        ("LIEU_API_PORT", "８０００", "is not a TCP port"),
        ("LIEU_DOCUMENT_MAX_BYTES", "²", "is not a size lieu accepts"),
        ("LIEU_SESSION_SECRET", "short", "is 5 characters long; give at least 32"),
        ("LIEU_CONSOLE_IDLE_MINUTES", "0", "a whole number from 1 to 1440 (default 30)"),
        ("LIEU_CONSOLE_IDLE_MINUTES", "²", "minutes a console session may go without a request"),
        ("LIEU_CONSOLE_SESSION_HOURS", "12h", "a whole number from 1 to 168 (default 12)"),
    ],
)
def test_a_bad_value_names_the_variable_and_how_to_fix_it(
    variable: str, value: str, expected: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({variable: value})
    assert variable in str(raised.value)
    assert expected in str(raised.value)


def test_without_lieu_data_dir_the_stack_is_the_checkouts_from_any_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = checkout_root()
    assert root is not None and (root / "pyproject.toml").is_file()
    monkeypatch.chdir(tmp_path)
    settings = Settings.from_env({})
    assert settings.data_dir == root / ".lieu"
    assert settings.sqlite_file == root / ".lieu" / "lieu.db"
    assert list(tmp_path.iterdir()) == []  # reading settings creates nothing


def test_a_dot_lieu_with_a_database_in_the_working_directory_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".lieu").mkdir()
    (tmp_path / ".lieu" / "lieu.db").touch()
    monkeypatch.chdir(tmp_path)
    assert Settings.from_env({}).data_dir == tmp_path / ".lieu"
    assert default_data_dir(tmp_path / "elsewhere") == _checkout() / ".lieu"


def test_an_empty_dot_lieu_left_behind_does_not_hide_the_stack(tmp_path: Path) -> None:
    (tmp_path / ".lieu").mkdir()
    assert default_data_dir(tmp_path) == _checkout() / ".lieu"


def test_the_sqlite_file_is_absolute_and_a_server_database_has_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    relative = Settings.from_env({"LIEU_DATABASE_URL": "sqlite+aiosqlite:///x/lieu.db"})
    assert relative.sqlite_file == tmp_path / "x" / "lieu.db"
    server = Settings.from_env({"LIEU_DATABASE_URL": "postgresql+asyncpg://lieu@db:5432/lieu"})
    assert server.sqlite_file is None


def _checkout() -> Path:
    root = checkout_root()
    assert root is not None, "the tests run from a checkout"
    return root


def test_the_console_links_workflow_histories_to_the_dev_ui_unless_told_where_the_ui_is(
    tmp_path: Path,
) -> None:
    local = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path)})
    assert local.workflow_history_url("A-1 2") == (
        "http://127.0.0.1:8233/namespaces/default/workflows/A-1%202"
    )
    told = Settings.from_env(
        {
            "LIEU_DATA_DIR": str(tmp_path),
            "LIEU_TEMPORAL_UI_URL": "https://temporal-ui.plan.example/",
            "LIEU_TEMPORAL_NAMESPACE": "lieu-prod",
        }
    )
    assert told.workflow_history_url("A-1") == (
        "https://temporal-ui.plan.example/namespaces/lieu-prod/workflows/A-1"
    )
    with pytest.raises(SettingsError, match="LIEU_TEMPORAL_UI_URL='temporal-ui:8080' is not a web"):
        Settings.from_env(
            {"LIEU_DATA_DIR": str(tmp_path), "LIEU_TEMPORAL_UI_URL": "temporal-ui:8080"}
        )


def test_webhook_retries_and_sweep_are_read_once_and_a_bad_value_says_which(
    tmp_path: Path,
) -> None:
    default = Settings.from_env({"LIEU_DATA_DIR": str(tmp_path)})
    assert (default.webhook_first_retry_seconds, default.webhook_attempts) == (5, 30)
    assert default.webhook_sweep_seconds == 30
    told = Settings.from_env(
        {
            "LIEU_WEBHOOK_FIRST_RETRY_SECONDS": "2",
            "LIEU_WEBHOOK_ATTEMPTS": "12",
            "LIEU_WEBHOOK_SWEEP_SECONDS": "10",
        }
    )
    assert (told.webhook_first_retry_seconds, told.webhook_attempts) == (2, 12)
    assert told.webhook_sweep_seconds == 10
    with pytest.raises(SettingsError, match="LIEU_WEBHOOK_ATTEMPTS='0'"):
        Settings.from_env({"LIEU_WEBHOOK_ATTEMPTS": "0"})

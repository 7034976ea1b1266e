"""docker-compose.yml describes the scale-out stack, and Compose itself accepts it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from lieu.settings import Settings

COMPOSE_FILE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


def _compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    docker = shutil.which("docker")
    if (
        docker
        and subprocess.run([docker, "compose", "version"], capture_output=True).returncode == 0
    ):
        return [docker, "compose"]
    return None


def _services() -> dict[str, Any]:
    services: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())["services"]
    return services


# What an operator exports before `docker compose up` (the file holds no secret of its own).
SECRETS = {
    "LIEU_DB_PASSWORD": "db-password-for-the-test",
    "LIEU_SESSION_SECRET": "s" * 40,
    "LIEU_S3_SECRET_KEY": "s3-secret-for-the-test",
    "LIEU_MINIO_ROOT_PASSWORD": "minio-root-for-the-test",
    "LIEU_PAYLOAD_KEYS": "k1:" + "A" * 43 + "=",
    "LIEU_MEMBER_KEY_SECRET": "m" * 40,
    "LIEU_UI_PASSWORD_HASH": "$2a$14$" + "x" * 53,
}


def test_compose_config_accepts_the_file() -> None:
    command = _compose_command()
    if command is None:
        pytest.skip("no docker-compose or `docker compose` CLI here (make system-deps installs it)")
    result = subprocess.run(
        [*command, "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True,
        text=True,
        env={**os.environ, **SECRETS},
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("missing", sorted(SECRETS))
def test_the_file_holds_no_secret_and_compose_names_each_one_missing(missing: str) -> None:
    text = COMPOSE_FILE.read_text()
    for old in ("lieu-api-secret", "lieu-admin-secret", "change-me", "lieu:lieu@"):
        assert old not in text, f"{old!r}: a secret written in the file is everyone's"
    command = _compose_command()
    if command is None:
        pytest.skip("no docker-compose or `docker compose` CLI here (make system-deps installs it)")
    env = {**{k: v for k, v in os.environ.items() if k not in SECRETS}, **SECRETS}
    del env[missing]
    refused = subprocess.run(
        [*command, "-f", str(COMPOSE_FILE), "config", "-q"], capture_output=True, text=True, env=env
    )
    assert refused.returncode != 0 and f"set {missing}" in refused.stderr


def test_stack_runs_two_api_and_two_worker_replicas_on_postgres_and_temporal() -> None:
    services = _services()
    assert services["api"]["deploy"]["replicas"] == 2
    assert services["worker"]["deploy"]["replicas"] == 2
    assert services["postgres"]["image"].startswith("postgres:")
    assert services["temporal"]["image"].startswith("temporalio/auto-setup:")
    assert services["temporal"]["environment"]["DB"] == "postgres12"
    assert services["temporal-ui"]["image"].startswith("temporalio/ui:")
    for name in ("api", "worker"):
        env = services[name]["environment"]
        assert env["LIEU_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env["LIEU_TEMPORAL_ADDRESS"] == "temporal:7233"


def test_documents_go_to_a_minio_bucket_that_a_one_shot_job_creates_before_the_api_starts() -> None:
    services = _services()
    minio, setup = services["minio"], services["minio-setup"]
    for image in (minio["image"], setup["image"]):
        name, _, tag = image.partition(":")
        assert name in ("minio/minio", "minio/mc")
        assert tag.startswith("RELEASE.20"), f"{image} is not pinned to a release"
    assert minio["healthcheck"]["test"] == ["CMD", "mc", "ready", "local"]
    assert setup["depends_on"]["minio"]["condition"] == "service_healthy"
    assert setup["restart"] == "no"
    script = setup["command"][0]
    assert "mc mb --ignore-existing store/lieu-documents" in script
    assert "mc admin user add store" in script  # lieu's own key, not the root user's
    for name in ("api", "worker"):
        service = services[name]
        assert service["depends_on"]["minio-setup"]["condition"] == (
            "service_completed_successfully"
        )
        settings = Settings.from_env(_without_interpolation(service["environment"]))
        assert settings.s3_bucket == "lieu-documents"
        assert settings.s3_endpoint == "http://minio:9000"
        assert settings.s3_access_key == setup["environment"]["LIEU_S3_ACCESS_KEY"]
        # the same secret, from the same shell variable
        assert service["environment"]["LIEU_S3_SECRET_KEY"] == "${LIEU_S3_SECRET_KEY}"
        assert setup["environment"]["LIEU_S3_SECRET_KEY"].startswith("${LIEU_S3_SECRET_KEY:?")
    assert "minio-data" in yaml.safe_load(COMPOSE_FILE.read_text())["volumes"]


def _without_interpolation(env: dict[str, str]) -> dict[str, str]:
    """The environment as lieu reads it once Compose has filled in the operator's secrets."""
    return {
        name: re.sub(r"\$\{(\w+)[^}]*\}", lambda m: SECRETS[m.group(1)], value)
        for name, value in env.items()
    }


def test_the_payload_key_comes_from_the_shell_and_compose_refuses_to_run_without_it() -> None:
    services = _services()
    for name in ("api", "worker"):
        assert services[name]["environment"]["LIEU_PAYLOAD_KEYS"].startswith(
            "${LIEU_PAYLOAD_KEYS:?"
        ), f"{name}: the key must be the operator's, the same on every replica, never a default"
    command = _compose_command()
    if command is None:
        pytest.skip("no docker-compose or `docker compose` CLI here (make system-deps installs it)")
    env = {**os.environ, **SECRETS}
    del env["LIEU_PAYLOAD_KEYS"]
    refused = subprocess.run(
        [*command, "-f", str(COMPOSE_FILE), "config", "-q"], capture_output=True, text=True, env=env
    )
    assert refused.returncode != 0 and "set LIEU_PAYLOAD_KEYS" in refused.stderr


def test_the_temporal_ui_is_reached_through_a_sign_in_on_loopback_only() -> None:
    services = _services()
    assert "ports" not in services["temporal-ui"]  # never reached but through the gateway
    gateway = services["temporal-ui-gateway"]
    assert gateway["ports"] == ["127.0.0.1:8080:8080"]
    assert gateway["environment"]["LIEU_UI_PASSWORD_HASH"].startswith("${LIEU_UI_PASSWORD_HASH:?")
    (mount,) = gateway["volumes"]
    local, inside, _mode = mount.split(":")
    caddyfile = (COMPOSE_FILE.parent / local).read_text()
    assert inside == "/etc/caddy/Caddyfile"
    assert "basic_auth {" in caddyfile and "{$LIEU_UI_PASSWORD_HASH}" in caddyfile
    assert "reverse_proxy temporal-ui:8080" in caddyfile


def test_the_temporal_ui_decodes_through_lieus_codec_endpoint() -> None:
    services = _services()
    ui = services["temporal-ui"]
    assert ui["environment"]["TEMPORAL_CODEC_ENDPOINT"] == "http://127.0.0.1:8000/codec"
    origin = services["api"]["environment"]["LIEU_TEMPORAL_UI_ORIGIN"]
    settings = Settings.from_env(_without_interpolation(services["api"]["environment"]))
    assert settings.codec_origins == (origin,) == ("http://127.0.0.1:8080",)


def test_every_long_running_service_has_a_health_check() -> None:
    for name, service in _services().items():
        if service.get("restart") == "no":
            continue  # one-shot jobs (migrate, search attributes)
        if name == "temporal-ui":
            continue  # the UI image ships no shell tools to probe with
        assert "healthcheck" in service, f"{name} has no healthcheck"


def test_the_console_links_workflow_histories_to_the_stacks_temporal_ui() -> None:
    api = _services()["api"]
    settings = Settings.from_env(_without_interpolation(api["environment"]))
    assert settings.workflow_history_url("A-1") == (
        "http://127.0.0.1:8080/namespaces/default/workflows/A-1"
    )

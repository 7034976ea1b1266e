"""The `lieu` command: a usage error is three lines and exit 2, a domain error one line and exit
1, and neither is ever a traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import typing
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer._click.core import Command
from typer.core import TyperGroup, TyperOption

from lieu.cli import app, run
from lieu.commands.errors import is_temporal_connect_failure, temporal_unreachable
from lieu.workflows.devserver import free_port


def lieu(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lieu", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("postgres://nobody@nowhere/x", "driver 'postgres'"),
        ("not a url at all", "is not a database URL"),
        # a port nothing listens on, chosen when the test runs (never in its id: every xdist
        # worker must collect the same tests)
        ("postgresql+asyncpg://postgres@127.0.0.1:{free_port}/x", "cannot use the database"),
    ],
)
def test_a_bad_database_url_gives_one_clear_line_and_a_non_zero_exit(url: str, words: str) -> None:
    url = url.replace("{free_port}", str(free_port()))
    result = lieu("migrate", env={"LIEU_DATABASE_URL": url})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("lieu: error: ")
    assert words in lines[0]
    assert "Traceback" not in result.stderr + result.stdout


def test_migrate_creates_the_tables_and_says_at_which_revision(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    first = lieu("migrate", env={"LIEU_DATABASE_URL": url})
    again = lieu("migrate", env={"LIEU_DATABASE_URL": url})
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("database at revision ")
    assert again.stdout == first.stdout


def test_lieu_api_without_a_session_secret_or_a_writable_data_dir_says_so_in_one_line(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    assert lieu("migrate", env={"LIEU_DATABASE_URL": url}).returncode == 0
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    env = {"LIEU_DATABASE_URL": url, "LIEU_DATA_DIR": str(blocked / ".lieu")}
    result = lieu("api", "--port", str(free_port()), env=env)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert "set LIEU_SESSION_SECRET (the same on every API replica)" in lines[0]


def test_lieu_dev_refuses_a_busy_api_port_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = lieu(
            "dev",
            env={"LIEU_DATA_DIR": str(tmp_path), "LIEU_API_PORT": str(port)},
        )
    assert result.returncode == 1
    assert f"port {port} is already in use" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_lists_the_commands() -> None:
    result = lieu("--help")
    assert result.returncode == 0
    for command in ("dev", "api", "worker", "migrate"):
        assert command in result.stdout


def _commands(
    command: Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Command]]:
    """Every group and command of the `lieu` tree, with the words that reach it."""
    yield path, command
    if isinstance(command, TyperGroup):
        for name, child in command.commands.items():
            yield from _commands(child, (*path, name))


def _bad_invocations() -> Iterator[tuple[str, list[str]]]:
    """For every command a new command gets too: unknown option, missing arguments, bad numbers."""
    root = typer.main.get_command(app)
    for path, command in _commands(root):
        words = list(path)
        if isinstance(command, TyperGroup):
            yield "a group with no sub-command", words
            yield "an unknown sub-command", [*words, "bogus"]
            continue
        yield "an unknown option", [*words, "--no-such-option"]
        if any(param.required for param in command.params):
            yield "nothing given", words
        for param in command.params:
            if isinstance(param, TyperOption) and _is_number(param):
                yield f"{param.opts[0]} abc", [*words, param.opts[0], "abc"]


def _is_number(option: TyperOption) -> bool:
    annotation = option.type_descriptor.annotation
    return bool({int, float} & {annotation, *typing.get_args(annotation)})


BAD = list(_bad_invocations())


@pytest.mark.parametrize(
    ("why", "argv"), [pytest.param(why, argv, id=" ".join(argv) or "lieu") for why, argv in BAD]
)
def test_every_usage_error_is_at_most_three_lines_and_exit_2(
    why: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(argv) == 2, why
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert 1 <= len(lines) <= 3, captured.err
    assert any(line.startswith("lieu: error: ") for line in lines), captured.err
    assert "Traceback" not in captured.err + captured.out
    assert captured.out == ""


def test_the_walk_covers_every_command_and_the_usual_mistakes() -> None:
    reached = {" ".join(argv) for _why, argv in BAD}
    for expected in (
        "",
        "bogus",
        "members",
        "members synth",
        "members synth --count abc",
        "tokens create",
        "tokens create --no-such-option",
        "definitions diff",
        "eligibility check",
        "screen",
        "api --port abc",
    ):
        assert expected in reached


def test_a_usage_error_shows_the_usage_the_error_and_where_help_is(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run(["members", "synth", "--count", "abc"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "usage: lieu members synth [OPTIONS]",
        "lieu: error: Invalid value for '--count': Input should be a valid integer, unable to "
        "parse string as an integer",
        "Try 'lieu members synth --help' for help.",
    ]
    assert run(["tokens"]) == 2
    assert capsys.readouterr().err.splitlines()[1] == (
        "lieu: error: missing a command; one of: create, list, revoke"
    )


def test_the_installed_command_prints_no_traceback_for_an_unknown_command() -> None:
    result = lieu("bogus")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "usage: lieu [OPTIONS] COMMAND [ARGS]...",
        "lieu: error: No such command 'bogus'.",
        "Try 'lieu --help' for help.",
    ]


def test_temporal_that_does_not_answer_is_explained_in_one_line() -> None:
    refused = RuntimeError(
        "Failed client connect: Server connection error: tonic::transport::Error(Transport, "
        'ConnectError("tcp connect error", 127.0.0.1:1, Os { code: 111, kind: '
        'ConnectionRefused, message: "Connection refused" }))'
    )
    assert is_temporal_connect_failure(refused)
    assert not is_temporal_connect_failure(RuntimeError("something else"))
    assert str(temporal_unreachable("127.0.0.1:1", refused)) == (
        "cannot reach Temporal at 127.0.0.1:1: nothing answers there (connection refused). "
        "Start it (`make run` starts one) or set LIEU_TEMPORAL_ADDRESS to a running server's "
        "host:port."
    )

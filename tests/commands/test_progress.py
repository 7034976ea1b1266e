"""Long jobs show count, rate and ETA on a terminal's stderr, nothing live elsewhere or when
quiet, and always one summary line at the end."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lieu.commands.progress import Progress, duration


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_line_shows_count_rate_share_and_eta() -> None:
    clock, screen = Clock(), Terminal()
    with Progress("writing", "members", total=1000, stream=screen, clock=clock) as progress:
        clock.now += 2.0
        progress.advance(250)
        assert screen.getvalue() == "\r\x1b[Kwriting: 250 of 1,000 members, 125/s, 25%, ETA 6.0 s"
        progress.finish("wrote")
    assert screen.getvalue().endswith("\r\x1b[Klieu: wrote 250 members in 2.0 s (125/s)\n")


def test_bytes_read_give_the_share_when_the_number_of_items_is_unknown() -> None:
    clock = Clock()
    progress = Progress("screening", "members", total_bytes=4000, stream=Terminal(), clock=clock)
    clock.now += 30
    progress.advance(90, nbytes=1000)
    assert progress.line() == "screening: 90 members, 3/s, 25%, ETA 1:30"


def test_the_line_is_redrawn_at_most_four_times_a_second() -> None:
    clock, screen = Clock(), Terminal()
    progress = Progress("checking", "lines", stream=screen, clock=clock)
    for _ in range(990):
        clock.now += 0.001
        progress.advance()
    assert screen.getvalue().count("\r\x1b[K") == 3  # 0.99 s: drawn at 0.25, 0.5 and 0.75 s


def test_off_a_terminal_or_when_quiet_only_the_summary_is_printed() -> None:
    for stream, quiet in ((io.StringIO(), False), (Terminal(), True)):
        clock = Clock()
        with Progress("storing", "members", total=3, quiet=quiet, stream=stream, clock=clock) as p:
            for _ in range(3):
                clock.now += 1
                p.advance()
            p.finish("stored", "in demo-plan")
        assert stream.getvalue() == "lieu: stored 3 members in demo-plan in 3.0 s (1/s)\n"


def test_durations_read_as_a_person_would_say_them() -> None:
    assert [duration(s) for s in (0.42, 42, 187, 3723)] == ["0.4 s", "42 s", "3:07", "1:02:03"]


def _lieu_on(stderr: int | None, tmp_path: Path, *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "lieu", *args],
        stdout=subprocess.DEVNULL,
        stderr=stderr if stderr is not None else subprocess.PIPE,
        cwd=tmp_path,
        env={**os.environ, "LIEU_DATA_DIR": str(tmp_path / "stack")},
    )


def _read_all(fd: int, process: subprocess.Popen[bytes]) -> str:
    chunks = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(30)
    return b"".join(chunks).decode()


SYNTH = ("members", "synth", "--count", "60000", "--as-of", "2026-03-02", "--out", "m.jsonl")


@pytest.mark.long
def test_lieu_members_synth_on_a_terminal_shows_progress_then_a_summary(tmp_path: Path) -> None:
    leader, follower = os.openpty()
    process = _lieu_on(follower, tmp_path, *SYNTH)
    os.close(follower)
    shown = _read_all(leader, process)
    os.close(leader)
    assert process.returncode == 0, shown
    live, _, summary = shown.rpartition("\r\x1b[K")
    assert "\r\x1b[Kwriting: " in live and " of 60,000 members, " in live
    assert "/s, " in live and "%, ETA " in live
    assert summary.startswith(
        "lieu: wrote 60,000 members (seed 0, as of 2026-03-02) to m.jsonl in "
    )
    assert summary.endswith("/s)\r\n")  # the terminal turns the newline into CR LF


def test_lieu_members_synth_quiet_on_a_terminal_prints_only_the_summary(tmp_path: Path) -> None:
    leader, follower = os.openpty()
    process = _lieu_on(follower, tmp_path, *SYNTH[:3], "2000", *SYNTH[4:], "--quiet")
    os.close(follower)
    shown = _read_all(leader, process)
    os.close(leader)
    assert process.returncode == 0, shown
    assert "\r\x1b[K" not in shown
    assert shown.startswith("lieu: wrote 2,000 members") and shown.count("\n") == 1


def test_lieu_members_synth_into_a_pipe_prints_only_the_summary(tmp_path: Path) -> None:
    process = _lieu_on(None, tmp_path, *SYNTH[:3], "2000", *SYNTH[4:])
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0
    assert err.decode().startswith("lieu: wrote 2,000 members") and err.count(b"\n") == 1
    assert b"\r" not in err


@pytest.mark.long
def test_lieu_screen_on_a_terminal_shows_progress_by_the_share_of_the_file_read(
    tmp_path: Path,
) -> None:
    assert _lieu_on(subprocess.DEVNULL, tmp_path, *SYNTH[:3], "6000", *SYNTH[4:]).wait(120) == 0
    leader, follower = os.openpty()
    process = _lieu_on(follower, tmp_path, "screen", "m.jsonl", "--as-of", "2026-03-02")
    os.close(follower)
    shown = _read_all(leader, process)
    os.close(leader)
    assert process.returncode == 0, shown
    assert "\r\x1b[Kscreening: " in shown and "%, ETA " in shown
    assert (
        "lieu: screened 6,000 members against 15 supports of dhcs in force on 2026-03-02, in"
        in (shown)
    )

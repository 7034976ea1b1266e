"""What a benchmark prints again from the JSON of a run (how the README's tables are made)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def table_from(benchmark: str, report: Path) -> str:
    """The output of `lieu bench BENCHMARK --table-from REPORT` (which must succeed)."""
    again = subprocess.run(
        [sys.executable, "-m", "lieu", "bench", benchmark, "--table-from", str(report)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    return again.stdout

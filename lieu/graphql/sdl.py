"""The committed SDL: `python -m lieu.graphql.sdl` rewrites lieu/graphql/schema.graphql;
`--check` exits 1 when the file is stale (what the test runs)."""

from __future__ import annotations

import sys
from pathlib import Path

from lieu.graphql.schema import build_schema

SDL_FILE = Path(__file__).with_name("schema.graphql")


def current_sdl() -> str:
    """The schema as SDL, ending with a newline."""
    return build_schema().as_str().rstrip() + "\n"


def main(argv: list[str]) -> int:
    """Write the SDL, or with `--check` only compare it."""
    sdl = current_sdl()
    if "--check" in argv:
        if SDL_FILE.exists() and SDL_FILE.read_text(encoding="utf-8") == sdl:
            return 0
        print(f"{SDL_FILE} is stale; run `python -m lieu.graphql.sdl`", file=sys.stderr)
        return 1
    SDL_FILE.write_text(sdl, encoding="utf-8")
    print(f"wrote {SDL_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""The committed SDL matches the schema (regenerate with `python -m lieu.graphql.sdl`)."""

from __future__ import annotations

from lieu.graphql.sdl import SDL_FILE, current_sdl, main


def test_the_committed_sdl_is_current() -> None:
    assert SDL_FILE.read_text(encoding="utf-8") == current_sdl(), (
        "lieu/graphql/schema.graphql is stale; run `python -m lieu.graphql.sdl`"
    )
    assert main(["--check"]) == 0

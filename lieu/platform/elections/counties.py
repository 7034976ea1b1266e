"""California's 58 counties, as election rows and member facts name them (lower-case slugs)."""

from __future__ import annotations

import difflib

COUNTIES: tuple[str, ...] = (
    "alameda", "alpine", "amador", "butte", "calaveras", "colusa", "contra-costa", "del-norte",
    "el-dorado", "fresno", "glenn", "humboldt", "imperial", "inyo", "kern", "kings", "lake",
    "lassen", "los-angeles", "madera", "marin", "mariposa", "mendocino", "merced", "modoc",
    "mono", "monterey", "napa", "nevada", "orange", "placer", "plumas", "riverside",
    "sacramento", "san-benito", "san-bernardino", "san-diego", "san-francisco", "san-joaquin",
    "san-luis-obispo", "san-mateo", "santa-barbara", "santa-clara", "santa-cruz", "shasta",
    "sierra", "siskiyou", "solano", "sonoma", "stanislaus", "sutter", "tehama", "trinity",
    "tulare", "tuolumne", "ventura", "yolo", "yuba",
)  # fmt: skip

COUNTY_SET = frozenset(COUNTIES)


def county_slug(name: str) -> str:
    """`Los Angeles` → `los-angeles`."""
    return "-".join(name.strip().lower().replace("_", " ").split())


def unknown_county_message(county: str) -> str:
    """Why a county is refused, with the closest known names."""
    close = difflib.get_close_matches(county_slug(county), COUNTIES, n=2)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"{county!r} is not a California county{hint}"

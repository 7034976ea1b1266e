"""California's 58 counties: rows and member facts carry lower-case slugs (`los-angeles`);
people read their names (`Los Angeles`)."""

from __future__ import annotations

import difflib


def county_slug(name: str) -> str:
    """`Los Angeles` → `los-angeles`."""
    return "-".join(name.strip().lower().replace("_", " ").split())


# The counties' names as the State writes them; their slugs are what rows and facts carry.
COUNTY_NAMES: tuple[str, ...] = (
    "Alameda", "Alpine", "Amador", "Butte", "Calaveras", "Colusa", "Contra Costa", "Del Norte",
    "El Dorado", "Fresno", "Glenn", "Humboldt", "Imperial", "Inyo", "Kern", "Kings", "Lake",
    "Lassen", "Los Angeles", "Madera", "Marin", "Mariposa", "Mendocino", "Merced", "Modoc",
    "Mono", "Monterey", "Napa", "Nevada", "Orange", "Placer", "Plumas", "Riverside",
    "Sacramento", "San Benito", "San Bernardino", "San Diego", "San Francisco", "San Joaquin",
    "San Luis Obispo", "San Mateo", "Santa Barbara", "Santa Clara", "Santa Cruz", "Shasta",
    "Sierra", "Siskiyou", "Solano", "Sonoma", "Stanislaus", "Sutter", "Tehama", "Trinity",
    "Tulare", "Tuolumne", "Ventura", "Yolo", "Yuba",
)  # fmt: skip

COUNTIES: tuple[str, ...] = tuple(county_slug(name) for name in COUNTY_NAMES)
COUNTY_SET = frozenset(COUNTIES)
_NAME_OF = dict(zip(COUNTIES, COUNTY_NAMES, strict=True))


def county_name(county: str) -> str:
    """`los-angeles` (or `Los Angeles`) → `Los Angeles`; a county lieu does not know stays as
    it was given, so nothing is hidden."""
    return _NAME_OF.get(county_slug(county), county)


def unknown_county_message(county: str) -> str:
    """Why a county is refused, with the closest known names."""
    close = difflib.get_close_matches(county_slug(county), COUNTIES, n=2)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return f"{county!r} is not a California county{hint}"

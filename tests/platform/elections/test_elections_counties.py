"""California's counties: rows carry slugs, people read names."""

from __future__ import annotations

from lieu.platform.elections.counties import COUNTIES, COUNTY_NAMES, county_name, county_slug


def test_all_58_counties_have_a_name_and_a_slug() -> None:
    assert len(COUNTY_NAMES) == len(set(COUNTIES)) == 58
    assert [county_slug(name) for name in COUNTY_NAMES] == list(COUNTIES)


def test_a_slug_reads_as_the_county_s_name() -> None:
    assert county_name("los-angeles") == "Los Angeles"
    assert county_name("san-luis-obispo") == "San Luis Obispo"
    assert county_name("del-norte") == "Del Norte"


def test_a_name_stays_a_name_and_an_unknown_county_is_shown_as_given() -> None:
    assert county_name("Los Angeles") == "Los Angeles"
    assert county_name("atlantis") == "atlantis"

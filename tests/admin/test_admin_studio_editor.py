"""The studio's editor (issue #13 point 2): the form comes from the published JSON Schema (a new
schema field appears without new page code), the check answers every problem with its JSON
pointer, the baseline's bound is shown beside a limit, and bad input is refused in words
without storing anything."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from lieu.admin.schema_form import FormContext, render_form
from lieu.admin.studio_editor import hints_for
from lieu.platform.access.roles import Role
from lieu.platform.db.engine import create_session_factory
from lieu.platform.definitions.document import parse_definition
from lieu.platform.definitions.models import DefinitionVersion
from lieu.platform.definitions.schema import definition_schema
from tests.admin.console_stack import Console
from tests.admin.test_admin_studio import (
    DEFINITIONS,
    draft_meals_document,
    draft_meals_for_two_er_visits,
)

MEALS = "/admin/studio/medically-tailored-meals"


def test_every_property_of_the_schema_is_a_field_and_a_new_one_appears_unaided() -> None:
    schema = json.loads(json.dumps(definition_schema()))
    document = draft_meals_document()
    drawn = str(render_form(document, FormContext(schema)))
    for name in schema["properties"]:
        if name != "$schema":
            assert f'data-pointer="/{name}"' in drawn, name
    schema["properties"]["sunset_review"] = {
        "type": "string",
        "format": "date",
        "description": "When the plan reviews the definition again.",
    }
    drawn = str(render_form(document, FormContext(schema)))
    assert 'type="date" id="f-sunset-review" name="/sunset_review"' in drawn
    assert "When the plan reviews the definition again." in drawn


def test_the_baselines_bound_is_written_beside_the_limit_it_narrows() -> None:
    baseline = parse_definition(
        json.loads((DEFINITIONS / "dhcs/medically-tailored-meals/v2.json").read_text())
    )
    hints = hints_for(draft_meals_document(), baseline)
    assert hints["/limits/0/maximum"].startswith("DHCS allows at most ")


pytestmark = pytest.mark.temporal


async def _versions(console: Console) -> int:
    async with create_session_factory(console.engine)() as session:
        found = await session.scalar(select(func.count()).select_from(DefinitionVersion))
    return int(found or 0)


async def test_the_check_answers_each_problem_with_its_pointer(console: Console) -> None:
    await draft_meals_for_two_er_visits(console)
    document: dict[str, Any] = draft_meals_document()
    document["limits"][0]["maximum"] = 5000
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        page = await http.get(f"{MEALS}/edit")
        assert page.status_code == 200 and "Edit the draft" in page.text
        answer = await http.submit(f"{MEALS}/edit/check", {"document": json.dumps(document)})
        broken = await http.submit(f"{MEALS}/edit/check", {"document": "{not json"})
        redrawn = await http.submit(f"{MEALS}/edit/form", {"document": json.dumps(document)})
    pointers = {p["pointer"] for p in answer.json()["problems"] if p["severity"] == "error"}
    assert "/limits/0/maximum" in pointers
    (problem,) = broken.json()["problems"]
    assert problem["code"] == "not-json" and "line 1, column 2" in problem["message"]
    assert 'value="5000"' in redrawn.text


async def test_bad_input_is_refused_in_words_and_nothing_is_stored(console: Console) -> None:
    await draft_meals_for_two_er_visits(console)
    before = await _versions(console)
    other_plan = draft_meals_document() | {"plan": "other-plan", "version": 4}
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        unreadable = await http.submit(f"{MEALS}/edit", {"document": "[1, 2"})
        foreign = await http.submit(f"{MEALS}/edit", {"document": json.dumps(other_plan)})
        schemaless = await http.submit(
            f"{MEALS}/edit", {"document": json.dumps(draft_meals_document() | {"version": "x"})}
        )
    assert unreadable.status_code == 400 and "the JSON does not read" in unreadable.text
    assert foreign.status_code == 400 and "keep its plan and support" in foreign.text
    assert schemaless.status_code == 400 and "the schema refuses it" in schemaless.text
    assert await _versions(console) == before


async def test_a_support_without_a_draft_opens_a_new_version_of_the_plans_own(
    console: Console,
) -> None:
    async with await console.signed_in(Role.PLAN_ADMIN) as http:
        page = await http.get(f"{MEALS}/edit")
    heading = page.text.split("<h1>", 1)[1].split("</h1>", 1)[0]
    assert heading.startswith("A new draft: Medically Tailored Meals"), heading
    assert heading.endswith(" v3"), heading  # demo-plan has v1 and v2

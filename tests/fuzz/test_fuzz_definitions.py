"""Hypothesis fuzzing of the definition validator and of the rule engine as definitions drive it.

The validator is fed the shipped definitions with one part replaced by junk (wrong types, huge
strings, unicode edge cases, injection strings, nesting): it answers with problems, each with a
JSON pointer into the document and a message, and never raises. The rule engine is fed every
shipped definition's criteria and member facts of any shape: it answers an assessment, or an
`EvaluationError` naming the operator's pointer, and nothing else.

Bounded (max_examples, no deadline) so the gate stays fast; the CI profile replays the same
examples every run (tests/conftest.py)."""

from __future__ import annotations

import json
from copy import deepcopy
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lieu.platform.definitions.eligibility import assess_member
from lieu.platform.definitions.validation import validate_document
from lieu.platform.rules.eligibility import Outcome
from lieu.platform.rules.errors import EvaluationError

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "corpus"
SHIPPED = sorted((ROOT / "benefit_definitions" / "dhcs").glob("*/v*.json"))
DOCUMENTS = [json.loads(path.read_text()) for path in SHIPPED]
HOSTILE: list[str] = json.loads((CORPUS / "strings.json").read_text())["strings"]

BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),  # JSON has no NaN (the API's parser refuses it)
    st.text(max_size=40),
    st.sampled_from(HOSTILE),
    st.builds(lambda c, n: c * n, st.sampled_from("xé𝔸\u202e"), st.integers(1, 5_000)),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def broken_definitions(draw: st.DrawFn) -> object:
    """A shipped definition with one part (any depth, the whole included) replaced by junk."""
    document = deepcopy(draw(st.sampled_from(DOCUMENTS)))
    where = draw(st.sampled_from(_paths(document)))
    junk = draw(JSON)
    if not where:
        return junk
    parent: Any = document
    for step in where[:-1]:
        parent = parent[step]
    parent[where[-1]] = junk
    return document


def _problems_are_clear(document: object) -> None:
    checked = validate_document(document)
    for problem in checked.problems:
        assert isinstance(problem.pointer, str)
        assert problem.pointer == "" or problem.pointer.startswith("/"), problem
        assert problem.code and problem.message.strip(), problem
        assert "Traceback" not in problem.message


@BOUNDED
@given(broken_definitions())
def test_a_broken_definition_gets_problems_with_pointers_never_an_exception(
    document: object,
) -> None:
    _problems_are_clear(document)


@BOUNDED
@given(JSON)
def test_any_json_at_all_gets_problems_never_an_exception(document: object) -> None:
    checked = validate_document(document)
    if not isinstance(document, dict):
        assert checked.definition is None and checked.problems


def test_every_shipped_definition_is_valid_so_the_fuzzing_starts_from_good_documents() -> None:
    assert SHIPPED
    for path, document in zip(SHIPPED, DOCUMENTS, strict=True):
        errors = [p for p in validate_document(document).problems if p.severity.value == "error"]
        assert errors == [], (path, errors)


DEFINITIONS = [validate_document(document).definition for document in DOCUMENTS]
FACT_NAMES = sorted(
    {
        key
        for document in DOCUMENTS
        for path in _paths(document)
        for key in path
        if isinstance(key, str)
    }
    | {"birth_date", "county", "conditions", "housing_status", "as_of", "recent_discharge"}
)


@BOUNDED
@given(
    st.sampled_from([d for d in DEFINITIONS if d is not None]),
    st.dictionaries(st.sampled_from(FACT_NAMES), JSON, max_size=8),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)),
)
def test_the_rule_engine_assesses_facts_of_any_shape_or_says_which_operator_failed(
    definition: Any, facts: dict[str, object], on: date
) -> None:
    try:
        assessment = assess_member(definition, facts, on)
    except EvaluationError as failure:
        assert failure.code and failure.message and failure.pointer.startswith("/"), failure
        return
    assert assessment.outcome in set(Outcome)

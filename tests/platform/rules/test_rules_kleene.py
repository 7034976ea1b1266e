"""Specialized tri-state code (``kleene``, ``assessor``) gives what the generic Kleene code does.

The reference is ``reference_compiler.compile_kleene`` (every operator wrapped, every fact read
through ``tristate.walk``) with the statuses, missing facts and reasons worked out as plainly as
possible: a missing fact is listed when it could still change a criterion, found by evaluating
each part under the logical operators with the generic code on the facts themselves. Rules and
facts are generated around the shapes the specialized code handles on its own
(a fact compared with a literal of each JSON type, ``in`` a list of literals, ``and``/``or`` of
those, dates, static ``missing``) and the ones it hands back to the generic helpers, with facts
that are absent, null, of the wrong type or not dates, so both must agree on errors as well.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lieu.platform.rules.coercion import truthy
from lieu.platform.rules.eligibility import Criterion, Outcome, compile_criteria
from lieu.platform.rules.errors import EvaluationError, RuleError
from lieu.platform.rules.facts import absence_reads, tree_reads
from lieu.platform.rules.reasons import Status
from lieu.platform.rules.runtime import ABSENT, walk
from lieu.platform.rules.syntax import Node, Operation, parse
from lieu.platform.rules.tristate import UNKNOWN
from tests.platform.rules.reference_compiler import compile_kleene

AS_OF = "2024-06-01"
PATHS = ["a", "b", "n", "s", "l", "d", "o.x", "o.y", "o.l.0", "o.o.z", "as_of", "nope", "l.1"]
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.0, 1.0, 1.5, -2.5]),
    st.sampled_from(["", "a", "b", "1", "0", "true", "2024-05-20", "2024-02-30", "x y"]),
)
FACT_SCALARS = st.one_of(SCALARS, st.sampled_from([math.inf, -math.inf, math.nan]))
DATES = st.sampled_from(["2024-05-20", "2024-06-01", "2023-06-02", "2006-06-01", "2024-07-01"])
Strategy = st.SearchStrategy[Any]


def fact_values(depth: int) -> Strategy:
    if depth == 0:
        return st.one_of(FACT_SCALARS, DATES)
    sub = fact_values(depth - 1)
    return st.one_of(
        FACT_SCALARS,
        DATES,
        st.lists(sub, max_size=3),
        st.dictionaries(st.sampled_from(["x", "y", "z", "l", "o", "0"]), sub, max_size=4),
    )


facts = st.dictionaries(
    st.sampled_from(["a", "b", "n", "s", "l", "d", "o", "as_of"]), fact_values(2)
)
var = st.one_of(
    st.sampled_from(PATHS).map(lambda p: {"var": p}),
    st.tuples(st.sampled_from(PATHS), SCALARS).map(lambda t: {"var": list(t)}),
)
literal_lists = st.lists(st.one_of(SCALARS, DATES), max_size=4)


def comparisons(value: Strategy) -> Strategy:
    ops = st.sampled_from(["==", "!=", "===", "!==", "<", "<=", ">", ">="])
    either = st.one_of(value, SCALARS)
    return st.one_of(
        st.tuples(ops, value, SCALARS).map(lambda t: {t[0]: [t[1], t[2]]}),
        st.tuples(ops, SCALARS, value).map(lambda t: {t[0]: [t[1], t[2]]}),
        st.tuples(ops, value, value).map(lambda t: {t[0]: [t[1], t[2]]}),
        st.tuples(st.sampled_from(["<", "<="]), st.integers(-2, 2), value, either).map(
            lambda t: {t[0]: [t[1], t[2], t[3]]}
        ),
        st.tuples(value, literal_lists).map(lambda t: {"in": list(t)}),
        st.tuples(st.one_of(SCALARS, value), value).map(lambda t: {"in": list(t)}),
        st.tuples(value, st.lists(st.one_of(SCALARS, value), max_size=3)).map(
            lambda t: {"in": list(t)}
        ),
    )


def dates() -> Strategy:
    day = st.one_of(var, DATES, st.none())
    return st.one_of(
        st.tuples(day, st.sampled_from([30, 365, 0, 1.0, -5])).map(
            lambda t: {"within_days": [t[0], t[1], {"var": "as_of"}]}
        ),
        st.tuples(day, day).map(lambda t: {"age_at": list(t)}),
        st.tuples(day, day).map(lambda t: {"days_between": list(t)}),
        day.map(lambda d: {">=": [{"age_at": [d, {"var": "as_of"}]}, 18]}),
    )


def rules(depth: int) -> Strategy:
    value = st.one_of(var, var, SCALARS)
    base = st.one_of(var, comparisons(value), dates(), SCALARS)
    if depth == 0:
        return base
    sub = rules(depth - 1)
    some = st.lists(sub, min_size=1, max_size=4)
    return st.one_of(
        base,
        comparisons(st.one_of(value, sub)),
        some.map(lambda xs: {"and": xs}),
        some.map(lambda xs: {"or": xs}),
        sub.map(lambda x: {"!": [x]}),
        sub.map(lambda x: {"!!": [x]}),
        st.lists(sub, max_size=5).map(lambda xs: {"if": xs}),
        st.lists(st.sampled_from([*PATHS, "", 1]), max_size=3).map(lambda ks: {"missing": ks}),
        st.tuples(st.sampled_from(PATHS), sub).map(
            lambda t: {"if": [{"missing": [t[0]]}, False, t[1]]}
        ),
        st.lists(st.sampled_from(PATHS), min_size=1, max_size=3).map(
            lambda ks: {"missing_some": [1, ks]}
        ),
        st.tuples(st.sampled_from(["some", "all", "none"]), comparisons(st.just({"var": ""}))).map(
            lambda t: {t[0]: [{"var": "l"}, t[1]]}
        ),
        st.tuples(sub, sub).map(lambda t: {"+": list(t)}),
        st.tuples(sub, sub).map(lambda t: {"cat": list(t)}),
        st.lists(sub, max_size=2).map(lambda xs: {"merge": xs}),
        sub.map(lambda x: {"var": [{"cat": ["o.", x]}]}),
        st.just({"var": ""}),
    )


def _value(data: dict[str, object], path: str) -> object:
    first, *rest = path.split(".")
    value = data.get(first)
    if rest and value is not None:
        value = walk(value, tuple(rest), None)
    return None if value is ABSENT else value


def _status(result: object) -> Status:
    if result is UNKNOWN:
        return Status.UNDETERMINED
    return Status.HELD if truthy(result) else Status.FAILED


Result = tuple[object, ...]
_LOGIC = frozenset({"and", "or", "!", "!!", "if", "?:"})


def _choose(parts: list[tuple[Status, frozenset[str]]]) -> tuple[Status, frozenset[str]]:
    """``if`` [condition, then, …, else] from its parts' statuses; no else is null (false)."""
    if len(parts) < 2:
        return parts[0] if parts else (Status.FAILED, frozenset())
    (condition, asked), (then, then_asked) = parts[0], parts[1]
    rest, rest_asked = _choose(parts[2:])
    status = {Status.HELD: then, Status.FAILED: rest}.get(condition, Status.UNDETERMINED)
    if asked or condition is Status.UNDETERMINED:
        return status, asked | then_asked | rest_asked
    return status, then_asked if condition is Status.HELD else rest_asked


def _open(tree: Node, data: dict[str, object]) -> tuple[Status, frozenset[str]]:
    """A part's status and the missing facts that could change it, from the generic code."""
    if isinstance(tree, Operation) and tree.op in _LOGIC and (tree.args or tree.op in ("if", "?:")):
        parts = [_open(arg, data) for arg in tree.args]
        if tree.op in ("!", "!!"):
            status, facts = parts[0]
            flip = {Status.HELD: Status.FAILED, Status.FAILED: Status.HELD}
            return (flip.get(status, status) if tree.op == "!" else status), facts
        if tree.op in ("and", "or"):
            settles = Status.FAILED if tree.op == "and" else Status.HELD
            if (settles, frozenset()) in parts:
                return settles, frozenset()
            statuses = {status for status, _ in parts}
            if settles in statuses:
                status = settles
            elif Status.UNDETERMINED in statuses:
                status = Status.UNDETERMINED
            else:
                status = Status.HELD if tree.op == "and" else Status.FAILED
            return status, frozenset().union(*(facts for _, facts in parts))
        return _choose(parts)
    function, _ = compile_kleene([tree])
    try:
        status = _status(function(data)[0])
    except EvaluationError:  # a part the facts rule out may raise on them; it settles nothing
        status = Status.UNDETERMINED
    absent = frozenset(path for path in tree_reads(tree) if _value(data, path) is None)
    return status, absent if status is Status.UNDETERMINED else absent & absence_reads(tree)


def reference(rules: list[object]) -> Callable[[dict[str, object]], Result]:
    """Outcome, statuses, missing and reasons from the generic Kleene code."""
    trees = [parse(rule) for rule in rules]
    function, _ = compile_kleene(trees)

    def run(facts: dict[str, object]) -> Result:
        data = {**facts, "as_of": AS_OF}
        statuses = [_status(result) for result in function(data)]
        if Status.FAILED in statuses:
            outcome = Outcome.NOT_ELIGIBLE
        elif Status.UNDETERMINED in statuses:
            outcome = Outcome.UNDETERMINED
        else:
            outcome = Outcome.ELIGIBLE
        missing: dict[str, None] | None = {}
        reasons = []
        for index, (tree, status) in enumerate(zip(trees, statuses, strict=True)):
            paths = tree_reads(tree)
            absent = [path for path in paths if _value(data, path) is None]
            seen = {path: _value(data, path) for path in paths if path not in absent}
            gaps = absent
            if status is not Status.HELD and outcome is not Outcome.ELIGIBLE:
                part, could_change = _open(tree, data)
                assert part is status, (tree, data)
                gaps = [path for path in absent if path in could_change]
            if status is Status.FAILED and not gaps:  # it fails whatever facts are supplied
                missing = None
            if status is not Status.HELD and missing is not None:
                missing.update(dict.fromkeys(gaps))
            held = status is Status.HELD
            reasons.append((f"c{index}", status, seen, () if held else tuple(gaps)))
        if outcome is Outcome.ELIGIBLE or missing is None:
            missing = {}
        return outcome, statuses, tuple(missing), reasons

    return run


def specialized(rules: list[object]) -> Callable[[dict[str, object]], Result]:
    """The same from ``compile_criteria(...).assess``."""
    criteria = compile_criteria([Criterion(f"c{i}", f"C{i}", r) for i, r in enumerate(rules)])

    def run(facts: dict[str, object]) -> Result:
        assessment = criteria.assess(facts, as_of=AS_OF)
        reasons = [
            (r.criterion_id, r.status, dict(r.values_seen), r.missing) for r in assessment.reasons
        ]
        unmet = [reason[:2] for reason in reasons if reason[1] is not Status.HELD]
        assert [(r.criterion_id, r.status) for r in assessment.unmet] == (
            [] if assessment.outcome is Outcome.ELIGIBLE else unmet
        )
        statuses = list(assessment.statuses.values())
        return assessment.outcome, statuses, assessment.missing, reasons

    return run


def outcome_or_error(
    engine: Callable[[list[object]], Callable[[dict[str, object]], Result]],
    rules: list[object],
    *many: dict[str, object],
) -> list[object]:
    """The engine's result for each facts, or the error it raises (compiling or evaluating)."""
    try:
        run = engine(rules)
    except RuleError as error:
        return [("rule_error", error.code, error.pointer)]
    results: list[object] = []
    for facts in many:
        try:
            results.append(run(facts))
        except EvaluationError as error:
            results.append(("error", error.code, error.pointer))
    return results


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=st.lists(rules(3), min_size=1, max_size=3), data=facts)
def test_specialized_and_generic_tri_state_code_agree(
    rules: list[object], data: dict[str, Any]
) -> None:
    expected = outcome_or_error(reference, rules, data)
    assert outcome_or_error(specialized, rules, data) == expected, (rules, data)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules=st.lists(rules(3), min_size=1, max_size=3), data=facts, fill=facts)
def test_no_missing_fact_listed_for_not_eligible_means_supplying_facts_never_changes_it(
    rules: list[object], data: dict[str, Any], fill: dict[str, Any]
) -> None:
    try:
        criteria = compile_criteria([Criterion(f"c{i}", f"C{i}", r) for i, r in enumerate(rules)])
        before = criteria.assess(data, as_of=AS_OF)
        if before.outcome is not Outcome.NOT_ELIGIBLE or before.missing:
            return
        supplied = {**data, **{k: v for k, v in fill.items() if data.get(k) is None}}
        after = criteria.assess(supplied, as_of=AS_OF)
    except (RuleError, EvaluationError):
        return
    assert after.outcome is Outcome.NOT_ELIGIBLE, (rules, data, supplied)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=facts, rule=rules(2), op=st.sampled_from(["and", "or"]), size=st.integers(17, 40))
def test_long_and_deep_rules_move_into_closures_and_still_agree(
    data: dict[str, Any], rule: object, op: str, size: int
) -> None:
    long = {op: [rule, *({"==": [{"var": p}, True]} for p in PATHS * 3)][:size]}
    deep: object = rule
    cases: list[list[object]] = [[long], [deep], [long, deep]]
    for level in range(size):
        deep = {"!": [deep]} if level % 2 else {"or": [{"var": "nope"}, deep]}
    for rules in cases:
        expected = outcome_or_error(reference, rules, data)
        assert outcome_or_error(specialized, rules, data) == expected, (rules, data)


LITERALS = [None, True, False, 0, 1, -1, 1.0, 0.5, "", "0", "1", "a", "true", "2024-05-20"]
VALUES = [*LITERALS, [], [1], ["a"], [True], {}, {"x": 1}, math.nan, math.inf]


def test_a_fact_compared_every_way_with_each_kind_of_literal_agrees_with_generic_code() -> None:
    rules: list[Any] = []
    for op in ("==", "!=", "===", "!==", "<", "<=", ">", ">="):
        for literal in LITERALS:
            rules += [{op: [{"var": "a"}, literal]}, {op: [literal, {"var": "a"}]}]
    for low, high in ((0, 2), (-1, 1.5)):
        rules += [{"<": [low, {"var": "a"}, high]}, {"<=": [low, {"var": "a"}, high]}]
    for items in (["a", "b"], [1, 2.5], [True, None, "1", 1], ["", 0, False], []):
        rules += [{"in": [{"var": "a"}, items]}]
    rules += [{"in": [needle, {"var": "a"}]} for needle in ("a", "1", "", "true")]
    rules += [{"within_days": [{"var": "a"}, 30, {"var": "as_of"}]}]
    rules += [{"!": {"var": "a"}}, {"!!": {"var": "a"}}]
    rules += [{"!": [rule]} for rule in rules] + [{"if": [rule, "y", "n"]} for rule in rules]
    rules += [{"and": [True, rule]} for rule in rules] + [{"or": [False, rule]} for rule in rules]
    values: list[object] = [*VALUES, ["a", "b"], "ab", "2024-02-30", "2024-05-20T10:00:00Z"]
    many: list[dict[str, object]] = [{}, *({"a": value} for value in values)]
    for rule in rules:
        expected = outcome_or_error(reference, [rule], *many)
        assert outcome_or_error(specialized, [rule], *many) == expected, rule


@pytest.mark.parametrize(
    ("rule", "facts", "status"),
    [
        ({"==": [{"var": "a"}, True]}, {"a": 1}, Status.HELD),  # loose: 1 == true
        ({"==": [{"var": "a"}, True]}, {"a": "1"}, Status.HELD),
        ({"===": [{"var": "a"}, True]}, {"a": 1}, Status.FAILED),
        ({"!==": [False, {"var": "a"}]}, {"a": 0}, Status.HELD),
        ({"!=": [{"var": "a"}, False]}, {"a": []}, Status.FAILED),  # [] == false
        ({"==": [{"var": "a"}, 1]}, {"a": True}, Status.HELD),
        ({"==": [{"var": "a"}, "1"]}, {"a": 1.0}, Status.HELD),
        ({">=": [{"var": "a"}, 2]}, {"a": "10"}, Status.HELD),
        ({"<": [{"var": "a"}, "b"]}, {"a": "a"}, Status.HELD),
        ({"in": [{"var": "a"}, [1, "x"]]}, {"a": 1.0}, Status.HELD),  # strictly equal numbers
        ({"in": [{"var": "a"}, [1, "x"]]}, {"a": True}, Status.FAILED),  # true is not 1
        ({"in": [{"var": "a"}, [True]]}, {"a": 1}, Status.FAILED),
        ({"in": ["x", {"var": "a"}]}, {"a": "axe"}, Status.HELD),  # a substring
        ({"in": ["x", {"var": "a"}]}, {"a": ["x"]}, Status.HELD),
        ({"in": ["1", {"var": "a"}]}, {"a": [1]}, Status.FAILED),
        ({"<": [0, {"var": "a"}, 10]}, {"a": "5"}, Status.HELD),
        ({"==": [{"var": "a"}, True]}, {"a": None}, Status.UNDETERMINED),
        ({"var": ["a", True]}, {}, Status.UNDETERMINED),
    ],
)
def test_a_fact_compared_with_a_literal_keeps_javascript_semantics(
    rule: object, facts: dict[str, object], status: Status
) -> None:
    assessment = compile_criteria([Criterion("c", "C", rule)]).assess(facts, as_of=AS_OF)
    assert assessment.statuses["c"] is status
    assert specialized([rule])(facts) == reference([rule])(facts)


def test_later_changes_to_the_facts_do_not_change_missing_facts_or_reasons() -> None:
    criteria = compile_criteria([Criterion("adult", "Adult", {">=": [{"var": "age"}, 18]})])
    facts: dict[str, object] = {}
    assessment = criteria.assess(facts, as_of=AS_OF)
    facts["age"] = 30
    assert assessment.missing == ("age",)
    assert assessment.reasons[0].text == "Adult: undetermined — missing: age"

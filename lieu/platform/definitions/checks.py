"""Semantic checks on one definition: identity, criteria, limits and the order of its steps."""

from __future__ import annotations

from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.limits import Limit
from lieu.platform.definitions.problems import Problem, pointer
from lieu.platform.definitions.rule_checks import rule_problems
from lieu.platform.definitions.steps import Authorization, StepKind
from lieu.platform.definitions.supports import BASELINE_PLAN, SUPPORTS
from lieu.platform.members.facts import Vocabulary

# What must come earlier in the steps for a step to make sense (any order that keeps these runs:
# a plan may reserve after the review, or ask for documents before the presumptive period).
MUST_FOLLOW: dict[StepKind, tuple[StepKind, ...]] = {
    StepKind.SECOND_REVIEW: (StepKind.REVIEW,),
    StepKind.PROVIDER_ACCEPTANCE: (
        StepKind.PRESUMPTIVE,
        StepKind.DOCUMENTATION,
        StepKind.REVIEW,
        StepKind.SECOND_REVIEW,
    ),
    StepKind.REVIEW: (StepKind.DOCUMENTATION, StepKind.PRESUMPTIVE),
}
WHY = {
    StepKind.SECOND_REVIEW: "a second review confirms what a first review decided",
    StepKind.PROVIDER_ACCEPTANCE: "the provider accepts a referral once it is decided",
    StepKind.REVIEW: "documents must be on file before the decision, and a presumptive period "
    "runs while the review decides",
}


def identity_problems(definition: Definition) -> list[Problem]:
    """A baseline must be plan 'dhcs' and extend nothing; a plan must extend a DHCS baseline."""
    found = []
    extends = definition.extends
    if extends is not None and extends.support != definition.support:
        found.append(
            Problem(
                "/extends/support",
                "extends-other-support",
                f"a {definition.support} definition cannot extend the {extends.support} "
                f"baseline; set extends.support to {definition.support!r}",
            )
        )
    if extends is not None and extends.plan != BASELINE_PLAN:
        found.append(
            Problem(
                "/extends/plan",
                "extends-non-baseline",
                f"plan definitions extend a DHCS baseline, not plan {extends.plan!r}; "
                f"set extends.plan to {BASELINE_PLAN!r}",
            )
        )
    return found


def criteria_problems(definition: Definition, vocabulary: Vocabulary) -> list[Problem]:
    """Duplicate criterion ids and every problem in every rule."""
    found: list[Problem] = []
    seen: set[str] = set()
    for index, criterion in enumerate(definition.criteria):
        at = pointer("eligibility", "criteria", index)
        if criterion.id in seen:
            found.append(
                Problem(
                    at + "/id",
                    "duplicate-criterion-id",
                    f"criterion id {criterion.id!r} is used twice; give each criterion its own id",
                )
            )
        seen.add(criterion.id)
        found.extend(rule_problems(criterion.rule, at + "/rule", vocabulary))
    return found


def limit_problems(definition: Definition) -> list[Problem]:
    """Negative maximums, unknown or missing pool supports, duplicate ids, odd exceptions."""
    found: list[Problem] = []
    seen: set[str] = set()
    for index, limit in enumerate(definition.limits):
        at = pointer("limits", index)
        if limit.id in seen:
            found.append(
                Problem(
                    at + "/id",
                    "duplicate-limit-id",
                    f"limit id {limit.id!r} is used twice; give each limit its own id",
                )
            )
        seen.add(limit.id)
        found.extend(_one_limit(limit, definition.support, at))
    return found


# The smallest quantity a request may ask: quantities have at most two decimal places.
SMALLEST_QUANTITY = 0.01


def _one_limit(limit: Limit, support: str, at: str) -> list[Problem]:
    found = []
    if 0 < limit.maximum < SMALLEST_QUANTITY or round(limit.maximum, 2) != limit.maximum:
        found.append(
            Problem(
                at + "/maximum",
                "limit-unreachable",
                f"limit {limit.id!r} has maximum {limit.maximum:g}, which no request can fit "
                "or match: a quantity has at most two decimal places (0.01 is the least); "
                "write the maximum with at most two decimal places",
            )
        )
    if limit.maximum < 0:
        found.append(
            Problem(
                at + "/maximum",
                "limit-negative",
                f"limit {limit.id!r} has maximum {limit.maximum:g}; a maximum is 0 or more",
            )
        )
    extra = limit.exception.extra_maximum
    if extra is not None and extra < 0:
        found.append(
            Problem(
                at + "/exception/extra_maximum",
                "limit-negative",
                f"limit {limit.id!r} lets an exception add {extra:g}; use 0 or more, or null",
            )
        )
    if not limit.exception.allowed and (extra is not None or limit.exception.requires):
        found.append(
            Problem(
                at + "/exception",
                "exception-not-allowed",
                f"limit {limit.id!r} says no exception is allowed but describes one; set "
                "allowed to true, or clear requires and extra_maximum",
            )
        )
    for index, slug in enumerate(limit.pool_supports):
        if slug not in SUPPORTS:
            found.append(
                Problem(
                    at + f"/pool_supports/{index}",
                    "limit-unknown-support",
                    f"{slug!r} is not a Community Support code; use one of "
                    + ", ".join(sorted(SUPPORTS)),
                )
            )
    if support not in limit.pool_supports:
        found.append(
            Problem(
                at + "/pool_supports",
                "limit-pool-missing-support",
                f"limit {limit.id!r} is on {support} but its pool_supports leaves it out; "
                f"add {support!r}",
            )
        )
    return found


def step_problems(
    authorization: Authorization, limits: tuple[Limit, ...], at: str = "/authorization"
) -> list[Problem]:
    """Steps that cannot run as written: eligibility not first, a step before what it needs,
    duplicates, a presumptive period with no review, limits that nothing reserves against."""
    found: list[Problem] = []
    kinds = authorization.kinds()
    ordered = [kind for kind in kinds if kind is not StepKind.NOTICE]
    if not ordered or ordered[0] is not StepKind.ELIGIBILITY:
        found.append(
            Problem(
                f"{at}/steps/0",
                "step-order",
                "the first step must be eligibility (nothing can be decided before it); "
                "move or add an eligibility step at the top",
            )
        )
    seen: set[StepKind] = set()
    for index, kind in enumerate(kinds):
        where = f"{at}/steps/{index}"
        if kind is StepKind.NOTICE:
            continue
        if kind in seen:
            found.append(Problem(where, "step-duplicate", f"{kind.value} appears twice; keep one"))
        seen.add(kind)
        found.extend(_order_problems(kinds, index, where))
    if StepKind.SECOND_REVIEW in kinds and StepKind.REVIEW not in kinds:
        found.append(
            Problem(
                f"{at}/steps/{kinds.index(StepKind.SECOND_REVIEW)}",
                "second-review-without-review",
                "a second review confirms a first review's decision, but there is no review "
                "step; add a review step before it",
            )
        )
    if StepKind.PRESUMPTIVE in kinds:
        first = kinds.index(StepKind.PRESUMPTIVE)
        if StepKind.REVIEW not in kinds[first:]:
            found.append(
                Problem(
                    f"{at}/steps/{first}",
                    "presumptive-without-review",
                    "presumptive authorization starts service while a review runs, but no "
                    "review follows it; add a review step after it",
                )
            )
    if StepKind.PROVIDER_ACCEPTANCE in kinds and not authorization.closed_loop_referral:
        found.append(
            Problem(
                f"{at}/steps/{kinds.index(StepKind.PROVIDER_ACCEPTANCE)}",
                "acceptance-without-closed-loop",
                "provider acceptance is the closed loop's step, but closed_loop_referral is "
                "false; set it to true or remove the step",
            )
        )
    if limits and StepKind.LIMIT_CHECK not in kinds:
        found.append(
            Problem(
                f"{at}/steps",
                "limit-check-missing",
                "the definition has limits but no limit_check step, so nothing would reserve "
                "against them; add a limit_check step after eligibility",
            )
        )
    return found


def _order_problems(kinds: tuple[StepKind, ...], index: int, where: str) -> list[Problem]:
    """A step written before a step it must follow."""
    kind = kinds[index]
    later = [
        other
        for other in kinds[index + 1 :]
        if other in MUST_FOLLOW.get(kind, ()) and other is not kind
    ]
    if not later:
        return []
    return [
        Problem(
            where,
            "step-order",
            f"{kind.value} cannot come before {later[0].value} ({WHY[kind]}); move "
            f"{kind.value} after {later[0].value}",
        )
    ]

"""Checks that a plan definition only narrows its baseline (DHCS lets plans narrow, not widen)."""

from __future__ import annotations

from lieu.platform.definitions.document import Definition
from lieu.platform.definitions.limits import Limit, amount
from lieu.platform.definitions.problems import Problem, Severity, pointer
from lieu.platform.definitions.steps import StepKind
from lieu.platform.pricing.terms import Pricing, money

# What a plan version may and may not do to its baseline, by the code of the problem reported
# when it does not (docs/definition-format.md is generated from these).
NARROWING_RULES: tuple[tuple[str, str], ...] = (
    (
        "effective-before-baseline",
        "A plan version starts on or after the baseline version it extends.",
    ),
    (
        "duplicate-criterion-id",
        "Plan criteria are added to the baseline's (eligibility in force is the baseline's "
        "criteria AND the plan's), so each has an id of its own: a plan cannot replace or drop "
        "a baseline criterion.",
    ),
    (
        "widens-baseline-measure",
        "A plan limit with a baseline limit's id lowers that limit and counts the same measure; "
        "a limit with a new id is added to the baseline's.",
    ),
    ("widens-baseline-window", "A lowered limit keeps the baseline limit's window."),
    (
        "widens-baseline-limit",
        "A lowered limit's maximum is at most the baseline's (equal changes nothing).",
    ),
    (
        "widens-baseline-exception",
        "A plan cannot allow an exception to a limit the baseline allows none to; the stricter "
        "exception path of the two applies.",
    ),
    (
        "widens-baseline-step-dropped",
        "A plan's authorization (when it gives one; otherwise the baseline's applies) keeps "
        "every baseline step and may add steps, and keeps closed-loop referral tracking on.",
    ),
    (
        "widens-baseline-period",
        "A plan authorizes at most as many days at a time as the baseline, unless the baseline "
        "lists period_days in plan_defaults (a default where DHCS is silent, not a DHCS rule).",
    ),
    (
        "widens-baseline-retroactive",
        "A plan allows retroactive authorization only if the baseline does, and at most as many "
        "days after service as the baseline, unless the baseline lists retroactive in "
        "plan_defaults.",
    ),
    (
        "mandatory-in-plan",
        "Only a DHCS baseline declares a support mandatory (mandatory); a plan's version "
        "inherits its baseline's mandate.",
    ),
    (
        "narrows-mandatory-population",
        "On a mandated support, a plan criterion narrows only members outside the mandated "
        "population: for members inside it the criterion does not apply (a warning at each "
        "criterion, so the author sees it).",
    ),
    (
        "duplicate-duplication-id",
        "A plan's duplication rules are added to the baseline's, so each has an id of its own: "
        "a plan cannot drop or replace a baseline rule.",
    ),
    (
        "widens-baseline-code",
        "A plan bills only with the baseline's codes and modifiers (any subset of them).",
    ),
    (
        "rate-outside-baseline-guidance",
        "A plan's contracted rate lies inside the baseline's guidance range, where the baseline "
        "gives one.",
    ),
    (
        "widens-baseline-guidance",
        "A plan's guidance range lies inside the baseline's.",
    ),
    (
        "widens-baseline-cap",
        "A plan's cost cap is at most the baseline's, and a baseline cap cannot be dropped.",
    ),
    (
        "widens-baseline-reports",
        "A plan takes late service reports for at most as many days after the end as the "
        "baseline (reports_close_after_days), unless the baseline lists it in plan_defaults.",
    ),
)


def narrowing_problems(plan: Definition, baseline: Definition) -> list[Problem]:
    """Every way `plan` would widen `baseline`, with the pointer into the plan document."""
    found: list[Problem] = []
    if plan.effective_from < baseline.effective_from:
        found.append(
            Problem(
                "/effective_from",
                "effective-before-baseline",
                f"the plan version starts {plan.effective_from} but its baseline {baseline.ref} "
                f"only starts {baseline.effective_from}; start on or after that date",
            )
        )
    base_ids = {c.id for c in baseline.criteria}
    for index, criterion in enumerate(plan.criteria):
        if criterion.id in base_ids:
            found.append(
                Problem(
                    pointer("eligibility", "criteria", index, "id"),
                    "duplicate-criterion-id",
                    f"criterion id {criterion.id!r} is already a baseline criterion; plan "
                    "criteria are added to the baseline's, so give it a new id",
                )
            )
    base_limits = {limit.id: limit for limit in baseline.limits}
    for index, limit in enumerate(plan.limits):
        base = base_limits.get(limit.id)
        if base is not None:
            found.extend(_limit_widens(limit, base, pointer("limits", index)))
    found.extend(_authorization_widens(plan, baseline))
    found.extend(_mandate_problems(plan, baseline))
    base_rules = {rule.id for rule in baseline.duplication}
    for index, rule in enumerate(plan.duplication):
        if rule.id in base_rules:
            found.append(
                Problem(
                    pointer("duplication", index, "id"),
                    "duplicate-duplication-id",
                    f"duplication rule {rule.id!r} is already the baseline's; a plan's rules "
                    "are added to the baseline's, so give it a new id",
                )
            )
    if plan.pricing is not None and baseline.pricing is not None:
        found.extend(_pricing_widens(plan.pricing, baseline.pricing))
    return found


def _mandate_problems(plan: Definition, baseline: Definition) -> list[Problem]:
    found = []
    if plan.mandatory is not None:
        found.append(
            Problem(
                "/mandatory",
                "mandatory-in-plan",
                "only a DHCS baseline declares a support mandatory; remove mandatory (the "
                "baseline's mandate applies to this version)",
            )
        )
    mandate = baseline.mandatory
    if mandate is None:
        return found
    for index, criterion in enumerate(plan.criteria):
        if mandate.spared_by(criterion.rule):
            continue
        found.append(
            Problem(
                pointer("eligibility", "criteria", index),
                "narrows-mandatory-population",
                f"{baseline.title} is mandatory from {mandate.from_date.isoformat()} for "
                f"{mandate.label}; criterion {criterion.id!r} applies only to members outside "
                "that population, and for those inside it the baseline alone decides. Write "
                'its rule as {"or": [<the baseline\'s mandatory population>, <your rule>]} '
                "to say so",
                Severity.WARNING,
            )
        )
    return found


def _pricing_widens(plan: Pricing, base: Pricing) -> list[Problem]:
    found = []
    codes = {(code.hcpcs, code.modifiers) for code in base.codes}
    allowed = ", ".join(str(code) for code in base.codes)
    for index, code in enumerate(plan.codes):
        if (code.hcpcs, code.modifiers) not in codes:
            found.append(
                Problem(
                    pointer("pricing", "codes", index),
                    "widens-baseline-code",
                    f"{code} is not one of the baseline's codes ({allowed}); bill with those "
                    "codes and modifiers",
                )
            )
    guidance = base.guidance
    if (
        guidance is not None
        and plan.rate is not None
        and not guidance.low <= plan.rate <= guidance.high
    ):
        found.append(
            Problem(
                "/pricing/rate",
                "rate-outside-baseline-guidance",
                f"contracted rate {money(plan.rate)} per {plan.unit} is outside the "
                f"baseline's guidance range {money(guidance.low)}–{money(guidance.high)} "
                f"per {base.unit} ({guidance.reference}); set a rate inside it",
            )
        )
    mine = plan.guidance
    if (
        guidance is not None
        and mine is not None
        and (mine.low < guidance.low or mine.high > guidance.high)
    ):
        found.append(
            Problem(
                "/pricing/guidance",
                "widens-baseline-guidance",
                f"the guidance range {money(mine.low)}–{money(mine.high)} reaches outside "
                f"the baseline's {money(guidance.low)}–{money(guidance.high)}; keep it "
                "inside",
            )
        )
    if base.cap is not None and (plan.cap is None or plan.cap > base.cap):
        found.append(
            Problem(
                "/pricing/cap",
                "widens-baseline-cap",
                f"the baseline caps costs at {money(base.cap)}; set a cap of at most that",
            )
        )
    return found


def _limit_widens(plan: Limit, base: Limit, at: str) -> list[Problem]:
    if plan.measure != base.measure:
        return [
            Problem(
                at + "/measure",
                "widens-baseline-measure",
                f"limit {base.id!r} counts {base.measure.value} in the baseline; a plan cannot "
                f"replace that with {plan.measure.value} (it would remove the baseline's cap); "
                "keep the measure and add a new limit with its own id",
            )
        ]
    found = []
    if plan.window != base.window:
        found.append(
            Problem(
                at + "/window",
                "widens-baseline-window",
                f"limit {base.id!r} uses a {base.window.kind.value} window in the baseline; "
                "keep the same window and lower the maximum, or add a new limit",
            )
        )
    if plan.maximum > base.maximum:
        found.append(
            Problem(
                at + "/maximum",
                "widens-baseline-limit",
                f"limit {base.id!r} is {amount(base.maximum, base.measure)} in the baseline; "
                f"a plan may only lower it, not raise it to {amount(plan.maximum, plan.measure)}",
            )
        )
    if plan.exception.allowed and not base.exception.allowed:
        found.append(
            Problem(
                at + "/exception/allowed",
                "widens-baseline-exception",
                f"the baseline allows no exception to {base.id!r}; set allowed to false",
            )
        )
    return found


def _authorization_widens(plan: Definition, baseline: Definition) -> list[Problem]:
    mine, base = plan.authorization, baseline.authorization
    if mine is None or base is None:
        return []
    found = []
    kinds = mine.kinds()
    for kind in dict.fromkeys(base.kinds()):
        if kind is not StepKind.NOTICE and kind not in kinds:
            found.append(
                Problem(
                    "/authorization/steps",
                    "widens-baseline-step-dropped",
                    f"the baseline requires a {kind.value} step, which this plan drops; "
                    "keep every baseline step and add steps around them",
                )
            )
    if base.closed_loop_referral and not mine.closed_loop_referral:
        found.append(
            Problem(
                "/authorization/closed_loop_referral",
                "widens-baseline-step-dropped",
                "the baseline tracks a closed-loop referral; a plan cannot turn it off",
            )
        )
    # Only DHCS rules bind: a term the baseline lists in plan_defaults is the plan's to set.
    if (
        base.binds("period_days")
        and base.period_days is not None
        and (mine.period_days is None or mine.period_days > base.period_days)
    ):
        found.append(
            Problem(
                "/authorization/period_days",
                "widens-baseline-period",
                f"the baseline authorizes at most {base.period_days} days at a time; use "
                f"{base.period_days} or fewer",
            )
        )
    if base.binds("retroactive") and mine.retroactive.allowed and not base.retroactive.allowed:
        found.append(
            Problem(
                "/authorization/retroactive/allowed",
                "widens-baseline-retroactive",
                "the baseline does not allow retroactive authorization; set allowed to false",
            )
        )
    base_days = base.retroactive.max_days
    if (
        base.binds("retroactive")
        and mine.retroactive.allowed
        and base_days is not None
        and (mine.retroactive.max_days is None or mine.retroactive.max_days > base_days)
    ):
        found.append(
            Problem(
                "/authorization/retroactive/max_days",
                "widens-baseline-retroactive",
                f"the baseline allows requests at most {base_days} days after service; use "
                f"{base_days} or fewer",
            )
        )
    if (
        base.binds("reports_close_after_days")
        and mine.reports_close_after_days > base.reports_close_after_days
    ):
        found.append(
            Problem(
                "/authorization/reports_close_after_days",
                "widens-baseline-reports",
                f"the baseline takes service reports for {base.reports_close_after_days} days "
                f"after the end; use {base.reports_close_after_days} or fewer",
            )
        )
    return found


def duplication_problems(definition: Definition) -> list[Problem]:
    """A duplication rule naming the support itself, or two rules with one id."""
    found = []
    seen: set[str] = set()
    for index, rule in enumerate(definition.duplication):
        if (rule.support is None) == (rule.program is None):
            found.append(
                Problem(
                    pointer("duplication", index),
                    "duplication-names-one",
                    f"duplication rule {rule.id!r} names "
                    + (
                        "both a support and a program"
                        if rule.support
                        else "neither a support nor a program"
                    )
                    + "; give either support (another Community Support) or program (an "
                    "enrollment), and one rule for each",
                )
            )
        if rule.support == definition.support:
            found.append(
                Problem(
                    pointer("duplication", index, "support"),
                    "duplication-self",
                    f"a duplication rule names {definition.support} itself; name another "
                    "support (two authorizations of one support are counted by its limits)",
                )
            )
        if rule.id in seen:
            found.append(
                Problem(
                    pointer("duplication", index, "id"),
                    "duplicate-duplication-id",
                    f"duplication rule id {rule.id!r} is used twice; give each rule its own id",
                )
            )
        seen.add(rule.id)
    return found

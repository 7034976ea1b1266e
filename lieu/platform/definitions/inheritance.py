"""The effective definition: a baseline narrowed by a plan (criteria AND, limits min, steps)."""

from __future__ import annotations

from dataclasses import replace

from lieu.platform.definitions.document import Criterion, Definition, Mandate
from lieu.platform.definitions.limits import Limit, LimitException


class InheritanceError(ValueError):
    """A plan definition was combined with a definition it does not extend."""


def effective(baseline: Definition, plan: Definition | None = None) -> Definition:
    """The definition in force: the baseline alone, or the baseline narrowed by the plan's."""
    if plan is None:
        return baseline
    if plan.extends != baseline.ref:
        raise InheritanceError(
            f"{plan.ref} extends {plan.extends}, not {baseline.ref}; combine it with its baseline"
        )
    return replace(
        plan,
        aliases=plan.aliases or baseline.aliases,
        description=plan.description or baseline.description,
        criteria=baseline.criteria + _outside_mandate(plan.criteria, baseline.mandatory),
        limits=merge_limits(baseline.limits, plan.limits),
        authorization=plan.authorization or baseline.authorization,
        pricing=plan.pricing or baseline.pricing,
        units=plan.units or baseline.units,
        mandatory=baseline.mandatory,
        duplication=baseline.duplication + plan.duplication,
    )


def _outside_mandate(
    criteria: tuple[Criterion, ...], mandate: Mandate | None
) -> tuple[Criterion, ...]:
    """A plan's criteria on a mandated support: each holds for every member of the mandated
    population (DHCS mandates the support for them; a plan may not narrow it), and narrows only
    the rest (the optional groups a plan may decline)."""
    if mandate is None:
        return criteria
    return tuple(
        criterion
        if mandate.spared_by(criterion.rule)
        else Criterion(
            id=criterion.id,
            label=f"{criterion.label} (or: {mandate.label}, for whom the support is mandatory)",
            rule={"or": [mandate.population, criterion.rule]},
            reference=criterion.reference,
        )
        for criterion in criteria
    )


def merge_limits(baseline: tuple[Limit, ...], plan: tuple[Limit, ...]) -> tuple[Limit, ...]:
    """Baseline limits, each lowered by a plan limit with its id, then the plan's new limits."""
    by_id = {limit.id: limit for limit in plan}
    merged = []
    for limit in baseline:
        lower = by_id.pop(limit.id, None)
        if lower is None or lower.measure != limit.measure or lower.window != limit.window:
            merged.append(limit)
            if lower is not None:  # an incompatible override is a validation error; keep both
                merged.append(lower)
        elif lower.maximum < limit.maximum:
            merged.append(replace(lower, exception=_narrower(limit, lower)))
        else:
            merged.append(replace(limit, exception=_narrower(limit, lower)))
    merged.extend(by_id.values())
    return tuple(merged)


def _narrower(baseline: Limit, plan: Limit) -> LimitException:
    """The stricter of two exception paths: none beats some, a bounded extra beats unbounded."""
    if not baseline.exception.allowed:
        return baseline.exception
    if not plan.exception.allowed:
        return plan.exception
    extras = [
        e for e in (baseline.exception.extra_maximum, plan.exception.extra_maximum) if e is not None
    ]
    return replace(plan.exception, extra_maximum=min(extras) if extras else None)


def limit_specs(definition: Definition) -> tuple[Limit, ...]:
    """The limits the ledger enforces for an (effective) definition, as plain frozen dataclasses."""
    return definition.limits

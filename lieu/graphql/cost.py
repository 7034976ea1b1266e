"""What an operation would cost to run, estimated from its document before anything runs.

Every field that returns an object costs 1 (a scalar costs nothing: it comes with its object);
a field that pages (`first` or `last`) multiplies what its selection costs by the page asked
for (the default page when both are left out), and other lists by `LIST_ESTIMATE`; the fields
that do real work (a draft run against every member, a year's metrics, an eligibility
explanation, a definition diff) add their weight, each time they are asked for (aliases
included). An
operation over the budget (LIEU_GRAPHQL_MAX_COST) is refused with its cost, the budget and what
to change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
)

from lieu.graphql.pagination import DEFAULT_PAGE, MAX_PAGE

LIST_ESTIMATE = 10  # items assumed in a list that does not page (a timeline, a support's limits)
# Root fields that do real work, and their weight; those at EXPENSIVE_WEIGHT or more also draw
# on the caller's stricter bucket for expensive operations (lieu.graphql.rate_limits).
WEIGHTS: Mapping[str, int] = {
    "simulateDraft": 300,  # evaluates the draft and the version in force for every member
    "priorAuthorizationMetrics": 100,  # a year of the plan's requests
    "communitySupportsByQuarter": 100,  # a year of the plan's authorizations and service
    "diffDefinitions": 25,  # two versions merged over their baselines and compared
    "validateDefinition": 25,
    "eligibility": 20,  # the rule engine over the member's facts, with its explanation
    "balances": 5,
}
EXPENSIVE_WEIGHT = 100
CODE = "QUERY_TOO_COSTLY"


@dataclass(slots=True)
class Cost:
    """An operation's estimated cost, what it is made of, and its expensive fields."""

    total: int = 0
    by_root_field: Counter[str] = field(default_factory=Counter)  # cost of each, aliases summed
    asked: Counter[str] = field(default_factory=Counter)  # how many times each root field
    expensive: Counter[str] = field(default_factory=Counter)

    def explain(self, budget: int) -> str:
        """Why it was refused and what to change, in words."""
        largest = ", ".join(
            f"{name}{f' ×{self.asked[name]}' if self.asked[name] > 1 else ''}: {cost:,}"
            for name, cost in self.by_root_field.most_common(3)
        )
        advice = "ask for smaller pages with `first`, select fewer nested lists"
        weighted = sorted(name for name in self.by_root_field if name in WEIGHTS)
        if weighted:
            advice += f", ask for fewer of {', '.join(weighted)} at once"
        return (
            f"this operation would cost {self.total:,} and the budget per request is {budget:,} "
            f"(LIEU_GRAPHQL_MAX_COST); the most costly: {largest}. To lower it: {advice}, or "
            "split it into several requests"
        )


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> Cost:
    """The cost of the operation `operation_name` names (or the only one) in a validated
    document; fragment cycles and unknown fields were refused by validation already."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    chosen = [
        op
        for op in operations
        if operation_name is None or (op.name is not None and op.name.value == operation_name)
    ]
    cost = Cost()
    if len(chosen) != 1:
        return cost  # graphql-core refuses the request itself
    operation = chosen[0]
    root = schema.get_root_type(operation.operation)
    if root is None:
        return cost
    walker = _Walker(schema, fragments, variables or {})
    for node, on in walker.fields(operation.selection_set, root):
        name = node.name.value
        field_cost = walker.field_cost(node, on)
        cost.by_root_field[name] += field_cost
        cost.asked[name] += 1
        cost.total += field_cost
        weight = WEIGHTS.get(name, 0)
        if weight >= EXPENSIVE_WEIGHT:
            cost.expensive[name] += 1
    return cost


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables

    def fields(
        self, selections: SelectionSetNode, parent: GraphQLNamedType
    ) -> list[tuple[FieldNode, GraphQLNamedType]]:
        """The fields selected on `parent` and the type each is selected on, through fragments
        (a fragment on each type of a union adds what each would cost: an upper bound)."""
        found: list[tuple[FieldNode, GraphQLNamedType]] = []
        stack: list[tuple[SelectionSetNode, GraphQLNamedType]] = [(selections, parent)]
        while stack:
            selection_set, on = stack.pop()
            for selection in selection_set.selections:
                if isinstance(selection, FieldNode):
                    found.append((selection, on))
                    continue
                condition: Any
                if isinstance(selection, InlineFragmentNode):
                    condition, inner = selection.type_condition, selection.selection_set
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments.get(selection.name.value)
                    if fragment is None:
                        continue
                    condition, inner = fragment.type_condition, fragment.selection_set
                else:
                    continue
                typed = self.schema.get_type(condition.name.value) if condition else None
                stack.append((inner, typed or on))
        return found

    def field_cost(self, node: FieldNode, parent: GraphQLNamedType) -> int:
        """What one field costs: its weight, plus its selection times how many it returns."""
        name = node.name.value
        weight = WEIGHTS.get(name, 0)
        if node.selection_set is None or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return weight
        definition = parent.fields.get(name)
        if definition is None:
            return weight + 1  # __typename and introspection: cheap
        returned = get_named_type(definition.type)
        children = sum(
            self.field_cost(child, on) for child, on in self.fields(node.selection_set, returned)
        )
        return weight + 1 + self._multiplier(node, definition) * children

    def _multiplier(self, node: FieldNode, definition: Any) -> int:
        if "first" in definition.args:
            asked = self._argument(node, "first")
            if asked is None and "last" in definition.args:
                asked = self._argument(node, "last")
            if isinstance(asked, int) and not isinstance(asked, bool):
                return max(1, min(asked, MAX_PAGE))
            return DEFAULT_PAGE
        if isinstance(get_nullable_type(definition.type), GraphQLList):
            return 1 if node.name.value in ("nodes", "edges") else LIST_ESTIMATE
        return 1

    def _argument(self, node: FieldNode, name: str) -> object:
        for argument in node.arguments or ():
            if argument.name.value != name:
                continue
            value = argument.value
            if isinstance(value, IntValueNode):
                digits = value.value.lstrip("-")
                return int(value.value) if len(digits) <= 6 else MAX_PAGE
            if isinstance(value, VariableNode):
                return self.variables.get(value.name.value)
        return None

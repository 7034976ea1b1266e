"""The schema's idiom: every mutation answers a union of its own (`<Mutation>Result`), so one
mutation's answers can grow without changing another's; every list that pages is a Relay
connection with the whole `PageInfo` and both directions' arguments."""

from __future__ import annotations

from graphql import GraphQLNamedType, GraphQLObjectType, GraphQLUnionType, get_named_type

from lieu.graphql.schema import build_schema

GRAPHQL = build_schema()._schema


def _type_name(field_type: object) -> str:
    named: GraphQLNamedType = get_named_type(field_type)  # type: ignore[arg-type]
    return named.name


def test_every_mutation_answers_a_union_of_its_own() -> None:
    mutation = GRAPHQL.mutation_type
    assert mutation is not None
    answers = {name: _type_name(field.type) for name, field in mutation.fields.items()}
    for name, answer in answers.items():
        assert answer == name[0].upper() + name[1:] + "Result", (name, answer)
        assert isinstance(GRAPHQL.get_type(answer), GraphQLUnionType), answer
    every_use = [
        _type_name(field.type)
        for type_ in GRAPHQL.type_map.values()
        if isinstance(type_, GraphQLObjectType) and not type_.name.startswith("__")
        for field in type_.fields.values()
    ]
    for answer in answers.values():
        assert every_use.count(answer) == 1, f"{answer} is answered by more than one field"


def test_every_paged_list_is_a_relay_connection_with_the_whole_page_info() -> None:
    page_info = GRAPHQL.get_type("PageInfo")
    assert isinstance(page_info, GraphQLObjectType)
    assert set(page_info.fields) == {"hasNextPage", "hasPreviousPage", "startCursor", "endCursor"}
    query = GRAPHQL.query_type
    assert query is not None
    paged = {name: field for name, field in query.fields.items() if "first" in field.args}
    assert len(paged) >= 10
    for name, field in paged.items():
        assert {"first", "after", "last", "before"} <= set(field.args), name
        connection = get_named_type(field.type)
        assert isinstance(connection, GraphQLObjectType)
        assert connection.name.endswith("Connection"), name
        assert {"edges", "pageInfo", "nodes"} <= set(connection.fields), name
        edge = get_named_type(connection.fields["edges"].type)
        assert isinstance(edge, GraphQLObjectType)
        assert set(edge.fields) == {"cursor", "node"}, name

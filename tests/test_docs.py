"""The docs' examples follow their convention and fit the schema, checked without a stack (the
e2e test tests/e2e/test_e2e_readme_examples.py runs them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.docs_checks import problems_without_a_stack, unshown_answers
from tests.docs_examples import DOCS, Command, Example, ExampleError, Query, read_examples
from tests.docs_runner import Runner


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_graphql_example_fits_the_schema_and_shows_refusals(doc: Path) -> None:
    examples = read_examples(doc)
    assert any(isinstance(e, Query) for e in examples), f"{doc.name} has no graphql example"
    assert problems_without_a_stack(examples) == []


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_doc_makes_its_tokens_with_the_cli_before_using_them(doc: Path) -> None:
    examples = read_examples(doc)
    made = [e for e in examples if isinstance(e, Command) and e.argv[1:3] == ("tokens", "create")]
    first_use = next(i for i, e in enumerate(examples) if isinstance(e, Query) and e.token)
    assert made and examples.index(made[0]) < first_use


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
def test_every_doc_says_how_its_examples_run(doc: Path) -> None:
    assert "tests/e2e/test_e2e_readme_examples.py" in doc.read_text(encoding="utf-8")


def examples_of(markdown: str, tmp_path: Path) -> list[Example]:
    doc = tmp_path / "doc.md"
    doc.write_text(markdown, encoding="utf-8")
    return read_examples(doc)


def query(text: str, tmp_path: Path) -> Query:
    found = examples_of(f"```graphql\n{text}\n```\n", tmp_path)[0]
    assert isinstance(found, Query)
    return found


def test_a_union_without_the_error_fragment_would_answer_an_empty_object(tmp_path: Path) -> None:
    cancel = 'mutation { cancelAuthorization(input: {authorizationId: "A-1", reason: "r"}) '
    bare = query(cancel + "{ ... on Authorization { status } } }", tmp_path)
    found = unshown_answers(bare.operation)
    assert any("a Conflict answer would not show its message" in p for p in found), found
    shown = query(
        cancel + "{ ... on Authorization { status } ... on Error { message } } }", tmp_path
    )
    assert unshown_answers(shown.operation) == []


def test_a_success_that_selects_nothing_is_caught_too(tmp_path: Path) -> None:
    only_errors = query('query { authorization(id: "A-1") { ... on Error { message } } }', tmp_path)
    assert unshown_answers(only_errors.operation) == [
        "query.authorization: a Authorization answer would be {}; select its fields"
    ]


def test_directives_are_read_and_a_misspelt_one_is_refused(tmp_path: Path) -> None:
    read = query(
        "# token: reviewer\n# keep: number = authorization.id\n"
        "# until: authorization.status = PENDING_REVIEW\n"
        'query { authorization(id: "A-1") { ... on Authorization { id status } } }',
        tmp_path,
    )
    assert (read.token, read.keep, read.until) == (
        "reviewer",
        (("number", "authorization.id"),),
        ("authorization.status", "PENDING_REVIEW"),
    )
    with pytest.raises(ExampleError, match="is not `# token: NAME`"):
        query("# tokens: reviewer\nquery { me { role } }", tmp_path)


def test_variables_come_from_the_json_block_after_and_console_lines_keep_their_output(
    tmp_path: Path,
) -> None:
    examples = examples_of(
        "```console\n$ lieu tokens create --role reviewer --plan p   # keep: reviewer\n"
        "lieu_…\n```\n\n"
        "```graphql\n# token: reviewer\nquery ($cin: String!) { member(cin: $cin) "
        "{ ... on Member { cin } ... on Error { message } } }\n```\n"
        '```json\n{"cin": "91000001A"}\n```\n',
        tmp_path,
    )
    command, read = examples
    assert isinstance(command, Command) and command.keep == "reviewer"
    assert command.argv == ("lieu", "tokens", "create", "--role", "reviewer", "--plan", "p")
    assert isinstance(read, Query) and read.variables == {"cin": "91000001A"}
    assert problems_without_a_stack(examples) == []


def test_an_undeclared_refusal_fails_the_example_and_a_declared_one_must_come(
    tmp_path: Path,
) -> None:
    runner = Runner("http://127.0.0.1:9", {}, cwd=tmp_path)
    refused = {"data": {"cancelAuthorization": {"__typename": "Conflict", "message": "finished"}}}
    cancel = 'mutation { cancelAuthorization(input: {authorizationId: "A-1", reason: "r"}) '
    plain = query(
        cancel + "{ ... on Authorization { status } ... on Error { message } } }", tmp_path
    )
    with pytest.raises(ExampleError, match="refused: Conflict: finished"):
        runner.check_errors(plain, refused)
    expecting = Query(plain.where, plain.text, expect="Conflict")
    runner.check_errors(expecting, refused)
    done = {"data": {"cancelAuthorization": {"__typename": "Authorization", "status": "CANCELLED"}}}
    with pytest.raises(ExampleError, match="expects Conflict"):
        runner.check_errors(expecting, done)
    denied = {"data": None, "errors": [{"message": "no", "extensions": {"code": "FORBIDDEN"}}]}
    with pytest.raises(ExampleError, match="refused: FORBIDDEN: no"):
        runner.check_errors(plain, denied)

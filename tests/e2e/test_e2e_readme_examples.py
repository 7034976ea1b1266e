"""Every example of README.md, docs/graphql-examples.md and docs/tutorial.md runs as written.

Each doc gets a fresh stack started the way `make run` starts it (`lieu dev` as a process tree on
free ports, with a data dir of its own); its ```console lines make the tokens with the CLI, and
its ```graphql blocks run in order over HTTP (subscriptions over websockets), as the convention
at the top of each doc says (tests/docs_examples.py reads it, tests/docs_runner.py runs it). A
block that answers with an error it does not declare fails the test, naming the doc and line,
with the block, its answer and the tail of the stack's log.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dev_stack import free_ports, lieu_dev, stop_with_ctrl_c
from tests.docs_checks import problems_without_a_stack
from tests.docs_examples import DOCS, ExampleError, read_examples
from tests.docs_runner import Runner

pytestmark = pytest.mark.temporal


@pytest.mark.parametrize("doc", DOCS, ids=[d.name for d in DOCS])
@pytest.mark.long
def test_every_example_runs_as_written_on_a_fresh_make_run_stack(doc: Path, tmp_path: Path) -> None:
    examples = read_examples(doc)
    assert problems_without_a_stack(examples) == []
    work = tmp_path / "work"
    work.mkdir()
    with lieu_dev(tmp_path / ".lieu", free_ports(), tmp_path / "lieu-dev.log") as stack:
        runner = Runner(stack.api, stack.env, cwd=work)
        try:
            for example in examples:
                runner.run(example)
        except ExampleError as failed:
            log = stack.output.read_text(errors="replace")[-3000:]
            raise ExampleError(f"{failed}\n--- lieu dev said (tail)\n{log}") from None
        stop_with_ctrl_c(stack)

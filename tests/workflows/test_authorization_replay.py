"""A committed history of a completed authorization replays against today's workflow code:
a change that breaks determinism fails here, before it can break running authorizations."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from lieu.workflows.authorizations.types import AuthorizationInput, AuthorizationState
from lieu.workflows.authorizations.workflow import AuthorizationWorkflow
from tests.workflows.record_history import HISTORIES, HISTORY

pytestmark = pytest.mark.temporal


RECORDED = sorted(HISTORIES.glob("*.json"))


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
async def test_a_completed_authorization_replays_deterministically(path: Path) -> None:
    text = await asyncio.to_thread(path.read_text)
    history = WorkflowHistory.from_json(path.stem, text)
    replayer = Replayer(workflows=[AuthorizationWorkflow], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
    kinds = [event["eventType"] for event in json.loads(text)["events"]]
    assert kinds[-1] == "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"
    assert kinds.count("EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED") == 3


def test_histories_from_before_and_after_the_review_patch_are_kept() -> None:
    markers = {path.stem: "EVENT_TYPE_MARKER_RECORDED" in path.read_text() for path in RECORDED}
    assert markers == {
        "recuperative_care_expired": False,
        "recuperative_care_review_opens_at_once": True,
    }


@workflow.defn(name="Authorization", sandboxed=False)
class ChangedAuthorization(AuthorizationWorkflow):
    """The same workflow with one command fewer: the replay must notice."""

    @workflow.run
    async def run(self, request: AuthorizationInput) -> AuthorizationState:
        return await super().run(request)

    async def _project(self) -> None:  # skips the projection activity
        return None


async def test_a_workflow_whose_commands_changed_fails_the_replay() -> None:
    history = WorkflowHistory.from_json("recorded", HISTORY.read_text())
    replayer = Replayer(workflows=[ChangedAuthorization], data_converter=pydantic_data_converter)
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is not None

"""A committed history of a completed authorization replays against today's workflow code:
a change that breaks determinism fails here, before it can break running authorizations."""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from lieu.workflows.appeals.workflow import AppealWorkflow
from lieu.workflows.authorizations.types import AuthorizationInput, AuthorizationState
from lieu.workflows.authorizations.workflow import (
    EXTENSION_PROJECTED,
    LATE_SERVICE_REPORTS,
    PROJECT_AT_WAIT_POINTS,
    REVIEW_OPENS_AT_ONCE,
    AuthorizationWorkflow,
)
from lieu.workflows.bulk.workflow import BulkWorkflow
from lieu.workflows.elections.workflow import ElectionCycleWorkflow
from lieu.workflows.webhooks.workflow import WebhookDeliveryWorkflow, WebhookSweepWorkflow
from tests.payload_keys import sealed_converter
from tests.workflows.record_history import HISTORIES, HISTORY

pytestmark = pytest.mark.temporal


RECORDED = sorted(HISTORIES.glob("*.json"))
COMPLETED = "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"
CONTINUED = "EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW"
# How each committed history ends, and how many updates it took: a replay that passes must
# replay the whole of it (an empty or cut file would pass a bare replay).
ENDINGS = {
    "recuperative_care_expired": (COMPLETED, 3),
    "recuperative_care_review_opens_at_once": (COMPLETED, 3),
    "recuperative_care_reported_late": (COMPLETED, 4),
    "respite_renewed": (CONTINUED, 4),
    "respite_deemed_then_reversed": (COMPLETED, 3),
    "respite_appealed_and_overturned": (COMPLETED, 4),
    "appeal_extended_then_overturned": (COMPLETED, 2),
    "respite_projected_at_wait_points": (COMPLETED, 3),
    "respite_extended_unprojected": (COMPLETED, 4),
    "respite_extended_and_projected": (COMPLETED, 4),
    "elections_cycle_continued": (CONTINUED, 1),
    "bulk_cancel_with_a_refusal": (COMPLETED, 0),
    "webhook_delivered_after_a_500": (COMPLETED, 0),
    "webhook_sweep_continued": (CONTINUED, 0),
}
WORKFLOWS = {
    "Authorization": AuthorizationWorkflow,
    "Appeal": AppealWorkflow,
    "ElectionCycle": ElectionCycleWorkflow,
    "BulkAction": BulkWorkflow,
    "WebhookDelivery": WebhookDeliveryWorkflow,
    "WebhookSweep": WebhookSweepWorkflow,
}


def test_every_committed_history_has_its_ending_listed() -> None:
    assert {path.stem for path in RECORDED} == set(ENDINGS)


@pytest.mark.parametrize("path", RECORDED, ids=[p.stem for p in RECORDED])
async def test_a_committed_history_replays_deterministically(path: Path) -> None:
    text = await asyncio.to_thread(path.read_text)
    events = json.loads(text)["events"]
    started = events[0]["workflowExecutionStartedEventAttributes"]["workflowType"]["name"]
    history = WorkflowHistory.from_json(path.stem, text)
    replayer = Replayer(workflows=[WORKFLOWS[started]], data_converter=sealed_converter())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=True)
    assert result.replay_failure is None
    kinds = [event["eventType"] for event in events]
    ending, updates = ENDINGS[path.stem]
    assert kinds[-1] == ending
    assert kinds.count("EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED") == updates


def test_histories_from_before_and_after_the_review_patch_are_kept() -> None:
    markers = {path.stem: "EVENT_TYPE_MARKER_RECORDED" in path.read_text() for path in RECORDED}
    assert markers["recuperative_care_expired"] is False  # before any patch
    assert markers["recuperative_care_review_opens_at_once"] is True
    late = (HISTORIES / "recuperative_care_reported_late.json").read_text()
    assert late.count("EVENT_TYPE_MARKER_RECORDED") == 2  # review-opens-at-once, late-reports


def test_a_new_run_records_only_the_newest_patch_which_implies_the_older_ones() -> None:
    text = (HISTORIES / "respite_projected_at_wait_points.json").read_text()
    assert patches_marked(text) == [PROJECT_AT_WAIT_POINTS]
    older = patches_marked((HISTORIES / "recuperative_care_reported_late.json").read_text())
    assert older == [REVIEW_OPENS_AT_ONCE, LATE_SERVICE_REPORTS]


def test_a_review_extension_is_projected_only_in_runs_that_took_its_patch() -> None:
    before = (HISTORIES / "respite_extended_unprojected.json").read_text()
    after = (HISTORIES / "respite_extended_and_projected.json").read_text()
    assert patches_marked(before) == [PROJECT_AT_WAIT_POINTS]
    assert patches_marked(after) == [PROJECT_AT_WAIT_POINTS, EXTENSION_PROJECTED]
    assert projections(after) == projections(before) + 1  # the extension's own


def projections(history: str) -> int:
    return sum(
        event["activityTaskScheduledEventAttributes"]["activityType"]["name"]
        == "authorizations.project"
        for event in json.loads(history)["events"]
        if "activityTaskScheduledEventAttributes" in event
    )


def patches_marked(history: str) -> list[str]:
    """The ids of the patches a history's markers record, in order."""
    return [
        json.loads(base64.b64decode(payload["data"]))["id"]
        for event in json.loads(history)["events"]
        if "markerRecordedEventAttributes" in event
        for payload in event["markerRecordedEventAttributes"]["details"]["patch-data"]["payloads"]
    ]


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
    replayer = Replayer(workflows=[ChangedAuthorization], data_converter=sealed_converter())
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is not None

"""`AppealWorkflow`: one appeal of an authorization's adverse determination, from filing to its
resolution or the deadline (the rules are in `lieu.platform.appeals.lifecycle`).

The authorization starts it as a child workflow when the appeal is filed and waits, open, for
its outcome: the appeal signals `appeal_decided` to the authorization when it ends, and an
overturn approves the authorization there.
"""

from __future__ import annotations

import contextlib
from dataclasses import replace
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from lieu.platform.appeals import lifecycle
    from lieu.platform.appeals.lifecycle import (
        AppealDecision,
        AppealExtension,
        AppealReply,
        AppealStart,
        AppealState,
        AppealStatus,
    )
    from lieu.platform.authorizations.lifecycle.actions import AppealDecided
    from lieu.platform.notices.facts import NoticeKind
    from lieu.workflows.appeals.activities import AppealActivities
    from lieu.workflows.notices.activities import NoticeActivities

TIMEOUT = timedelta(seconds=30)
RETRY = RetryPolicy(initial_interval=timedelta(seconds=1), maximum_interval=timedelta(minutes=1))
DECIDED_SIGNAL = "appeal_decided"  # AuthorizationWorkflow.appeal_decided


@workflow.defn(name="Appeal")
class AppealWorkflow:
    """One appeal. Updates (each answers an `AppealReply`, kept by its idempotency key, which is
    also the update id): `decide`, `extend`. Query: `state`."""

    @workflow.init
    def __init__(self, start: AppealStart) -> None:
        self._s = AppealState(start, start.deadline)
        self._inbox: list[AppealDecision | AppealExtension] = []
        self._deciding = ""  # the decision's key: answered once its effects are done

    @workflow.run
    async def run(self, start: AppealStart) -> AppealState:
        await self._project()
        while self._s.status is AppealStatus.OPEN:
            if self._inbox:
                await self._apply(self._inbox.pop(0))
                continue
            left = (self._s.deadline - workflow.now()).total_seconds()
            if left <= 0:
                lifecycle.exhaust(self._s, workflow.now())
                break
            with contextlib.suppress(TimeoutError):
                await workflow.wait_condition(
                    lambda: bool(self._inbox), timeout=timedelta(seconds=left)
                )
        await self._notify(NoticeKind.APPEAL_RESOLUTION)
        await self._project()
        s = self._s
        assert s.outcome is not None
        await workflow.get_external_workflow_handle(start.authorization_id).signal(
            DECIDED_SIGNAL,
            AppealDecided(
                start.appeal_id,
                s.outcome.value,
                s.decided_by,
                s.decision_reason,
                s.quantity_approved,
                key=f"{start.appeal_id}/decided",
            ),
        )
        if self._deciding:
            s.reply(self._deciding, f"appeal {start.appeal_id} {s.outcome.value}")
        for late in self._inbox:  # sent as it ended: each gets its refusal
            s.answers[late.key] = AppealReply(
                late.key, False, s.status, s.deadline, s.outcome, "the appeal has ended"
            )
        await workflow.wait_condition(workflow.all_handlers_finished)
        return s

    async def _apply(self, action: AppealDecision | AppealExtension) -> None:
        s, now = self._s, workflow.now()
        if action.key in s.answers:
            return
        if isinstance(action, AppealDecision):
            problem = lifecycle.decision_refusal(s, action)
        else:
            problem = lifecycle.extension_refusal(s, action)
        if problem is not None:  # checked when sent; refused if things changed since
            s.answers[action.key] = AppealReply(
                action.key, False, s.status, s.deadline, s.outcome, problem[1]
            )
            return
        if isinstance(action, AppealDecision):
            lifecycle.decide(s, action, now)
            self._deciding = action.key
            return
        lifecycle.extend(s, action)
        await self._notify(NoticeKind.APPEAL_EXTENSION)
        await self._project()
        s.reply(action.key, f"extended to {s.start.calendar.words(s.deadline)}")

    async def _notify(self, kind: NoticeKind) -> None:
        await workflow.execute_activity_method(
            NoticeActivities.issue,
            lifecycle.notice(self._s, kind, workflow.now()),
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )

    async def _project(self) -> None:
        await workflow.execute_activity_method(
            AppealActivities.project,
            self._s,
            start_to_close_timeout=TIMEOUT,
            retry_policy=RETRY,
        )

    # --- updates ----------------------------------------------------------------------------

    def _keyed(self, action: Any) -> Any:
        if action.key:
            return action
        info = workflow.current_update_info()
        return replace(action, key=info.id if info is not None else "")

    async def _act(self, action: AppealDecision | AppealExtension) -> AppealReply:
        action = self._keyed(action)
        if action.key not in self._s.answers:
            self._inbox.append(action)
        await workflow.wait_condition(lambda: action.key in self._s.answers)
        return self._s.answers[action.key]

    @staticmethod
    def _raise(problem: tuple[str, str] | None) -> None:
        if problem is not None:
            code, message = problem
            raise ApplicationError(message, type=code)

    @workflow.update
    async def decide(self, decision: AppealDecision) -> AppealReply:
        """A reviewer resolves the appeal (answered once its notice is issued and the
        authorization is told)."""
        return await self._act(decision)

    @decide.validator
    def _validate_decide(self, decision: AppealDecision) -> None:
        self._raise(lifecycle.decision_refusal(self._s, self._keyed(decision)))

    @workflow.update
    async def extend(self, extension: AppealExtension) -> AppealReply:
        """Take the appeal's one extension, with its notice to the member."""
        return await self._act(extension)

    @extend.validator
    def _validate_extend(self, extension: AppealExtension) -> None:
        self._raise(lifecycle.extension_refusal(self._s, self._keyed(extension)))

    @workflow.query
    def state(self) -> AppealState:
        """Where the appeal stands."""
        return self._s

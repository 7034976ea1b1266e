"""The floor of `lieu bench authorizations`: a bare workflow with no-op activities and updates.

Its own module, free of side effects, because the workflow sandbox re-imports it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow

# The Temporal work of one lieu authorization in the bench (request, approve, accept, close),
# pinned here, not read from lieu's run, and checked against lieu's real run of the bench's
# flow by tests/workflows/test_authorization_projection.py: first the eligibility check and
# the reservation, then each update answered once the activity its command starts is done, as
# lieu's answers are (the projection of the decided review, of the active authorization, the
# release at the close with its projection). Not in the floor: lieu's timers (deadlines),
# search-attribute upserts and its one patch marker.
FIRST = 2
UPDATES = 3  # decide, accept, close
ACTIVITIES = FIRST + UPDATES


@activity.defn(name="bench.noop")
async def noop(step: int) -> int:
    """The floor's activity: does nothing but round-trip through Temporal."""
    return step


@workflow.defn(name="BareAuthorization")
class BareAuthorization:
    """The floor: `first` no-op activities, then each of `updates` updates answered after one
    more, in the order they came. Updates: `poke`."""

    def __init__(self) -> None:
        self.received = 0
        self.answered = 0

    @workflow.run
    async def run(self, first: int, updates: int) -> int:
        for step in range(first):
            await self._noop(step)
        while self.answered < updates:
            await workflow.wait_condition(lambda: self.received > self.answered)
            await self._noop(first + self.answered)
            self.answered += 1
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self.answered

    async def _noop(self, step: int) -> None:
        await workflow.execute_activity(noop, step, start_to_close_timeout=timedelta(seconds=30))

    @workflow.update
    async def poke(self) -> int:
        self.received += 1
        mine = self.received
        await workflow.wait_condition(lambda: self.answered >= mine)
        return mine

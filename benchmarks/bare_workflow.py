"""The floor of `lieu bench authorizations`: a bare workflow with no-op activities and updates.

Its own module, free of side effects, because the workflow sandbox re-imports it.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import activity, workflow

# The Temporal work of one lieu authorization in the bench (request, approve, accept, close):
# pinned here, not read from lieu's run, and checked against lieu's real count by
# tests/benchmarks/test_authorizations_floor.py. Activities: the eligibility check, the
# reservation, the projection when the review is decided (once, at the wait point), the
# projection when it is active, the release at the close with its projection.
ACTIVITIES = 5
UPDATES = 3  # decide, accept, close


@activity.defn(name="bench.noop")
async def noop(step: int) -> int:
    """The floor's activity: does nothing but round-trip through Temporal."""
    return step


@workflow.defn(name="BareAuthorization")
class BareAuthorization:
    """The floor: `activities` no-op activities, then `updates` updates, then done."""

    def __init__(self) -> None:
        self.received = 0

    @workflow.run
    async def run(self, activities: int, updates: int) -> int:
        for step in range(activities):
            await workflow.execute_activity(
                noop, step, start_to_close_timeout=timedelta(seconds=30)
            )
        await workflow.wait_condition(lambda: self.received >= updates)
        return self.received

    @workflow.update
    def poke(self) -> int:
        self.received += 1
        return self.received

"""The data converter builds each pydantic type adapter once per process, though Temporal makes a
new payload converter for every workflow run."""

from __future__ import annotations

from decimal import Decimal

from lieu.platform.authorizations.status import Decision
from lieu.workflows.authorizations.types import ReviewDecision
from lieu.workflows.converter import ADAPTERS, data_converter


def test_a_new_payload_converter_for_each_run_reuses_the_process_type_adapters() -> None:
    sent = ReviewDecision("um", Decision.MODIFY, "fewer", Decimal(20), ("um",), "k")
    payloads = data_converter.payload_converter.to_payloads([sent])
    ADAPTERS.cache_clear()
    for _ in range(3):  # what the worker does at the start of each workflow run
        run = data_converter._new_payload_converter()
        assert run.from_payloads(payloads, [ReviewDecision]) == [sent]
    built = ADAPTERS.cache_info()
    assert (built.misses, built.hits) == (1, 2)

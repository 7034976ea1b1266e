"""Every authorization and pricing term of the definition schema is read by lieu: each term names
the tests in which changing it changes what an authorization does, or, for words people read
(references, labels), where they are shown. A term added to the schema without one fails here."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SCHEMA = Path(__file__).resolve().parents[3] / "benefit_definitions/schema/definition.schema.json"
MACHINE = "tests.platform.authorizations.test_lifecycle_machine"
WORKFLOW = "tests.workflows.test_authorization_terms"
RULES = "tests.platform.authorizations.test_lifecycle_managed_care"
SHOWN = "shown to people"  # words, not behaviour

# term (a path into the schema) -> the tests that show it at work
TERMS: dict[str, tuple[str, ...]] = {
    "authorization.steps": (
        f"{MACHINE}::test_the_steps_run_in_the_order_the_definition_writes_them",
        f"{MACHINE}::test_a_plan_that_reserves_after_the_review_holds_only_what_was_approved",
    ),
    "authorization.period_days": (
        f"{WORKFLOW}::test_period_days_sets_when_an_authorization_expires",
    ),
    "authorization.reauthorization.notice_days_before_expiry": (
        f"{MACHINE}::test_the_reminder_comes_the_configured_days_before_the_end_then_it_expires",
    ),
    "authorization.reauthorization.renewals_allowed": (
        f"{MACHINE}::test_renewals_beyond_what_the_definition_allows_are_refused",
    ),
    "authorization.reauthorization.review_required": (
        f"{MACHINE}::test_a_renewal_holds_more_reviews_again_and_continues_as_new",
        f"{WORKFLOW}::test_a_renewal_without_review_renews_at_once",
    ),
    "authorization.retroactive.allowed": (
        f"{MACHINE}::test_a_request_for_earlier_service_is_refused_when_the_definition_forbids_it",
        f"{WORKFLOW}::test_retroactive_requests_are_refused_before_anything_starts",
    ),
    "authorization.retroactive.max_days": (
        f"{MACHINE}::test_a_request_for_earlier_service_is_refused_when_the_definition_forbids_it",
    ),
    "authorization.closed_loop_referral": (
        f"{WORKFLOW}::test_without_a_closed_loop_an_approval_is_active_at_once",
    ),
    "authorization.reports_close_after_days": (
        f"{MACHINE}::test_presumptive_days_are_charged_when_reported_after_a_denial",
        f"{MACHINE}::test_no_late_window_when_the_definition_gives_none",
    ),
    "authorization.reference": (SHOWN,),
    "authorization.plan_defaults": (
        "tests.platform.definitions.test_definitions_narrowing_terms"
        "::test_a_plan_may_authorize_longer_than_a_baseline_period_that_is_only_a_plan_default",
        "tests.platform.definitions.test_definitions_narrowing_terms"
        "::test_a_period_the_baseline_does_not_mark_as_a_plan_default_still_binds",
    ),
    "step.kind": (f"{MACHINE}::test_the_steps_run_in_the_order_the_definition_writes_them",),
    "step.days": (f"{WORKFLOW}::test_presumptive_days_set_how_long_service_may_run_undecided",),
    "step.advance_notice_days": (
        f"{MACHINE}::test_a_denial_that_cuts_a_presumptive_period_short_gives_advance_notice_of_its_end",
        f"{MACHINE}::test_a_plan_that_reads_presumptive_days_as_unauthorized_ends_them_at_once",
    ),
    "step.role": (
        f"{MACHINE}::test_a_reviewer_without_the_steps_role_is_refused",
        f"{MACHINE}::test_a_second_review_needs_another_reviewer_of_its_role",
    ),
    "step.deadlines": (
        f"{MACHINE}::test_the_review_deadline_is_counted_from_receipt_in_working_days",
        f"{RULES}::test_a_friday_evening_receipt_counts_working_days_from_friday_skipping_the_holiday",
        f"{RULES}::test_five_working_days_a_holiday_stretches_stop_at_the_federal_seven_days",
        f"{RULES}::test_a_standard_review_missed_is_denied_at_the_deadline_with_the_members_notice",
    ),
    "step.extension": (
        f"{MACHINE}::test_the_extension_moves_the_deadline_once",
        f"{RULES}::test_the_extension_ends_fourteen_days_from_receipt_with_a_notice",
    ),
    "step.escalate_before": (
        f"{RULES}::test_operations_are_alerted_the_configured_lead_before_the_deadline",
    ),
    "step.after_deadline": (
        f"{RULES}::test_a_definition_may_keep_the_hold_while_a_late_decision_may_come",
        f"{RULES}::test_no_late_decision_in_the_window_leaves_the_deemed_denial_standing",
        f"{RULES}::test_no_late_decisions_ends_the_request_at_the_deemed_denial",
    ),
    "step.deadline_days": (
        f"{MACHINE}::test_no_answer_from_the_provider_closes_the_loop_and_releases",
    ),
    "step.to": (f"{MACHINE}::test_notices_go_only_to_whom_the_definition_names_for_each_event",),
    "step.on": (f"{MACHINE}::test_notices_go_only_to_whom_the_definition_names_for_each_event",),
    "step.documents": (
        f"{MACHINE}::test_a_documentation_step_holds_the_request_until_each_document_is_on_file",
        f"{WORKFLOW}::test_a_documentation_step_waits_for_the_documents_attached",
    ),
    "step.reference": (SHOWN,),
    "pricing.payment_model": (
        f"{MACHINE}::test_a_rate_above_the_contract_is_flagged_for_review_or_refused_as_the_pricing_says",
        f"{WORKFLOW}::test_a_cost_based_support_checks_the_amount_against_its_cap",
    ),
    "pricing.unit": (SHOWN,),
    "pricing.reference": (SHOWN,),
    "pricing.codes": (f"{MACHINE}::test_a_billing_line_the_pricing_does_not_allow_is_refused",),
    "pricing.guidance": (f"{WORKFLOW}::test_a_rate_outside_the_guidance_range_is_flagged",),
    "pricing.rate": (
        f"{MACHINE}::test_a_rate_above_the_contract_is_flagged_for_review_or_refused_as_the_pricing_says",
    ),
    "pricing.cap": (f"{WORKFLOW}::test_a_cost_based_support_checks_the_amount_against_its_cap",),
    "pricing.outside_rate": (
        f"{MACHINE}::test_a_rate_above_the_contract_is_flagged_for_review_or_refused_as_the_pricing_says",
    ),
    "code.hcpcs": (f"{MACHINE}::test_a_billing_line_the_pricing_does_not_allow_is_refused",),
    "code.modifiers": (f"{MACHINE}::test_a_billing_line_the_pricing_does_not_allow_is_refused",),
    "code.label": (SHOWN,),
    "code.effective_from": (f"{WORKFLOW}::test_a_code_is_billed_only_from_its_effective_date",),
    "code.unit": (
        "tests.platform.definitions.test_units::"
        "test_a_code_billed_per_week_holds_at_most_seven_days_of_the_measure",
        "tests.platform.definitions.test_units::"
        "test_a_monthly_rate_billed_with_per_diem_codes_is_compared_per_month_of_service",
    ),
}


def _properties(node: dict[str, Any]) -> Iterator[str]:
    yield from node.get("properties", {})
    for branch in node.get("allOf", ()):
        yield from branch.get("then", {}).get("properties", {})


def schema_terms() -> set[str]:
    definitions = json.loads(SCHEMA.read_text())["$defs"]
    authorization = definitions["authorization"]
    found = {f"authorization.{name}" for name in authorization["properties"]} - {
        "authorization.reauthorization",
        "authorization.retroactive",
    }
    for name in ("reauthorization", "retroactive"):
        found |= {
            f"authorization.{name}.{inner}"
            for inner in authorization["properties"][name]["properties"]
        }
    found |= {f"step.{name}" for name in _properties(definitions["step"])}
    found |= {f"pricing.{name}" for name in definitions["pricing"]["properties"]}
    found |= {f"code.{name}" for name in definitions["code"]["properties"]}
    return found


def test_every_term_of_the_schema_is_read_and_shown_at_work() -> None:
    assert schema_terms() == set(TERMS), "map each new term to the tests that show it at work"


@pytest.mark.parametrize("term", sorted(TERMS))
def test_each_named_test_exists(term: str) -> None:
    for where in TERMS[term]:
        if where == SHOWN:
            continue
        module, name = where.split("::")
        assert hasattr(importlib.import_module(module), name), f"{term}: {where} is missing"

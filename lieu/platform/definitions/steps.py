"""Authorization terms: the ordered steps a request goes through, its period and renewals."""

# No `from __future__ import annotations`: these terms travel in the authorization workflow's
# input, and pydantic builds their types inside the workflow sandbox.
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class StepKind(enum.StrEnum):
    """What an authorization step does."""

    ELIGIBILITY = "eligibility"
    LIMIT_CHECK = "limit_check"
    PRESUMPTIVE = "presumptive"
    DOCUMENTATION = "documentation"
    REVIEW = "review"
    SECOND_REVIEW = "second_review"
    PROVIDER_ACCEPTANCE = "provider_acceptance"
    NOTICE = "notice"


@dataclass(frozen=True, slots=True)
class Duration:
    """A span in one unit: working_days, calendar_days or hours."""

    amount: int
    unit: str

    def __str__(self) -> str:
        words = self.unit.replace("_", " ")
        return f"{self.amount} {words[:-1] if self.amount == 1 else words}"


@dataclass(frozen=True, slots=True)
class Extension:
    """A deferral of a review deadline for more information."""

    calendar_days: int
    once: bool


@dataclass(frozen=True, slots=True)
class AfterDeadline:
    """What a review's missed deadline (a deemed denial) does: `hold` is release or keep, and a
    late decision is taken for `late_decision_days` after the deadline."""

    hold: str = "release"
    late_decision_days: int = 30


@dataclass(frozen=True, slots=True)
class RequiredDocument:
    """A document a documentation step needs on file, by the id it is attached under."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Step:
    """One step; only the fields of its kind are set."""

    kind: StepKind
    days: int | None = None  # presumptive
    advance_notice_days: int | None = None  # presumptive: None is the default, 10
    role: str | None = None  # review, second_review
    standard: Duration | None = None  # review
    expedited: Duration | None = None  # review
    extension: Extension | None = None  # review
    deadline_days: int | None = None  # provider_acceptance
    to: tuple[str, ...] = ()  # notice
    on: tuple[str, ...] = ()  # notice
    documents: tuple[RequiredDocument, ...] = ()  # documentation
    reference: str | None = None
    escalate_before: Duration | None = None  # review (None: 24 hours)
    after_deadline: AfterDeadline | None = None  # review (None: the defaults)

    def describe(self) -> str:
        """The step in plain words."""
        match self.kind:
            case StepKind.PRESUMPTIVE:
                return f"presumptive authorization for {self.days} days"
            case StepKind.REVIEW:
                return (
                    f"review by {self.role} (standard {self.standard}, expedited {self.expedited})"
                )
            case StepKind.SECOND_REVIEW:
                return f"second review by {self.role}"
            case StepKind.DOCUMENTATION:
                return f"documents on file: {', '.join(d.label for d in self.documents)}"
            case StepKind.PROVIDER_ACCEPTANCE:
                return f"provider acceptance within {self.deadline_days} days"
            case StepKind.NOTICE:
                return f"notice to {', '.join(self.to)} on {', '.join(self.on)}"
            case StepKind.LIMIT_CHECK:
                return "limit check"
            case _:
                return "eligibility check"


@dataclass(frozen=True, slots=True)
class Reauthorization:
    """Renewal before expiry."""

    notice_days_before_expiry: int | None
    renewals_allowed: int | None
    review_required: bool


@dataclass(frozen=True, slots=True)
class Retroactive:
    """Whether service may be authorized after delivery, and how late."""

    allowed: bool
    max_days: int | None


@dataclass(frozen=True, slots=True)
class Authorization:
    """How a request is authorized."""

    steps: tuple[Step, ...]
    period_days: int | None
    reauthorization: Reauthorization
    retroactive: Retroactive
    closed_loop_referral: bool
    reference: str = ""
    reports_close_after_days: int = 90
    # Terms the baseline states only as defaults (DHCS is silent): they do not bind a plan.
    plan_defaults: tuple[str, ...] = ()

    def binds(self, term: str) -> bool:
        """Whether `term` (e.g. "period_days") is a rule a plan extending this may only narrow."""
        return term not in self.plan_defaults

    def kinds(self) -> tuple[StepKind, ...]:
        """The step kinds in order."""
        return tuple(step.kind for step in self.steps)

    def step(self, kind: StepKind) -> Step | None:
        """The first step of a kind, or None."""
        return next((step for step in self.steps if step.kind is kind), None)


def _duration(raw: Mapping[str, int]) -> Duration:
    ((unit, amount),) = raw.items()
    return Duration(amount, unit)


def parse_step(raw: Mapping[str, Any]) -> Step:
    """A Step from one schema-valid `steps` item."""
    deadlines = raw.get("deadlines")
    extension = raw.get("extension")
    lead = raw.get("escalate_before")
    after = raw.get("after_deadline")
    return Step(
        kind=StepKind(raw["kind"]),
        days=raw.get("days"),
        advance_notice_days=raw.get("advance_notice_days"),
        role=raw.get("role"),
        standard=None if deadlines is None else _duration(deadlines["standard"]),
        expedited=None if deadlines is None else _duration(deadlines["expedited"]),
        extension=(
            None if extension is None else Extension(extension["calendar_days"], extension["once"])
        ),
        deadline_days=raw.get("deadline_days"),
        to=tuple(raw.get("to", ())),
        on=tuple(raw.get("on", ())),
        documents=tuple(
            RequiredDocument(item["id"], item["label"]) for item in raw.get("documents", ())
        ),
        reference=raw.get("reference"),
        escalate_before=None if lead is None else _duration(lead),
        after_deadline=None if after is None else AfterDeadline(**after),
    )


def parse_authorization(raw: Mapping[str, Any]) -> Authorization:
    """Authorization from a schema-valid `authorization` object."""
    reauth = raw["reauthorization"]
    retro = raw["retroactive"]
    return Authorization(
        steps=tuple(parse_step(step) for step in raw["steps"]),
        period_days=raw["period_days"],
        reauthorization=Reauthorization(
            reauth["notice_days_before_expiry"],
            reauth["renewals_allowed"],
            reauth["review_required"],
        ),
        retroactive=Retroactive(retro["allowed"], retro["max_days"]),
        closed_loop_referral=raw["closed_loop_referral"],
        reference=raw.get("reference", ""),
        reports_close_after_days=raw.get("reports_close_after_days", 90),
        plan_defaults=tuple(raw.get("plan_defaults", ())),
    )

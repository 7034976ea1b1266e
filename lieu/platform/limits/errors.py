"""Why the ledger refuses a posting; each error says what, why and how to fix it."""

from __future__ import annotations

from decimal import Decimal

from lieu.platform.limits.spec import LimitSpec
from lieu.platform.limits.windows import WindowUse


class LedgerError(Exception):
    """A posting the ledger refuses; nothing was recorded. `code` is stable for API edges."""

    code = "ledger_error"


class InvalidPosting(LedgerError):
    """The posting is malformed or contradicts the ledger (e.g. releasing what is not held)."""

    code = "invalid_posting"


class LimitExceeded(LedgerError):
    """The request does not fit in at least one window; `window` is the tightest one."""

    code = "limit_exceeded"

    def __init__(self, spec: LimitSpec, window: WindowUse, fits: Decimal | None = None) -> None:
        self.spec = spec
        self.window = window
        self.fits = fits
        unit = spec.measure.value
        over = -window.headroom
        how = (
            f"an approved exception may raise it ({spec.exception.requires or 'documentation'})"
            if spec.exception.allowed
            else "this limit allows no exception"
        )
        super().__init__(
            f"{spec.label} ({spec.id}): {window.requested} {unit} asked, "
            f"{window.used} of {window.cap} already counted in {window.describe()}, "
            f"so {over} over; ask for at most {max(window.available, Decimal(0))}, or {how}"
        )


class ExceptionNotAllowed(LedgerError):
    """The limit allows no exception, or its exceptions are used up."""

    code = "exception_not_allowed"


class IdempotencyConflict(LedgerError):
    """The idempotency key was already used for a different posting."""

    code = "idempotency_conflict"

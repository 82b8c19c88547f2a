"""Reads of the eligibility room: the screen a case administrator sees before finding a case
eligible or ineligible (the checks themselves live in checks.py)."""

from __future__ import annotations

from cases.eligibility.checks import (
    CheckResult,
    EligibilityCheck,
    PriorImrMatch,
    eligibility_checks,
    prior_imr_items,
)

__all__ = [
    "CheckResult",
    "EligibilityCheck",
    "PriorImrMatch",
    "eligibility_checks",
    "prior_imr_items",
]

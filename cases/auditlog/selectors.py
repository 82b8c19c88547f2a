"""The audit log as the case file shows it."""

from __future__ import annotations

from accounts.models import Role
from audit.selectors import case_readers


def case_readers_shown(case_number: str) -> list:
    """Who read the case, each with the name of the role they had then (copied into the
    event when it was written)."""
    labels = dict(Role.choices)
    reads = case_readers(case_number)
    for read in reads:
        read.role_label = labels.get(read.role, read.role)
    return reads

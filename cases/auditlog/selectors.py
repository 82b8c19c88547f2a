"""The audit log as the case file shows it."""

from __future__ import annotations

from django.utils import dateformat, timezone

from accounts.models import Role
from audit.models import AuditAction, AuditKind
from audit.selectors import case_readers


def case_readers_shown(case_number: str) -> list:
    """Who read the case, each with the name of the role they had then (copied into the
    event when it was written), what was read in words and when, in local time. The words come
    from dicts built once: get_FOO_display flattens the choices on every call, and the page
    lists up to 50 reads (issue 12)."""
    roles = dict(Role.choices)
    actions = dict(AuditAction.choices)
    kinds = dict(AuditKind.choices)
    reads = case_readers(case_number)
    for read in reads:
        read.role_label = roles.get(read.role, read.role)
        read.what = f"{actions.get(read.action, read.action)}: {kinds.get(read.kind, read.kind)}"
        local = timezone.localtime(read.created_at)
        read.when_iso = local.isoformat()
        read.when_text = dateformat.format(local, "m/d/Y g:i A")
    return reads

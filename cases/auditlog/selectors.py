"""The audit log as the case file shows it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from accounts.models import Role, display_names
from audit.models import AuditAction, AuditKind
from audit.selectors import case_readers
from cases.formatting import us_datetime


@dataclass(frozen=True)
class ReadShown:
    """One read of a case as the readers table prints it."""

    username: str
    # The name the user has now (the username for a login since removed or with no name); the
    # username is the record.
    name: str
    role_label: str
    what: str
    object_id: str
    when_iso: str
    when_text: str


def case_readers_shown(case_number: str) -> list[ReadShown]:
    """Who read the case, each with the name of the role they had then (copied into the
    event when it was written), what was read in words and when, in local time. The words come
    from dicts built once: get_FOO_display flattens the choices on every call, and the page
    lists up to 50 reads (issue 12). Each reader is named as the case history names people,
    by the name they have now, read in one query, beside the username the log kept."""
    roles = dict(Role.choices)
    actions = dict(AuditAction.choices)
    kinds = dict(AuditKind.choices)
    reads = list(case_readers(case_number))
    names = display_names({read.username for read in reads})
    return [
        ReadShown(
            username=read.username,
            name=names.get(read.username, read.username),
            role_label=roles.get(read.role, read.role),
            what=f"{actions.get(read.action, read.action)}: {kinds.get(read.kind, read.kind)}",
            object_id=read.object_id,
            when_iso=timezone.localtime(read.created_at).isoformat(),
            when_text=us_datetime(read.created_at),
        )
        for read in reads
    ]

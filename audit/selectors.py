"""Reading the audit log. Who may read it is decided by the access policy (cases.access);
these answer what is there."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from audit.models import READ_ACTIONS, AuditAction, AuditEvent, AuditKind

CASE_READERS_SHOWN = 50


def audit_search(
    *,
    case_number: str | tuple[str, ...] = "",
    username: str = "",
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> QuerySet[AuditEvent]:
    """Events matching every filter given, newest first. Dates are whole days in the site's
    time zone, both ends included. `case_number`: one, or the ways of writing one (any)."""
    events = AuditEvent.objects.all()
    numbers = (case_number,) if isinstance(case_number, str) else case_number
    numbers = [number.strip() for number in numbers if number.strip()]
    if numbers:
        written = Q()
        for number in numbers:
            written |= Q(case_number__iexact=number)
        events = events.filter(written)
    if username:
        events = events.filter(username__iexact=username.strip())
    if since:
        events = events.filter(created_at__gte=_day_start(since))
    if until and until < dt.date.max:
        # The last day has no day after it to end before (9999-12-31): no upper bound then.
        events = events.filter(created_at__lt=_day_start(until + dt.timedelta(days=1)))
    return events.order_by("-created_at", "-id")


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def case_readers(case_number: str, *, limit: int = CASE_READERS_SHOWN) -> list:
    """The latest reads of a case by someone signed in (page, records, letters, API):
    who, in which role, when, what, as plain rows with those names (the case page lists up
    to 50; model instances cost half its time)."""
    return list(
        AuditEvent.objects.filter(
            case_number=case_number, action__in=READ_ACTIONS, actor__isnull=False
        )
        .order_by("-created_at", "-id")
        .values_list("created_at", "username", "role", "action", "kind", "object_id", named=True)[
            :limit
        ]
    )


def objects_read_by(user, *, case_number: str, kind: AuditKind) -> set[str]:
    """The ids of a case's objects of `kind` this user has opened successfully (e.g. which
    records a reviewer has read)."""
    return set(
        AuditEvent.objects.filter(
            case_number=case_number,
            kind=kind,
            action=AuditAction.DOWNLOAD,
            actor=user,
            status_code=200,
        ).values_list("object_id", flat=True)
    )

"""Reads of intake: a case administrator's own drafts of the intake form, the bulk imports."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.row_ids import row_id
from cases.access import owned_get_for
from cases.intake.models import (
    ImportRowOutcome,
    ImportRun,
    IntakeDraft,
    IntakeDraftFile,
)
from cases.lifecycle.models import Case, CaseEvent, EventType


def case_made_from_draft(user, pk) -> Case | None:
    """The case `user` made from their draft `pk` (the draft is dropped then), or None."""
    draft = row_id(pk)
    if draft is None:
        return None
    event = (
        CaseEvent.objects.filter(type=EventType.CASE_RECEIVED, actor=user, details__draft=draft)
        .select_related("case")
        .first()
    )
    return event.case if event is not None else None


def intake_drafts_of(user) -> QuerySet[IntakeDraft]:
    """The user's drafts, the latest first (nobody sees another's)."""
    return IntakeDraft.objects.filter(owner=user).order_by("-updated_at", "-pk")


def intake_draft_get_for(user, pk) -> IntakeDraft:
    """The user's draft `pk`, or 404 (another user's draft is "no such draft")."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    return owned_get_for(user, IntakeDraft.objects.all(), pk=pk)


def intake_draft_file_get_for(user, pk) -> IntakeDraftFile:
    """A file kept with one of the user's drafts, or 404."""
    return owned_get_for(
        user, IntakeDraftFile.objects.select_related("draft"), owner_field="draft__owner", pk=pk
    )


# The import page shows this many of a run's made cases by name; the rest are counted.
IMPORT_ROWS_SHOWN = 500


def import_runs_recent(limit: int = 10) -> QuerySet[ImportRun]:
    """The latest bulk imports, any administrator's (they share the intake work), each with
    the cases it `created` and found `existing` (from QA: a file imported again read as the
    first import did, "10 of 10 done")."""
    return (
        ImportRun.objects.select_related("created_by")
        .annotate(
            created=Count("rows", filter=Q(rows__outcome=ImportRowOutcome.CREATED)),
            existing=Count("rows", filter=Q(rows__outcome=ImportRowOutcome.EXISTING)),
        )
        .order_by("-created_at", "-pk")[:limit]
    )


def import_run_get(pk: int) -> ImportRun:
    return get_object_or_404(ImportRun.objects.select_related("created_by"), pk=pk)


def import_run_outcome(run: ImportRun) -> dict:
    """What a finished (or stopped) run made and refused, for its page: every refused row with
    its reasons, the first IMPORT_ROWS_SHOWN made or found cases with their links."""
    rows = run.rows.select_related("case")
    refused = list(rows.filter(outcome=ImportRowOutcome.REFUSED))
    made = list(rows.exclude(outcome=ImportRowOutcome.REFUSED)[:IMPORT_ROWS_SHOWN])
    created = rows.filter(outcome=ImportRowOutcome.CREATED).count()
    return {
        "refused_rows": refused,
        "made_rows": made,
        "made_count": run.done - run.failed,
        "created_count": created,
        "existing_count": run.done - run.failed - created,
    }

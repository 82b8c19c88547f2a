"""Reads of intake: a case administrator's own drafts of the intake form."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.access import owned_get_for
from cases.intake.models import IntakeDraft, IntakeDraftFile


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

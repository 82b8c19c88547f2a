"""Writes to the case file. Each function is one business step in one transaction, checks that
the step is allowed, and records what it did as a case event."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from cases.lifecycle import events
from cases.lifecycle.clock import current_due_on
from cases.lifecycle.models import (
    Case,
    CaseNumberCounter,
    CaseStatus,
)
from cases.lifecycle.status_table import can_transition, refusal_message

CASE_NUMBER_FORMAT = re.compile(r"CM(?P<year>\d{2})-(?P<serial>\d{7})")


def case_number_next(*, year: int) -> str:
    """CM + two-digit year + '-' + seven digits; numbers only go up, so none is ever reused.
    Must run inside the caller's transaction (the counter row is locked)."""
    yy = year % 100
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(year=yy)
    while True:
        counter.last_number += 1
        number = f"CM{yy:02d}-{counter.last_number:07d}"
        if not Case.objects.filter(case_number=number).exists():
            break
    counter.save(update_fields=["last_number"])
    return number


def _case_number_reserve(number: str) -> None:
    """An imported case brings its number; move the counter past it so we never hand it out."""
    match = CASE_NUMBER_FORMAT.fullmatch(number)
    if match is None:
        raise ValidationError(
            {"case_number": f"Case number {number} is not of the form CM16-0213037."}
        )
    yy, serial = int(match["year"]), int(match["serial"])
    counter, _ = CaseNumberCounter.objects.select_for_update().get_or_create(year=yy)
    if serial > counter.last_number:
        counter.last_number = serial
        counter.save(update_fields=["last_number"])


def _refresh_due_on(case: Case) -> None:
    case.__dict__.pop("clock", None)
    case.due_on = current_due_on(case)


def case_lock(case: Case) -> Case:
    """Re-read the case under a row lock so two people acting at once cannot both succeed."""
    return Case.objects.select_for_update().get(pk=case.pk)


def case_transition_check(*, case: Case, to_status: str) -> None:
    if not can_transition(case.status, to_status):
        raise ValidationError(refusal_message(case.status, to_status), code="illegal_transition")


def case_status_set(*, case: Case, to_status: str) -> str:
    """Move a locked case to `to_status` if the lifecycle allows it; returns the old status.
    For services (here and in reviews) that write their own event in the same transaction."""
    case_transition_check(case=case, to_status=to_status)
    from_status = case.status
    case.status = to_status
    _refresh_due_on(case)
    case.save(update_fields=["status", "due_on", "updated_at"])
    return from_status


TERMINATION_REASONS = {
    "authorized": "The claims administrator authorized the treatment",
    "withdrawn": "The application was withdrawn",
}


@transaction.atomic
def case_terminate(*, case: Case, actor, reason: str, note: str = "") -> Case:
    case = case_lock(case)
    if reason not in TERMINATION_REASONS:
        raise ValidationError("Choose why the review ends: treatment authorized, or withdrawn.")
    from_status = case_status_set(case=case, to_status=CaseStatus.TERMINATED)
    events.case_terminated(
        case=case, actor=actor, reason=reason, note=note.strip(), from_status=from_status
    )
    return case


@transaction.atomic
def case_remand(*, case: Case, actor, note: str = "") -> Case:
    """A new review ordered on appeal: a new round, a different reviewer, a new letter."""
    case = case_lock(case)
    case_transition_check(case=case, to_status=CaseStatus.REMANDED)
    case.round += 1
    # The new round's determination clock runs from the day the remand is received.
    case.records_complete_on = timezone.localdate()
    case.save(update_fields=["round", "records_complete_on"])
    from_status = case_status_set(case=case, to_status=CaseStatus.REMANDED)
    events.case_remanded(case=case, actor=actor, note=note.strip(), from_status=from_status)
    return case


def case_status_move(case: Case, *, to_status: str) -> tuple[Case, str]:
    """Lock the case (case_lock's row lock) and move it to `to_status`; returns the
    locked case and its old status, for the caller's event."""
    case = case_lock(case)
    return case, case_status_set(case=case, to_status=to_status)

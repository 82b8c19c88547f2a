"""A notice's date of service from its deliveries, shared by the notice task (e-mail, served
when sent) and the print queue (mail, served when the batch is confirmed posted). For the
notice of assignment the date of service starts the records clock (8 CCR 9792.10.5(a)(1))."""

from __future__ import annotations

import datetime as dt

from cases.lifecycle import events
from cases.lifecycle.models import CLOSED_STATUSES, Case
from cases.lifecycle.services import DUE_ON_FIELDS, case_due_on_refresh
from reviews.letters.models import NEVER_SENT_STATUSES, SERVED_STATUSES, Notice, NoticeKind
from reviews.letters.service_status import copies_sent_by


def notice_service_refresh(notice: Notice) -> bool:
    """Once every recipient of `notice` is served, the notice is served on the last date of
    service, by mail when anyone was served by mail (the longer period). For the notice of
    assignment the case's notice date becomes that date, and the event says whether the records
    clock moved. Returns whether the notice became served now; a notice already served, or
    with a recipient still waiting (to be printed, posted, or for an address), is left alone.
    Call inside a transaction, with the notice locked."""
    if notice.served_on:
        return False
    # A copy withdrawn when the case closed is not waited for (reviews.letters.superseded).
    rows = [row for row in notice.deliveries.all() if row.status not in NEVER_SENT_STATUSES]
    served = [row.served_on for row in rows if row.status in SERVED_STATUSES and row.served_on]
    if not rows or len(served) != len(rows):
        return False
    notice.served_on = max(served)
    notice.sent_by = copies_sent_by(rows)
    notice.save(update_fields=["served_on", "sent_by"])
    clock_moved, records_due_on, records_calendar = False, None, None
    if notice.kind == NoticeKind.NOTICE_OF_ASSIGNMENT:
        clock_moved, records_due_on, records_calendar = _notice_date_set(notice)
    events.notice_served(
        case=notice.case,
        notice=notice,
        served_on=notice.served_on,
        sent_by=notice.sent_by,
        intended_on=notice.intended_on,
        clock_moved=clock_moved,
        records_due_on=records_due_on,
        records_due_on_calendar=records_calendar,
    )
    return True


def _moves_no_clock(case: Case, served_on: dt.date) -> str:
    """Why a notice of assignment served on `served_on` leaves the case's Date Assigned as it
    is, or "": the records were complete before it (the clock it would move has ended), or the
    case had closed (its other copies withdrawn)."""
    if case.records_complete_on and case.records_complete_on < served_on:
        return f"after the records were complete ({case.records_complete_on:%m/%d/%Y})"
    if case.status in CLOSED_STATUSES:
        return "after the case had closed"
    return ""


def notice_date_kept_why(case: Case, served_on: dt.date | None) -> str:
    """For the case page: why the case's Date Assigned is not the notice's date of service
    ("served after the records were complete (12/05/2026), so it moved no clock"), or "" when
    it is (or the notice is not served)."""
    if served_on is None or served_on == case.date_assigned:
        return ""
    why = _moves_no_clock(case, served_on)
    if why:
        return f"served {why}, so it moved no clock"
    return "the date was corrected since on the facts page"


def _notice_date_set(notice: Notice) -> tuple[bool, dt.date | None, str | None]:
    """The case's notice date becomes the date of service (with its method). Not when the
    records were already complete before it, or the case had closed (_moves_no_clock)."""
    case = Case.objects.select_for_update().get(pk=notice.case_id)
    served = (notice.served_on, notice.sent_by)
    if (case.date_assigned, case.notice_sent_by) == served:
        return False, None, None
    if _moves_no_clock(case, notice.served_on):
        return False, None, None
    case.date_assigned, case.notice_sent_by = served
    case_due_on_refresh(case)
    case.save(update_fields=["date_assigned", "notice_sent_by", *DUE_ON_FIELDS, "updated_at"])
    return True, case.clock.records_due_on, case.clock.calendar_versions.get("records_due_on")

"""Each eligibility finding's date for the state's reports, worked out again from a case's
events (cases.lifecycle.models.EligibilityFinding is kept as the events are written, by
cases.lifecycle.events; this replays the same rule over events already written). Used by the
migration that made the table and by cases.integrity.findings (`manage.py eligibility_findings`
and beat's daily check), which compares the table with the events and makes it again from them.

Plain rows in, plain rows out: no model is imported here, so a migration may call it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass

from django.utils import timezone

# The events that write or re-date a finding, as stored (cases.lifecycle.models.EventType).
FINDING_EVENT_TYPES = ("eligibility_recorded", "notice_of_assignment_sent", "facts_edited")


@dataclass
class FindingDates:
    event_id: int
    case_id: int
    eligible: bool
    recorded_on: dt.date
    notice_on: dt.date | None = None
    corrected_on: dt.date | None = None
    found_on: dt.date | None = None

    def as_tuple(self) -> tuple:
        """The fields in their order, as the table's columns are read to compare."""
        return astuple(self)


def date_assigned_corrected(changes: list[dict]) -> tuple[bool, dt.date | None]:
    """Whether a facts correction's list of changes corrects the Date Assigned, and to what
    (None: cleared). Every facts_edited event has kept this list since corrections began."""
    corrected = [change for change in changes or [] if change.get("field") == "date_assigned"]
    if not corrected:
        return False, None
    new = corrected[-1].get("new")
    return True, dt.date.fromisoformat(new) if new else None


def findings_replayed(
    events: Iterable[tuple[int, int, str, dt.datetime, dict]],
) -> Iterator[FindingDates]:
    """`events`: (pk, case_id, type, created_at, details) of FINDING_EVENT_TYPES, ordered by
    case and then by pk. Yields each finding with its dates, a case's findings once its last
    event is read."""
    case_findings: list[FindingDates] = []
    current_case = None
    for pk, case_id, type_, created_at, details in events:
        if case_id != current_case:
            yield from case_findings
            case_findings, current_case = [], case_id
        if type_ == "eligibility_recorded":
            # Dated by the California day it is recorded until a notice of assignment dates it.
            recorded_on = timezone.localtime(created_at).date()
            case_findings.append(
                FindingDates(
                    event_id=pk,
                    case_id=case_id,
                    eligible=bool(details.get("eligible")),
                    recorded_on=recorded_on,
                    found_on=recorded_on,
                )
            )
        elif type_ == "notice_of_assignment_sent" and details.get("date_assigned"):
            # The notice's Date Assigned dates the eligible findings it follows (8 CCR
            # 9792.10.3, 9792.10.4(b)); a Date Assigned corrected before it stands.
            notice_on = dt.date.fromisoformat(details["date_assigned"])
            for finding in case_findings:
                if finding.eligible and finding.notice_on is None:
                    finding.notice_on = notice_on
                    finding.found_on = finding.corrected_on or notice_on
        elif type_ == "facts_edited":
            # A corrected Date Assigned re-dates the case's latest eligible finding (from the
            # list of changes: the copy some events kept at their top had two names in turn).
            corrected, on = date_assigned_corrected(details.get("changes"))
            eligible = [finding for finding in case_findings if finding.eligible]
            if corrected and eligible:
                latest = eligible[-1]
                latest.corrected_on = on
                latest.found_on = latest.corrected_on or latest.notice_on or latest.recorded_on
    yield from case_findings

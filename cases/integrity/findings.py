"""The check of the dates the state's reports count each eligibility finding under
(cases.lifecycle.models.EligibilityFinding, derived) against the case events they come from (the
record): `manage.py eligibility_findings` and beat's daily run.

The whole table is swept first without locks, reading rows and events in the order of case
and event so memory stays flat. A finding written while the sweep reads would look missing in
one of the two reads, so each case the sweep names is compared again with its row locked:
every event that writes or re-dates a finding is written with its case locked
(cases.lifecycle.services.case_lock), so the second look sees each case whole. Only what
differs then is reported, and repaired when asked."""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator
from dataclasses import dataclass, fields

from django.conf import settings
from django.db import transaction

from accounts.notifications import notify
from cases.formatting import first_and_more
from cases.integrity.report import integrity_mail, system_administrators
from cases.lifecycle.findings import FINDING_EVENT_TYPES, FindingDates, findings_replayed
from cases.lifecycle.models import Case, CaseEvent, EligibilityFinding

logger = logging.getLogger("cases.integrity")

# The stored columns, in the order FindingDates.as_tuple gives them.
COLUMNS = tuple(field.name for field in fields(FindingDates))
CHUNK = 5000
# Lines listed in one alert and logged; the rest are counted (the command lists every one).
ALERT_LINES = 50


@dataclass(frozen=True)
class FindingDifference:
    """One finding whose stored row differs from its events: `want` is the row the events
    give, `have` the row stored (either None when there is none)."""

    kind: str  # "missing", "dated differently" or "not a finding"
    want: tuple | None
    have: tuple | None

    @property
    def case_id(self) -> int:
        return (self.want or self.have)[1]

    def line(self, numbers: dict[int, str]) -> str:
        """The case number, the event and what differs, as the command and the alert say it."""
        row = self.want or self.have
        words = f"{numbers.get(row[1], row[1])} event {row[0]}: {self.kind}"
        if self.want is not None and self.have is not None:
            changed = [
                f"{name} {old or '-'} → {new or '-'}"
                for name, old, new in zip(COLUMNS[2:], self.have[2:], self.want[2:], strict=True)
                if old != new
            ]
            words += ": " + ", ".join(changed)
        elif self.want is not None:
            words += f", counts on {self.want[6]}"
        return words


@dataclass
class FindingsCheck:
    differing: list[FindingDifference]
    repaired: bool
    numbers: dict[int, str]

    def lines(self) -> Iterator[str]:
        return (difference.line(self.numbers) for difference in self.differing)


def _compared(case_ids: Collection[int] | None = None) -> list[FindingDifference]:
    """Each finding that differs from its events, of every case or of `case_ids`."""
    stored_rows = EligibilityFinding.objects.order_by("case_id", "event_id")
    events = CaseEvent.objects.filter(type__in=FINDING_EVENT_TYPES).order_by("case_id", "pk")
    if case_ids is not None:
        stored_rows = stored_rows.filter(case_id__in=case_ids)
        events = events.filter(case_id__in=case_ids)
    stored = iter(stored_rows.values_list(*COLUMNS).iterator(chunk_size=CHUNK))
    replayed = (
        finding.as_tuple()
        for finding in findings_replayed(
            events.values_list("pk", "case_id", "type", "created_at", "details").iterator(
                chunk_size=CHUNK
            )
        )
    )
    differing = []
    want, have = next(replayed, None), next(stored, None)
    while want is not None or have is not None:
        want_key = (want[1], want[0]) if want else None
        have_key = (have[1], have[0]) if have else None
        if have is None or (want is not None and want_key < have_key):
            differing.append(FindingDifference("missing", want, None))
            want = next(replayed, None)
        elif want is None or have_key < want_key:
            differing.append(FindingDifference("not a finding", None, have))
            have = next(stored, None)
        else:
            if want != have:
                differing.append(FindingDifference("dated differently", want, have))
            want, have = next(replayed, None), next(stored, None)
    return differing


def _repair(differing: list[FindingDifference]) -> None:
    stale = [difference.have[0] for difference in differing if difference.have is not None]
    EligibilityFinding.objects.filter(event_id__in=stale).delete()
    EligibilityFinding.objects.bulk_create(
        EligibilityFinding(**vars(FindingDates(*difference.want)))
        for difference in differing
        if difference.want is not None
    )


def eligibility_findings_check(*, repair: bool) -> FindingsCheck:
    """Compare every stored finding with its events; with `repair`, make each that differs
    again from them (in one transaction, its cases locked)."""
    # In a transaction, so PostgreSQL streams both reads through plain server-side cursors
    # (outside one, each would be a WITH HOLD cursor the server builds whole first).
    with transaction.atomic():
        suspects = {difference.case_id for difference in _compared()}
    differing: list[FindingDifference] = []
    if suspects:
        with transaction.atomic():
            # Locked in the order of their keys, as two checks at once would lock them.
            list(
                Case.objects.select_for_update()
                .filter(pk__in=suspects)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            differing = _compared(suspects)
            if differing and repair:
                _repair(differing)
    numbers = dict(
        Case.objects.filter(pk__in={d.case_id for d in differing}).values_list("pk", "case_number")
    )
    return FindingsCheck(differing=differing, repaired=bool(differing) and repair, numbers=numbers)


def eligibility_findings_scheduled() -> int:
    """Beat's run: check (and, by ELIGIBILITY_FINDINGS_REPAIR, repair) every finding. A
    difference means something wrote a finding other than as its events say, so the system
    administrators are told, in the app and by e-mail, with what differed."""
    check = eligibility_findings_check(repair=settings.ELIGIBILITY_FINDINGS_REPAIR)
    if not check.differing:
        return 0
    count = len(check.differing)
    lines, more = first_and_more(list(check.lines()), ALERT_LINES)
    for line in lines:
        logger.error("Eligibility finding differs from its events: %s", line)
    if more:
        logger.error("%d more eligibility findings differ from their events", more)
    done = (
        "They were made again from the events, so the monthly report and the dashboard count "
        "them as the events say."
        if check.repaired
        else "Run `manage.py eligibility_findings --repair` to make them again from the events; "
        "until then the monthly report and the dashboard count them by the stored dates."
    )
    summary = (
        f"{count} eligibility finding(s) were stored with dates that differ from their case "
        f"events. {done}"
    )
    notify(system_administrators(), text=summary, urgent=not check.repaired)
    shown = "\n".join(f"- {line}" for line in lines)
    more_line = f"\n- and {more} more" if more else ""
    integrity_mail(
        f"IMR Desk: {count} eligibility finding(s) differed from their case events",
        f"{summary}\n\n{shown}{more_line}\n\nEach finding's date comes from its case's events "
        "(README, 'Dashboard and reports'); a difference means something wrote the stored "
        "date another way, which is worth finding.\n",
    )
    return count

"""The reports room's known month: November 2026, the data the dashboard's and the monthly
report's tests count (the `world` fixture in conftest.py)."""

from __future__ import annotations

import contextlib
import datetime as dt

from django.utils import timezone

from cases.lifecycle import events
from cases.lifecycle.models import CaseEvent, CaseStatus
from reviews.assignment.models import Assignment, AssignmentStatus
from reviews.determination.models import Determination, DeterminationStatus, ItemDecision
from reviews.letters.models import Letter, LetterStatus
from reviews.letters.render import letter_text_current
from reviews.reports.selectors import Period
from tests.factories import CaseFactory, DisputedItemFactory, reviewer_with_profile

NOVEMBER = Period(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _issued(case, reviewer, decided_on, decisions):
    determination = Determination.objects.create(
        case=case,
        reviewer=reviewer,
        status=DeterminationStatus.ISSUED,
        decision_date=decided_on,
    )
    for position, (category, drug_class, outcome) in enumerate(decisions, start=1):
        item = DisputedItemFactory(
            case=case, position=position, category=category, drug_class=drug_class
        )
        ItemDecision.objects.create(determination=determination, item=item, outcome=outcome)
    return determination


@contextlib.contextmanager
def events_written_at(at: dt.datetime):
    """Case events written meanwhile carry `at` as the moment they were written."""
    field = CaseEvent._meta.get_field("created_at")
    default, field.default = field.default, lambda: at
    # Django keeps the default it read first (Field._get_default): forget it both ways.
    field.__dict__.pop("_get_default", None)
    try:
        yield
    finally:
        field.default = default
        field.__dict__.pop("_get_default", None)


def finding_recorded(case, day, *, eligible, codes=(), date_assigned=None) -> None:
    """A finding recorded on `day`, as the eligibility screen writes it (its event and its
    report row, cases.lifecycle.events); with the notice of assignment dated `date_assigned`
    when given."""
    with events_written_at(_at(day)):
        events.eligibility_recorded(
            case=case,
            actor=None,
            eligible=eligible,
            reasons=[],
            late_application="late" in codes,
            from_status=case.status,
            reason_codes=list(codes),
        )
        if date_assigned:
            case.date_assigned = date_assigned
            events.notice_of_assignment_sent(
                case=case,
                actor=None,
                sent_by="electronic",
                records_due_on=date_assigned + dt.timedelta(days=15),
                from_status=case.status,
            )


def known_month():
    """November 2026: four applications in (two the week of 11/02, two the week of 11/09),
    two determinations issued (17 days, on time; 46 days, late), one letter served, three
    eligibility findings (one eligible; two ineligible, both late, one also unsigned)."""
    today = timezone.localdate()
    pain = reviewer_with_profile(
        "REV-P", certifications=("Pain Management",), max_open_cases=5, carried_open_cases=1
    )
    ortho = reviewer_with_profile("REV-O", certifications=("Orthopedic Surgery",))
    issued = CaseFactory(
        status=CaseStatus.ISSUED,
        application_received=dt.date(2026, 11, 2),
        date_assigned=dt.date(2026, 11, 2),
        records_complete_on=dt.date(2026, 11, 3),
    )
    determination = _issued(
        issued,
        pain,
        dt.date(2026, 11, 20),
        [
            ("pharmaceuticals", "opioids", "overturned"),
            ("pharmaceuticals", "nsaids", "upheld"),
            ("diagnostic_imaging", "", "upheld"),
        ],
    )
    Letter.objects.create(
        case=issued,
        determination=determination,
        version=1,
        status=LetterStatus.DELIVERED,
        letter_text=letter_text_current(),
        served_on=dt.date(2026, 11, 21),
    )
    older = CaseFactory(
        status=CaseStatus.ISSUED,
        application_received=dt.date(2026, 10, 1),
        date_assigned=dt.date(2026, 10, 2),
        records_complete_on=dt.date(2026, 10, 10),
    )
    _issued(older, ortho, dt.date(2026, 11, 25), [("pt_ot", "", "overturned")])
    ineligible = CaseFactory(
        status=CaseStatus.INELIGIBLE, application_received=dt.date(2026, 11, 3)
    )
    CaseFactory(
        status=CaseStatus.AWAITING_RECORDS,
        application_received=dt.date(2026, 11, 10),
        date_assigned=dt.date(2026, 11, 10),
        due_on=today - dt.timedelta(days=1),
    )
    in_review = CaseFactory(
        status=CaseStatus.IN_REVIEW,
        application_received=dt.date(2026, 11, 10),
        date_assigned=dt.date(2026, 11, 10),
        records_complete_on=dt.date(2026, 11, 11),
        due_on=today + dt.timedelta(days=2),
    )
    Assignment.objects.create(case=in_review, reviewer=pain, status=AssignmentStatus.ACCEPTED)
    CaseFactory(status=CaseStatus.RECEIVED, application_received=dt.date(2026, 9, 1))
    finding_recorded(issued, dt.date(2026, 11, 2), eligible=True)
    finding_recorded(ineligible, dt.date(2026, 11, 4), eligible=False, codes=("late", "not_signed"))
    finding_recorded(older, dt.date(2026, 11, 5), eligible=False, codes=("late",))
    finding_recorded(older, dt.date(2026, 10, 5), eligible=True)  # before the period
    return today

"""The reports room's known month: November 2026, the data the dashboard's and the monthly
report's tests count (the `world` fixture in conftest.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.lifecycle.models import CaseEvent, CaseStatus, EventType
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


def _finding(case, day, *, eligible, codes=()):
    details = {"eligible": eligible}
    if codes:
        details["reason_codes"] = list(codes)
    CaseEvent.objects.create(
        case=case, type=EventType.ELIGIBILITY_RECORDED, created_at=_at(day), details=details
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
    _finding(issued, dt.date(2026, 11, 2), eligible=True)
    _finding(ineligible, dt.date(2026, 11, 4), eligible=False, codes=("late", "not_signed"))
    _finding(older, dt.date(2026, 11, 5), eligible=False, codes=("late",))
    _finding(older, dt.date(2026, 10, 5), eligible=True)  # before the period
    return today

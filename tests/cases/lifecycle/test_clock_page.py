"""Every date of the clock explains itself on the case page, and the running clock is named by
what is due (8 CCR 9792.10.4(b) notice, records, determination, information requested)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.lifecycle.clock import case_clock
from cases.lifecycle.models import CaseStatus
from cases.lifecycle.services import DUE_ON_FIELDS, case_due_on_refresh
from tests.factories import CaseFactory, DisputedItemFactory

pytestmark = pytest.mark.django_db


def page_of(client, case) -> str:
    return client.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()


def test_a_new_application_runs_the_notice_of_assignment_clock_everywhere(admin_client):
    today = timezone.localdate()
    case = CaseFactory(application_received=today, ur_decision_served_on=today)
    # As case_create stores it (the factory skips the services): the list shows the stored date.
    case_due_on_refresh(case)
    case.save(update_fields=list(DUE_ON_FIELDS))

    clock = case_clock(case)
    page = page_of(admin_client, case)
    listing = admin_client.get(reverse("casefile:case_list")).content.decode()

    assert clock.running == "notice"
    assert clock.running_label == "notice of assignment"
    assert "The notice of assignment is due" in page
    assert "8 CCR 9792.10.4(b)" in page  # the notice's explanation beside its date
    assert "Why this date" in page
    assert "notice of assignment</span>" in listing  # the list's clock column names it
    assert "determination</span>" not in listing


def test_each_item_shows_its_own_due_date_and_the_first_is_marked(admin_client):
    complete = dt.date(2025, 3, 3)  # a Monday
    case = CaseFactory(
        status=CaseStatus.RECORDS_COMPLETE,
        application_received=dt.date(2025, 2, 10),
        date_assigned=dt.date(2025, 2, 11),
        records_complete_on=complete,
    )
    DisputedItemFactory(case=case, description="Physical therapy x12", position=1)
    DisputedItemFactory(
        case=case, description="Tramadol 50 mg #60", position=2, formulary_dispute=True
    )

    clock = case_clock(case, today=complete)
    page = page_of(admin_client, case)

    # Lab. Code 4610.6(d): the formulary drug 5 working days, the therapy 30 days.
    assert [deadline.on for _, deadline in clock.item_deadlines] == [
        dt.date(2025, 4, 2),
        dt.date(2025, 3, 10),
    ]
    assert clock.first_item.description == "Tramadol 50 mg #60"
    assert "Determination due, item by item" in page
    first = page.index("Tramadol 50 mg #60", page.index("item by item"))
    assert page.index("Due first", first) < page.index("</li>", first)
    assert "03/10/2025" in page and "04/02/2025" in page
    assert "drug-formulary dispute" in page  # the item's explanation
    assert clock.explain["determination_due_on"] in page.replace("&#x27;", "'")


def test_information_requested_is_named_as_such(admin_client):
    today = timezone.localdate()
    case = CaseFactory(
        status=CaseStatus.INFORMATION_REQUESTED,
        application_received=today,
        information_requested_on=today,
        information_due_on=today + dt.timedelta(days=7),
    )

    clock = case_clock(case)

    assert clock.running_label == "information requested"
    assert "The information requested is due" in page_of(admin_client, case)

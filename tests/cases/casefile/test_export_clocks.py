"""The export's clocks carry each date's explanation, each item's own due date and the
calendar versions used, as the case page shows them."""

import datetime as dt

import pytest

from cases.casefile.exports import case_export
from cases.lifecycle.models import CaseStatus
from tests.factories import CaseFactory, DisputedItemFactory

pytestmark = pytest.mark.django_db


def test_export_clocks_give_each_item_its_due_date_and_every_date_its_explanation():
    case = CaseFactory(
        status=CaseStatus.RECORDS_COMPLETE,
        application_received=dt.date(2025, 2, 10),
        ur_decision_served_on=dt.date(2025, 2, 3),
        ur_decision_served_by="electronic",
        date_assigned=dt.date(2025, 2, 11),
        records_complete_on=dt.date(2025, 3, 3),
    )
    DisputedItemFactory(case=case, position=1)
    DisputedItemFactory(case=case, position=2, formulary_dispute=True)

    clocks = case_export(case)["clocks"]

    # Lab. Code 4610.6(d): the formulary item 5 working days, the other 30 days.
    assert clocks["items"] == [
        {"position": 1, "determination_due_on": "2025-04-02", "due_first": False},
        {"position": 2, "determination_due_on": "2025-03-10", "due_first": True},
    ]
    assert clocks["determination_due_on"] == "2025-03-10"
    assert clocks["running"] == "determination"
    assert clocks["notice_due_on"] == "2025-02-11"
    assert "drug-formulary dispute" in clocks["explain"]["items[1].determination_due_on"]
    assert (
        clocks["explain"]["determination_due_on"]
        == (clocks["explain"]["items[1].determination_due_on"])
    )
    assert "8 CCR 9792.10.5(a)(1)" in clocks["explain"]["records_due_on"]
    assert set(clocks["calendar_versions"]) >= {
        "application_deadline",
        "records_due_on",
        "determination_due_on",
    }
    assert clocks["appeal_deadline"] is None and clocks["authorization_due_on"] is None


def test_items_due_the_same_day_are_all_or_none_due_first_as_on_the_pages():
    case = CaseFactory(
        status=CaseStatus.RECORDS_COMPLETE,
        application_received=dt.date(2025, 2, 10),
        date_assigned=dt.date(2025, 2, 11),
        records_complete_on=dt.date(2025, 3, 3),
    )
    for position in (1, 2):
        DisputedItemFactory(case=case, position=position)
    assert [item["due_first"] for item in case_export(case)["clocks"]["items"]] == [False, False]
    DisputedItemFactory(case=case, position=3, formulary_dispute=True)
    case = type(case).objects.get(pk=case.pk)  # read again: the case keeps the items it read
    assert [item["due_first"] for item in case_export(case)["clocks"]["items"]] == [
        False,
        False,
        True,
    ]

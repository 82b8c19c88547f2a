"""A list row's clock (Case.list_clock) is read from the running deadline the services store
(Case.due_on); it must read exactly as the computed clock (case_clock) on every day, in every
status the services leave a case in. And a case read as CLOCK_COLUMNS only (a reviewer's
dashboard rows) computes the same clock as a whole case, without another query."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext

from cases.eligibility.services import (
    case_defer_for_liability,
    case_eligibility_record,
    case_information_request,
)
from cases.intake.services import case_create
from cases.lifecycle.clock import CLOCK_COLUMNS, ITEM_CLOCK_COLUMNS, case_clock, list_clock
from cases.lifecycle.models import Case, DisputedItem
from tests.cases.helpers import add_record, intake_data, overrides_for
from tests.factories import case_in_review

pytestmark = pytest.mark.django_db

READINGS = (
    "due_on",
    "running",
    "running_label",
    "days_left",
    "overdue",
    "due_today",
    "due_soon",
    "deferred_text",
    "deferred_days",
    "deferral_review",
)


def assert_reads_as_computed(case: Case) -> None:
    case = Case.objects.get(pk=case.pk)
    computed = case_clock(case)
    # Before, on and after the deadline, and long after (a deferral's review flag).
    start = case.application_received
    for today in (
        start,
        start + dt.timedelta(days=1),
        start + dt.timedelta(days=9),
        start + dt.timedelta(days=40),
        start + dt.timedelta(days=120),
    ):
        computed = case_clock(case, today=today)
        listed = list_clock(case, today=today)
        for name in READINGS:
            assert getattr(listed, name) == getattr(computed, name), (case.status, today, name)
    assert_computes_from_clock_columns(case)


def assert_computes_from_clock_columns(case: Case) -> None:
    whole = Case.objects.get(pk=case.pk)
    narrow = (
        Case.objects.only(*CLOCK_COLUMNS)
        .prefetch_related(Prefetch("items", DisputedItem.objects.only(*ITEM_CLOCK_COLUMNS)))
        .get(pk=case.pk)
    )
    today = case.application_received + dt.timedelta(days=9)
    expected = case_clock(whole, today=today)
    with CaptureQueriesContext(connection) as queries:
        computed = case_clock(narrow, today=today)
        descriptions = [item.description for item, _deadline in computed.item_deadlines]
    assert not queries.captured_queries, case.status
    assert computed == expected, case.status
    assert descriptions == [item.description for item in whole.items.all()][: len(descriptions)]


def test_a_new_application_runs_the_notice_clock(case_admin):
    case = case_create(data=intake_data(), actor=case_admin)

    assert case_clock(case).running == "notice"
    assert_reads_as_computed(case)


def test_awaiting_records_runs_the_records_clock(case_admin):
    case = case_create(data=intake_data(), actor=case_admin)
    add_record(case, case_admin)
    case_eligibility_record(
        case=case,
        actor=case_admin,
        eligible=True,
        overrides=overrides_for(case),
        notice_on=case.application_received + dt.timedelta(days=1),
    )

    assert case_clock(Case.objects.get(pk=case.pk)).running == "records"
    assert_reads_as_computed(case)


def test_in_review_runs_the_determination_clock():
    case, _reviewer, _determination = case_in_review(items=2)

    assert case_clock(case).running == "determination"
    assert_reads_as_computed(case)


def test_a_request_for_information_and_a_deferral(case_admin):
    asked = case_create(data=intake_data(application_id="A-1"), actor=case_admin)
    case_information_request(
        case=asked,
        actor=case_admin,
        missing=["ur_decision"],
        requested_on=asked.application_received + dt.timedelta(days=1),
        sent_by="electronic",
    )
    deferred = case_create(data=intake_data(application_id="A-2"), actor=case_admin)
    case_defer_for_liability(
        case=deferred,
        actor=case_admin,
        deferred_on=deferred.application_received + dt.timedelta(days=1),
        note="Compensability (AOE/COE)",
    )

    assert case_clock(Case.objects.get(pk=asked.pk)).running == "information"
    assert case_clock(Case.objects.get(pk=deferred.pk)).deferred_text
    assert_reads_as_computed(asked)
    assert_reads_as_computed(deferred)

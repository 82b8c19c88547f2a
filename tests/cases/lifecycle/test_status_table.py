"""Which actions each status allows (SPEC section 2), and that the case page offers those."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.lifecycle.models import CaseStatus
from cases.lifecycle.status_table import (
    STATUS_ACTIONS,
    Action,
    allowed_actions,
    can_transition,
    statuses_allowing,
)
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

S = CaseStatus
A = Action

# Written out status by status, so a change to the table has to change this too.
EXPECTED = {
    S.RECEIVED: {
        A.RECORD_ELIGIBILITY,
        A.IMPORT_LEGACY_DETERMINATION,
        A.DEFER_FOR_LIABILITY,
        A.REQUEST_INFORMATION,
        A.CONVERT_TO_EXPEDITED,
        A.ADD_RECORD,
        A.WITHDRAW_RECORD,
        A.EDIT_FACTS,
        A.CHANGE_ITEMS,
        A.TERMINATE,
    },
    S.DEFERRED: {
        A.RESUME_LIABILITY_RESOLVED,
        A.CLOSE_LIABILITY_DENIED,
        A.CONVERT_TO_EXPEDITED,
        A.ADD_RECORD,
        A.WITHDRAW_RECORD,
        A.EDIT_FACTS,
        A.CHANGE_ITEMS,
        A.TERMINATE,
    },
    # The ineligible finding for want of the information waits for its due date (below).
    S.INFORMATION_REQUESTED: {
        A.INFORMATION_RECEIVED,
        A.CONVERT_TO_EXPEDITED,
        A.ADD_RECORD,
        A.WITHDRAW_RECORD,
        A.EDIT_FACTS,
        A.CHANGE_ITEMS,
        A.TERMINATE,
    },
    S.ELIGIBLE: {
        A.CONVERT_TO_EXPEDITED,
        A.ADD_RECORD,
        A.WITHDRAW_RECORD,
        A.EDIT_FACTS,
        A.CHANGE_ITEMS,
        A.TERMINATE,
    },
    S.AWAITING_RECORDS: {
        A.MARK_RECORDS_COMPLETE,
        A.IMPORT_LEGACY_DETERMINATION,
        A.CONSOLIDATE,
        A.CONVERT_TO_EXPEDITED,
        A.ADD_RECORD,
        A.WITHDRAW_RECORD,
        A.EDIT_FACTS,
        A.CHANGE_ITEMS,
        A.TERMINATE,
    },
    S.RECORDS_COMPLETE: {
        A.ASSIGN_REVIEWER,
        A.CONSOLIDATE,
        A.CONVERT_TO_EXPEDITED,
        A.ADD_RECORD,
        A.WITHDRAW_RECORD,
        A.EDIT_FACTS,
        A.CHANGE_ITEMS,
        A.TERMINATE,
    },
    S.REVIEWER_ASSIGNED: {
        A.RESPOND_TO_ASSIGNMENT,
        A.UNASSIGN_REVIEWER,
        A.CONVERT_TO_EXPEDITED,
        A.ADD_RECORD,
        A.WITHDRAW_RECORD,
        A.EDIT_FACTS,
        A.TERMINATE,
    },
    S.IN_REVIEW: {
        A.EDIT_DETERMINATION,
        A.UNASSIGN_REVIEWER,
        A.CONVERT_TO_EXPEDITED,
        A.ADD_RECORD,
        A.WITHDRAW_RECORD,
        A.EDIT_FACTS,
        A.TERMINATE,
    },
    # Once the determination is submitted there is no review left to expedite.
    S.SUBMITTED: {A.REVIEW_QUALITY, A.ADD_RECORD, A.WITHDRAW_RECORD, A.EDIT_FACTS, A.TERMINATE},
    # Returned to a reviewer who cannot revise it: the case is taken back and reassigned.
    S.RETURNED: {
        A.EDIT_DETERMINATION,
        A.UNASSIGN_REVIEWER,
        A.ADD_RECORD,
        A.WITHDRAW_RECORD,
        A.EDIT_FACTS,
        A.TERMINATE,
    },
    S.APPROVED: {A.ISSUE_LETTER, A.ADD_RECORD, A.WITHDRAW_RECORD, A.EDIT_FACTS, A.TERMINATE},
    # An issued letter is corrected only by an amended version (issue 10).
    S.ISSUED: {A.REMAND, A.AMEND_LETTER, A.CORRECT_FOR_AMENDMENT},
    S.REMANDED: {
        A.ASSIGN_REVIEWER,
        A.CONVERT_TO_EXPEDITED,
        A.ADD_RECORD,
        A.WITHDRAW_RECORD,
        A.EDIT_FACTS,
        A.TERMINATE,
    },
    S.INELIGIBLE: set(),
    S.TERMINATED: set(),
}


def case_in(status, **fields):
    # Notice sent today: records are not overdue unless a test says so.
    fields.setdefault("date_assigned", timezone.localdate())
    return CaseFactory(status=status, **fields)


def test_every_status_has_a_row():
    assert set(STATUS_ACTIONS) == set(S)


@pytest.mark.parametrize("status", list(S))
def test_each_status_allows_exactly_its_actions(status):
    assert allowed_actions(case_in(status)) == EXPECTED[status]


def test_overdue_records_also_allow_proceeding_without_them():
    today = timezone.localdate()
    overdue = case_in(S.AWAITING_RECORDS, date_assigned=today - dt.timedelta(days=30))

    assert allowed_actions(overdue) == EXPECTED[S.AWAITING_RECORDS] | {A.PROCEED_WITHOUT_RECORDS}
    # On the due day itself the records are not late yet.
    due_day = overdue.clock.records_due_on
    assert A.PROCEED_WITHOUT_RECORDS not in allowed_actions(overdue, today=due_day)


def test_an_overdue_request_for_information_also_allows_the_ineligible_finding():
    case = case_in(S.INFORMATION_REQUESTED, information_due_on=dt.date(2026, 11, 9))

    assert A.INELIGIBLE_NO_INFORMATION not in allowed_actions(case, today=dt.date(2026, 11, 9))
    assert allowed_actions(case, today=dt.date(2026, 11, 10)) == EXPECTED[
        S.INFORMATION_REQUESTED
    ] | {A.INELIGIBLE_NO_INFORMATION}


def test_only_a_standard_review_is_offered_the_conversion_to_expedited():
    case = case_in(S.IN_REVIEW, priority="expedited")

    assert allowed_actions(case) == EXPECTED[S.IN_REVIEW] - {A.CONVERT_TO_EXPEDITED}


@pytest.mark.parametrize(
    "action, to_status",
    [
        (A.RECORD_ELIGIBILITY, S.ELIGIBLE),
        (A.ASSIGN_REVIEWER, S.REVIEWER_ASSIGNED),
        (A.REMAND, S.REMANDED),
        (A.TERMINATE, S.TERMINATED),
        (A.DEFER_FOR_LIABILITY, S.DEFERRED),
        (A.REQUEST_INFORMATION, S.INFORMATION_REQUESTED),
    ],
)
def test_an_action_is_offered_exactly_where_its_transition_is_allowed(action, to_status):
    assert statuses_allowing(action) == {s for s in S if can_transition(s, to_status)}


# --- The case page offers the forms of those actions, and no others ----------------------------


def page_markers(case_number):
    """What on the case page shows each action is offered."""
    return {
        A.RECORD_ELIGIBILITY: reverse("casefile:case_eligibility", args=[case_number]),
        A.MARK_RECORDS_COMPLETE: "Mark records complete</button>",
        A.PROCEED_WITHOUT_RECORDS: 'name="proceed_without"',
        A.ADD_RECORD: reverse("casefile:case_record_add", args=[case_number]),
        A.EDIT_FACTS: reverse("casefile:case_facts_edit", args=[case_number])
        + '">Edit the facts</a>',
        A.CORRECT_FOR_AMENDMENT: reverse("casefile:case_facts_edit", args=[case_number])
        + '">Correct a fact for an amended letter</a>',
        A.ASSIGN_REVIEWER: reverse("assignment:case_assign", args=[case_number]) + '"',
        A.UNASSIGN_REVIEWER: reverse("assignment:case_assign", args=[case_number])
        + "#unassign-heading",
        A.TERMINATE: reverse("casefile:case_terminate", args=[case_number]),
        A.REMAND: reverse("casefile:case_remand", args=[case_number]),
        A.DEFER_FOR_LIABILITY: reverse("casefile:case_defer", args=[case_number]),
        A.RESUME_LIABILITY_RESOLVED: reverse(
            "casefile:case_liability_resolved", args=[case_number]
        ),
        A.REQUEST_INFORMATION: reverse("casefile:case_information_request", args=[case_number]),
        A.INFORMATION_RECEIVED: reverse("casefile:case_information_received", args=[case_number]),
        A.INELIGIBLE_NO_INFORMATION: reverse(
            "casefile:case_information_lapsed", args=[case_number]
        ),
        A.CONVERT_TO_EXPEDITED: reverse("casefile:case_expedite", args=[case_number]),
    }


def offered_on_page(client, case):
    page = client.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()
    return {action for action, marker in page_markers(case.case_number).items() if marker in page}


@pytest.mark.parametrize("status", list(S))
def test_the_case_page_offers_a_manager_exactly_the_allowed_actions(admin_client, status):
    case = case_in(status)
    on_page = set(page_markers(case.case_number))

    assert offered_on_page(admin_client, case) == allowed_actions(case) & on_page


def test_the_case_page_offers_proceeding_without_records_once_they_are_overdue(admin_client):
    today = timezone.localdate()
    case = case_in(S.AWAITING_RECORDS, date_assigned=today - dt.timedelta(days=30))

    assert A.PROCEED_WITHOUT_RECORDS in offered_on_page(admin_client, case)


def test_the_case_page_offers_a_quality_reviewer_no_case_actions(client, quality_reviewer):
    # A quality reviewer sees every case but moves none.
    case = case_in(S.RECORDS_COMPLETE)
    client.force_login(quality_reviewer)

    assert offered_on_page(client, case) == set()

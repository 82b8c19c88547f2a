"""Reads with rules (cases/selectors.py): who sees which case, the case list, eligibility checks."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.models import Role
from cases.access import case_get_for, cases_visible_to, record_get_for
from cases.casefile.selectors import case_list_for
from cases.eligibility.selectors import eligibility_checks
from cases.lifecycle.models import CaseStatus
from cases.records.models import RecordKind
from cases.records.services import record_add
from reviews.assignment.models import Assignment, AssignmentStatus
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory, pdf_upload

D = dt.date
S = CaseStatus
TODAY = D(2026, 11, 24)


def numbers(cases) -> list[str]:
    return [case.case_number for case in cases]


def assign(case, reviewer, status=AssignmentStatus.ASSIGNED, round=1):
    return Assignment.objects.create(case=case, reviewer=reviewer, round=round, status=status)


# --- who sees which case -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.CASE_ADMIN, Role.SYSTEM_ADMIN, Role.QUALITY_REVIEWER])
def test_office_roles_see_every_case(role):
    cases = [CaseFactory(), CaseFactory(status=S.TERMINATED)]
    user = UserFactory(role=role)
    assert set(cases_visible_to(user)) == set(cases)


@pytest.mark.django_db
def test_a_reviewer_sees_only_cases_assigned_to_them(reviewer, other_reviewer):
    assigned = CaseFactory(status=S.REVIEWER_ASSIGNED)
    accepted = CaseFactory(status=S.IN_REVIEW)
    completed = CaseFactory(status=S.ISSUED)
    someone_elses = CaseFactory(status=S.IN_REVIEW)
    CaseFactory(status=S.RECORDS_COMPLETE)  # nobody's yet
    assign(assigned, reviewer)
    assign(accepted, reviewer, AssignmentStatus.ACCEPTED)
    assign(completed, reviewer, AssignmentStatus.COMPLETED)
    assign(someone_elses, other_reviewer, AssignmentStatus.ACCEPTED)
    assert set(cases_visible_to(reviewer)) == {assigned, accepted, completed}
    assert set(cases_visible_to(other_reviewer)) == {someone_elses}


@pytest.mark.django_db
@pytest.mark.parametrize("status", [AssignmentStatus.DECLINED, AssignmentStatus.WITHDRAWN])
def test_a_declined_or_withdrawn_assignment_hides_the_case(reviewer, other_reviewer, status):
    case = CaseFactory(status=S.REVIEWER_ASSIGNED)
    assign(case, reviewer, status)
    assign(case, other_reviewer, AssignmentStatus.ASSIGNED)
    assert list(cases_visible_to(reviewer)) == []
    with pytest.raises(Http404):
        case_get_for(reviewer, case.case_number)
    assert list(cases_visible_to(other_reviewer)) == [case]


@pytest.mark.django_db
def test_a_case_shows_once_for_a_reviewer_of_two_rounds(reviewer):
    case = CaseFactory(status=S.IN_REVIEW, round=2)
    assign(case, reviewer, AssignmentStatus.COMPLETED, round=1)
    assign(case, reviewer, AssignmentStatus.ACCEPTED, round=2)
    assert list(cases_visible_to(reviewer)) == [case]


@pytest.mark.django_db
def test_an_api_client_sees_only_the_cases_it_submitted(api_client_user):
    other_system = UserFactory(role=Role.API_CLIENT)
    mine = CaseFactory(created_by=api_client_user)
    CaseFactory(created_by=other_system)
    CaseFactory()
    assert list(cases_visible_to(api_client_user)) == [mine]


@pytest.mark.django_db
def test_an_inactive_or_anonymous_user_sees_nothing(reviewer):
    case = CaseFactory()
    assign(case, reviewer, AssignmentStatus.ACCEPTED)
    admin = UserFactory(role=Role.CASE_ADMIN, is_active=False)
    reviewer.is_active = False
    reviewer.save()
    assert list(cases_visible_to(admin)) == []
    assert list(cases_visible_to(reviewer)) == []
    assert list(cases_visible_to(AnonymousUser())) == []


@pytest.mark.django_db
def test_case_get_for_finds_a_visible_case_and_404s_otherwise(case_admin, reviewer):
    case = CaseFactory()
    assert case_get_for(case_admin, case.case_number) == case
    with pytest.raises(Http404):
        case_get_for(case_admin, "CM26-9999999")
    with pytest.raises(Http404):
        case_get_for(reviewer, case.case_number)


@pytest.mark.django_db
def test_record_get_for_404s_for_a_record_of_another_case(case_admin, reviewer):
    first, second = CaseFactory(), CaseFactory()
    record = record_add(case=first, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    assert record_get_for(case_admin, first, record.pk) == record
    with pytest.raises(Http404):
        record_get_for(case_admin, second, record.pk)
    with pytest.raises(Http404):
        record_get_for(case_admin, first, record.pk + 1000)
    # A reviewer not assigned to the case cannot open its records.
    with pytest.raises(Http404):
        record_get_for(reviewer, first, record.pk)
    assign(first, reviewer, AssignmentStatus.ACCEPTED)
    assert record_get_for(reviewer, first, record.pk) == record


# --- the case list -----------------------------------------------------------------------------


@pytest.fixture
def listed(db):
    """Cases with every kind of clock, as of Tuesday 11/24/2026."""
    return {
        "overdue": CaseFactory(
            case_number="CM26-0000101", status=S.AWAITING_RECORDS, due_on=D(2026, 11, 20)
        ),
        "today": CaseFactory(case_number="CM26-0000102", status=S.RECORDS_COMPLETE, due_on=TODAY),
        "in_a_week": CaseFactory(
            case_number="CM26-0000103", status=S.IN_REVIEW, due_on=D(2026, 12, 1)
        ),
        "in_a_week_expedited": CaseFactory(
            case_number="CM26-0000104",
            status=S.IN_REVIEW,
            priority="expedited",
            due_on=D(2026, 12, 1),
        ),
        "later": CaseFactory(case_number="CM26-0000105", status=S.IN_REVIEW, due_on=D(2026, 12, 2)),
        "received": CaseFactory(case_number="CM26-0000106", status=S.RECEIVED),
        "terminated": CaseFactory(case_number="CM26-0000107", status=S.TERMINATED),
    }


def listing(user, **filters):
    return numbers(case_list_for(user, today=TODAY, **filters))


@pytest.mark.django_db
def test_the_list_puts_what_is_due_first_expedited_first_and_no_clock_last(case_admin, listed):
    assert listing(case_admin) == [
        "CM26-0000101",
        "CM26-0000102",
        "CM26-0000104",  # expedited before standard on the same due date
        "CM26-0000103",
        "CM26-0000105",
        "CM26-0000106",
        "CM26-0000107",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "due, expected",
    [
        ("overdue", ["CM26-0000101"]),
        ("today", ["CM26-0000102"]),
        ("week", ["CM26-0000102", "CM26-0000104", "CM26-0000103"]),
        ("none", ["CM26-0000106", "CM26-0000107"]),
    ],
)
def test_the_list_filters_by_due_date(case_admin, listed, due, expected):
    assert listing(case_admin, due=due) == expected


@pytest.mark.django_db
def test_the_list_filters_by_status_open_and_priority(case_admin, listed):
    assert listing(case_admin, status=S.IN_REVIEW) == [
        "CM26-0000104",
        "CM26-0000103",
        "CM26-0000105",
    ]
    assert "CM26-0000107" not in listing(case_admin, status="open")
    assert len(listing(case_admin, status="open")) == 6
    assert listing(case_admin, status=S.TERMINATED) == ["CM26-0000107"]
    assert listing(case_admin, priority="expedited") == ["CM26-0000104"]
    assert listing(case_admin, priority="expedited", due="overdue") == []


@pytest.mark.django_db
def test_the_list_shows_a_reviewer_only_their_cases(reviewer, listed):
    assign(listed["later"], reviewer, AssignmentStatus.ACCEPTED)
    assert listing(reviewer) == ["CM26-0000105"]
    assert listing(reviewer, due="overdue") == []


@pytest.fixture
def people(db):
    return {
        "ana_ruiz": CaseFactory(
            case_number="CM26-0000201",
            claim_number="05-777111",
            worker_first_name="Ana",
            worker_last_name="Ruiz",
        ),
        "ana_lopez": CaseFactory(
            case_number="CM26-0000202",
            claim_number="05-777222",
            worker_first_name="Ana",
            worker_last_name="Lopez",
        ),
        "maria_ruiz": CaseFactory(
            case_number="CM26-0000203",
            claim_number="ADJ-9001",
            worker_first_name="Maria",
            worker_last_name="Ruiz",
        ),
        "maria_de_la_cruz": CaseFactory(
            case_number="CM26-0000204",
            claim_number="ADJ-9002",
            worker_first_name="Maria",
            worker_last_name="De La Cruz",
        ),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "q, expected",
    [
        ("CM26-0000203", ["CM26-0000203"]),
        ("0000204", ["CM26-0000204"]),
        ("05-777", ["CM26-0000201", "CM26-0000202"]),
        ("adj-9002", ["CM26-0000204"]),
        ("ruiz", ["CM26-0000201", "CM26-0000203"]),
        ("Ana", ["CM26-0000201", "CM26-0000202"]),
        ("Ana Ruiz", ["CM26-0000201"]),
        ("  ana   ruiz ", ["CM26-0000201"]),
        ("Ruiz Maria", ["CM26-0000203"]),
        ("Maria De La Cruz", ["CM26-0000204"]),
        ("Ana Cruz", []),
        ("nobody", []),
    ],
)
def test_the_list_searches_case_and_claim_numbers_and_worker_names(case_admin, people, q, expected):
    assert listing(case_admin, q=q) == expected


# --- eligibility checks ------------------------------------------------------------------------


def checks_by_label(case) -> dict:
    return {check.label: check for check in eligibility_checks(case)}


@pytest.mark.django_db
def test_eligibility_checks_of_a_timely_complete_application(case_admin):
    case = CaseFactory(application_received=D(2026, 11, 19), ur_decision_date=D(2026, 10, 20))
    DisputedItemFactory(case=case, position=1)
    record_add(
        case=case,
        actor=case_admin,
        uploaded=pdf_upload(),
        title="UR decision",
        kind=RecordKind.UR_DECISION,
    )
    checks = checks_by_label(case)
    assert all(check.ok for check in checks.values()), checks
    assert "11/19/2026" in checks["Filed within 30 days of the UR decision"].detail
    assert checks["Disputed items present"].detail == "1 disputed item(s)."


@pytest.mark.django_db
def test_eligibility_checks_flag_a_late_application_without_ur_decision_or_items(case_admin):
    case = CaseFactory(application_received=D(2026, 11, 20), ur_decision_date=D(2026, 10, 20))
    record_add(case=case, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    checks = checks_by_label(case)
    late = checks["Filed within 30 days of the UR decision"]
    assert not late.ok
    assert "Filed late" in late.detail
    assert "the deadline was 11/19/2026" in late.detail
    assert not checks["UR decision attached"].ok
    assert not checks["Disputed items present"].ok


@pytest.mark.django_db
def test_eligibility_checks_find_a_prior_imr_of_the_same_item():
    earlier = CaseFactory(claim_number="05-123456", worker_last_name="Ruiz", status=S.ISSUED)
    DisputedItemFactory(case=earlier, position=1, description="MRI of the right shoulder.")
    case = CaseFactory(claim_number="05-123456", worker_last_name="RUIZ")
    DisputedItemFactory(case=case, position=1, description="mri of the RIGHT shoulder")
    DisputedItemFactory(case=case, position=2, description="Physical therapy, 6 visits")
    prior = checks_by_label(case)["No prior IMR of the same item"]
    assert not prior.ok
    assert earlier.case_number in prior.detail
    assert "Physical therapy" not in prior.detail


@pytest.mark.django_db
@pytest.mark.parametrize(
    "other",
    [
        {"claim_number": "05-999999", "worker_last_name": "Ruiz"},  # another claim
        {"claim_number": "05-123456", "worker_last_name": "Lopez"},  # another worker
        {"claim_number": "05-123456", "worker_last_name": "Ruiz", "status": S.INELIGIBLE},
        {"claim_number": "05-123456", "worker_last_name": "Ruiz", "status": S.TERMINATED},
    ],
)
def test_eligibility_checks_ignore_other_claims_workers_and_reviews_that_never_happened(other):
    earlier = CaseFactory(**other)
    DisputedItemFactory(case=earlier, position=1, description="MRI of the right shoulder")
    case = CaseFactory(claim_number="05-123456", worker_last_name="Ruiz")
    DisputedItemFactory(case=case, position=1, description="MRI of the right shoulder")
    assert checks_by_label(case)["No prior IMR of the same item"].ok

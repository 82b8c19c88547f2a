"""Which cases each user may see (cases.access)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from accounts.models import Role
from cases.access import case_get_for, cases_visible_to, record_get_for
from cases.lifecycle.models import CaseStatus
from cases.records.services import record_add
from reviews.assignment.models import Assignment, AssignmentStatus
from tests.factories import CaseFactory, UserFactory, pdf_upload

S = CaseStatus


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

"""Case numbers: CM + year + seven digits, never reused."""

import datetime as dt
import re

import pytest
from django.db import DatabaseError, transaction

from cases.intake.services import case_create
from cases.intake.validation import IntakeInvalid
from cases.lifecycle.models import Case, CaseNumberCounter
from tests.cases.helpers import intake_data
from tests.factories import CaseFactory

D = dt.date
CASE_NUMBER = re.compile(r"^CM\d{2}-\d{7}$")


# --- case numbers ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_case_numbers_are_cm_year_and_seven_digits_in_sequence(case_admin):
    first = case_create(data=intake_data(), actor=case_admin)
    second = case_create(data=intake_data(), actor=case_admin)
    assert CASE_NUMBER.match(first.case_number)
    assert (first.case_number, second.case_number) == ("CM26-0000001", "CM26-0000002")


@pytest.mark.django_db
def test_case_number_year_is_the_year_the_application_was_received(case_admin):
    case = case_create(
        data=intake_data(application_received=D(2025, 12, 30), ur_decision_date=D(2025, 12, 15)),
        actor=case_admin,
    )
    assert case.case_number == "CM25-0000001"
    assert case_create(data=intake_data(), actor=case_admin).case_number == ("CM26-0000001")


@pytest.mark.django_db
def test_an_imported_high_number_moves_the_counter_past_it(case_admin):
    imported = case_create(
        data=intake_data(case_number="CM26-0000500"), actor=case_admin, source="import"
    )
    assert imported.case_number == "CM26-0000500"
    case_create(data=intake_data(case_number="CM26-0000100"), actor=case_admin)
    assert case_create(data=intake_data(), actor=case_admin).case_number == ("CM26-0000501")


@pytest.mark.django_db
def test_a_number_already_taken_by_a_case_is_skipped(case_admin):
    CaseFactory(case_number="CM26-0000002")  # written without the counter (e.g. by hand)
    numbers = [case_create(data=intake_data(), actor=case_admin).case_number for _ in range(2)]
    assert numbers == ["CM26-0000001", "CM26-0000003"]


@pytest.mark.django_db
def test_a_case_cannot_be_deleted_and_its_number_is_never_reused(case_admin):
    case_create(data=intake_data(), actor=case_admin)
    second = case_create(data=intake_data(), actor=case_admin)
    # Its events are append-only in the database: deleting the case would delete them.
    with pytest.raises(DatabaseError), transaction.atomic():
        second.delete()
    assert Case.objects.filter(pk=second.pk).exists()
    assert case_create(data=intake_data(), actor=case_admin).case_number == ("CM26-0000003")
    assert CaseNumberCounter.objects.get(year=26).last_number == 3


@pytest.mark.django_db
def test_an_imported_number_already_in_use_is_refused(case_admin):
    case_create(data=intake_data(case_number="CM16-0213037"), actor=case_admin)
    with pytest.raises(IntakeInvalid) as refused:
        case_create(data=intake_data(case_number="CM16-0213037"), actor=case_admin)
    assert [str(error) for error in refused.value.errors] == [
        "$.case_number: Case number CM16-0213037 is already in use."
    ]
    assert Case.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("number", ["16-0213037", "CM16-213037", "CMXX-0213037", "cm16-0213037"])
def test_an_imported_number_of_the_wrong_shape_is_refused(case_admin, number):
    with pytest.raises(IntakeInvalid) as refused:
        case_create(data=intake_data(case_number=number), actor=case_admin)
    assert {error.path for error in refused.value.errors} == {"$.case_number"}
    assert Case.objects.count() == 0
    assert not CaseNumberCounter.objects.exists()

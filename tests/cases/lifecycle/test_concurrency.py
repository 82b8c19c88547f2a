"""Two people acting on one case at once: one wins, the other is told."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from accounts.models import Role
from cases.eligibility.services import case_eligibility_record
from cases.intake.services import case_create
from cases.lifecycle.models import Case, CaseEvent, EventType
from tests.cases.helpers import intake_data, overrides_for
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory

D = dt.date


# --- two people at once ------------------------------------------------------------------------


def run_together(*actions):
    """Run each action in its own thread (its own database connection), all starting at once;
    return what each returned or raised."""
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            results[index] = action()
        except Exception as error:  # reported to the test, which decides
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.django_db(transaction=True)
def test_two_administrators_recording_eligibility_at_once_only_one_succeeds():
    first_admin = UserFactory(role=Role.CASE_ADMIN)
    second_admin = UserFactory(role=Role.CASE_ADMIN)
    case = CaseFactory()
    DisputedItemFactory(case=case, position=1)
    # Each has the page open: both hold the case as it was, still received.
    seen_by_first = Case.objects.get(pk=case.pk)
    seen_by_second = Case.objects.get(pk=case.pk)

    results = run_together(
        lambda: case_eligibility_record(
            case=seen_by_first,
            actor=first_admin,
            eligible=True,
            overrides=overrides_for(seen_by_first),
            notice_on=D(2026, 11, 4),
        ),
        lambda: case_eligibility_record(
            case=seen_by_second,
            actor=second_admin,
            eligible=False,
            reasons=["Not a medical-necessity dispute."],
        ),
    )

    succeeded = [result for result in results if isinstance(result, Case)]
    refused = [result for result in results if isinstance(result, ValidationError)]
    assert len(succeeded) == 1, results
    assert len(refused) == 1, results
    assert "cannot become" in refused[0].messages[0]
    case.refresh_from_db()
    assert case.status == succeeded[0].status
    assert CaseEvent.objects.filter(case=case, type=EventType.ELIGIBILITY_RECORDED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_cases_created_at_once_get_different_numbers():
    admin = UserFactory(role=Role.CASE_ADMIN)
    payloads = [intake_data(), intake_data()]
    results = run_together(
        *(lambda data=data: case_create(data=data, actor=admin) for data in payloads)
    )
    assert all(isinstance(result, Case) for result in results), results
    assert sorted(result.case_number for result in results) == ["CM26-0000001", "CM26-0000002"]

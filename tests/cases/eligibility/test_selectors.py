"""The eligibility checks shown before a finding."""

import datetime as dt

import pytest

from cases.eligibility.selectors import eligibility_checks
from cases.lifecycle.models import CaseStatus
from cases.records.models import RecordKind
from cases.records.services import record_add
from tests.factories import CaseFactory, DisputedItemFactory, pdf_upload

D = dt.date
S = CaseStatus


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
    assert "11/24/2026" in checks["Filed within 30 days of the UR decision"].detail
    assert checks["Disputed items present"].detail == "1 disputed item(s)."


@pytest.mark.django_db
def test_eligibility_checks_flag_a_late_application_without_ur_decision_or_items(case_admin):
    case = CaseFactory(application_received=D(2026, 11, 25), ur_decision_date=D(2026, 10, 20))
    record_add(case=case, actor=case_admin, uploaded=pdf_upload(), title="PR-2")
    checks = checks_by_label(case)
    late = checks["Filed within 30 days of the UR decision"]
    assert not late.ok
    assert "Filed late" in late.detail
    assert "the deadline was 11/24/2026" in late.detail
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

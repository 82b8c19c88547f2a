"""The screen's remaining rules: liability (8 CCR 9792.10.3(a)(3), (d)), the requested
information (9792.10.3(b), (c)), duplicates (9792.10.4(a)), the physician's certification of an
expedited review (9792.10.4(c)), a designee named after the UR decision (9792.10.1(b)(2)), and
the prior-IMR window counted from this application's receipt."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.casefile.exports import case_export
from cases.eligibility.checks import CONSOLIDATE, NOT_SAME_DISPUTE, CheckResult
from cases.eligibility.selectors import eligibility_checks
from cases.eligibility.services import (
    Override,
    case_defer_for_liability,
    case_eligibility_record,
    case_resume_liability_resolved,
)
from cases.intake.validation import intake_validate, record_kind_infer
from cases.lifecycle.models import CaseEvent, CaseStatus, PartyRole
from cases.lifecycle.services import case_expedite
from cases.records.models import RecordKind
from tests.cases.helpers import add_record, overrides_for
from tests.factories import CaseFactory, DisputedItemFactory, PartyFactory

pytestmark = pytest.mark.django_db

D = dt.date
S = CaseStatus
P, F, N = CheckResult.PASSES, CheckResult.FAILS, CheckResult.NEEDS_FINDING


def check(case, key):
    return {c.key: c for c in eligibility_checks(case)}[key]


# --- Liability ------------------------------------------------------------------------------


def test_a_disputed_liability_fails_and_blocks_and_not_stated_needs_a_finding():
    disputed = check(CaseFactory(liability_disputed="yes"), "liability")
    assert disputed.result == F and disputed.blocks
    assert "defer" in disputed.explanation
    assert disputed.source == "8 CCR 9792.10.3(a)(3), (d)"
    assert check(CaseFactory(liability_disputed="not_stated"), "liability").result == N
    assert check(CaseFactory(liability_disputed="no"), "liability").result == P


def test_a_case_resumed_after_a_resolved_deferral_passes_citing_the_resolution(case, case_admin):
    case.liability_disputed = "yes"
    case.save(update_fields=["liability_disputed"])
    case_defer_for_liability(
        case=case, actor=case_admin, deferred_on=D(2026, 11, 5), note="AOE/COE"
    )
    case_resume_liability_resolved(
        case=case, actor=case_admin, resolved_on=D(2026, 11, 20), note="WCAB order of 11/20"
    )
    case.refresh_from_db()
    found = check(case, "liability")
    assert found.result == P
    assert "11/05/2026" in found.explanation and "11/20/2026" in found.explanation
    assert "WCAB order of 11/20" in found.explanation


def test_a_blocking_liability_check_needs_a_written_reason(case, case_admin):
    case.liability_disputed = "yes"
    case.save(update_fields=["liability_disputed"])
    overrides = overrides_for(case)
    del overrides["liability"]
    with pytest.raises(ValidationError, match="Liability not disputed"):
        case_eligibility_record(case=case, actor=case_admin, eligible=True, overrides=overrides)
    overrides["liability"] = Override("override", "The carrier agrees the case is eligible.")
    case_eligibility_record(case=case, actor=case_admin, eligible=True, overrides=overrides)
    case.refresh_from_db()
    assert case.status == S.AWAITING_RECORDS


# --- Requested information ------------------------------------------------------------------


def test_the_information_check_passes_needs_a_finding_then_fails_once_overdue():
    assert check(CaseFactory(), "information").result == P
    today = timezone.localdate()
    due = today + dt.timedelta(days=3)
    open_request = CaseFactory(
        information_requested_on=today - dt.timedelta(days=4), information_due_on=due
    )
    waiting = check(open_request, "information")
    assert waiting.result == N and f"{due:%m/%d/%Y}" in waiting.explanation
    overdue = CaseFactory(
        information_requested_on=today - dt.timedelta(days=25),
        information_due_on=today - dt.timedelta(days=18),
    )
    lapsed = check(overdue, "information")
    assert lapsed.result == F and lapsed.blocks
    assert lapsed.source == "8 CCR 9792.10.3(b), (c)"


# --- Duplicates -----------------------------------------------------------------------------


def application(**kw):
    case = CaseFactory(claim_number="05-777", worker_last_name="Ruiz", **kw)
    DisputedItemFactory(case=case, position=1, description="MRI right shoulder")
    PartyFactory(case=case, role=PartyRole.REQUESTING_PROVIDER, name="Dr. Lee", identifier="N1")
    return case


def test_a_duplicate_needs_a_finding_answered_by_consolidate_or_not_the_same_dispute(case_admin):
    mine, other = application(), application()
    found = check(mine, "duplicates")
    assert found.result == N and found.blocks
    assert other.case_number in found.explanation
    assert found.answers == (CONSOLIDATE, NOT_SAME_DISPUTE)
    assert check(CaseFactory(), "duplicates").result == P

    overrides = overrides_for(mine)
    overrides["duplicates"] = Override(NOT_SAME_DISPUTE, "")
    with pytest.raises(ValidationError, match="No duplicate application"):
        case_eligibility_record(case=mine, actor=case_admin, eligible=True, overrides=overrides)
    overrides["duplicates"] = Override(NOT_SAME_DISPUTE, "Another body part, another RFA.")
    case_eligibility_record(case=mine, actor=case_admin, eligible=True, overrides=overrides)
    event = CaseEvent.objects.filter(case=mine, type="eligibility_recorded").get()
    recorded = {o["check"]: o for o in event.details["overrides"]}
    assert recorded["duplicates"]["answer"] == NOT_SAME_DISPUTE


# --- The physician's certification of an expedited review -----------------------------------


def test_an_expedited_case_without_a_certification_needs_a_finding_and_blocks(case_admin):
    """From QA: it did not block, so an expedited case was found eligible past it with no
    word, and then stayed expedited for good (no rule converts it back once its notice is
    out)."""
    assert check(CaseFactory(), "certification").result == P
    case = CaseFactory(priority="expedited")
    found = check(case, "certification")
    assert found.result == N and found.blocks
    assert found.source == "8 CCR 9792.10.4(c)"
    assert "correct the priority to standard before the notice goes out" in found.explanation
    add_record(case, case_admin, kind=RecordKind.CERTIFICATION, title="Physician certification")
    assert check(case, "certification").result == P


def test_an_expedited_case_without_a_certification_is_eligible_only_with_a_reason(admin_client):
    case = application(priority="expedited")
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    # The way out offered beside the check, while the notice has not gone out.
    facts = reverse("casefile:case_facts_edit", args=[case.case_number])
    assert f'<a href="{facts}#priority">Correct the priority to standard</a>' in (
        page.content.decode()
    )
    url = reverse("casefile:case_eligibility", args=[case.case_number])
    post = {
        "finding": "eligible",
        **{
            f"eligible-{key}_reason": override.reason
            for key, override in overrides_for(case).items()
            if key != "certification"
        },
    }
    refused = admin_client.post(url, post)
    assert refused.status_code != 302
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert "Write why the case is eligible past this check" in refused.content.decode()

    post["eligible-certification_reason"] = "The application's expedited box is signed by Dr. Lee."
    assert admin_client.post(url, post).status_code == 302
    case.refresh_from_db()
    assert case.status == S.AWAITING_RECORDS
    # Once the notice is out, the correction is no longer offered.
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    assert "Correct the priority to standard" not in page.content.decode()


def test_a_converted_case_has_its_certification(case, case_admin):
    case_expedite(case=case, actor=case_admin, certified_on=D(2026, 11, 10))
    case.refresh_from_db()
    found = check(case, "certification")
    assert found.result == P and "11/10/2026" in found.explanation


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Physician's certification for expedited review", RecordKind.CERTIFICATION),
        ("Certification of imminent threat", RecordKind.CERTIFICATION),
        ("UR non-certification", RecordKind.UR_DECISION),
        ("Non certification letter", RecordKind.MEDICAL),
        ("PR-2 progress report", RecordKind.MEDICAL),
    ],
)
def test_a_certification_is_inferred_from_its_title(title, kind):
    assert record_kind_infer(title) == kind


# --- A designee named after the UR decision -------------------------------------------------


def test_a_designee_needs_the_date_of_designation_after_the_ur_decision():
    ur = D(2026, 10, 20)
    undated = check(CaseFactory(filed_by="designee", ur_decision_date=ur), "filed_by")
    assert undated.result == N and "10/20/2026" in undated.explanation
    early = CaseFactory(filed_by="designee", ur_decision_date=ur, designated_on=D(2026, 10, 1))
    assert check(early, "filed_by").result == F
    later = CaseFactory(filed_by="designee", ur_decision_date=ur, designated_on=D(2026, 10, 25))
    found = check(later, "filed_by")
    assert found.result == P and "10/25/2026" in found.explanation


# --- The prior-IMR window -------------------------------------------------------------------


def test_the_prior_imr_window_is_counted_from_this_applications_receipt(settings):
    settings.IMR_PRIOR_IMR_MONTHS = 12
    found = check(CaseFactory(application_received=D(2026, 11, 2)), "prior_imr")
    assert "counted back from this application's receipt (11/02/2026)" in found.explanation
    assert "from 11/02/2025 on" in found.explanation


# --- The case page --------------------------------------------------------------------------


def test_the_case_page_lists_the_new_checks_with_their_overrides(admin_client):
    case = application(liability_disputed="yes", priority="expedited")
    application()
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    html = page.content.decode()
    for key in ("liability", "information", "duplicates", "certification"):
        assert f'id="check-{key}"' in html
    assert 'name="eligible-liability_reason"' in html
    assert 'name="eligible-duplicates_answer"' in html
    assert "Not the same dispute" in html


def test_the_export_carries_the_new_facts_and_imports_again():
    case = CaseFactory(filed_by="designee", designated_on=D(2026, 10, 25), liability_disputed="yes")
    DisputedItemFactory(case=case, position=1)
    exported = case_export(case)
    assert exported["liability_disputed"] == "yes"
    assert exported["designated_on"] == "2026-10-25"
    cleaned, errors = intake_validate(exported)
    assert not [e for e in errors if e.path.endswith(("designated_on", "liability_disputed"))]


def test_without_js_the_new_checks_are_answered_on_the_page_and_recorded(admin_client):
    case = application(liability_disputed="not_stated")
    other = application()
    url = reverse("casefile:case_eligibility", args=[case.case_number])
    post = {
        "finding": "eligible",
        "eligible-notice_on": "2026-11-04",
        "eligible-ur_decision_on_file_answer": "override",
        "eligible-ur_decision_on_file_reason": "The UR decision is on the paper file.",
        "eligible-liability_answer": "override",
        "eligible-liability_reason": "The carrier's response accepts the shoulder.",
    }
    refused = admin_client.post(url, post)
    assert refused.status_code != 302
    assert "No duplicate application of the same dispute" in refused.content.decode()

    post["eligible-duplicates_answer"] = CONSOLIDATE
    post["eligible-duplicates_reason"] = f"Same RFA as {other.case_number}; consolidate it."
    response = admin_client.post(url, post)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.AWAITING_RECORDS
    page = admin_client.get(response["Location"]).content.decode()
    assert f"Same RFA as {other.case_number}; consolidate it." in page

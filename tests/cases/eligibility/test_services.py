"""Eligibility findings and the notice of assignment."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.eligibility.services import case_eligibility_record
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType, SentBy
from tests.cases.helpers import event_types, overrides_for
from tests.factories import CaseFactory, DisputedItemFactory

D = dt.date
S = CaseStatus


# --- eligibility -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_eligible_sends_the_notice_and_starts_the_records_clock(case, case_admin):
    result = case_eligibility_record(
        case=case,
        actor=case_admin,
        eligible=True,
        overrides=overrides_for(case),
        reasons=["Timely; UR decision attached."],
        notice_on=D(2026, 11, 4),
        sent_by=SentBy.MAIL,
    )
    case.refresh_from_db()
    assert result.status == case.status == S.AWAITING_RECORDS
    assert case.date_assigned == D(2026, 11, 4)
    assert case.notice_sent_by == SentBy.MAIL
    assert case.due_on == D(2026, 11, 19)  # 15 days after a mailed notice
    eligibility = CaseEvent.objects.get(case=case, type=EventType.ELIGIBILITY_RECORDED)
    assert eligibility.details["eligible"] is True
    assert eligibility.details["reasons"] == ["Timely; UR decision attached."]
    assert eligibility.details["late_application"] is False
    notice = CaseEvent.objects.get(case=case, type=EventType.NOTICE_OF_ASSIGNMENT_SENT)
    assert notice.details["records_due_on"] == "2026-11-19"
    assert notice.details["sent_by"] == SentBy.MAIL


@pytest.mark.django_db
def test_the_notice_is_dated_today_when_no_date_is_given(case, case_admin):
    case_eligibility_record(
        case=case, actor=case_admin, eligible=True, overrides=overrides_for(case)
    )
    case.refresh_from_db()
    assert case.date_assigned == timezone.localdate()


@pytest.mark.django_db
def test_a_late_application_needs_a_written_reason_before_it_is_eligible(case_admin):
    late = CaseFactory(application_received=D(2026, 11, 25), ur_decision_date=D(2026, 10, 20))
    DisputedItemFactory(case=late, position=1)
    overrides = overrides_for(late)
    without_timely = {key: value for key, value in overrides.items() if key != "timely"}
    with pytest.raises(ValidationError, match=r"Filed within 30 days of the UR decision \(fails"):
        case_eligibility_record(
            case=late,
            actor=case_admin,
            eligible=True,
            overrides=without_timely,
            notice_on=D(2026, 11, 25),
        )
    late.refresh_from_db()
    assert late.status == S.RECEIVED
    assert event_types(late) == []

    case_eligibility_record(
        case=late, actor=case_admin, eligible=True, notice_on=D(2026, 11, 25), overrides=overrides
    )
    late.refresh_from_db()
    assert late.status == S.AWAITING_RECORDS
    event = CaseEvent.objects.get(case=late, type=EventType.ELIGIBILITY_RECORDED)
    assert event.details["late_application"] is True
    assert "timely" in {override["check"] for override in event.details["overrides"]}


@pytest.mark.django_db
def test_an_application_on_day_30_needs_no_confirmation(case_admin):
    on_time = CaseFactory(application_received=D(2026, 11, 19), ur_decision_date=D(2026, 10, 20))
    DisputedItemFactory(case=on_time, position=1)
    case_eligibility_record(
        case=on_time,
        actor=case_admin,
        eligible=True,
        overrides=overrides_for(on_time),
        notice_on=D(2026, 11, 19),
    )
    on_time.refresh_from_db()
    assert on_time.status == S.AWAITING_RECORDS


@pytest.mark.django_db
def test_a_case_with_no_disputed_item_cannot_be_eligible(case_admin):
    empty = CaseFactory()
    with pytest.raises(ValidationError, match="no disputed item"):
        case_eligibility_record(
            case=empty,
            actor=case_admin,
            eligible=True,
            overrides=overrides_for(empty),
            notice_on=D(2026, 11, 4),
        )
    empty.refresh_from_db()
    assert empty.status == S.RECEIVED


@pytest.mark.django_db
def test_the_notice_cannot_be_dated_before_the_application_was_received(case, case_admin):
    with pytest.raises(ValidationError, match="before the application was received"):
        case_eligibility_record(
            case=case,
            actor=case_admin,
            eligible=True,
            overrides=overrides_for(case),
            notice_on=D(2026, 11, 1),
        )
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert case.date_assigned is None


@pytest.mark.django_db
def test_the_notice_cannot_be_dated_in_the_future(case, case_admin):
    """Refused by the service itself, whoever calls it (the form says so too)."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="notice of assignment date cannot be in the future"):
        case_eligibility_record(
            case=case,
            actor=case_admin,
            eligible=True,
            overrides=overrides_for(case),
            notice_on=tomorrow,
        )
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert case.date_assigned is None
    assert not CaseEvent.objects.filter(case=case).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("reasons", [None, [], ["", "   "]])
def test_ineligible_needs_a_reason(case, case_admin, reasons):
    with pytest.raises(ValidationError, match="at least one reason"):
        case_eligibility_record(case=case, actor=case_admin, eligible=False, reasons=reasons)
    case.refresh_from_db()
    assert case.status == S.RECEIVED


@pytest.mark.django_db
def test_ineligible_closes_the_case_with_its_reasons(case, case_admin):
    case_eligibility_record(
        case=case,
        actor=case_admin,
        eligible=False,
        reasons=["  The dispute is not about medical necessity. "],
    )
    case.refresh_from_db()
    assert case.status == S.INELIGIBLE
    assert not case.is_open
    assert case.due_on is None
    event = CaseEvent.objects.get(case=case, type=EventType.ELIGIBILITY_RECORDED)
    assert event.actor == case_admin
    assert event.details["eligible"] is False
    # Free text from an older caller is kept as the note, under "other".
    assert event.details["reason_codes"] == ["other"]
    assert event.details["note"] == "The dispute is not about medical necessity."
    assert (event.details["from_status"], event.details["to_status"]) == (S.RECEIVED, S.INELIGIBLE)


@pytest.mark.django_db
def test_eligibility_cannot_be_recorded_twice(case, case_admin):
    case_eligibility_record(
        case=case,
        actor=case_admin,
        eligible=True,
        overrides=overrides_for(case),
        notice_on=D(2026, 11, 4),
    )
    with pytest.raises(ValidationError, match="awaiting records cannot become ineligible"):
        case_eligibility_record(
            case=case, actor=case_admin, eligible=False, reasons=["Changed my mind"]
        )
    with pytest.raises(ValidationError, match="awaiting records cannot become eligible"):
        case_eligibility_record(
            case=case,
            actor=case_admin,
            eligible=True,
            overrides=overrides_for(case),
            notice_on=D(2026, 11, 5),
        )
    case.refresh_from_db()
    assert case.date_assigned == D(2026, 11, 4)


@pytest.mark.django_db
def test_a_reason_of_invisible_characters_is_no_written_reason(case, case_admin, admin_client):
    """From a QA pass: a zero-width space in each reason box passed every blocking check, and
    the history recorded reasons that print as nothing."""
    unseen = "\u200b\u2060 "
    form = {"finding": "eligible", "eligible-notice_on": timezone.localdate().isoformat()}
    for key, override in overrides_for(case).items():
        form |= {f"eligible-{key}_answer": override.answer, f"eligible-{key}_reason": unseen}

    page = admin_client.post(f"/cases/{case.case_number}/eligibility/", form)

    assert "Write why the case is eligible past this check" in page.content.decode()
    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert not CaseEvent.objects.filter(case=case).exists()
    with pytest.raises(ValidationError, match="Say in the note why"):
        case_eligibility_record(
            case=case, actor=case_admin, eligible=False, reasons=["other"], note=unseen
        )
    case.refresh_from_db()
    assert case.status == S.RECEIVED

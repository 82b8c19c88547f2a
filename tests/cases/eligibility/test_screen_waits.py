"""The screen waits: a liability dispute defers the IMR (8 CCR 9792.10.3(a)(3), (d)); a request
for missing information pauses it for 5 business days (9792.10.3(b), (c))."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.eligibility.services import (
    case_close_liability_denied,
    case_defer_for_liability,
    case_eligibility_record,
    case_information_lapsed,
    case_information_received,
    case_information_request,
    case_resume_liability_resolved,
    information_due_on,
    information_due_text,
)
from cases.lifecycle.clock import case_clock
from cases.lifecycle.history import case_history
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType
from tests.cases.helpers import event_types, overrides_for
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db

D = dt.date
S = CaseStatus


# --- A liability dispute defers the case --------------------------------------------------------


def test_a_liability_dispute_defers_a_received_case(case, case_admin):
    case_defer_for_liability(
        case=case, actor=case_admin, deferred_on=D(2026, 11, 5), note="Compensability (AOE/COE)"
    )

    case.refresh_from_db()
    assert case.status == S.DEFERRED
    assert case.deferred_on == D(2026, 11, 5)
    assert case.due_on is None  # no statutory limit: it waits for the resolution
    assert event_types(case) == [EventType.CASE_DEFERRED]
    event = CaseEvent.objects.get(case=case)
    assert event.details["from_status"] == S.RECEIVED
    lines = case_history(case)[0][1]
    assert any("8 CCR 9792.10.3(d)" in line and "11/05/2026" in line for line in lines)


def test_deferral_needs_what_is_disputed_and_a_received_case(case, case_admin):
    with pytest.raises(ValidationError, match="what the claims administrator disputes"):
        case_defer_for_liability(case=case, actor=case_admin, deferred_on=D(2026, 11, 5), note="")
    awaiting = CaseFactory(status=S.AWAITING_RECORDS)
    with pytest.raises(ValidationError, match="awaiting records cannot become deferred"):
        case_defer_for_liability(
            case=awaiting, actor=case_admin, deferred_on=D(2026, 11, 5), note="AOE/COE"
        )
    assert not CaseEvent.objects.exists()


def test_a_deferral_note_of_unseen_characters_is_refused_as_an_empty_one(case, case_admin):
    """A zero-width space survived str.strip(): the case was deferred disputing nothing."""

    def refusal(note: str) -> list[str]:
        with pytest.raises(ValidationError) as refused:
            case_defer_for_liability(
                case=case, actor=case_admin, deferred_on=D(2026, 11, 5), note=note
            )
        return refused.value.messages

    assert refusal("\u200b") == refusal("")
    assert refusal(" \u2060\ufeff ") == refusal("")
    case.refresh_from_db()
    assert case.status == S.RECEIVED and not CaseEvent.objects.exists()


@pytest.mark.parametrize("close", [case_resume_liability_resolved, case_close_liability_denied])
def test_a_resolution_note_of_unseen_characters_is_refused_as_an_empty_one(case, case_admin, close):
    """A zero-width space survived str.strip(): the resolution named no document."""
    case_defer_for_liability(case=case, actor=case_admin, deferred_on=D(2026, 11, 5), note="x")

    def refusal(note: str) -> list[str]:
        with pytest.raises(ValidationError) as refused:
            close(case=case, actor=case_admin, resolved_on=D(2026, 11, 6), note=note)
        return refused.value.messages

    assert refusal("\u200b") == refusal("")
    case.refresh_from_db()
    assert case.status == S.DEFERRED


def test_liability_resolved_for_the_worker_resumes_the_screen(case, case_admin):
    case_defer_for_liability(case=case, actor=case_admin, deferred_on=D(2026, 11, 5), note="x")

    case_resume_liability_resolved(
        case=case, actor=case_admin, resolved_on=D(2026, 11, 20), note="WCAB order of 11/20"
    )

    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert event_types(case) == [EventType.CASE_DEFERRED, EventType.LIABILITY_RESOLVED]
    # And the finding is made as for any received case.
    case_eligibility_record(
        case=case,
        actor=case_admin,
        eligible=True,
        notice_on=D(2026, 11, 23),
        overrides=overrides_for(case),
    )
    case.refresh_from_db()
    assert case.status == S.AWAITING_RECORDS


def test_a_resolution_is_dated_after_the_deferral_and_names_its_document(case, case_admin):
    case_defer_for_liability(case=case, actor=case_admin, deferred_on=D(2026, 11, 5), note="x")

    with pytest.raises(ValidationError, match="before the IMR was deferred"):
        case_resume_liability_resolved(
            case=case, actor=case_admin, resolved_on=D(2026, 11, 4), note="order"
        )
    with pytest.raises(ValidationError, match="Name the document"):
        case_resume_liability_resolved(
            case=case, actor=case_admin, resolved_on=D(2026, 11, 6), note=" "
        )
    case.refresh_from_db()
    assert case.status == S.DEFERRED


def test_only_a_deferred_case_resumes(case, case_admin):
    with pytest.raises(ValidationError, match="Only a deferred case resumes"):
        case_resume_liability_resolved(
            case=case, actor=case_admin, resolved_on=D(2026, 11, 6), note="order"
        )


def test_liability_found_against_the_worker_closes_the_case(case, case_admin):
    case_defer_for_liability(case=case, actor=case_admin, deferred_on=D(2026, 11, 5), note="x")

    case_close_liability_denied(
        case=case, actor=case_admin, resolved_on=D(2026, 11, 20), note="Take-nothing award"
    )

    case.refresh_from_db()
    assert case.status == S.TERMINATED
    terminated = CaseEvent.objects.get(case=case, type=EventType.CASE_TERMINATED)
    assert terminated.details["reason"] == "liability_denied"
    assert event_types(case) == [EventType.CASE_DEFERRED, EventType.CASE_TERMINATED]
    lines = case_history(case)[0][1]
    assert "Liability was found against the worker (8 CCR 9792.10.3(d))" in lines


def test_the_case_page_defers_and_resumes(admin_client, case):
    url = reverse("casefile:case_detail", args=[case.case_number])
    assert "Defer for a liability dispute" in admin_client.get(url).content.decode()

    admin_client.post(
        reverse("casefile:case_defer", args=[case.case_number]),
        {"defer-deferred_on": "2026-11-05", "defer-note": "Body part disputed"},
    )
    page = admin_client.get(url).content.decode()
    assert "Deferred since" in page and "Resume: liability resolved" in page

    admin_client.post(
        reverse("casefile:case_liability_resolved", args=[case.case_number]),
        {
            "liability-outcome": "resume",
            "liability-resolved_on": "2026-11-20",
            "liability-note": "Stipulation",
        },
    )
    case.refresh_from_db()
    assert case.status == S.RECEIVED


# --- A request for missing information --------------------------------------------------------


@pytest.mark.parametrize(
    "requested_on, due_on",
    [
        (D(2026, 10, 2), D(2026, 10, 9)),  # Fri: the weekend does not count
        (D(2026, 11, 5), D(2026, 11, 13)),  # Thu: a weekend and Veterans Day (Wed 11/11)
        (D(2026, 11, 24), D(2026, 12, 3)),  # Tue: Thanksgiving, the day after, a weekend
    ],
)
def test_the_parties_have_five_business_days(requested_on, due_on):
    assert information_due_on(requested_on) == due_on
    assert f"due {due_on:%a %m/%d/%Y}" in information_due_text(requested_on)
    assert "9792.10.3(b), (c)" in information_due_text(requested_on)


def test_the_setting_sets_the_days(settings):
    settings.IMR_INFORMATION_RESPONSE_BUSINESS_DAYS = 10
    assert information_due_on(D(2026, 10, 2)) == D(2026, 10, 16)


def test_a_request_pauses_the_screen_with_its_due_date(case, case_admin):
    case_information_request(
        case=case,
        actor=case_admin,
        missing=["ur_decision", "signed_application"],
        requested_on=D(2026, 11, 5),
        sent_by="electronic",
    )

    case.refresh_from_db()
    assert case.status == S.INFORMATION_REQUESTED
    assert case.information_due_on == case.due_on == D(2026, 11, 13)
    assert event_types(case) == [EventType.INFORMATION_REQUESTED]
    lines = case_history(case)[0][1]
    assert "Requested: A copy of the UR decision; The signed application (DWC Form IMR)" in lines
    assert (
        "Sent electronically; due 11/13/2026: 5 business days following its receipt "
        "(8 CCR 9792.10.3(c))" in lines
    )


def test_a_mailed_request_gives_the_parties_their_days_from_its_receipt(case, case_admin):
    # From a legal review: 8 CCR 9792.10.3(c) gives "five (5) business days following receipt of
    # the request"; counted from the mailing, a mailed request could be found lapsed early.
    # Mailed Thu 11/05/2026, taken as received Tue 11/10; Veterans Day (Wed 11/11) not counted.
    case_information_request(
        case=case,
        actor=case_admin,
        missing=["ur_decision"],
        requested_on=D(2026, 11, 5),
        sent_by="mail",
    )
    case.refresh_from_db()
    assert case.information_due_on == case.due_on == D(2026, 11, 18)
    assert case.information_requested_by == "mail"
    explained = case_clock(case).explain["information_due_on"]
    assert explained.startswith(
        "5 working days after receipt of the request for information, on 11/10/2026 (sent by "
        "mail "
        "11/05/2026, taken as received 5 days after mailing; not counted: Wed 11/11 Veterans "
        "Day): due Wed 11/18/2026."
    )
    lines = case_history(case)[0][1]
    assert (
        "Sent by mail; due 11/18/2026: 5 business days following its receipt "
        "(8 CCR 9792.10.3(c))" in lines
    )


def test_a_request_says_how_it_was_sent(admin_client, case, case_admin):
    with pytest.raises(ValidationError, match="Say how the request was sent"):
        case_information_request(
            case=case,
            actor=case_admin,
            missing=["ur_decision"],
            requested_on=D(2026, 11, 5),
            sent_by="",
        )
    response = admin_client.post(
        reverse("casefile:case_information_request", args=[case.case_number]),
        {"rfi-missing": ["ur_decision"], "rfi-requested_on": "2026-11-05"},
    )
    assert "Say how the request was sent: by mail or electronically." in (response.content.decode())
    case.refresh_from_db()
    assert case.status == S.RECEIVED and case.information_due_on is None
    assert not CaseEvent.objects.exists()


def test_a_request_names_what_is_missing(case, case_admin):
    with pytest.raises(ValidationError, match="Choose what is missing"):
        case_information_request(
            case=case,
            actor=case_admin,
            missing=[],
            requested_on=D(2026, 11, 5),
            sent_by="electronic",
        )
    with pytest.raises(ValidationError, match="what other information"):
        case_information_request(
            case=case,
            actor=case_admin,
            missing=["other"],
            requested_on=D(2026, 11, 5),
            sent_by="electronic",
        )
    # A note of characters that print nothing names nothing either.
    with pytest.raises(ValidationError, match="what other information"):
        case_information_request(
            case=case,
            actor=case_admin,
            missing=["other"],
            requested_on=D(2026, 11, 5),
            sent_by="electronic",
            note="\u200b\u2060",
        )
    assert not CaseEvent.objects.exists()


def test_the_information_received_returns_the_case_to_the_screen(case, case_admin):
    case_information_request(
        case=case,
        actor=case_admin,
        missing=["ur_decision"],
        requested_on=D(2026, 11, 5),
        sent_by="electronic",
    )

    case_information_received(case=case, actor=case_admin, received_on=D(2026, 11, 16))

    case.refresh_from_db()
    assert case.status == S.RECEIVED
    assert case.information_due_on is None and case.information_missing == []
    received = CaseEvent.objects.get(case=case, type=EventType.INFORMATION_RECEIVED)
    assert received.details["late"] is True  # due 11/13
    assert event_types(case) == [EventType.INFORMATION_REQUESTED, EventType.INFORMATION_RECEIVED]


def test_the_ineligible_finding_waits_for_the_due_date(case, case_admin, monkeypatch):
    case_information_request(
        case=case,
        actor=case_admin,
        missing=["ur_decision"],
        requested_on=D(2026, 11, 5),
        sent_by="electronic",
    )
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 11, 13))
    with pytest.raises(ValidationError, match="until 11/13/2026"):
        case_information_lapsed(case=case, actor=case_admin)

    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: D(2026, 11, 16))
    case_information_lapsed(case=case, actor=case_admin)

    case.refresh_from_db()
    assert case.status == S.INELIGIBLE
    finding = CaseEvent.objects.get(case=case, type=EventType.ELIGIBILITY_RECORDED)
    assert finding.details["reasons"] == [
        "Requested information not provided (8 CCR 9792.10.3(c)): A copy of the UR decision"
    ]
    assert event_types(case) == [EventType.INFORMATION_REQUESTED, EventType.ELIGIBILITY_RECORDED]


def test_a_finding_posted_from_a_page_after_the_information_came_is_refused_in_words(
    admin_client, case, case_admin
):
    """From a security review: posted from a second tab once the request was answered, the
    finding was a server error (it formatted a due date that was gone)."""
    case_information_request(
        case=case,
        actor=case_admin,
        missing=["ur_decision"],
        requested_on=D(2026, 11, 5),
        sent_by="electronic",
    )
    case_information_received(case=case, actor=case_admin, received_on=D(2026, 11, 10))
    response = admin_client.post(
        reverse("casefile:case_information_lapsed", args=[case.case_number]),
        {"rfi_lapsed-note": "no reply"},
        follow=True,
    )
    assert response.status_code == 200
    assert "No request for information is waiting on this case" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.RECEIVED


def test_the_case_page_offers_the_finding_once_the_information_is_overdue(admin_client, case):
    admin_client.post(
        reverse("casefile:case_information_request", args=[case.case_number]),
        {
            "rfi-missing": ["ur_decision"],
            "rfi-requested_on": "2026-11-05",
            "rfi-sent_by": "electronic",
        },
    )
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    content = page.content.decode()
    assert "Information due 11/13/2026" in content
    # Today (the test's clock) is past 11/13/2026.
    assert "requested information not provided" in content
    assert reverse("casefile:case_information_lapsed", args=[case.case_number]) in content


# --- After a pause, the notice clock runs from the day the screen resumed (9792.10.4(b)) --------


def test_information_received_restarts_the_notice_clock_from_that_day(case, case_admin):
    case_information_request(
        case=case,
        actor=case_admin,
        missing=["ur_decision"],
        requested_on=D(2026, 11, 5),
        sent_by="electronic",
    )
    case_information_received(case=case, actor=case_admin, received_on=D(2026, 11, 12))

    case.refresh_from_db()
    assert case.screen_resumed_on == D(2026, 11, 12)
    # Not one business day after the receipt of 11/02: one after the screen resumed.
    assert case.due_on == D(2026, 11, 13)
    assert case.due_on_explain.startswith("1 working day after the screen resumed 11/12/2026")
    assert "8 CCR 9792.10.4(b)" in case.due_on_explain
    assert case.clock.running == "notice"
    assert case.clock.explain["notice_due_on"] == case.due_on_explain


def test_liability_resolved_restarts_the_notice_clock_from_that_day(case, case_admin):
    case_defer_for_liability(case=case, actor=case_admin, deferred_on=D(2026, 11, 5), note="x")
    case_resume_liability_resolved(
        case=case, actor=case_admin, resolved_on=D(2026, 11, 20), note="WCAB order of 11/20"
    )

    case.refresh_from_db()
    assert case.screen_resumed_on == D(2026, 11, 20)
    assert case.due_on == D(2026, 11, 23)  # Fri 11/20 -> Mon 11/23
    assert case.due_on_explain.startswith("1 working day after the screen resumed 11/20/2026")


# --- Every date explains itself, pauses included ---------------------------------------------


def test_the_information_clock_explains_itself_with_its_calendar(case, case_admin):
    case_information_request(
        case=case,
        actor=case_admin,
        missing=["ur_decision"],
        requested_on=D(2026, 11, 5),
        sent_by="electronic",
    )
    case.refresh_from_db()
    clock = case.clock
    assert clock.running == "information"
    assert clock.due_on == D(2026, 11, 13)  # Veterans Day 11/11 not counted
    text = clock.explain["information_due_on"]
    assert text.startswith("5 working days after the request for information 11/05/2026")
    assert "Wed 11/11 Veterans Day" in text and "8 CCR 9792.10.3(b), (c)" in text
    assert clock.calendar_versions["information_due_on"].startswith("state_offices v")
    assert clock.running_explain == text
    assert case.due_on_explain == text
    assert case.due_on_calendar == clock.calendar_versions["information_due_on"]


def test_a_deferred_case_shows_how_long_it_has_waited(case, case_admin, admin_client, settings):
    settings.IMR_DEFERRAL_REVIEW_DAYS = 30
    case_defer_for_liability(case=case, actor=case_admin, deferred_on=D(2026, 11, 5), note="x")
    case.refresh_from_db()
    clock = case_clock(case, today=D(2026, 11, 17))
    assert clock.deferred_text.startswith("Deferred since 11/05/2026, 12 days")
    assert "8 CCR 9792.10.3(a)(3)" in clock.deferred_text
    assert clock.explain["deferred"] == clock.deferred_text
    assert clock.deferred_days == 12 and not clock.deferral_review
    assert case_clock(case, today=D(2026, 12, 5)).deferral_review

    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    text = page.content.decode()
    assert "Deferred since 11/05/2026" in text
    assert "8 CCR 9792.10.3(a)(3)" in text


def test_a_long_deferral_is_flagged_on_the_case_page_in_words(
    case, case_admin, admin_client, settings
):
    settings.IMR_DEFERRAL_REVIEW_DAYS = 30
    case.application_received = dt.date.today() - dt.timedelta(days=45)
    case.save(update_fields=["application_received"])
    long_ago = dt.date.today() - dt.timedelta(days=40)
    case_defer_for_liability(case=case, actor=case_admin, deferred_on=long_ago, note="x")

    text = admin_client.get(reverse("casefile:case_detail", args=[case.case_number])).content
    text = text.decode()

    assert "Deferred 30 days or more (this organization's setting for a second look)" in text
    assert "IMR_DEFERRAL_REVIEW_DAYS" not in text


def test_the_notice_clock_reads_paused_while_information_is_requested(admin_client, case):
    # From QA: with the screen paused, the clock still said "Notice of assignment: not sent,
    # due 12/07/2026", a day the resumed screen moves (8 CCR 9792.10.4(b)).
    admin_client.post(
        reverse("casefile:case_information_request", args=[case.case_number]),
        {"rfi-missing": ["ur_decision"], "rfi-requested_on": "2026-11-05", "rfi-sent_by": "mail"},
    )
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    clock = page.content.decode().split('class="facts clock-dates"', 1)[1].split("</dl>", 1)[0]
    notice = clock.split("<dt>Notice of assignment</dt>", 1)[1].split("<dt>", 1)[0]
    assert "paused with the screen: due one business day after it resumes" in notice
    assert "due 1" not in notice

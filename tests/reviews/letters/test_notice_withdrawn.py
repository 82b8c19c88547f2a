"""From QA: a party given an address after the Final Determination was issued was served the
letter and also the old Notice of Assignment and Request for Information, dated weeks before and
asking for records by a date long past, for a review already decided. A copy of the notice of
assignment that has not gone out when the case closes (issued or terminated) is withdrawn,
never sent; the history says so, and the print queue no longer holds it."""

import pytest
from django.urls import reverse

from cases.eligibility.services import case_eligibility_record
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, EventType, PartyRole
from reviews.letters.models import DeliveryStatus, Notice, NoticeKind
from reviews.letters.services import letter_request
from tests.cases.helpers import overrides_for
from tests.factories import approved_determination
from tests.reviews.letter_utils import party_service_changed

pytestmark = pytest.mark.django_db

ADDRESS = "500 Industrial Way\nFresno, CA 93706"


def _notice_found_eligible(case, actor, capture) -> Notice:
    with capture(execute=True):
        case_eligibility_record(
            case=case, actor=actor, eligible=True, overrides=overrides_for(case)
        )
    return Notice.objects.get(case=case, kind=NoticeKind.NOTICE_OF_ASSIGNMENT)


def _employer_copy(notice):
    return notice.deliveries.get(recipient_role=PartyRole.EMPLOYER)


def test_a_held_notice_copy_is_withdrawn_when_the_case_is_terminated(
    client, parties_case, case_admin, django_capture_on_commit_callbacks
):
    notice = _notice_found_eligible(parties_case, case_admin, django_capture_on_commit_callbacks)
    assert _employer_copy(notice).status == DeliveryStatus.NO_ADDRESS
    client.force_login(case_admin)
    assert "Acme Foods Inc." in client.get(reverse("letters:print_queue")).content.decode()

    response = client.post(
        reverse("casefile:case_terminate", args=[parties_case.case_number]),
        {"terminate-reason": "withdrawn", "terminate-confirm": "on"},
    )
    assert response.status_code == 302

    assert _employer_copy(notice).status == DeliveryStatus.WITHDRAWN
    # Served on the four parties it went to; the fifth copy will never go.
    page = client.get(response["Location"]).content.decode()
    assert "1 copy not sent: the case closed before it went out" in page
    assert (
        "Notice of Assignment and Request for Information to Acme Foods Inc.: not sent "
        "(waiting for an address); the case was closed before it went out" in page
    )
    # The clock and the notice no longer promise a service that will never come (from QA):
    # it is served on the four it went to, the fifth is not waited for.
    assert "once it is, the records are due" not in page
    assert "replaces it once every copy is served" not in page
    event = CaseEvent.objects.get(case=parties_case, type=EventType.NOTICE_COPIES_WITHDRAWN)
    assert event.actor == case_admin
    assert "Acme Foods Inc." not in client.get(reverse("letters:print_queue")).content.decode()

    # An address given now sends nothing: the review is over.
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        party_service_changed(parties_case, case_admin, PartyRole.EMPLOYER, address=ADDRESS)
    assert not callbacks
    assert _employer_copy(notice).status == DeliveryStatus.WITHDRAWN


def test_a_held_notice_copy_is_not_served_with_the_letter_after_the_determination_is_issued(
    case_admin, django_capture_on_commit_callbacks
):
    # A case found eligible while the employer had no address, then reviewed and approved.
    determination = approved_determination(status=CaseStatus.RECEIVED)
    case = determination.case
    case.parties.filter(role=PartyRole.EMPLOYER).update(
        email="", e_service_consent=False, address=""
    )
    notice = _notice_found_eligible(case, case_admin, django_capture_on_commit_callbacks)
    assert _employer_copy(notice).status == DeliveryStatus.NO_ADDRESS
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.APPROVED)

    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_request(determination=determination, actor=None)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ISSUED
    assert _employer_copy(notice).status == DeliveryStatus.WITHDRAWN
    assert letter.deliveries.get(recipient_role=PartyRole.EMPLOYER).status == (
        DeliveryStatus.NO_ADDRESS
    )

    # The employer's address now serves the letter alone.
    with django_capture_on_commit_callbacks(execute=True):
        party_service_changed(case, case_admin, PartyRole.EMPLOYER, address=ADDRESS)
    assert letter.deliveries.get(recipient_role=PartyRole.EMPLOYER).status == (
        DeliveryStatus.TO_PRINT
    )
    assert _employer_copy(notice).status == DeliveryStatus.WITHDRAWN
    served = CaseEvent.objects.get(case=case, type=EventType.HELD_COPIES_SERVED)
    assert [copy["document"] for copy in served.details["copies"]] == [
        "Final Determination Letter v1"
    ]
    withdrawn = CaseEvent.objects.get(case=case, type=EventType.NOTICE_COPIES_WITHDRAWN)
    assert withdrawn.details["closed_as"] == CaseStatus.ISSUED


def test_a_notice_made_after_the_case_closed_goes_to_nobody(
    client, parties_case, case_admin, django_capture_on_commit_callbacks, mailoutbox
):
    """From QA: a review terminated a second after the finding, before the notice's task ran,
    had its notice e-mailed, printed and posted all the same."""
    with django_capture_on_commit_callbacks(execute=False) as finding:
        case_eligibility_record(
            case=parties_case,
            actor=case_admin,
            eligible=True,
            overrides=overrides_for(parties_case),
        )
    client.force_login(case_admin)
    response = client.post(
        reverse("casefile:case_terminate", args=[parties_case.case_number]),
        {"terminate-reason": "withdrawn", "terminate-confirm": "on"},
    )
    assert response.status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        for callback in finding:
            callback()  # the notice's task runs now, after the closing

    notice = Notice.objects.get(case=parties_case, kind=NoticeKind.NOTICE_OF_ASSIGNMENT)
    assert notice.sha256  # made and signed: the case file keeps it
    assert set(notice.deliveries.values_list("status", flat=True)) == {DeliveryStatus.WITHDRAWN}
    assert notice.deliveries.count() == 5
    assert not mailoutbox
    page = client.get(response["Location"]).content.decode()
    assert "Not sent: the case closed before it went out" in page
    assert "not sent (being prepared); the case was closed before it went out" in page
    assert "the case closed before the notice was served on every party" in page
    assert "once it is, the records are due" not in page
    assert "Acme Foods Inc." not in client.get(reverse("letters:print_queue")).content.decode()


def test_a_case_closed_while_its_notice_is_served_keeps_nothing_waiting(
    parties_case, case_admin, django_capture_on_commit_callbacks, monkeypatch
):
    """From a review: the task's second look, after serving, withdraws what did not go out
    when the case closed meanwhile (in a transaction, under the case's lock)."""
    from reviews.letters import notices  # patched below, as the task reads it

    serve = notices.notice_deliver

    def serve_then_close(notice, **kwargs):
        serve(notice, **kwargs)
        Case.objects.filter(pk=notice.case_id).update(status=CaseStatus.TERMINATED)

    monkeypatch.setattr(notices, "notice_deliver", serve_then_close)
    notice = _notice_found_eligible(parties_case, case_admin, django_capture_on_commit_callbacks)

    # The four e-mailed copies went; the employer's, held for an address, never will.
    assert notice.deliveries.filter(status=DeliveryStatus.SENT).count() == 4
    assert _employer_copy(notice).status == DeliveryStatus.WITHDRAWN
    notice.refresh_from_db()
    assert notice.served_on is not None  # served on every copy that went
    assert CaseEvent.objects.filter(
        case=parties_case, type=EventType.NOTICE_COPIES_WITHDRAWN
    ).exists()

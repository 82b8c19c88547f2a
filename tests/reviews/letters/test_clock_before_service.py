"""From a QA pass: an issued letter none of whose copies could be served (the parties' e-mail
addresses came without consent, and no postal address) showed an appeal deadline and the
authorization date counted from its mailing date, as if it had been served. The appeal runs
from service (Lab. Code 4610.6(h); 8 CCR 10575): until every copy is served the case page, the
API and the export give no appeal date and say why and what to do. The duties are the claims
administrator's, from its own receipt (8 CCR 9792.10.7(a)): they count from its copy alone."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.casefile.exports import case_export
from cases.clock.calculator import Facts, compute
from cases.lifecycle.models import CaseStatus, PartyRole
from reviews.letters.models import DeliveryStatus
from reviews.letters.services import letter_correct, letter_request
from tests.factories import PASSWORD, api_client_for, approved_determination
from tests.reviews.letter_utils import party_service_changed
from tests.reviews.letters.conftest import mixed_letter_made

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_letter(django_capture_on_commit_callbacks):
    """An overturned determination's letter whose every copy waits for an address: each party
    has an e-mail address but no consent to electronic service, and no postal address."""
    determination = approved_determination(
        outcomes=("overturned",), worker_address="", worker_e_service_consent=False
    )
    case = determination.case
    case.parties.update(address="", e_service_consent=False)
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_request(determination=determination, actor=None)
    letter.refresh_from_db()
    return letter


def _dates_from_mailing(letter) -> list[str]:
    """What the old clock printed: the appeal and the duties counted from the mailing date."""
    clocks = compute(Facts(letter_mailed_on=letter.mailing_date, letter_sent_by=letter.sent_by))
    return [
        f"{deadline.on:%m/%d/%Y}"
        for deadline in (
            clocks.appeal_deadline,
            clocks.authorization_due_on,
            clocks.reimbursement_due_on,
        )
    ]


def test_a_letter_no_copy_of_which_was_served_has_no_appeal_or_duty_date(held_letter, admin):
    case = held_letter.case
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED
    assert set(held_letter.deliveries.values_list("status", flat=True)) == {
        DeliveryStatus.NO_ADDRESS
    }
    assert held_letter.mailing_date is not None and held_letter.served_on is None

    page = admin.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()

    assert "Not yet: no copy served (4 copies waiting for an address)" in page
    assert "Lab. Code 4610.6(h)" in page and "8 CCR 9792.10.7(a)" in page
    assert "Service of papers panel" in page  # what to do about it
    for date in _dates_from_mailing(held_letter):
        assert date not in page
    # The letters panel: the date printed on the letter is not a date of service.
    assert "Mailing date printed on the letter" in page
    assert "Not yet: 4 copies waiting for an address." in page


def test_the_api_and_the_export_give_no_date_and_say_why(held_letter, api_client_user):
    case = held_letter.case
    case.created_by = api_client_user  # the claims system that sent the application sees it
    case.save(update_fields=["created_by"])
    clocks = case_export(case)["clocks"]
    assert clocks["appeal_deadline"] is None
    assert clocks["authorization_due_on"] is None
    assert clocks["reimbursement_due_on"] is None
    for key in ("appeal_deadline", "authorization_due_on", "reimbursement_due_on"):
        assert clocks["explain"][key].startswith("Not yet: no copy served")

    response = api_client_for(api_client_user).get(f"/api/v1/cases/{case.case_number}/")
    assert response.status_code == 200
    assert response.json()["clocks"]["appeal_deadline"] is None
    assert response.json()["clocks"]["explain"]["appeal_deadline"].startswith("Not yet")


def test_a_letter_partly_served_shows_no_date_before_the_last_party_is_served(mixed_letter, admin):
    # The attorney and the claims administrator were e-mailed today; the worker and the
    # provider wait for the post, the employer for an address.
    case = mixed_letter.case
    page = admin.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()
    assert (
        "Not yet: 2 of 5 copies served (1 copy waiting for an address, 2 copies waiting to be "
        "printed)" in page
    )
    assert "print the copies from the print queue" in page
    appeal = compute(
        Facts(letter_mailed_on=mixed_letter.mailing_date, letter_sent_by="mail")
    ).appeal_deadline.on
    assert f"{appeal:%m/%d/%Y}" not in page


def test_the_dates_count_once_the_held_copies_are_served(
    held_letter, admin, case_admin, django_capture_on_commit_callbacks
):
    case = held_letter.case
    with django_capture_on_commit_callbacks(execute=True):
        for role in (
            PartyRole.REQUESTING_PROVIDER,
            PartyRole.CLAIMS_ADMINISTRATOR,
            PartyRole.EMPLOYER,
        ):
            party_service_changed(
                case, case_admin, role, address="", delivery_method="email", e_service_consent=True
            )
        party_service_changed(
            case,
            case_admin,
            "injured_worker",
            address="",
            delivery_method="email",
            e_service_consent=True,
        )
    held_letter.refresh_from_db()
    assert held_letter.served_on is not None

    clocks = case_export(case)["clocks"]
    served = compute(Facts(letter_mailed_on=held_letter.served_on, letter_sent_by="electronic"))
    assert clocks["appeal_deadline"] == served.appeal_deadline.on.isoformat()
    # The duties: the later of the count from the e-mail and the date the letter printed for
    # a mailed copy (CLOCK_DUTIES_AS_PRINTED; the test below).
    assert clocks["authorization_due_on"] == max(
        served.authorization_due_on.on.isoformat(),
        held_letter.duties_printed["authorization_due_on"],
    )
    page = admin.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()
    assert "Not yet: no copy served" not in page
    assert f"{served.appeal_deadline.on:%m/%d/%Y}" in page


@pytest.fixture
def overturned_mixed_letter(django_capture_on_commit_callbacks):
    """`mixed_letter` for an overturned item: the claims administrator and the attorney e-mailed
    at once, the worker's and the provider's copies waiting to be posted, the employer's for an
    address."""
    return mixed_letter_made(django_capture_on_commit_callbacks, outcomes=("overturned",))


def test_the_duties_run_from_the_claims_administrators_own_copy_before_the_others_are_served(
    overturned_mixed_letter, admin, api_client_user
):
    # Given the claims administrator's copy e-mailed, and other copies not yet served
    letter = overturned_mixed_letter
    case = letter.case
    copy = letter.deliveries.get(recipient_role=PartyRole.CLAIMS_ADMINISTRATOR)
    assert copy.status == DeliveryStatus.SENT and letter.served_on is None
    received = compute(Facts(letter_mailed_on=copy.served_on, letter_sent_by="electronic"))

    # When the case page is opened
    page = admin.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()

    # Then the duties are counted from its receipt (8 CCR 9792.10.7(a)); the appeal waits
    assert f"{received.authorization_due_on.on:%m/%d/%Y}" in page
    assert f"{received.reimbursement_due_on.on:%m/%d/%Y}" in page
    assert "the claims administrator&#x27;s receipt of the determination" in page
    assert "Not yet: 2 of 5 copies served" in page
    assert f"{received.appeal_deadline.on:%m/%d/%Y}" not in page
    # and the API and the export say the same
    case.created_by = api_client_user
    case.save(update_fields=["created_by"])
    clocks = api_client_for(api_client_user).get(f"/api/v1/cases/{case.case_number}/").json()
    assert clocks["clocks"]["appeal_deadline"] is None
    assert clocks["clocks"]["authorization_due_on"] == received.authorization_due_on.on.isoformat()
    assert case_export(case)["clocks"]["reimbursement_due_on"] == (
        received.reimbursement_due_on.on.isoformat()
    )


def test_once_every_copy_is_served_the_duties_still_run_from_the_claims_administrators_copy(
    overturned_mixed_letter,
):
    # Given the claims administrator e-mailed the day the letter was signed (as it printed)
    # and the last copy posted three days later
    letter = overturned_mixed_letter
    monday = letter.mailing_date
    thursday = monday + dt.timedelta(days=3)
    letter.deliveries.update(status=DeliveryStatus.POSTED, served_on=thursday)
    letter.deliveries.filter(recipient_role=PartyRole.CLAIMS_ADMINISTRATOR).update(
        status=DeliveryStatus.SENT, served_on=monday
    )
    letter.served_on, letter.sent_by = thursday, "mail"
    letter.save(update_fields=["served_on", "sent_by"])

    # When the clock is read
    clocks = case_export(letter.case)["clocks"]

    # Then the appeal counts from the last service, by mail, and the duties from Monday's e-mail
    by_mail = compute(Facts(letter_mailed_on=thursday, letter_sent_by="mail"))
    e_mailed = compute(Facts(letter_mailed_on=monday, letter_sent_by="electronic"))
    assert clocks["appeal_deadline"] == by_mail.appeal_deadline.on.isoformat()
    assert (
        clocks["authorization_due_on"]
        == e_mailed.authorization_due_on.on.isoformat()
        != (by_mail.authorization_due_on.on.isoformat())
    )
    assert clocks["reimbursement_due_on"] == e_mailed.reimbursement_due_on.on.isoformat()


def _claims_administrator_e_mailed(case) -> None:
    """The claims administrator given an e-mail address with consent: its held copy goes."""
    party_service_changed(
        case,
        None,
        PartyRole.CLAIMS_ADMINISTRATOR,
        email="claims@example.org",
        delivery_method="email",
        e_service_consent=True,
    )


@pytest.mark.parametrize("as_printed", [True, False])
def test_a_copy_held_and_then_emailed_keeps_the_duty_dates_the_letter_printed(
    held_letter, admin, settings, django_capture_on_commit_callbacks, as_printed
):
    """From QA: the letter, signed while the claims administrator's copy waited for an
    address, printed its duties as for a mailed copy (received 5 days after mailing); the copy
    was then e-mailed, and the case page counted from the e-mail, a week earlier than the
    dates the claims administrator was given in writing (8 CCR 9792.10.7(a);
    CLOCK_DUTIES_AS_PRINTED)."""
    settings.CLOCK_DUTIES_AS_PRINTED = as_printed
    letter = held_letter
    case = letter.case
    by_mail = compute(Facts(letter_mailed_on=letter.mailing_date, letter_sent_by="mail"))
    assert letter.duties_printed == {
        "authorization_due_on": by_mail.authorization_due_on.on.isoformat(),
        "reimbursement_due_on": by_mail.reimbursement_due_on.on.isoformat(),
    }
    with django_capture_on_commit_callbacks(execute=True):
        _claims_administrator_e_mailed(case)
    copy = letter.deliveries.get(recipient_role=PartyRole.CLAIMS_ADMINISTRATOR)
    assert copy.status == DeliveryStatus.SENT
    e_mailed = compute(Facts(letter_mailed_on=copy.served_on, letter_sent_by="electronic"))
    assert e_mailed.authorization_due_on.on < by_mail.authorization_due_on.on

    clocks = case_export(case)["clocks"]
    page = admin.get(reverse("casefile:case_detail", args=[case.case_number])).content.decode()
    expected = by_mail if as_printed else e_mailed
    for key in ("authorization_due_on", "reimbursement_due_on"):
        assert clocks[key] == getattr(expected, key).on.isoformat(), key
        assert f"{getattr(expected, key).on:%m/%d/%Y}" in page
    if as_printed:
        assert clocks["explain"]["authorization_due_on"].startswith(
            "The date the letter printed, kept"
        )


def test_an_amended_letter_never_takes_days_from_the_dates_version_1_gave(
    held_letter, case_admin, django_capture_on_commit_callbacks
):
    """From QA: version 1, signed while the claims administrator's copy waited for an address,
    printed the duties of a mailed copy; the copy was then e-mailed, and version 2, amended,
    e-mailed, printed dates five days earlier. The clock kept version 2's: the claims
    administrator, served version 1 too, was counted late before the date it was given."""
    letter = held_letter
    case = letter.case
    with django_capture_on_commit_callbacks(execute=True):
        _claims_administrator_e_mailed(case)
        letter_correct(
            case=case, actor=case_admin, correction_note="The claim number.", password=PASSWORD
        )
    second = case.letters.get(version=2)
    for key in ("authorization_due_on", "reimbursement_due_on"):
        assert second.duties_printed[key] < letter.duties_printed[key], key
    served = second.deliveries.get(recipient_role=PartyRole.CLAIMS_ADMINISTRATOR)
    assert served.status == DeliveryStatus.SENT

    clocks = case_export(case)["clocks"]
    for key in ("authorization_due_on", "reimbursement_due_on"):
        assert clocks[key] == letter.duties_printed[key], key

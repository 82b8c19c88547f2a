"""How each party is served: the default, the panel's form, and the problem it shows."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases.intake.corrections import case_facts_edit
from cases.lifecycle.delivery import address_problem, case_service_problems, delivery_method_for
from cases.lifecycle.models import (
    CaseEvent,
    CaseStatus,
    DeliveryMethod,
    EventType,
    Party,
    PartyRole,
)
from cases.lifecycle.services import party_service_set
from tests.factories import CaseFactory, PartyFactory, ready_case


def test_email_only_with_an_address_and_consent_else_mail():
    assert delivery_method_for(chosen="", email="a@b.org", consent=True) == DeliveryMethod.EMAIL
    assert delivery_method_for(chosen="", email="a@b.org", consent=False) == DeliveryMethod.MAIL
    assert delivery_method_for(chosen="", email="", consent=True) == DeliveryMethod.MAIL
    assert delivery_method_for(chosen="mail", email="a@b.org", consent=True) == "mail"


@pytest.mark.django_db
def test_a_party_without_a_usable_address_is_a_problem_on_the_parties_panel(admin_client):
    case = CaseFactory(worker_address="1 Main St\nFresno, CA 93701")
    PartyFactory(case=case, role=PartyRole.EMPLOYER, name="Acme Foods Inc.", email="hr@acme.test")
    problems = case_service_problems(case)
    assert [(p.name, p.problem) for p in problems] == [
        (
            "Acme Foods Inc.",
            "no postal address, and the e-mail address cannot be used without consent to "
            "electronic service",
        )
    ]
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    assert "Acme Foods Inc.</strong> (Employer) cannot be served" in page.content.decode()

    # A closed case says it without an alarm (from QA: a 2015 case imported as history raised
    # one for each party).
    case.status = CaseStatus.TERMINATED
    case.save(update_fields=["status"])
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    text = page.content.decode()
    assert "Acme Foods Inc.</strong> (Employer) has no usable address: no postal address" in text
    assert "(Employer) cannot be served" not in text


@pytest.mark.django_db
def test_an_administrator_changes_how_a_party_is_served_with_an_event_of_old_and_new(
    admin_client,
):
    case = CaseFactory(worker_address="1 Main St\nFresno, CA 93701")
    PartyFactory(case=case, role=PartyRole.EMPLOYER, name="Acme Foods Inc.")
    url = reverse("casefile:case_party_service", args=[case.case_number, "employer"])
    refused = admin_client.post(
        url, {"service-employer-delivery_method": "email", "service-employer-email": "x@y.org"}
    )
    assert "consent to electronic service" in refused.content.decode()
    response = admin_client.post(
        url,
        {
            "service-employer-email": "hr@acme.test",
            "service-employer-delivery_method": "email",
            "service-employer-e_service_consent": "on",
        },
    )
    assert response.status_code == 302
    party = case.parties.get()
    assert (party.email, party.delivery_method, party.e_service_consent) == (
        "hr@acme.test",
        "email",
        True,
    )
    event = CaseEvent.objects.get(case=case, type=EventType.PARTY_SERVICE_CHANGED)
    changes = {c["key"]: (c["old"], c["new"]) for c in event.details["changes"]}
    assert changes == {
        "email": ("", "hr@acme.test"),
        "delivery_method": ("", "email"),
        "e_service_consent": (False, True),
    }
    assert case_service_problems(case) == []


@pytest.mark.django_db
def test_an_address_longer_than_the_facts_page_takes_is_refused_and_changes_nothing(admin_client):
    """From a QA pass: the service form took a 5,000-character address, which then made the
    facts page refuse every save of that person's section (its limit is 500)."""
    case = CaseFactory(worker_address="1 Main St\nFresno, CA 93701")
    url = reverse("casefile:case_party_service", args=[case.case_number, "injured_worker"])
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    assert re.search(
        r'<textarea name="service-injured_worker-address"[^>]*maxlength="500"',
        (page.content.decode()),
    )

    refused = admin_client.post(
        url,
        {
            "service-injured_worker-address": "X" * 501,
            "service-injured_worker-delivery_method": "mail",
        },
    )

    assert "has at most 500 characters (it has 501)" in refused.content.decode()
    case.refresh_from_db()
    assert case.worker_address == "1 Main St\nFresno, CA 93701"
    assert not CaseEvent.objects.filter(case=case, type=EventType.PARTY_SERVICE_CHANGED).exists()
    # The service itself holds the limit, whichever door asks.
    with pytest.raises(ValidationError, match="the limit is 500"):
        party_service_set(
            case=case,
            role="injured_worker",
            actor=None,
            email="",
            address="X" * 501,
            delivery_method="mail",
            e_service_consent=False,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "address",
    [
        "5 Dock Rd\nFresno, CA 93721",
        "5 Dock Rd, Fresno, CA 93721-4410",
        "9 Dock Rd\nStockton, CA",
        "Calle 5\nTijuana\nMexico",
    ],
)
def test_an_address_with_its_city_state_and_zip_or_country_is_taken(address):
    assert address_problem(address) == ""


def test_an_address_without_its_city_state_and_zip_is_refused_beside_it(admin_client):
    """From QA: "5 Dock Rd" alone was saved for the employer, the warning that nobody could be
    served cleared, and the notice's copy was printed for it."""
    case = CaseFactory(worker_address="1 Main St\nFresno, CA 93701")
    PartyFactory(case=case, role=PartyRole.EMPLOYER, name="Acme Warehousing", address="")
    url = reverse("casefile:case_party_service", args=[case.case_number, "employer"])
    typed = {
        "service-employer-address": "5 Dock Rd",
        "service-employer-delivery_method": "mail",
    }

    refused = admin_client.post(url, typed)

    page = refused.content.decode()
    assert "A postal address ends with its city, state and ZIP code" in page
    assert "mail to “5 Dock Rd” alone would not arrive" in page
    assert re.search(r">\s*5 Dock Rd</textarea>", page)  # kept as typed
    assert Party.objects.get(case=case, role=PartyRole.EMPLOYER).address == ""
    assert not CaseEvent.objects.filter(case=case, type=EventType.PARTY_SERVICE_CHANGED).exists()

    typed["service-employer-address"] = "5 Dock Rd\nStockton, CA 95206"
    admin_client.post(url, typed)
    assert Party.objects.get(case=case, role=PartyRole.EMPLOYER).address == (
        "5 Dock Rd\nStockton, CA 95206"
    )


def test_an_address_kept_as_intake_had_it_does_not_stand_in_the_way_of_an_email(admin_client):
    case = CaseFactory(worker_address="1 Main St")
    party_service_set(
        case=case,
        role="injured_worker",
        actor=None,
        email="worker@example.org",
        address="1 Main St",
        delivery_method="",
        e_service_consent=True,
    )
    case.refresh_from_db()
    assert case.worker_email == "worker@example.org"


def test_a_saved_service_that_leaves_the_party_unservable_says_so(admin_client):
    """From QA: "Postal mail" with no postal address was saved without a word; the
    confirmation now says the party cannot be served, as a warning."""
    case = CaseFactory(worker_address="1 Main St\nFresno, CA 93701")
    PartyFactory(case=case, role=PartyRole.EMPLOYER, name="Acme Foods Inc.")
    url = reverse("casefile:case_party_service", args=[case.case_number, "employer"])

    response = admin_client.post(url, {"service-employer-delivery_method": "mail"}, follow=True)

    page = response.content.decode()
    assert (
        "Service details saved. Acme Foods Inc. cannot be served as things stand: no postal "
        "address and no e-mail address." in page
    )
    assert "message--warning" in page


@pytest.mark.django_db
def test_the_parties_panels_email_inputs_stop_at_the_length_a_party_stores(admin_client):
    """From QA (the intake form's finding, here too): maxlength="320" for a 254-character
    field, refused only after submit."""
    case = CaseFactory(worker_address="1 Main St\nFresno, CA 93701")
    PartyFactory(case=case, role=PartyRole.EMPLOYER, name="Acme Foods Inc.")

    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))

    inputs = re.findall(r'<input type="email"[^>]*>', page.content.decode())
    assert inputs
    assert all('maxlength="254"' in tag for tag in inputs), inputs


def test_the_facts_page_refuses_an_address_without_its_city_state_and_zip_too(case_admin):
    """From a review: the facts page also writes addresses, and took "5 Dock Rd"."""
    case = ready_case(worker_address="1 Main St\nFresno, CA 93701")
    with pytest.raises(ValidationError, match="mail to “5 Dock Rd” alone would not arrive"):
        case_facts_edit(
            case=case, actor=case_admin, changes={"injured_worker": {"address": "5 Dock Rd"}}
        )
    case.refresh_from_db()
    assert case.worker_address == "1 Main St\nFresno, CA 93701"

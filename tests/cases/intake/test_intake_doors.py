"""The JSON door (import_cases, the API) and the form door judge an application with the same
rules and the same messages: the same applications go through both."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.urls import reverse

from cases.intake.forms import IntakeForms
from cases.intake.services import cases_import
from cases.intake.validation import intake_validate
from cases.lifecycle.models import Case
from tests.factories import CaseFactory

MINIMAL = {
    "application_id": "A-2016-000900",
    "priority": "standard",
    "application_received": "2016-11-03",
    "ur_decision_date": "2016-11-01",
    "date_of_injury": "2016-10-13",
    "claim_number": "05-123456",
    "injured_worker": {"first_name": "Ana", "last_name": "Ruiz"},
    "employer": {"name": "Acme Foods Inc."},
    "claims_administrator": {"name": "Pacific Claims Services"},
    "requesting_provider": {"name": "Dr. Lee Park", "specialty": "Orthopedic Surgery"},
    "ur_organization": {"name": "Coastal UR"},
    "items": [
        {
            "description": "MRI of the right shoulder",
            "category": "diagnostic_imaging",
            "ur_citation": {"kind": "mtus", "text": "MTUS Shoulder Complaints 2004"},
        }
    ],
}

FULL = {
    **MINIMAL,
    "ur_decision_served_on": "2016-11-02",
    "ur_decision_served_by": "mail",
    "notice_sent_on": "2016-11-04",
    "notice_sent_by": "mail",
    "filed_by": "attorney",
    "application_signed": "yes",
    "ur_decision_basis": "medical_necessity",
    "adj_number": "ADJ9876543",
    "injured_worker": {
        "first_name": "Ana",
        "last_name": "Ruiz",
        "date_of_birth": "1968-02-01",
        "sex": "female",
        "email": "ana@example.org",
        "address": "1 Main St, Fresno CA",
        "delivery_method": "mail",
    },
    "requesting_provider": {
        "name": "Dr. Lee Park",
        "specialty": "Orthopedic Surgery",
        "npi": "1234567890",
        "email": "park@example.org",
        "delivery_method": "email",
        "e_service_consent": True,
    },
    "ur_physician": {"name": "Dr. Quinn", "identifier": "A12345"},
    "attorney": {"name": "Dana Whitfield, Esq."},
    "diagnoses": ["right shoulder contusion", "rotator cuff strain"],
    "items": [
        *MINIMAL["items"],
        {
            "description": "Physical therapy",
            "category": "pt_ot",
            "original_request": "12 sessions",
            "authorized_portion": "6 sessions",
            "ur_citation": {"kind": "non_mtus", "text": "ODG Shoulder"},
        },
        {
            "description": "MRI of the right shoulder with contrast",
            "category": "diagnostic_imaging",
            "original_request": "MRI of the right shoulder with contrast",
            "authorized_portion": "X-rays of the right shoulder",
            "authorization_kind": "substitute",
            "ur_citation": {"kind": "mtus", "text": "MTUS Shoulder Complaints 2004"},
        },
        {
            "description": "Tramadol 50 mg",
            "category": "pharmaceuticals",
            "formulary_dispute": True,
            "ur_citation": {"kind": "none", "text": ""},
        },
    ],
}


def changed(base: dict, path: str, value) -> dict:
    """`base` with the value at a dotted path (list indexes as numbers) set, or removed (None)."""
    payload = copy.deepcopy(base)
    *parents, last = [int(key) if key.isdigit() else key for key in path.split(".")]
    target = payload
    for key in parents:
        target = target[key]
    if value is None:
        target.pop(last, None)
    else:
        target[last] = value
    return payload


APPLICATIONS = [
    ("good minimal", MINIMAL),
    ("good full", FULL),
    ("provider without specialty", changed(MINIMAL, "requesting_provider.specialty", None)),
    ("no date of birth nor age", MINIMAL),
    ("missing claim number", changed(MINIMAL, "claim_number", None)),
    ("missing worker name", changed(MINIMAL, "injured_worker.last_name", None)),
    ("missing employer", changed(MINIMAL, "employer", None)),
    ("bad date", changed(MINIMAL, "date_of_injury", "2016-02-30")),
    ("date not ISO", changed(MINIMAL, "ur_decision_date", "11/01/2016")),
    ("future date", changed(MINIMAL, "application_received", "2999-01-01")),
    ("received before the UR decision", changed(MINIMAL, "application_received", "2016-10-30")),
    ("injury after the UR decision", changed(MINIMAL, "date_of_injury", "2016-11-02")),
    ("bad category", changed(MINIMAL, "items.0.category", "xray")),
    (
        "modified request without authorized portion",
        changed(FULL, "items.1.authorized_portion", None),
    ),
    ("formulary dispute on a non-drug item", changed(FULL, "items.0.formulary_dispute", True)),
    ("citation kind mtus without text", changed(MINIMAL, "items.0.ur_citation.text", None)),
    ("bad NPI", changed(FULL, "requesting_provider.npi", "12345")),
    (
        "e-mail service without consent",
        changed(FULL, "requesting_provider.e_service_consent", False),
    ),
    ("unknown delivery method", changed(FULL, "injured_worker.delivery_method", "fax")),
    ("worker too young", changed(FULL, "injured_worker.date_of_birth", "2010-01-01")),
    ("age out of range", changed(MINIMAL, "injured_worker.age", 200)),
    # From a QA pass: both were taken, and the export's age and the letter's disagreed.
    ("age disagreeing with the date of birth", changed(FULL, "injured_worker.age", 20)),
    ("age agreeing with the date of birth", changed(FULL, "injured_worker.age", 48)),
    # From a QA pass: zero-width characters printed as nothing and passed "is required".
    ("worker name of zero-width spaces", changed(MINIMAL, "injured_worker.first_name", "\u200b")),
    ("item described unseen", changed(MINIMAL, "items.0.description", "\u200b\u2060 \ufeff")),
    ("bad email", changed(FULL, "injured_worker.email", "not-an-email")),
    ("no disputed item", changed(MINIMAL, "items", [])),
    ("optional party without a name", changed(MINIMAL, "attorney", {"identifier": "SBN 1234"})),
    ("served in person", changed(MINIMAL, "ur_decision_served_by", "personal")),
    ("notice sent, how not known", changed(FULL, "notice_sent_by", None)),
    ("service by fax", changed(FULL, "ur_decision_served_by", "fax")),
    ("service by 'email'", changed(FULL, "ur_decision_served_by", "email")),
    ("notice delivered in person", changed(FULL, "notice_sent_by", "personal")),
    ("notice method without its date", changed(FULL, "notice_sent_on", None)),
    ("notice before the application", changed(FULL, "notice_sent_on", "2016-11-02")),
    ("notice date in the future", changed(FULL, "notice_sent_on", "2999-01-01")),
    ("filed by a provider", changed(FULL, "filed_by", "provider")),
    ("filer not one of the choices", changed(FULL, "filed_by", "employer")),
    ("signed not one of the choices", changed(FULL, "application_signed", "true")),
    ("UR basis not one of the choices", changed(FULL, "ur_decision_basis", "medical necessity")),
    ("liability disputed", changed(FULL, "liability_disputed", "yes")),
    ("liability not one of the choices", changed(FULL, "liability_disputed", "maybe")),
    (
        "designee with the date of designation",
        changed(changed(FULL, "filed_by", "designee"), "designated_on", "2016-10-25"),
    ),
    ("date of designation without a designee", changed(FULL, "designated_on", "2016-10-25")),
    ("date of designation in the future", changed(FULL, "designated_on", "2999-01-01")),
    ("ADJ number not ADJ and digits", changed(FULL, "adj_number", "12345")),
    ("substitute without the substitute", changed(FULL, "items.2.authorized_portion", None)),
]


def form_post(application: dict) -> dict[str, str]:
    """The intake page's fields holding the same application."""
    data = {
        f"application-{key}": application.get(key, "")
        for key in (
            "application_id",
            "priority",
            "application_received",
            "ur_decision_date",
            "ur_decision_served_on",
            "ur_decision_served_by",
            "notice_sent_on",
            "notice_sent_by",
            "date_of_injury",
            "claim_number",
            "filed_by",
            "application_signed",
            "ur_decision_basis",
            "liability_disputed",
            "designated_on",
            "adj_number",
        )
    }
    for key, value in application["injured_worker"].items():
        data[f"worker-{key}"] = str(value)
    for role in (
        "employer",
        "claims_administrator",
        "requesting_provider",
        "ur_organization",
        "ur_physician",
        "provider_group",
        "attorney",
    ):
        for key, value in (application.get(role) or {}).items():
            data[f"{role}-{'identifier' if key == 'npi' else key}"] = value
    data["diagnoses-diagnoses"] = "\n".join(application.get("diagnoses", []))
    items = application["items"]
    data.update({"items-TOTAL_FORMS": str(len(items)), "items-INITIAL_FORMS": "0"})
    for index, item in enumerate(items):
        prefix = f"items-{index}-"
        for key in ("description", "category", "original_request", "authorized_portion"):
            data[prefix + key] = item.get(key) or ""
        data[prefix + "ur_citation_kind"] = item["ur_citation"]["kind"]
        data[prefix + "ur_citation_text"] = item["ur_citation"].get("text", "")
        if item.get("formulary_dispute"):
            data[prefix + "formulary_dispute"] = "on"
        if item.get("authorization_kind") == "substitute":
            data[prefix + "authorization_kind"] = "on"
    data.update({"records-TOTAL_FORMS": "0", "records-INITIAL_FORMS": "0"})
    return data


def form_messages(intake: IntakeForms) -> list[str]:
    forms = [*intake._forms(), *intake.items.forms, *intake.records.forms]
    messages = [message for form in forms for errors in form.errors.values() for message in errors]
    messages += list(intake.items.non_form_errors()) + list(intake.records.non_form_errors())
    return sorted(messages)


# The form also reads a date typed as its pages print it (MM/DD/YYYY, a browser without a date
# picker): JSON takes ISO only (test_the_form_reads_a_date_typed_as_its_pages_print_it).
SAME_AT_BOTH_DOORS = [(name, app) for name, app in APPLICATIONS if name != "date not ISO"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "application",
    [app for _, app in SAME_AT_BOTH_DOORS],
    ids=[name for name, _ in SAME_AT_BOTH_DOORS],
)
def test_both_doors_give_the_same_verdict_and_messages(application):
    """The same messages, the form's without the list of codes a JSON sender needs (a person
    picks from the form's own list: form_message)."""
    _, json_errors = intake_validate(application)
    intake = IntakeForms(form_post(application))

    form_valid = intake.is_valid()

    assert form_valid == (json_errors == [])
    expected = []
    for error in json_errors:
        form, field = intake._error_target(error.path)
        label = "Disputed items" if form is None else (form[field].label if field else "")
        expected.append(error.form_sentence(label))
    assert form_messages(intake) == sorted(expected)


def test_the_bad_applications_are_refused():
    # Guard against a table that tests nothing: only the good ones pass.
    good = {
        "good minimal",
        "good full",
        "provider without specialty",
        "no date of birth nor age",
        "served in person",
        "notice sent, how not known",
        "filed by a provider",  # a fact the eligibility screen judges, not intake
        "liability disputed",  # likewise: the screen defers it
        "designee with the date of designation",
        "age agreeing with the date of birth",
    }
    for name, application in APPLICATIONS:
        assert (intake_validate(application)[1] == []) == (name in good), name


@pytest.mark.django_db
def test_both_doors_clean_an_application_to_the_same_data():
    intake = IntakeForms(form_post(FULL))
    assert intake.is_valid()

    from_form = intake.case_data()
    from_json = intake_validate(FULL)[0][0]

    assert from_form == from_json
    assert from_form["requesting_provider"]["identifier"] == "1234567890"
    assert from_form["date_assigned"] == dt.date(2016, 11, 4)
    assert (from_form["ur_decision_served_by"], from_form["notice_sent_by"]) == ("mail", "mail")
    assert from_form["adj_number"] == "ADJ9876543"
    assert [item["authorization_kind"] for item in from_form["items"]] == [
        "portion",
        "portion",
        "substitute",
        "portion",
    ]


@pytest.mark.django_db
def test_the_form_offers_the_methods_as_select_boxes_that_start_not_known():
    application = IntakeForms().application
    for name, values in (
        ("ur_decision_served_by", ["", "mail", "electronic", "personal"]),
        ("notice_sent_by", ["", "mail", "electronic"]),
    ):
        field = application.fields[name]
        assert field.widget.input_type == "select"
        assert [value for value, _ in field.choices] == values


@pytest.mark.django_db
def test_a_known_application_id_creates_nothing_through_either_door():
    existing = CaseFactory(application_id=MINIMAL["application_id"])

    results = cases_import(payload=MINIMAL, source="import")
    intake = IntakeForms(form_post(MINIMAL))

    assert results[0].created is False and results[0].case_number == existing.case_number
    assert not intake.is_valid()
    assert form_messages(intake) == [
        f"Application ID: {MINIMAL['application_id']} is already on file as case "
        f"{existing.case_number}."
    ]
    # Typed in small letters, the same (from the review: Django's own "already exists").
    typed = MINIMAL["application_id"].lower()
    intake = IntakeForms(form_post({**MINIMAL, "application_id": typed}))
    assert not intake.is_valid()
    assert form_messages(intake) == [
        f"Application ID: {typed} is already on file as case {existing.case_number}."
    ]
    assert Case.objects.count() == 1


def test_an_unseen_name_is_required_and_an_age_must_agree_with_the_birth_date():
    errors = {
        str(error)
        for name in (
            "worker name of zero-width spaces",
            "item described unseen",
            "age disagreeing with the date of birth",
        )
        for error in intake_validate(dict(APPLICATIONS)[name])[1]
    }
    assert errors == {
        "$.injured_worker.first_name: is required",
        "$.items[0].description: is required",
        "$.injured_worker.age: is 20, but the date of birth 1968-02-01 makes the worker 48 at "
        "the injury (2016-10-13); give the date of birth alone, or an age that agrees",
    }


@pytest.mark.django_db
def test_the_form_door_says_its_dates_as_its_pages_print_them():
    """From a QA pass: the form said "2999-01-01 is in the future" where every page prints
    01/01/2999; a JSON sender, who wrote ISO, is still answered in ISO."""
    application = dict(APPLICATIONS)["future date"]
    assert [str(error) for error in intake_validate(application)[1]] == [
        "$.application_received: 2999-01-01 is in the future"
    ]
    intake = IntakeForms(form_post(application))
    assert not intake.is_valid()
    assert form_messages(intake) == ["Application received: 01/01/2999 is in the future."]


@pytest.mark.django_db
def test_a_ur_decision_served_before_it_was_made_names_each_date_as_what_it_is():
    """From QA: "the UR decision (11/20/2026) cannot be served before it was made (11/10/2026)"
    gave the service date as the day it was made."""
    application = changed(
        changed(MINIMAL, "ur_decision_date", "2016-11-20"), "ur_decision_served_on", "2016-11-10"
    )
    intake = IntakeForms(form_post(application))
    assert not intake.is_valid()
    assert (
        "UR decision served: the UR decision cannot be served (11/10/2016) before it was made "
        "(11/20/2016)."
    ) in form_messages(intake)


@pytest.mark.django_db
def test_the_form_reads_a_date_typed_as_its_pages_print_it():
    """The date fields show mm/dd/yyyy: a date typed so is taken, and one typed otherwise is
    refused in those words, not the JSON's YYYY-MM-DD."""
    typed = IntakeForms(form_post(changed(MINIMAL, "ur_decision_date", "11/01/2016")))
    assert typed.is_valid()
    assert typed.case_data()["ur_decision_date"] == dt.date(2016, 11, 1)

    garbled = IntakeForms(form_post(changed(MINIMAL, "ur_decision_date", "11-01-2016")))
    assert not garbled.is_valid()
    assert form_messages(garbled) == [
        "UR decision date: 11-01-2016 is not a date; enter it as MM/DD/YYYY."
    ]


@pytest.mark.django_db
def test_the_form_says_each_problem_as_a_sentence_naming_the_field_as_labelled(admin_client):
    """From a QA pass: "Designee named on is given, but filed_by is not 'designee'", "Error: is
    required", "must not be empty (the disputed items)", "Name is required (the employer, with a
    name)" and "is required (a date, YYYY-MM-DD)" beside a field showing mm/dd/yyyy."""
    application = {
        **changed(MINIMAL, "designated_on", "2016-11-10"),
        "application_received": "",
        "claim_number": "",
        "items": [],
    }
    del application["employer"]
    page = admin_client.post(reverse("intake:case_new"), form_post(application)).content.decode()

    assert (
        "Designee named on is given, but Filed by is not “A designee named after the UR "
        "decision”: only an application a designee filed has the date the designee was named."
    ) in page
    assert "Application received is required." in page
    assert "Claim number is required." in page
    assert "Name is required." in page
    assert "Disputed items are missing: add at least one disputed item." in page
    for leaked in (
        "filed_by is",
        "'designee'",
        "YYYY-MM-DD",
        "(the disputed items)",
        "with a name)",
    ):
        assert leaked not in page

"""Factories for test data. Each builds a valid object with the fewest arguments."""

import datetime as dt

import factory
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role, User
from cases.models import Case, DisputedItem, Party, PartyRole

PASSWORD = "correct horse battery staple"


def minimal_pdf(pages: int = 1) -> bytes:
    """A small valid PDF with `pages` blank pages (made with pypdf)."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_upload(name: str = "record.pdf", pages: int = 1) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, minimal_pdf(pages), content_type="application/pdf")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Tester{n}")
    role = Role.CASE_ADMIN
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    case_number = factory.Sequence(lambda n: f"CM26-{n + 1:07d}")
    application_id = factory.Sequence(lambda n: f"A-2026-{n:06d}")
    priority = "standard"
    application_received = dt.date(2026, 11, 2)
    ur_decision_date = dt.date(2026, 10, 20)
    date_of_injury = dt.date(2025, 7, 22)
    claim_number = factory.Sequence(lambda n: f"05-{n:06d}")
    worker_first_name = "Ana"
    worker_last_name = factory.Sequence(lambda n: f"Ruiz{n}")
    worker_date_of_birth = dt.date(1968, 2, 1)
    worker_sex = "female"
    diagnoses = factory.LazyFunction(lambda: ["right shoulder contusion"])


class DisputedItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisputedItem

    case = factory.SubFactory(CaseFactory)
    position = factory.Sequence(lambda n: n + 1)
    description = "MRI of the right shoulder without contrast"
    category = "diagnostic_imaging"
    ur_citation_kind = "mtus"
    ur_citation_text = "MTUS Shoulder Complaints 2004"


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    case = factory.SubFactory(CaseFactory)
    role = PartyRole.EMPLOYER
    name = "Acme Foods Inc."


def intake_payload(**overrides) -> dict:
    """A valid intake JSON object (SPEC section 7)."""
    payload = {
        "application_id": "A-2016-000123",
        "case_number": None,
        "priority": "standard",
        "application_received": "2016-11-03",
        "date_assigned": None,
        "ur_decision_date": "2016-11-03",
        "date_of_injury": "2016-10-13",
        "claim_number": "05-123456",
        "injured_worker": {
            "first_name": "Ana",
            "last_name": "Ruiz",
            "date_of_birth": "1968-02-01",
            "sex": "female",
        },
        "employer": {"name": "Acme Foods Inc."},
        "claims_administrator": {"name": "Pacific Claims Services"},
        "requesting_provider": {
            "name": "Dr. Lee Park",
            "specialty": "Orthopedic Surgery",
            "npi": "1234567890",
        },
        "ur_organization": {"name": "Coastal UR"},
        "diagnoses": ["right shoulder contusion"],
        "items": [
            {
                "description": "MRI of the right shoulder without contrast",
                "category": "diagnostic_imaging",
                "original_request": None,
                "authorized_portion": None,
                "ur_citation": {"kind": "mtus", "text": "MTUS Shoulder Complaints 2004"},
            }
        ],
        "records": [],
        "determination": None,
    }
    payload.update(overrides)
    return payload

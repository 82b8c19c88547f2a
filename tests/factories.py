"""Factories for test data. Each builds a valid object with the fewest arguments."""

import datetime as dt
import itertools
import time

import factory
from django.contrib.auth import SESSION_KEY
from django.core.files.uploadedfile import SimpleUploadedFile
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.models import Role, User
from accounts.reauth import REAUTH_AT
from accounts.tokens import api_token_create
from cases.lifecycle.models import Case, DisputedItem, Party, PartyRole, SentBy

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


def totp_device_for(user) -> TOTPDevice:
    """The user's confirmed authenticator app (made once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)


def second_factor_given(client, user=None) -> None:
    """Mark a signed-in test client's session as the second-factor step leaves it: verified
    with the user's app, just re-authenticated. API clients have no second factor."""
    session = client.session
    if user is None:
        user = User.objects.get(pk=session[SESSION_KEY])
    if not user.needs_second_factor:
        return
    session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
    session[REAUTH_AT] = time.time()
    session.save()


def totp_code_now(user) -> str:
    """The code the user's authenticator app shows now."""
    device = totp_device_for(user)
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


def totp_code_fresh(user) -> str:
    """The code of the moment, accepted even if the user gave it already in this 30 s step (a
    code works once; a person would wait for the next, a browser test forgets the last use)."""
    device = totp_device_for(user)
    device.last_t = -1
    device.save(update_fields=["last_t"])
    return totp_code_now(user)


def api_token_for(user) -> str:
    """A new API token's key for an API-client user (each under a name of its own: a client's
    tokens in use are told apart by name)."""
    return api_token_create(user=user, name=f"Test token {next(_TOKEN_NUMBERS)}")[1]


_TOKEN_NUMBERS = itertools.count(1)


def api_client_for(user) -> APIClient:
    """An API client as `user` would call: API clients with a token, staff with their
    (verified) session, nobody with nothing."""
    client = APIClient()
    if user is None:
        return client
    if user.role == Role.API_CLIENT:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    else:
        client.force_login(user)
    return client


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
    filed_by = "employee"
    application_signed = "yes"
    ur_decision_basis = "medical_necessity"
    liability_disputed = "no"
    worker_first_name = "Ana"
    worker_last_name = factory.Sequence(lambda n: f"Ruiz{n}")
    worker_date_of_birth = dt.date(1968, 2, 1)
    worker_sex = "female"
    diagnoses = factory.LazyFunction(lambda: ["right shoulder contusion"])
    date_assigned = None
    # A notice that was sent went by e-mail unless a test says otherwise.
    notice_sent_by = factory.LazyAttribute(
        lambda case: SentBy.ELECTRONIC if case.date_assigned else ""
    )


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


def case_taken_in(actor, **overrides):
    """A case taken in through intake's rules and case_create, from intake_payload(**overrides)."""
    from cases.intake.services import case_create
    from cases.intake.validation import intake_validate

    (data,), errors = intake_validate(intake_payload(**overrides))
    assert not errors, errors
    return case_create(data=data, actor=actor)


def reviewer_with_profile(
    external_id: str,
    *,
    certifications=("Pain Management",),
    licences=(("CA", "2030-01-01", False),),
    years_in_practice: int = 12,
    weekly_practice_hours: int = 30,
    max_open_cases: int = 5,
    carried_open_cases: int = 0,
    on_leave: bool = False,
    affiliations=(),
    first_name: str = "Jane",
    last_name: str | None = None,
):
    """A reviewer user with a qualification profile (the roster of SPEC section 4)."""
    from reviews.roster.defaults import defaults_ensure
    from reviews.roster.models import (
        Affiliation,
        Licence,
        ReviewerProfile,
        Specialty,
        specialty_key,
    )

    defaults_ensure()
    user = UserFactory(
        role=Role.REVIEWER,
        username=external_id.lower(),
        first_name=first_name,
        last_name=last_name or f"Roe {external_id}",
    )
    profile = ReviewerProfile.objects.create(
        user=user,
        external_id=external_id,
        years_in_practice=years_in_practice,
        weekly_practice_hours=weekly_practice_hours,
        max_open_cases=max_open_cases,
        carried_open_cases=carried_open_cases,
        on_leave=on_leave,
    )
    for name in certifications:
        profile.certifications.add(Specialty.objects.get(key=specialty_key(name)))
    for number, (state, expires, restricted) in enumerate(licences):
        Licence.objects.create(
            profile=profile,
            state=state,
            number=f"A{number:05d}",
            expires=dt.date.fromisoformat(expires),
            restricted=restricted,
        )
    for kind, name, identifier in affiliations:
        Affiliation.objects.create(profile=profile, kind=kind, name=name, identifier=identifier)
    return user


def ready_case(**overrides):
    """A case with parties and one injection item whose records are complete: ready to assign."""
    from cases.lifecycle.models import CaseStatus
    from reviews.roster.defaults import defaults_ensure

    defaults_ensure()
    defaults = {
        "status": CaseStatus.RECORDS_COMPLETE,
        "date_assigned": dt.date(2026, 11, 3),
        "records_complete_on": dt.date(2026, 11, 10),
        "due_on": dt.date(2026, 12, 10),
    }
    category = overrides.pop("category", "injection")
    provider_specialty = overrides.pop("provider_specialty", "Pain Management")
    defaults.update(overrides)
    case = CaseFactory(**defaults)
    DisputedItemFactory(
        case=case, position=1, description="Lumbar sympathetic block", category=category
    )
    _parties_add(case, provider={"identifier": "1234567890", "specialty": provider_specialty})
    return case


def _parties_add(
    case, *, provider: dict, claims_administrator: dict | None = None, employer: dict | None = None
) -> None:
    """The parties of a case built here: employer, requesting provider, claims administrator
    and UR organization; `provider`, `claims_administrator` and `employer` add fields."""
    PartyFactory(case=case, role=PartyRole.EMPLOYER, name="Acme Foods, Inc.", **(employer or {}))
    PartyFactory(case=case, role=PartyRole.REQUESTING_PROVIDER, name="Dr. Lee Park", **provider)
    PartyFactory(
        case=case,
        role=PartyRole.CLAIMS_ADMINISTRATOR,
        name="Pacific Claims Services",
        **(claims_administrator or {}),
    )
    PartyFactory(case=case, role=PartyRole.UR_ORGANIZATION, name="Coastal UR")


# --- The letter (SPEC section 6) ---------------------------------------------------------------

LETTER_REVIEWER_FIRST_NAME = "Quillon"
LETTER_REVIEWER_LAST_NAME = "Vandermeer"


def approved_determination(
    *,
    outcomes=("upheld",),
    descriptions=None,
    rationale="The records do not show a functional deficit that this treatment would address, "
    "so the request is not medically necessary.",
    summary="The injured worker is a 57 year old female, who sustained an industrial injury on "
    "July 22, 2025.",
    citation=("mtus", "MTUS Chronic Pain Treatment Guidelines Page(s): 114"),
    records=(("PR-2 progress report", dt.date(2026, 10, 19), 4),),
    attorney=False,
    **case_overrides,
):
    """A case whose determination quality review approved: the case is approved, the reviewer's
    assignment accepted, every served party has an e-mail address and consented to electronic
    service (so the letter goes by e-mail only), one decision per item. The reviewer
    has a distinctive name, so tests can show it appears nowhere in the letter."""
    from cases.lifecycle.models import CaseStatus
    from cases.records.models import MedicalRecord
    from reviews.assignment.models import Assignment, AssignmentStatus
    from reviews.determination.models import Determination, DeterminationStatus, ItemDecision

    defaults = {
        "status": CaseStatus.APPROVED,
        "date_assigned": dt.date(2026, 11, 3),
        "records_complete_on": dt.date(2026, 11, 10),
        "worker_email": "ana.worker@example.org",
        "worker_address": "12 Orchard Lane\nFresno, CA 93701",
        "worker_e_service_consent": True,
    }
    defaults.update(case_overrides)
    case = CaseFactory(**defaults)
    _parties_add(
        case,
        provider={
            "specialty": "Pain Management",
            "email": "lee.park@example.org",
            "address": "400 Clinic Way\nFresno, CA 93702",
            "e_service_consent": True,
        },
        claims_administrator={"email": "claims@example.org", "e_service_consent": True},
        employer={"email": "hr@acme.example.org", "e_service_consent": True},
    )
    if attorney:
        PartyFactory(
            case=case,
            role=PartyRole.ATTORNEY,
            name="Morgan Counsel, Esq.",
            email="counsel@example.org",
            e_service_consent=True,
        )
    for title, document_date, pages in records:
        MedicalRecord.objects.create(
            case=case,
            title=title,
            document_date=document_date,
            pages=pages,
            file=f"records/{case.pk}/{title.replace(' ', '-')}.pdf",
        )
    reviewer = UserFactory(
        role=Role.REVIEWER,
        first_name=LETTER_REVIEWER_FIRST_NAME,
        last_name=LETTER_REVIEWER_LAST_NAME,
    )
    Assignment.objects.create(
        case=case, reviewer=reviewer, round=case.round, status=AssignmentStatus.ACCEPTED
    )
    determination = Determination.objects.create(
        case=case,
        round=case.round,
        reviewer=reviewer,
        reviewer_licensure=["California", "Nevada"],
        reviewer_certifications=["Pain Management", "Anesthesiology"],
        clinical_summary=summary,
        decision_date=dt.date(2026, 11, 20),
        status=DeterminationStatus.APPROVED,
    )
    descriptions = descriptions or [
        f"Disputed treatment number {position}" for position in range(1, len(outcomes) + 1)
    ]
    for position, (outcome, description) in enumerate(
        zip(outcomes, descriptions, strict=True), start=1
    ):
        item = DisputedItemFactory(case=case, position=position, description=description)
        ItemDecision.objects.create(
            determination=determination,
            item=item,
            outcome=outcome,
            citation_kind=citation[0],
            citation_text=citation[1],
            rationale=rationale,
        )
    return determination


def notice_of_assignment(case, *, status, **fields):
    """The case's notice of assignment in `status`, with its event, as of 11/03/2026."""
    from cases.lifecycle.models import CaseEvent, EventType
    from reviews.letters.models import Notice, NoticeKind
    from reviews.letters.render import letter_text_current

    event = CaseEvent.objects.create(
        case=case, type=EventType.NOTICE_OF_ASSIGNMENT_SENT, details={}
    )
    return Notice.objects.create(
        case=case,
        kind=NoticeKind.NOTICE_OF_ASSIGNMENT,
        status=status,
        event=event,
        letter_text=letter_text_current(),
        intended_on=dt.date(2026, 11, 3),
        **fields,
    )


def case_in_review(reviewer=None, *, items=1, **case_overrides):
    """A case a reviewer has accepted (status in_review) and its draft determination.
    Returns (case, reviewer, determination). `items` disputed items, the first from
    ready_case, the rest knee MRIs."""
    from reviews.assignment.services import reviewer_assign
    from reviews.determination.models import Determination
    from reviews.determination.services import assignment_accept

    case = ready_case(**case_overrides)
    for position in range(2, items + 1):
        DisputedItemFactory(
            case=case,
            position=position,
            description=f"MRI of the left knee ({position})",
            category="injection",
            ur_citation_text="MTUS Knee Complaints 2004",
        )
    reviewer = reviewer or reviewer_with_profile(
        "REV-DRAFT",
        certifications=("Pain Management", "Anesthesiology"),
        licences=(("CA", "2030-01-01", False), ("VA", "2030-01-01", False)),
    )
    admin = UserFactory(role=Role.CASE_ADMIN)
    assignment = reviewer_assign(case=case, reviewer=reviewer, actor=admin)
    assignment_accept(assignment=assignment, actor=reviewer, attest_no_conflict=True)
    case.refresh_from_db()
    return case, reviewer, Determination.objects.get(case=case, round=case.round)


COMPLETE_RATIONALE = (
    "The guidelines support this block only with documented lasting relief from a prior "
    "block; none is documented, so the request is not medically necessary."
)


def determination_fill(determination, *, outcomes=("upheld",), rationale=COMPLETE_RATIONALE):
    """Write a complete draft directly (test setup): a summary, and each item decided with an
    MTUS citation and a rationale that matches its outcome."""
    determination.clinical_summary += (
        "The injured worker was diagnosed as having lumbar radiculopathy. Treatment to date "
        "has included physical therapy and medication."
    )
    determination.save()
    for decision, outcome in zip(
        determination.decisions.order_by("item__position"), outcomes, strict=False
    ):
        decision.outcome = outcome
        decision.citation_kind = "mtus"
        decision.citation_text = "MTUS Chronic Pain Medical Treatment Guidelines 2009"
        decision.rationale = (
            rationale
            if outcome == "upheld"
            else "The records document the criteria the guideline sets, so the request is "
            "medically necessary."
        )
        decision.save()
    return determination


def login(client, user):
    """The test client signed in as `user` with the factories' password."""
    assert client.login(username=user.username, password=PASSWORD)
    return client

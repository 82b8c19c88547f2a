"""Demo data for trying IMR Desk: one login per role and a handful of cases spread over the
lifecycle, dated relative to today so the statutory clock has something to show.

Idempotent: users are matched by username (a password is set only when the user is created),
cases by application_id; a second run creates and changes nothing."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from accounts.models import Role, User
from accounts.second_factor import DEVICE_NAME, is_enrolled, recovery_codes_issue, totp_secret
from accounts.tokens import api_token_create
from cases.clock.deadlines import determination_due_on
from cases.eligibility.services import case_eligibility_record, case_records_complete
from cases.intake.services import case_create, cases_import
from cases.lifecycle.models import Case
from cases.lifecycle.services import case_terminate
from cases.records.models import RecordKind
from cases.records.services import record_inspect_pages
from reviews.assignment.services import reviewer_assign
from reviews.determination.services import assignment_accept
from reviews.organization.models import Organization
from reviews.organization.services import organization_current
from reviews.roster.models import ReviewerProfile
from reviews.roster.services import reviewers_import
from reviews.roster.validation import username_for

DEMO_PASSWORD = "imr-demo-2026"
# records_complete_days_ago for a case whose 30-day determination should fall due in 1-3 days.
DUE_SOON = -1


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    title: str = ""

    @property
    def email(self) -> str:
        return f"{self.username.replace('-', '.')}@imr-desk.example"

    @property
    def display_name(self) -> str:
        return f"{self.title} {self.first_name} {self.last_name}".strip()


DEMO_USERS = [
    DemoUser("admin", "Carmen", "Alvarez", Role.CASE_ADMIN),
    DemoUser("reviewer1", "Helen", "Park", Role.REVIEWER, title="Dr."),
    DemoUser("reviewer2", "Omar", "Haddad", Role.REVIEWER, title="Dr."),
    DemoUser("quality", "Lena", "Marsh", Role.QUALITY_REVIEWER, title="Dr."),
    DemoUser("sysadmin", "Sam", "Ortiz", Role.SYSTEM_ADMIN),
    DemoUser("claims-api", "Pacific Claims", "Services", Role.API_CLIENT),
]


def demo_roster(today: dt.date) -> list[dict]:
    """The two demo reviewers as a roster file (SPEC section 7), so they carry the licences,
    certifications and affiliations that matching checks. External ids give their usernames."""
    expires = dt.date(today.year + 4, 6, 30).isoformat()
    return [
        {
            "external_id": "REVIEWER1",
            "name": "Dr. Helen Park",
            "email": "reviewer1@imr-desk.example",
            "licences": [
                {"state": "CA", "number": "A118204", "expires": expires, "restricted": False},
                {"state": "NV", "number": "NV-20417", "expires": expires, "restricted": False},
            ],
            "certifications": [
                "Orthopedic Surgery",
                "Pain Management",
                "Physical Medicine & Rehabilitation",
                "Occupational Medicine",
                "Sports Medicine",
            ],
            "years_in_practice": 16,
            "weekly_practice_hours": 36,
            "max_open_cases": 10,
            "current_open_cases": 0,
            "on_leave": False,
            "affiliations": [
                {"kind": "provider_group", "name": "Bay Orthopedic Associates", "identifier": None}
            ],
        },
        {
            "external_id": "REVIEWER2",
            "name": "Dr. Omar Haddad",
            "email": "reviewer2@imr-desk.example",
            "licences": [
                {"state": "CA", "number": "G90352", "expires": expires, "restricted": False},
            ],
            "certifications": [
                "Neurology",
                "Psychiatry",
                "Internal Medicine",
                "Occupational Medicine",
                "Chiropractic",
            ],
            "years_in_practice": 11,
            "weekly_practice_hours": 30,
            "max_open_cases": 8,
            "current_open_cases": 0,
            "on_leave": False,
            # A declared tie: he is in conflict on every Coastal UR case.
            "affiliations": [{"kind": "ur_organization", "name": "Coastal UR", "identifier": None}],
        },
    ]


@dataclass
class DemoRecord:
    title: str
    days_ago: int
    pages: int
    lines: list[str]
    kind: str = RecordKind.MEDICAL


@dataclass
class DemoCase:
    """Intake data plus the steps an administrator has taken on the case so far."""

    data: dict
    records: list[DemoRecord] = field(default_factory=list)
    # 0: found eligible today, and the notice of assignment goes from here as the parties are
    # served (cases.eligibility.services.notice_method). More: the case comes from the
    # organization's earlier system, found eligible and its notice sent that many days ago by
    # `notice_sent_by` (intake's Date Assigned), so its clock runs from that day. A notice sent
    # from here is dated the day it is signed; one dated in the past would print a records due
    # date later than the clock's (from QA).
    notice_days_ago: int | None = None
    notice_sent_by: str = "mail"
    records_complete_days_ago: int | None = None
    ineligible_reasons: list[str] = field(default_factory=list)
    terminated: tuple[str, str] | None = None
    # Assigned to this demo reviewer (username); accepted too when `accepted`.
    assign_to: str | None = None
    accepted: bool = False


def _demo_email(name: str) -> str:
    """A made-up address on the reserved example.org domain. No consent to electronic service
    goes with it (CCP 1010.6(a)(2)), so the demo's backdated notices are held rather than served
    on the day the demo starts; giving consent on the case page e-mails the held copies (to the
    console in development)."""
    local = ".".join(re.findall(r"[a-z0-9]+", name.lower().replace("dr.", ""))[:3])
    return f"{local}@example.org"


def _party(name: str, **extra) -> dict:
    return {"name": name, "email": _demo_email(name), **extra}


def _worker(first_name: str, last_name: str, date_of_birth: dt.date, sex: str) -> dict:
    return {
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": date_of_birth,
        "sex": sex,
        "email": _demo_email(f"{first_name} {last_name}"),
    }


def _item(description: str, category: str, citation: str, kind: str = "mtus", **extra) -> dict:
    return {
        "description": description,
        "category": category,
        "ur_citation": {"kind": kind, "text": citation},
        **extra,
    }


def _ur_decision(days_ago: int, item: str) -> DemoRecord:
    return DemoRecord(
        "Utilization review decision",
        days_ago,
        2,
        [
            "UTILIZATION REVIEW DETERMINATION",
            f"Request: {item}",
            "Determination: non-certified (not medically necessary).",
        ],
        kind=RecordKind.UR_DECISION,
    )


def demo_cases(today: dt.date) -> list[DemoCase]:
    def ago(days: int) -> dt.date:
        return today - dt.timedelta(days=days)

    def intake(number: int, *, received: int, ur: int, **fields) -> dict:
        data = {
            "application_id": f"DEMO-{number:04d}",
            "priority": "standard",
            "application_received": ago(received),
            "ur_decision_date": ago(ur),
            "diagnoses": [],
            "items": [],
            # Signed by the worker, on a UR decision of medical necessity, liability accepted:
            # the eligibility screen passes them (each demo case carries its UR decision).
            "filed_by": "employee",
            "application_signed": "yes",
            "ur_decision_basis": "medical_necessity",
            "liability_disputed": "no",
        }
        data.update(fields)
        return data

    return [
        DemoCase(
            intake(
                1,
                received=1,
                ur=10,
                date_of_injury=dt.date(2024, 3, 14),
                claim_number="PCS-24-118204",
                injured_worker=_worker("Maria", "Delgado", dt.date(1979, 5, 2), "female"),
                employer=_party("Valley Fresh Packing LLC"),
                claims_administrator=_party("Pacific Claims Services"),
                requesting_provider=_party(
                    "Dr. Kevin Tran", specialty="Orthopedic Surgery", npi="1881726354"
                ),
                ur_organization=_party("Coastal UR"),
                diagnoses=["lumbar strain", "lumbar radiculopathy"],
                items=[
                    _item(
                        "MRI of the lumbar spine without contrast",
                        "diagnostic_imaging",
                        "MTUS ACOEM Low Back Complaints, Chapter 12, pages 303-304",
                    ),
                    _item(
                        "Physical therapy, 12 sessions for the lumbar spine",
                        "pt_ot",
                        "MTUS Chronic Pain Medical Treatment Guidelines, Physical Medicine, "
                        "pages 98-99",
                    ),
                ],
            ),
            records=[
                _ur_decision(10, "MRI of the lumbar spine; physical therapy x12"),
                DemoRecord(
                    "PR-2 progress report",
                    18,
                    3,
                    [
                        "PRIMARY TREATING PHYSICIAN'S PROGRESS REPORT (PR-2)",
                        "Low back pain radiating to the left leg, 7/10.",
                        "Plan: MRI of the lumbar spine; physical therapy.",
                    ],
                ),
            ],
        ),
        DemoCase(
            # Filed 48 days after the UR decision: flagged late for the administrator to decide.
            intake(
                2,
                received=2,
                ur=50,
                date_of_injury=dt.date(2023, 9, 30),
                claim_number="RS-23-550917",
                injured_worker=_worker("Daniel", "Okafor", dt.date(1985, 11, 19), "male"),
                employer=_party("Golden State Logistics Inc."),
                claims_administrator=_party("Redwood Risk Solutions"),
                requesting_provider=_party(
                    "Dr. Mei Chen", specialty="Physical Medicine & Rehabilitation"
                ),
                ur_organization=_party("Summit Review Services"),
                diagnoses=["cervical sprain", "myofascial pain"],
                items=[
                    _item(
                        "Acupuncture, 6 sessions for the neck",
                        "acupuncture",
                        "MTUS Acupuncture Medical Treatment Guidelines, 8 CCR 9792.24.1",
                    )
                ],
            ),
            records=[_ur_decision(50, "Acupuncture x6")],
        ),
        DemoCase(
            # Notice sent 20 days ago electronically: records were due 12 days later, and are late.
            intake(
                3,
                received=25,
                ur=30,
                date_of_injury=dt.date(2022, 6, 8),
                claim_number="PCS-22-074412",
                injured_worker=_worker("Robert", "Nguyen", dt.date(1971, 1, 27), "male"),
                employer=_party("Bayside Unified School District"),
                claims_administrator=_party("Pacific Claims Services"),
                requesting_provider=_party(
                    "Dr. Aisha Patel", specialty="Pain Management", npi="1356489021"
                ),
                ur_organization=_party("Coastal UR"),
                ur_physician=_party("Dr. Howard Blake"),
                diagnoses=["lumbar disc displacement", "sciatica"],
                items=[
                    _item(
                        "Lumbar epidural steroid injection at L4-L5",
                        "injection",
                        "MTUS Chronic Pain Medical Treatment Guidelines, Epidural steroid "
                        "injections, page 46",
                    )
                ],
            ),
            records=[_ur_decision(30, "Lumbar epidural steroid injection L4-L5")],
            notice_days_ago=20,
            notice_sent_by="electronic",
        ),
        DemoCase(
            # Notice mailed 3 days ago: records due 15 days after mailing.
            intake(
                4,
                received=5,
                ur=12,
                date_of_injury=dt.date(2025, 1, 21),
                claim_number="SW-25-003318",
                injured_worker=_worker("Linda", "Kowalski", dt.date(1966, 8, 14), "female"),
                employer=_party("Sierra Home Health Partners"),
                claims_administrator=_party("Statewide Adjusting Co."),
                requesting_provider=_party("Dr. Victor Ramos", specialty="Chiropractic"),
                ur_organization=_party("Summit Review Services"),
                attorney=_party("Law Office of Rachel Green"),
                diagnoses=["thoracic sprain", "shoulder impingement"],
                items=[
                    _item(
                        "Chiropractic manipulation, 6 additional visits",
                        "chiropractic",
                        "MTUS Chronic Pain Medical Treatment Guidelines, Manual therapy and "
                        "manipulation, pages 58-60",
                        original_request="Chiropractic manipulation, 12 visits",
                        authorized_portion="Chiropractic manipulation, 6 visits",
                    ),
                    _item(
                        "TENS unit, 30-day rental",
                        "electrical_stimulation",
                        "ODG Pain Chapter, TENS",
                        kind="non_mtus",
                    ),
                ],
            ),
            records=[
                _ur_decision(12, "Chiropractic x12 (modified to x6); TENS unit rental"),
                DemoRecord(
                    "Chiropractic re-evaluation",
                    20,
                    2,
                    ["CHIROPRACTIC RE-EVALUATION", "Mid back pain improved 30% after 6 visits."],
                ),
            ],
            notice_days_ago=3,
        ),
        DemoCase(
            # Records complete about four weeks ago: the 30-day determination is due in 1-3 days.
            intake(
                5,
                received=40,
                ur=45,
                date_of_injury=dt.date(2024, 10, 2),
                claim_number="PCS-24-201876",
                injured_worker=_worker("James", "Whitfield", dt.date(1974, 3, 9), "male"),
                employer=_party("Central Valley Construction Co."),
                claims_administrator=_party("Pacific Claims Services"),
                requesting_provider=_party(
                    "Dr. Elena Petrova", specialty="Orthopedic Surgery", npi="1902837465"
                ),
                ur_organization=_party("Coastal UR"),
                diagnoses=["tear of the medial meniscus, right knee", "knee effusion"],
                items=[
                    _item(
                        "Right knee arthroscopy with partial medial meniscectomy",
                        "surgery_arthroscopic",
                        "MTUS ACOEM Knee Complaints, Chapter 13, pages 344-345",
                    ),
                    _item(
                        "Cold therapy unit, 7-day rental after surgery",
                        "dme",
                        "ODG Knee and Leg Chapter, Continuous-flow cryotherapy",
                        kind="non_mtus",
                    ),
                ],
            ),
            records=[
                _ur_decision(45, "Right knee arthroscopy; cold therapy unit"),
                DemoRecord(
                    "Orthopedic consultation",
                    60,
                    4,
                    [
                        "ORTHOPEDIC CONSULTATION",
                        "Right knee pain with locking since the fall at work.",
                        "McMurray test positive medially.",
                    ],
                ),
                DemoRecord(
                    "MRI report, right knee",
                    55,
                    1,
                    [
                        "MRI RIGHT KNEE WITHOUT CONTRAST",
                        "Complex tear, posterior horn of the medial meniscus.",
                    ],
                ),
            ],
            notice_days_ago=35,
            records_complete_days_ago=DUE_SOON,
            assign_to="reviewer1",
            accepted=True,
        ),
        DemoCase(
            # Expedited: records due 24 hours after the notice; determination 3 days after them.
            intake(
                6,
                received=1,
                ur=2,
                priority="expedited",
                date_of_injury=dt.date(2025, 8, 17),
                claim_number="RS-25-610044",
                injured_worker=_worker("Teresa", "Lopez", dt.date(1982, 12, 1), "female"),
                employer=_party("Harbor Freight Terminals Inc."),
                claims_administrator=_party("Redwood Risk Solutions"),
                requesting_provider=_party(
                    "Dr. Marcus Bell", specialty="Neurological Surgery", npi="1467382910"
                ),
                ur_organization=_party("Summit Review Services"),
                diagnoses=["cervical myelopathy", "C5-C6 disc herniation"],
                items=[
                    _item(
                        "Anterior cervical discectomy and fusion at C5-C6",
                        "surgery_spine",
                        "MTUS ACOEM Neck and Upper Back Complaints, Chapter 8, pages 179-180",
                    )
                ],
            ),
            records=[
                _ur_decision(2, "ACDF C5-C6"),
                # What an expedited review rests on (8 CCR 9792.10.4(c)).
                DemoRecord(
                    "Physician's certification for expedited review",
                    1,
                    1,
                    [
                        "CERTIFICATION FOR EXPEDITED REVIEW",
                        "Progressive myelopathy: an imminent and serious threat to the worker's "
                        "health. Marcus Bell, M.D.",
                    ],
                    kind=RecordKind.CERTIFICATION,
                ),
                DemoRecord(
                    "Neurosurgical consultation",
                    6,
                    3,
                    ["NEUROSURGICAL CONSULTATION", "Progressive hand weakness; gait unsteady."],
                ),
            ],
            notice_days_ago=0,
            records_complete_days_ago=0,
        ),
        DemoCase(
            # Every item a drug-formulary dispute: determination due in 5 working days.
            intake(
                7,
                received=4,
                ur=9,
                date_of_injury=dt.date(2021, 4, 12),
                claim_number="SW-21-884120",
                injured_worker=_worker("Kenji", "Watanabe", dt.date(1969, 7, 23), "male"),
                employer=_party("Pacific Coast Hotels Group"),
                claims_administrator=_party("Statewide Adjusting Co."),
                requesting_provider=_party("Dr. Sofia Marin", specialty="Pain Management"),
                ur_organization=_party("Coastal UR"),
                diagnoses=["chronic low back pain", "muscle spasm"],
                items=[
                    _item(
                        "Tramadol ER 100 mg, #30",
                        "pharmaceuticals",
                        "MTUS Drug Formulary, 8 CCR 9792.27.15",
                        formulary_dispute=True,
                    ),
                    _item(
                        "Cyclobenzaprine 7.5 mg, #60",
                        "pharmaceuticals",
                        "MTUS Chronic Pain Medical Treatment Guidelines, Muscle relaxants, page 64",
                        formulary_dispute=True,
                    ),
                ],
            ),
            records=[
                _ur_decision(9, "Tramadol ER 100 mg #30; cyclobenzaprine 7.5 mg #60"),
                DemoRecord(
                    "Pain management follow-up",
                    15,
                    2,
                    ["PAIN MANAGEMENT FOLLOW-UP", "Pain 6/10 with medication, 9/10 without."],
                ),
            ],
            notice_days_ago=3,
            records_complete_days_ago=1,
        ),
        DemoCase(
            intake(
                8,
                received=6,
                ur=14,
                date_of_injury=dt.date(2024, 12, 3),
                claim_number="PCS-24-330019",
                injured_worker=_worker("Grace", "Holloway", dt.date(1990, 2, 16), "female"),
                employer=_party("Northgate Grocers Inc."),
                claims_administrator=_party("Pacific Claims Services"),
                requesting_provider=_party("Dr. Paul Stein", specialty="Psychiatry"),
                ur_organization=_party("Coastal UR"),
                diagnoses=["adjustment disorder with anxiety"],
                items=[
                    _item(
                        "Cognitive behavioral therapy, 10 sessions",
                        "psych_therapy",
                        "MTUS Chronic Pain Medical Treatment Guidelines, Behavioral "
                        "interventions, page 23",
                    )
                ],
            ),
            records=[_ur_decision(14, "Cognitive behavioral therapy x10")],
            ineligible_reasons=[
                "The claims administrator disputes liability for the psychiatric injury; IMR "
                "decides medical necessity only (Lab. Code 4610.5(a)).",
            ],
        ),
        DemoCase(
            intake(
                9,
                received=9,
                ur=15,
                date_of_injury=dt.date(2025, 5, 28),
                claim_number="RS-25-402263",
                injured_worker=_worker("Ahmed", "Rahman", dt.date(1988, 9, 4), "male"),
                employer=_party("Desert Solar Installers LLC"),
                claims_administrator=_party("Redwood Risk Solutions"),
                requesting_provider=_party(
                    "Dr. Nina Alvarez", specialty="Neurology", npi="1730495862"
                ),
                ur_organization=_party("Summit Review Services"),
                diagnoses=["carpal tunnel syndrome, right"],
                items=[
                    _item(
                        "EMG/NCV of both upper extremities",
                        "diagnostic_emg",
                        "MTUS ACOEM Forearm, Wrist, and Hand Complaints, Chapter 11, page 261",
                    )
                ],
            ),
            records=[_ur_decision(15, "EMG/NCV bilateral upper extremities")],
            notice_days_ago=7,
            terminated=(
                "authorized",
                "The claims administrator authorized the EMG/NCV after the notice of assignment.",
            ),
        ),
    ]


def _days_ago_for_due_soon(today: dt.date) -> int:
    """How long ago standard records were complete for the determination to be due in 1-3
    days; weekends and holidays move the due date (Code Civ. Proc. 12a), hence the search."""
    for days_ago in range(30, 20, -1):
        due = determination_due_on(
            clock_start=today - dt.timedelta(days=days_ago), expedited=False, formulary_only=False
        )
        if 1 <= (due - today).days <= 3:
            return days_ago
    return 28


def record_pdf(lines: list[str], pages: int) -> bytes:
    """A small PDF with a few lines of text on each page (Helvetica, no embedded font)."""

    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    writer = PdfWriter()
    for number in range(1, pages + 1):
        page = writer.add_blank_page(width=612, height=792)
        shown = [*lines, "", f"Demo record: invented data. Page {number} of {pages}."]
        text = " T* ".join(f"({_pdf_string(line)}) Tj" for line in shown)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 72 720 Td 16 TL {text} ET".encode("latin-1"))
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
        )
        page.replace_contents(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


class Command(BaseCommand):
    help = (
        "Create demo logins (one per role, password imr-demo-2026) and demo cases spread over "
        "the case lifecycle, dated relative to today. Safe to run again: nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="Print nothing.")

    def handle(self, *args, quiet: bool = False, **options):
        self.api_key = ""
        self.second_factors: dict[str, tuple[str, list[str]]] = {}
        today = timezone.localdate()
        users_created = self.reviewers_ensure(today) + self.users_ensure()
        self.signatory_ensure()
        admin = User.objects.get(username="admin")
        cases_created = sum(
            self.case_ensure(spec, actor=admin, today=today) for spec in demo_cases(today)
        )
        cases_created += self.example_import()
        if not quiet:
            self.stdout.write(
                f"seed_demo: {users_created} login(s) and {cases_created} case(s) created; "
                f"{Case.objects.count()} case(s) in the database."
            )
            self.stdout.write(self.logins_table())

    def signatory_ensure(self) -> None:
        """The letters are signed for the organization by a person, the demo medical director
        (from QA: the model's default put the title "Medical Director" where the name goes).
        Details an administrator already changed are left alone."""
        organization = organization_current()
        defaults = {
            field: Organization._meta.get_field(field).default
            for field in ("signatory_name", "signatory_title")
        }
        if all(getattr(organization, field) == value for field, value in defaults.items()):
            organization.signatory_name = "Lena Marsh, MD"
            organization.signatory_title = "Medical Director, Independent Medical Review"
            organization.save(update_fields=["signatory_name", "signatory_title", "updated_at"])

    def reviewers_ensure(self, today: dt.date) -> int:
        """Reviewers come in through the roster import, as real ones do; a demo login that
        exists without a reviewer profile is left alone (the import would refuse its name)."""
        rows = []
        for row in demo_roster(today):
            username = username_for(row["external_id"])
            has_profile = ReviewerProfile.objects.filter(external_id=row["external_id"]).exists()
            if has_profile or not User.objects.filter(username=username).exists():
                rows.append(row)
        if not rows:
            return 0
        created = [
            result.username
            for result in reviewers_import(payload=rows)
            if result.status == "created"
        ]
        # Imported reviewers have no password; the demo ones get the demo password once.
        for user in User.objects.filter(username__in=created):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return len(created)

    def example_import(self) -> int:
        """The spec's example case (the seed letter as an issued case with its determination)."""
        path = settings.BASE_DIR / "examples" / "seed-case.json"
        payload = json.loads(path.read_text(encoding="utf-8"))
        results = cases_import(payload=payload, actor=None, source="import", base_dir=path.parent)
        return sum(result.created for result in results)

    def users_ensure(self) -> int:
        created_count = 0
        for spec in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=spec.username,
                defaults={
                    "first_name": spec.first_name,
                    "last_name": spec.last_name,
                    "email": spec.email,
                    # The system administrator also runs Django's admin site (SPEC section 1):
                    # the role sets the admin flags (User.save).
                    "role": spec.role,
                },
            )
            if created:
                # Only on creation: a password changed since is never reset by a re-run.
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                created_count += 1
            if spec.role == Role.API_CLIENT and created:
                # The key is printed now only: just its hash is kept.
                self.api_key = api_token_create(user=user, name="Demo claims system")[1]
            elif spec.role != Role.API_CLIENT and not is_enrolled(user):
                self.second_factors[user.username] = self.second_factor_ensure(user)
        return created_count

    def second_factor_ensure(self, user) -> tuple[str, list[str]]:
        """A confirmed authenticator app for a demo login (the second factor is required), so
        a tester can add its key to an app or use `manage.py totp_code`; and its recovery codes."""
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=True)
        return totp_secret(device), recovery_codes_issue(user)

    def case_ensure(self, spec: DemoCase, *, actor, today: dt.date) -> bool:
        if Case.objects.filter(application_id=spec.data["application_id"]).exists():
            return False
        with transaction.atomic():
            records = [
                {
                    "title": record.title,
                    "document_date": today - dt.timedelta(days=record.days_ago),
                    "kind": record.kind,
                    "filename": f"{spec.data['application_id'].lower()}-{position}.pdf",
                    "path": None,
                    "content": record_pdf(record.lines, record.pages),
                }
                for position, record in enumerate(spec.records, start=1)
            ]
            data = {**spec.data, "records": records}
            if spec.notice_days_ago:
                data["date_assigned"] = today - dt.timedelta(days=spec.notice_days_ago)
                data["notice_sent_by"] = spec.notice_sent_by
            case = case_create(data=data, actor=actor, source="ui")
            for added in case.records.all():
                # Count pages now so the demo is complete without a worker; the queued
                # inspection task then finds the work done.
                record_inspect_pages(record_id=added.pk)
                # Received with the application, or when written if later: the letter lists
                # each record's date of receipt (from QA: every demo record was "received"
                # today, after the records were complete).
                received = max(case.application_received, added.document_date or today)
                added.received_at = min(
                    timezone.make_aware(dt.datetime.combine(received, dt.time(10))),
                    timezone.now(),
                )
                added.save(update_fields=["received_at"])
            if spec.ineligible_reasons:
                case_eligibility_record(
                    case=case, actor=actor, eligible=False, reasons=spec.ineligible_reasons
                )
            if spec.notice_days_ago == 0:
                case = case_eligibility_record(case=case, actor=actor, eligible=True)
            if spec.records_complete_days_ago is not None:
                days_ago = spec.records_complete_days_ago
                if days_ago == DUE_SOON:
                    days_ago = _days_ago_for_due_soon(today)
                case = case_records_complete(
                    case=case, actor=actor, on=today - dt.timedelta(days=days_ago)
                )
            if spec.terminated:
                reason, note = spec.terminated
                case_terminate(case=case, actor=actor, reason=reason, note=note)
            if spec.assign_to:
                # Through the same services as the Assign page, so the demo reviewer has a
                # case to work on with its events in place.
                reviewer = User.objects.get(username=spec.assign_to)
                assignment = reviewer_assign(case=case, reviewer=reviewer, actor=actor)
                if spec.accepted:
                    assignment_accept(
                        assignment=assignment, actor=reviewer, attest_no_conflict=True
                    )
        return True

    def logins_table(self) -> str:
        users = {
            user.username: user
            for user in User.objects.filter(username__in=[spec.username for spec in DEMO_USERS])
        }
        rows = [("username", "password", "role", "name")]
        for spec in DEMO_USERS:
            user = users.get(spec.username)
            if user is not None:
                rows.append(
                    (user.username, DEMO_PASSWORD, user.get_role_display(), spec.display_name)
                )
        widths = [max(len(row[column]) for row in rows) for column in range(4)]
        lines = ["Demo logins (the password is the one set when the login was created):"]
        for row in rows:
            lines.append(
                "  "
                + "  ".join(
                    cell.ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
        lines.append(
            "Second factor (TOTP) after the password: the code of the moment is printed by  "
            ".venv/bin/python manage.py totp_code USERNAME  (DEBUG only)"
        )
        for username, (secret, codes) in self.second_factors.items():
            lines.append(
                f"  {username}: app key {secret}; recovery codes {', '.join(codes[:3])}, ..."
            )
        if self.api_key:
            lines.append(f"API token of claims-api (shown once, hash kept): {self.api_key}")
        else:
            lines.append(
                "API token: make one with  .venv/bin/python manage.py api_token_create claims-api"
            )
        lines.append("  use it as the header  Authorization: Token <key>  on /api/v1/")
        return "\n".join(lines)

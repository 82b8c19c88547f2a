import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import ApiToken, Role, User
from accounts.second_factor import totp_secret
from accounts.tokens import key_hash
from cases.lifecycle.models import Case, CaseEvent, CaseStatus, Party
from cases.records.models import MedicalRecord
from reviews.assignment.matching import reviewers_for_case
from reviews.management.commands.seed_demo import DEMO_PASSWORD
from reviews.organization.services import organization_current
from reviews.roster.models import ReviewerProfile

pytestmark = pytest.mark.django_db


def seed(*args) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (User, ApiToken, ReviewerProfile, Case, Party, MedicalRecord, CaseEvent)
    }


def test_every_demo_login_signs_in_with_its_role(client):
    seed("--quiet")
    expected = {
        "admin": Role.CASE_ADMIN,
        "reviewer1": Role.REVIEWER,
        "reviewer2": Role.REVIEWER,
        "quality": Role.QUALITY_REVIEWER,
        "sysadmin": Role.SYSTEM_ADMIN,
        "claims-api": Role.API_CLIENT,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert user.email
        assert client.login(username=username, password=DEMO_PASSWORD), username
        client.logout()
    sysadmin = User.objects.get(username="sysadmin")
    assert sysadmin.is_staff and sysadmin.is_superuser
    assert not User.objects.get(username="admin").is_superuser
    reviewer = User.objects.get(username="reviewer1")
    assert reviewer.first_name and reviewer.last_name
    assert ApiToken.objects.filter(user__username="claims-api").exists()


def test_second_run_creates_and_changes_nothing():
    seed("--quiet")
    before = counts()
    statuses = dict(Case.objects.values_list("application_id", "status"))
    output = seed()
    assert counts() == before
    assert dict(Case.objects.values_list("application_id", "status")) == statuses
    assert "0 login(s) and 0 case(s) created" in output


def test_a_changed_password_survives_a_rerun():
    seed("--quiet")
    admin = User.objects.get(username="admin")
    admin.set_password("my own secret 42")
    admin.save()
    seed("--quiet")
    admin.refresh_from_db()
    assert admin.check_password("my own secret 42")
    assert not admin.check_password(DEMO_PASSWORD)


def test_demo_cases_cover_the_lifecycle_and_the_clock():
    seed("--quiet")
    cases = list(Case.objects.prefetch_related("items", "records"))
    statuses = {case.status for case in cases}
    assert {
        CaseStatus.RECEIVED,
        CaseStatus.AWAITING_RECORDS,
        CaseStatus.RECORDS_COMPLETE,
        CaseStatus.INELIGIBLE,
        CaseStatus.TERMINATED,
    } <= statuses
    assert any(case.clock.filed_late for case in cases if case.status == CaseStatus.RECEIVED)
    assert any(case.clock.running == "records" and case.clock.overdue for case in cases)
    assert any(case.clock.running == "determination" and case.clock.due_soon for case in cases)
    assert any(case.priority == "expedited" for case in cases)
    categories = {item.category for case in cases for item in case.items.all()}
    assert len(categories) >= 8
    # Every record is a readable PDF whose pages were counted for the letter's document list.
    records = [record for case in cases for record in case.records.all()]
    assert records and all(record.pages and record.pages > 0 for record in records)
    with records[0].file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"


def test_demo_cases_carry_their_history_as_events():
    seed("--quiet")
    terminated = Case.objects.get(status=CaseStatus.TERMINATED)
    types = list(terminated.events.values_list("type", flat=True))
    assert types[0] == "case_received"
    assert "notice_of_assignment_sent" in types
    assert types[-1] == "case_terminated"


def test_output_lists_the_logins_the_second_factors_and_the_api_token():
    output = seed()
    token = ApiToken.objects.get(user__username="claims-api")
    for username in ("admin", "reviewer1", "reviewer2", "quality", "sysadmin", "claims-api"):
        assert username in output
    assert DEMO_PASSWORD in output
    # The key is printed once; only its hash is stored.
    key = re.search(r"imr_[A-Za-z0-9_-]+", output).group(0)
    assert token.key_sha256 == key_hash(key)
    # Every staff login has a confirmed app, its key printed, and recovery codes.
    for username in ("admin", "reviewer1", "quality", "sysadmin"):
        device = TOTPDevice.objects.get(user__username=username, confirmed=True)
        assert f"{username}: app key {totp_secret(device)}" in output
    assert not TOTPDevice.objects.filter(user__username="claims-api").exists()
    again = seed()
    assert key not in again and "api_token_create claims-api" in again
    assert seed("--quiet") == ""


def test_demo_reviewers_have_profiles_that_matching_can_use():
    seed("--quiet")
    for username in ("reviewer1", "reviewer2"):
        profile = ReviewerProfile.objects.get(user__username=username)
        assert profile.licences.exists()
        assert profile.certifications.exists()
    # The knee arthroscopy case went to the orthopedic surgeon, who accepted it; the other
    # reviewer is excluded with reasons (no accepted specialty, and a tie to the UR organization).
    case = Case.objects.get(application_id="DEMO-0005")
    assert case.status == "in_review"
    assert case.assignments.get().reviewer.username == "reviewer1"
    match = reviewers_for_case(case)
    reasons = {c.entry.external_id: " ".join(c.reasons) for c in match.excluded}
    assert match.eligible == []
    assert "Already reviewed or was offered this case" in reasons["REVIEWER1"]
    assert "Coastal UR" in reasons["REVIEWER2"]


def test_the_spec_example_case_is_imported_as_issued_history():
    seed("--quiet")
    case = Case.objects.get(application_id="EXAMPLE-SEED-1")
    assert case.case_number == "CM15-0046802"
    assert case.status == CaseStatus.ISSUED


def test_the_demo_letters_are_signed_by_a_named_person_and_a_change_survives_a_rerun():
    """From QA: the signature block read "Medical Director / Independent Medical Review", the
    model's default title in the place of the signatory's name."""
    seed("--quiet")
    organization = organization_current()
    assert organization.signatory_name == "Lena Marsh, MD"
    organization.signatory_name = "Ada Quill, MD"
    organization.save()
    seed("--quiet")
    assert organization_current().signatory_name == "Ada Quill, MD"


def test_demo_records_are_received_before_their_case_is_complete():
    """From QA: the demo letter listed each record as received on the day the demo was made,
    after the date the records were complete."""
    seed("--quiet")
    checked = 0
    for record in MedicalRecord.objects.select_related("case"):
        received = timezone.localdate(record.received_at)
        assert received >= record.case.application_received, record
        if record.case.records_complete_on:
            assert received <= record.case.records_complete_on, record
            checked += 1
    assert checked


def test_the_demo_notices_print_the_records_date_the_clock_counts(
    django_capture_on_commit_callbacks,
):
    """From QA: the demo's notices were dated days in the past at the finding but signed, and
    so printed, the day the demo started: "records overdue since 12/01" on the case page,
    "Records due: 12/21" in its notice. A case whose notice went out before the demo comes
    from the earlier system (its Date Assigned); a notice sent from here prints the clock's
    date."""
    from reviews.letters.models import Notice, NoticeKind  # the letters room's, for the check

    with django_capture_on_commit_callbacks(execute=True):
        seed("--quiet")
    cases = list(Case.objects.all())
    assert any(case.clock.running == "records" and case.clock.overdue for case in cases)
    notices = Notice.objects.filter(kind=NoticeKind.NOTICE_OF_ASSIGNMENT).exclude(sha256="")
    assert notices.exists()
    for notice in notices.select_related("case"):
        case = notice.case
        assert notice.mailing_date == case.date_assigned == timezone.localdate()
        assert case.notice_records_due_on == case.clock.records_due_on, case.case_number

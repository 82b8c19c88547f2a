"""Each read and change of medical information writes one audit row: who, from which address and
client, what (45 CFR 164.312(b)). Sign-ins, failures and sign-outs too."""

import base64

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from audit.models import AuditAction, AuditEvent, AuditKind
from audit.services import audit_record
from cases.lifecycle.models import CaseStatus
from cases.reminders.models import ReminderRun
from reviews.determination.services import determination_submit
from reviews.letters.models import NoticeKind
from tests.cases.helpers import add_record
from tests.factories import (
    PASSWORD,
    CaseFactory,
    UserFactory,
    api_token_for,
    approved_determination,
    case_in_review,
    determination_fill,
    intake_payload,
    minimal_pdf,
)
from tests.test_query_budgets import issued_case, mailings_waiting, proof_served

pytestmark = pytest.mark.django_db

ADDRESS = "203.0.113.7"
BROWSER = "Mozilla/5.0 (audit test)"


def signed_in(user) -> Client:
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER)
    assert client.login(username=user.username, password=PASSWORD)
    return client


def the_row(**lookup) -> AuditEvent:
    """The one row the request wrote (sign-ins aside)."""
    rows = AuditEvent.objects.exclude(action=AuditAction.SIGN_IN).filter(**lookup)
    assert rows.count() == 1, list(rows.values("action", "kind", "route"))
    return rows.get()


def assert_written(row, user, action, kind, case_number="", status=200):
    assert (row.actor, row.username, row.role) == (user, user.username, user.role)
    assert (row.ip_address, row.client) == (ADDRESS, BROWSER)
    assert (row.action, row.kind, row.case_number, row.status_code) == (
        action,
        kind,
        case_number,
        status,
    )


def test_the_case_page(case, case_admin):
    signed_in(case_admin).get(reverse("casefile:case_detail", args=[case.case_number]))
    row = the_row(kind=AuditKind.CASE)
    assert_written(row, case_admin, AuditAction.READ, AuditKind.CASE, case.case_number)
    assert (row.route, row.method, row.path) == (
        "casefile:case_detail",
        "GET",
        f"/cases/{case.case_number}/",
    )


def test_a_search_of_the_case_list_keeps_the_query_text(case, case_admin):
    signed_in(case_admin).get(reverse("casefile:case_list"), {"q": "Martinez", "status": "open"})
    row = the_row(kind=AuditKind.CASE_LIST)
    assert_written(row, case_admin, AuditAction.SEARCH, AuditKind.CASE_LIST)
    assert row.details["query"] == {"q": "Martinez", "status": "open"}


def test_a_reminder_run_is_named_as_one_in_the_log_not_as_a_case_list(case_admin):
    """From QA: reading a run of reminders read "Case list 2" in the audit log."""
    run = ReminderRun.objects.create(created_by=case_admin, case_numbers=[])
    client = signed_in(case_admin)
    client.get(reverse("casefile:reminder_run", args=[run.pk]))
    row = the_row(kind=AuditKind.REMINDER_RUN)
    assert row.object_id == str(run.pk)
    sysadmin = UserFactory(role=Role.SYSTEM_ADMIN)
    page = signed_in(sysadmin).get(reverse("auditlog:search")).content.decode()
    assert f'Reminders to reviewers, run <span class="muted">{run.pk}</span>' in page


def test_a_record_download(case, case_admin):
    record = add_record(case, case_admin)
    client = signed_in(case_admin)
    client.get(reverse("records:case_record", args=[case.case_number, record.pk]))
    row = the_row(kind=AuditKind.RECORD)
    assert_written(row, case_admin, AuditAction.DOWNLOAD, AuditKind.RECORD, case.case_number)
    assert row.object_id == str(record.pk)


def test_letter_and_notice_downloads_name_which_copy(case_admin):
    case = issued_case(1)
    client = signed_in(case_admin)
    party = reverse("letters:letter_download", args=[case.case_number, 1, "party"])
    public = reverse("letters:letter_download", args=[case.case_number, 1, "public"])
    notice = reverse(
        "letters:notice_download", args=[case.case_number, NoticeKind.NOTICE_OF_ASSIGNMENT, 1]
    )
    for url in (party, public, notice):
        assert client.get(url).status_code == 200
    for kind in (AuditKind.LETTER_PARTY, AuditKind.LETTER_PUBLIC, AuditKind.NOTICE):
        row = the_row(kind=kind)
        assert_written(row, case_admin, AuditAction.DOWNLOAD, kind, case.case_number)
        assert row.object_id == "1"
    assert AuditKind.LETTER_PARTY.label == "Letter, parties' copy"
    assert AuditKind.LETTER_PUBLIC.label == "Letter, public copy"


def test_a_proof_of_service_download_is_a_proof_not_a_letter(case_admin):
    proof = proof_served(issued_case(1))
    url = reverse("letters:proof_download", args=[proof.case.case_number, proof.pk])

    assert signed_in(case_admin).get(url).status_code == 200

    row = the_row(route="letters:proof_download")
    assert_written(row, case_admin, AuditAction.DOWNLOAD, AuditKind.PROOF, proof.case.case_number)
    assert row.object_id == str(proof.pk)


def test_a_print_batch_download_is_recorded_for_each_case_it_holds(case_admin):
    batch = mailings_waiting(3)
    numbers = sorted(batch.mailings.values_list("letter__case__case_number", flat=True).distinct())
    assert len(numbers) == 3
    client = signed_in(case_admin)

    response = client.get(reverse("letters:print_batch_download", args=[batch.pk]))

    assert response.status_code == 200
    rows = AuditEvent.objects.filter(route="letters:print_batch_download").order_by("case_number")
    assert [row.case_number for row in rows] == numbers
    for row in rows:
        kind, number = AuditKind.PRINT_BATCH, row.case_number
        assert_written(row, case_admin, AuditAction.DOWNLOAD, kind, number)
        assert row.object_id == str(batch.pk)
        assert row.details["cases_in_file"] == 3
    # The case page's "Who read this case" and the log's search by case number find it.
    panel = client.get(
        reverse("casefile:case_detail", args=[numbers[1]]) + "?panel=readers",
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f"Download: Print batch {batch.pk}" in panel
    sysadmin = UserFactory(role=Role.SYSTEM_ADMIN, username="sysadmin-audit")
    found = signed_in(sysadmin).get(reverse("auditlog:search"), {"case_number": numbers[2]})
    assert f'Print batch <span class="muted">{batch.pk}</span>' in found.content.decode()


def test_the_workspace_and_the_letter_preview():
    case, reviewer, _ = case_in_review()
    client = signed_in(reviewer)
    client.get(reverse("determination:workspace_step", args=[case.case_number, 2]))
    client.get(reverse("letters:workspace_preview", args=[case.case_number]))
    row = the_row(kind=AuditKind.WORKSPACE)
    assert_written(row, reviewer, AuditAction.READ, AuditKind.WORKSPACE, case.case_number)
    assert row.object_id == "2"
    row = the_row(kind=AuditKind.LETTER_PREVIEW)
    assert_written(row, reviewer, AuditAction.READ, AuditKind.LETTER_PREVIEW, case.case_number)


def test_a_change_is_recorded_as_a_change():
    case, reviewer, determination = case_in_review()
    client = signed_in(reviewer)
    url = reverse("determination:draft_save", args=[case.case_number])
    client.post(url, {"step": "2", "version": str(determination.version), "summary": "Seen."})
    row = the_row(kind=AuditKind.WORKSPACE)
    assert (row.action, row.method, row.case_number) == (
        AuditAction.CHANGE,
        "POST",
        case.case_number,
    )
    # The audit log keeps no copy of what was typed.
    assert "Seen." not in str(row.details)


def test_the_quality_page(quality_reviewer):
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    signed_in(quality_reviewer).get(reverse("quality:quality_review", args=[case.case_number]))
    row = the_row(kind=AuditKind.QUALITY)
    assert_written(row, quality_reviewer, AuditAction.READ, AuditKind.QUALITY, case.case_number)


def api_client(user) -> APIClient:
    client = APIClient(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT="claims-system/2.1")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


def test_api_reads_and_writes_name_the_endpoint_the_case_and_the_token(api_client_user):
    case = CaseFactory(created_by=api_client_user, status=CaseStatus.AWAITING_RECORDS)
    client = api_client(api_client_user)
    assert client.get(reverse("api:case", args=[case.case_number])).status_code == 200
    body = {
        "title": "PR-2",
        "document_date": "2026-11-02",
        "content": base64.b64encode(minimal_pdf()).decode("ascii"),
    }
    url = reverse("api:case_records", args=[case.case_number])
    assert client.post(url, body, format="json").status_code == 201
    created = client.post(reverse("api:cases"), intake_payload(), format="json")
    assert created.status_code == 201

    rows = list(AuditEvent.objects.filter(kind=AuditKind.API).order_by("id"))
    assert [(row.route, row.action, row.case_number) for row in rows] == [
        ("api:case", AuditAction.READ, case.case_number),
        ("api:case_records", AuditAction.CHANGE, case.case_number),
        ("api:cases", AuditAction.CHANGE, created.json()["case_number"]),
    ]
    for row in rows:
        assert (row.actor, row.ip_address) == (api_client_user, ADDRESS)
        assert row.client.startswith(f"API token of {api_client_user.username}")
        assert row.client.endswith("claims-system/2.1")


def test_an_api_request_without_a_valid_token_is_recorded_as_refused(case):
    client = APIClient(REMOTE_ADDR=ADDRESS)
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(reverse("api:case", args=[case.case_number])).status_code == 401
    row = the_row(kind=AuditKind.API)
    assert (row.actor, row.status_code, row.case_number) == (None, 401, case.case_number)


def test_a_probe_of_a_case_not_visible_is_recorded_with_its_404(case, reviewer):
    signed_in(reviewer).get(reverse("casefile:case_detail", args=[case.case_number]))
    row = the_row(kind=AuditKind.CASE)
    assert (row.actor, row.status_code) == (reviewer, 404)


def test_admin_pages_views_and_changes(case):
    admin = UserFactory(role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    client = signed_in(admin)
    client.get(reverse("admin:cases_case_change", args=[case.pk]))
    row = the_row(kind=AuditKind.ADMIN)
    assert_written(row, admin, AuditAction.READ, AuditKind.ADMIN, case_number=case.case_number)
    assert (row.object_id, row.details["page"]) == (str(case.pk), "cases_case_change")

    other = UserFactory(role=Role.CASE_ADMIN, first_name="Ana")
    url = reverse("admin:accounts_user_change", args=[other.pk])
    form = {
        "username": other.username,
        "first_name": "Anabel",
        "last_name": other.last_name,
        "email": other.email,
        "role": Role.CASE_ADMIN,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
    }
    assert client.post(url, form).status_code == 302
    change = AuditEvent.objects.get(kind=AuditKind.ADMIN, action=AuditAction.CHANGE)
    assert change.actor == admin and change.object_id == str(other.pk)
    assert change.details["model"] == "accounts.User"
    (changed,) = change.details["changed"]
    assert "First name" in changed["changed"]["fields"]


def test_sign_in_failed_sign_in_and_sign_out(case_admin):
    client = Client(REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER)
    client.post(reverse("login"), {"username": case_admin.username, "password": "wrong"})
    client.post(reverse("login"), {"username": "nobody-such", "password": "wrong"})
    client.post(reverse("login"), {"username": case_admin.username, "password": PASSWORD})
    client.post(reverse("logout"))
    rows = list(AuditEvent.objects.order_by("id"))
    assert [(row.action, row.username, row.actor) for row in rows] == [
        (AuditAction.SIGN_IN_FAILED, case_admin.username, None),
        (AuditAction.SIGN_IN_FAILED, "nobody-such", None),
        (AuditAction.SIGN_IN, case_admin.username, case_admin),
        (AuditAction.SIGN_OUT, case_admin.username, case_admin),
    ]
    assert all((row.ip_address, row.client) == (ADDRESS, BROWSER) for row in rows)
    assert all(row.kind == AuditKind.SESSION for row in rows)


def test_the_address_behind_a_trusted_proxy(settings, case, case_admin):
    url = reverse("casefile:case_detail", args=[case.case_number])
    forwarded = {"HTTP_X_FORWARDED_FOR": "198.51.100.1, 192.0.2.44"}
    # Not trusted: the connection's address, whatever the header claims.
    signed_in(case_admin).get(url, **forwarded)
    # One proxy of ours: the address it saw (the right-most), not what the client wrote.
    settings.AUDIT_TRUSTED_PROXIES = 1
    signed_in(case_admin).get(url, **forwarded)
    rows = AuditEvent.objects.filter(kind=AuditKind.CASE).order_by("id")
    assert [row.ip_address for row in rows] == [ADDRESS, "192.0.2.44"]


def test_other_code_records_events_no_url_shows(rf, case_admin):
    # What the authentication code calls for a lock-out or a second factor.
    request = rf.post("/login/", REMOTE_ADDR=ADDRESS, HTTP_USER_AGENT=BROWSER)
    audit_record(request, AuditAction.LOCKED_OUT, username=case_admin.username)
    row = AuditEvent.objects.get()
    assert (row.action, row.kind, row.username, row.ip_address) == (
        AuditAction.LOCKED_OUT,
        AuditKind.SESSION,
        case_admin.username,
        ADDRESS,
    )


def test_pages_without_medical_information_write_nothing(case_admin):
    client = signed_in(case_admin)
    client.get(reverse("clock:calculator"))
    client.get(reverse("letters:letter_verify"))
    assert not AuditEvent.objects.exclude(action=AuditAction.SIGN_IN).exists()


def test_a_case_read_in_admin_is_found_by_its_case_number():
    # Given a system administrator who opens a case, and its determination, in Django admin
    # (the worker's name, the parties, the items, the records' titles, the decisions)
    determination = approved_determination()
    case = determination.case
    admin = UserFactory(role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    client = signed_in(admin)
    client.get(reverse("admin:cases_case_change", args=[case.pk]))
    client.get(reverse("admin:reviews_determination_change", args=[determination.pk]))

    # Then a search of the audit log by the case's number finds both reads (and so the case
    # page's "Who read this case" lists them)
    rows = AuditEvent.objects.filter(case_number=case.case_number, kind=AuditKind.ADMIN)
    assert sorted(row.details["page"] for row in rows) == [
        "cases_case_change",
        "reviews_determination_change",
    ]
    assert all(row.actor == admin and row.action == AuditAction.READ for row in rows)

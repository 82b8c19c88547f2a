"""Bulk import in the browser: the upload, the run worked case by case (eagerly here; by a real
worker in test_import_worker.py), its progress on the page, refused rows with their reasons
and nothing of them written, and a stuck run resumed without making a case twice."""

import base64
import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone

from cases.intake import imports
from cases.intake.models import ImportRow, ImportRowOutcome, ImportRun, ImportRunStatus
from cases.lifecycle.models import Case
from cases.outbox.models import FollowUp
from cases.records.models import MedicalRecord
from tests.factories import intake_payload, minimal_pdf

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def admin_client(client, case_admin):
    client.force_login(case_admin)
    return client


def intake_file(payload, name="applications.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(payload).encode(), content_type="application/json")


def three_applications():
    """The first valid with a record, the second refused (no items), the third valid."""
    record = {
        "title": "PR-2 progress report",
        "document_date": "2016-10-20",
        "content": base64.b64encode(minimal_pdf()).decode(),
    }
    return [
        intake_payload(application_id="A-1", records=[record]),
        intake_payload(application_id="A-2", items=[], records=[record]),
        intake_payload(application_id="A-3", claim_number="05-999"),
    ]


def upload(admin_client, payload, django_capture_on_commit_callbacks, name="applications.json"):
    # Eagerly, the task runs once the upload's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        return admin_client.post(reverse("intake:import_new"), {"file": intake_file(payload, name)})


def test_an_upload_imports_each_application_and_refuses_the_invalid_one_with_its_reason(
    admin_client, django_capture_on_commit_callbacks
):
    page = admin_client.get(reverse("casefile:case_list")).content.decode()
    assert reverse("intake:import_new") in page  # where an administrator looks

    response = upload(admin_client, three_applications(), django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:import_run", args=[run.pk])
    assert (run.status, run.total, run.done, run.failed) == (ImportRunStatus.FINISHED, 3, 3, 1)
    assert run.file.name.startswith("imports/") and run.original_filename == "applications.json"

    made = {case.application_id: case for case in Case.objects.all()}
    assert set(made) == {"A-1", "A-3"}
    assert made["A-1"].source == "import" and made["A-1"].records.count() == 1
    # Nothing of the refused application: no case, and its record's PDF not kept.
    assert MedicalRecord.objects.count() == 1

    page = admin_client.get(response["Location"]).content.decode()
    assert "Finished: 2 cases created, 0 already on file, 1 refused" in page
    assert "Refused (1)" in page and "$[1].items" in page and "A-2" in page
    # Known by its worker too, as the file names them (from QA).
    assert "Number 2 in the file: Ruiz, Ana" in page
    # The applications made are named so too (from QA: only the refused ones were).
    assert "Number 1 in the file: Ruiz, Ana" in page and "Number 3 in the file: Ruiz, Ana" in page
    assert "the others are already on file" in page
    assert "Created or already on file (2)" in page
    for case in made.values():
        assert reverse("casefile:case_detail", args=[case.case_number]) in page
    assert "every 1s" not in page  # nothing polls once it is finished


def test_a_file_whose_every_application_is_refused_speaks_of_no_others(
    admin_client, django_capture_on_commit_callbacks
):
    """From QA: "(the others are already on file…)" where there were none."""
    response = upload(
        admin_client,
        [intake_payload(application_id="A-9", items=[])],
        django_capture_on_commit_callbacks,
    )
    page = admin_client.get(response["Location"]).content.decode()
    assert "Refused (1)" in page and "Correct them and import them again." in page
    assert "the others are already on file" not in page


def test_the_page_polls_while_the_run_works_and_shows_its_progress(admin_client, case_admin):
    run = ImportRun.objects.create(
        created_by=case_admin,
        original_filename="big.json",
        sha256="0" * 64,
        status=ImportRunStatus.RUNNING,
        total=40,
        done=12,
        failed=2,
        heartbeat_at=timezone.now(),
    )
    url = reverse("intake:import_run", args=[run.pk])
    page = admin_client.get(url).content.decode()
    assert f'hx-get="{url}"' in page and 'hx-trigger="every 1s"' in page
    assert "12 of 40 applications done" in page and "2 refused so far" in page
    assert "Resume" not in page  # it is moving

    panel = admin_client.get(url, **HTMX).content.decode()
    assert panel.lstrip().startswith('<div id="import-progress"') and "<html" not in panel

    # From QA: while a large file is read and checked, "0 of 3000 applications done" sat still
    # for seconds with nothing saying the run was at work.
    ImportRun.objects.filter(pk=run.pk).update(done=0, failed=0)
    panel = admin_client.get(url, **HTMX).content.decode()
    assert "Reading and checking the file's applications" in panel


def test_applications_already_on_file_are_not_imported_again(
    admin_client, django_capture_on_commit_callbacks
):
    upload(admin_client, [intake_payload(application_id="A-1")], django_capture_on_commit_callbacks)
    first = Case.objects.get()
    upload(
        admin_client,
        [intake_payload(application_id="A-1"), intake_payload(application_id="A-9")],
        django_capture_on_commit_callbacks,
    )
    second = ImportRun.objects.first()
    assert Case.objects.count() == 2
    assert list(second.rows.values_list("outcome", "case")) == [
        (ImportRowOutcome.EXISTING, first.pk),
        (ImportRowOutcome.CREATED, Case.objects.get(application_id="A-9").pk),
    ]
    # From QA: the list of imports told the two apart by nothing ("1 of 1", "2 of 2").
    page = admin_client.get(reverse("intake:import_new")).content.decode()
    rows = page[page.index("Latest imports") :].split("<tr")[2:]
    assert '<td data-label="Created">1</td>' in rows[0]  # the second import, first
    assert '<td data-label="Already on file">1</td>' in rows[0]
    assert '<td data-label="Created">1</td>' in rows[1]
    assert '<td data-label="Already on file">0</td>' in rows[1]


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"{not json", "is not valid JSON"),
        (b"[]", "holds no application"),
        # From a QA pass: an empty file was "not valid JSON: Expecting value at line 1".
        (b"", "bad.json is empty: an intake file holds one application object"),
        (b" \n", "bad.json is empty"),
        # From a QA pass: nested 5,000 deep, a server error (RecursionError); 40 deep parses.
        (b'{"items":' + b"[" * 5000 + b"]" * 5000 + b"}", "more than 32 levels deep"),
        (b"[" * 40 + b"]" * 40, "more than 32 levels deep"),
        # From QA: a key given twice kept its last value silently.
        (
            b'[{"application_id": "A-1", "application_id": "A-2"}]',
            "bad.json gives a key twice at $[0].application_id: the key",
        ),
    ],
)
def test_a_file_that_is_not_applications_is_refused_at_once_and_not_kept(
    admin_client, content, said
):
    uploaded = SimpleUploadedFile("bad.json", content, content_type="application/json")
    response = admin_client.post(reverse("intake:import_new"), {"file": uploaded})
    assert response.status_code == 400 and said in response.content.decode()
    assert not ImportRun.objects.exists() and not FollowUp.objects.exists()


def test_a_file_not_in_utf8_says_so_plainly_and_one_with_a_byte_order_mark_is_read(
    admin_client, django_capture_on_commit_callbacks
):
    """From a QA pass: "'utf-8' codec can't decode byte 0xe9 in position 222" and "Unexpected
    UTF-8 BOM (decode using utf-8-sig)" were Python's words, not the user's."""
    latin1 = json.dumps([intake_payload(application_id="A-1")]).replace("Ruiz", "Ruíz")
    uploaded = SimpleUploadedFile("latin1.json", latin1.encode("latin-1"))
    response = admin_client.post(reverse("intake:import_new"), {"file": uploaded})
    assert response.status_code == 400
    assert "is not UTF-8 text (byte 0xED at position" in response.content.decode()
    assert "save it as UTF-8 and upload it again" in response.content.decode()

    with_bom = b"\xef\xbb\xbf" + json.dumps([intake_payload(application_id="A-1")]).encode()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("intake:import_new"), {"file": SimpleUploadedFile("bom.json", with_bom)}
        )
    run = ImportRun.objects.get()
    assert (run.status, run.done, run.failed) == (ImportRunStatus.FINISHED, 1, 0)


def test_half_a_surrogate_pair_refuses_its_application_and_the_run_finishes(case_admin):
    """From a QA pass: "\\ud800" in one application crashed the worker on every Resume; the
    run stayed "Importing, 0 of 1" and then "Stuck" for good."""
    payload = [
        intake_payload(application_id="A-1", claim_number="05-\ud800"),
        intake_payload(application_id="A-2"),
        intake_payload(application_id="A-\ud800", claim_number="05-3"),  # kept on its row too
    ]
    run = imports.import_run_start(actor=case_admin, uploaded=intake_file(payload))
    imports.import_run_work(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.done, run.failed) == (ImportRunStatus.FINISHED, 3, 2)
    refused = run.rows.filter(outcome=ImportRowOutcome.REFUSED).order_by("position")
    assert refused[0].reasons[0].startswith("$[0].claim_number: contains half of a UTF-16")
    assert refused[1].application_id == "A-\\ud800"
    assert list(Case.objects.values_list("application_id", flat=True)) == ["A-2"]


def test_a_fault_no_rule_foresaw_ends_the_run_saying_where_it_stopped(
    admin_client, case_admin, monkeypatch
):
    """A fault that would come again on every Resume fails the run with its reason (it was
    stuck for good); the applications before it stay made."""
    payload = [intake_payload(application_id=f"A-{n}", claim_number=f"05-{n}") for n in range(3)]
    run = imports.import_run_start(actor=case_admin, uploaded=intake_file(payload))
    made = imports.case_create

    def failing_on_the_second(*, data, **kwargs):
        if data["application_id"] == "A-1":
            raise ValueError("an application no rule foresaw")
        return made(data=data, **kwargs)

    # The chunk written together fails on it, then row by row the first is made.
    monkeypatch.setattr(imports, "cases_create_bulk", lambda **kwargs: 1 / 0)
    monkeypatch.setattr(imports, "case_create", failing_on_the_second)
    assert imports.import_run_work(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == ImportRunStatus.FAILED
    assert run.error.startswith(
        "Stopped after 1 of 3 applications: the one at $[1] could not be imported"
    )
    assert "ValueError: an application no rule foresaw" in run.error
    assert list(Case.objects.values_list("application_id", flat=True)) == ["A-0"]
    page = admin_client.get(reverse("intake:import_run", args=[run.pk])).content.decode()
    assert "Failed" in page and "Stopped after 1 of 3 applications" in page


def test_a_passing_fault_in_one_application_leaves_the_run_to_resume(case_admin, monkeypatch):
    """The application named by a fault no rule foresaw is wrapped to carry its place; a
    passing fault (the database away a moment) is not, so the run is not failed for it."""
    payload = [intake_payload(application_id=f"A-{n}", claim_number=f"05-{n}") for n in range(3)]
    run = imports.import_run_start(actor=case_admin, uploaded=intake_file(payload))
    made = imports.case_create

    def database_away_on_the_second(*, data, **kwargs):
        if data["application_id"] == "A-1":
            raise OperationalError("server closed the connection unexpectedly")
        return made(data=data, **kwargs)

    with monkeypatch.context() as patched:
        # The chunk written together fails, then row by row the database goes away.
        patched.setattr(imports, "cases_create_bulk", lambda **kwargs: 1 / 0)
        patched.setattr(imports, "case_create", database_away_on_the_second)
        with pytest.raises(OperationalError):
            imports.import_run_work(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.done, run.error) == (ImportRunStatus.RUNNING, 1, "")

    imports.import_run_work(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.done, run.failed) == (ImportRunStatus.FINISHED, 3, 0)
    assert Case.objects.count() == 3


def test_a_stuck_run_is_resumed_where_it_stopped_and_makes_no_case_twice(
    admin_client, case_admin, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_RUN_STUCK_MINUTES = 5
    payload = [intake_payload(application_id=f"A-{n}", claim_number=f"05-{n}") for n in range(3)]
    run = imports.import_run_start(actor=case_admin, uploaded=intake_file(payload))
    # A worker made the first case, then died: the run still says "running".
    imports._row_import(
        run,
        position=0,
        path="$[0]",
        raw=payload[0],
        data=imports.payload_validate(payload, base_dir=None, today=None)[0][0][1],
        errors=[],
    )
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRunStatus.RUNNING, heartbeat_at=timezone.now() - dt.timedelta(minutes=6)
    )
    url = reverse("intake:import_run", args=[run.pk])
    page = admin_client.get(url).content.decode()
    assert "Stuck" in page and "1 of 3 applications done" in page
    # No longer polled: the swap every second took the focus off "Resume" (from a review).
    assert 'hx-trigger="every 1s"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("intake:import_run_resume", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert (run.status, run.done, run.failed) == (ImportRunStatus.FINISHED, 3, 0)
    assert Case.objects.filter(application_id="A-0").count() == 1 and Case.objects.count() == 3
    assert list(ImportRow.objects.values_list("position", flat=True)) == [0, 1, 2]
    # A finished run is not stuck: resuming it again changes nothing.
    response = admin_client.post(reverse("intake:import_run_resume", args=[run.pk]), follow=True)
    assert "not stuck" in response.content.decode()


def test_the_task_sent_twice_does_nothing_the_second_time(case_admin):
    run = imports.import_run_start(
        actor=case_admin, uploaded=intake_file([intake_payload(application_id="A-1")])
    )
    assert imports.import_run_work(run_id=run.pk) is True
    assert imports.import_run_work(run_id=run.pk) is False
    assert Case.objects.count() == 1


def test_a_file_that_is_not_a_list_of_objects_fails_the_run_with_the_reason(case_admin):
    run = imports.import_run_start(actor=case_admin, uploaded=intake_file(["not an object"]))
    imports.import_run_work(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ImportRunStatus.FINISHED and run.failed == 1
    assert run.rows.get().reasons == ["$[0]: must be an object (one application)"]


def test_an_application_already_on_file_with_other_facts_is_said_so_on_the_run_page(
    admin_client, django_capture_on_commit_callbacks
):
    # Given an application on file
    upload(admin_client, [intake_payload(application_id="A-1")], django_capture_on_commit_callbacks)

    # When a file gives the same application_id with another claim number and worker
    other = intake_payload(application_id="A-1", claim_number="07-000001")
    other["injured_worker"]["last_name"] = "Someone-Else"
    upload(admin_client, [other], django_capture_on_commit_callbacks)

    # Then the run's page says which facts differ, and the case is unchanged
    run = ImportRun.objects.first()
    page = admin_client.get(reverse("intake:import_run", args=[run.pk])).content.decode()
    assert "1 already on file" in page
    assert (
        "This file gives other facts than the case on file: Claim number, Injured worker&#x27;s "
        "last name. Nothing was changed." in page
    )
    assert Case.objects.get(application_id="A-1").claim_number != "07-000001"


def test_the_import_page_says_who_it_is_for_and_sends_a_single_application_to_the_form(
    admin_client,
):
    page = admin_client.get(reverse("intake:import_new")).content.decode()
    assert "a file made by another system" in page
    assert f'<a href="{reverse("intake:case_new")}">New application</a>' in page

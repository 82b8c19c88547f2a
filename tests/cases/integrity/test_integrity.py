"""Stored files are checked against their recorded SHA-256 at every download and by the
periodic check; a file changed or gone on disk is refused loudly and reported."""

import logging
from io import StringIO
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import Role
from cases.integrity.models import IntegrityCheckRun, IntegrityFinding
from cases.integrity.tasks import stored_files_verify_task
from cases.lifecycle.models import CaseEvent, EventType
from tests.cases.helpers import add_record
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sysadmin():
    return UserFactory(role=Role.SYSTEM_ADMIN, email="sysadmin@example.org")


def _path(record) -> Path:
    return Path(record.file.path)


def _tamper(record) -> None:
    path = _path(record)
    path.write_bytes(path.read_bytes().replace(b"%%EOF", b"%%EOF\n% changed on disk\n"))


def test_an_intact_record_is_served(admin_client, case, case_admin, sysadmin):
    record = add_record(case, case_admin)
    response = admin_client.get(reverse("records:case_record", args=[case.case_number, record.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _path(record).read_bytes()
    assert not IntegrityFinding.objects.exists() and not mail.outbox


def test_a_record_changed_on_disk_is_refused_reported_and_logged(
    admin_client, case, case_admin, sysadmin, caplog
):
    record = add_record(case, case_admin)
    _tamper(record)
    url = reverse("records:case_record", args=[case.case_number, record.pk])
    with caplog.at_level(logging.ERROR, logger="cases.integrity"):
        response = admin_client.get(url)

    assert response.status_code == 500
    page = response.content.decode()
    assert "failed its integrity check" in page
    assert "%PDF" not in page
    # The administrator is told by e-mail, the case history says so, the log has it at ERROR.
    (message,) = mail.outbox
    assert message.to == ["sysadmin@example.org"]
    assert record.sha256 in message.body and case.case_number in message.body
    event = CaseEvent.objects.get(case=case, type=EventType.FILE_INTEGRITY_FAILED)
    assert event.actor == case_admin
    assert event.details["object_id"] == record.pk and event.details["problem"] == "mismatch"
    assert any(
        r.levelno == logging.ERROR and record.sha256 in r.getMessage() for r in caplog.records
    )
    finding = IntegrityFinding.objects.get()
    assert finding.source == "download" and finding.actor == case_admin
    # Opening a refused file is not recorded as a read of it.
    assert not CaseEvent.objects.filter(type=EventType.RECORD_OPENED).exists()


def test_a_missing_record_file_is_refused_the_same_way(admin_client, case, case_admin, sysadmin):
    record = add_record(case, case_admin)
    _path(record).unlink()
    response = admin_client.get(reverse("records:case_record", args=[case.case_number, record.pk]))
    assert response.status_code == 500
    assert "missing from the file store" in response.content.decode()
    assert IntegrityFinding.objects.get().problem == "missing"
    assert len(mail.outbox) == 1


def test_the_periodic_check_reports_every_bad_file_in_one_mail_and_on_the_page(
    client, case, case_admin, sysadmin
):
    good = add_record(case, case_admin, title="Good")
    changed = add_record(case, case_admin, title="Changed")
    gone = add_record(case, case_admin, title="Gone")
    _tamper(changed)
    _path(gone).unlink()

    assert stored_files_verify_task() == 2

    run = IntegrityCheckRun.objects.get()
    assert run.files_checked == 3 and run.problems == 2 and run.finished_at is not None
    problems = {f.object_id: f.problem for f in IntegrityFinding.objects.filter(run=run)}
    assert problems == {changed.pk: "mismatch", gone.pk: "missing"}
    assert good.pk not in problems
    (message,) = mail.outbox
    assert "2 stored file(s)" in message.subject and message.to == ["sysadmin@example.org"]

    assert client.login(username=sysadmin.username, password=PASSWORD)
    page = client.get(reverse("integrity:integrity")).content.decode()
    assert changed.file.name in page and gone.file.name in page
    assert good.file.name not in page
    assert "Found by the periodic check" in page


def test_a_file_that_cannot_be_read_is_a_finding_and_the_check_goes_on(
    client, case, case_admin, sysadmin
):
    # Given a record whose file cannot be read (a directory stands at its path), filed before
    # a record changed on disk
    unreadable = add_record(case, case_admin, title="Unreadable")
    changed = add_record(case, case_admin, title="Changed")
    path = _path(unreadable)
    path.unlink()
    path.mkdir()
    _tamper(changed)

    # When the periodic check runs
    assert stored_files_verify_task() == 2

    # Then the run finishes, naming both, and the page says why the first failed
    run = IntegrityCheckRun.objects.get()
    assert run.finished_at is not None and run.files_checked == 2
    problems = {f.object_id: f.problem for f in IntegrityFinding.objects.filter(run=run)}
    assert problems == {unreadable.pk: "unreadable", changed.pk: "mismatch"}
    assert client.login(username=sysadmin.username, password=PASSWORD)
    assert "File could not be read" in client.get(reverse("integrity:integrity")).content.decode()


def test_only_system_administrators_see_the_integrity_page(client, case_admin):
    assert client.login(username=case_admin.username, password=PASSWORD)
    assert client.get(reverse("integrity:integrity")).status_code == 403


def test_verify_files_exits_non_zero_and_names_each_bad_file(case, case_admin, sysadmin):
    record = add_record(case, case_admin)
    call_command("verify_files", stdout=StringIO())  # all intact: no error
    _tamper(record)
    with pytest.raises(CommandError, match="1 failed"):
        call_command("verify_files", stdout=StringIO())


def test_an_export_refuses_a_changed_record(case, case_admin, sysadmin):
    record = add_record(case, case_admin)
    _tamper(record)
    with pytest.raises(CommandError, match="Not exported"):
        call_command("export_case", case.case_number, stdout=StringIO())
    assert IntegrityFinding.objects.get().object_id == record.pk


def test_beat_checks_the_files_daily_at_a_quiet_hour_and_the_page_says_when(
    client, settings, sysadmin
):
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    verify = schedule["cases.tasks.stored_files_verify"]
    # 01:30 California time (CELERY_TIMEZONE), not every 24 hours from whenever beat started.
    assert (verify.hour, verify.minute) == ({1}, {30})
    assert client.login(username=sysadmin.username, password=PASSWORD)
    page = client.get(reverse("integrity:integrity")).content.decode()
    assert "The periodic check runs daily at 01:30, California time" in page
    settings.CELERY_BEAT_SCHEDULE = {
        **settings.CELERY_BEAT_SCHEDULE,
        "stored-files-verify": {"task": "cases.tasks.stored_files_verify", "schedule": 21600.0},
    }
    page = client.get(reverse("integrity:integrity")).content.decode()
    assert "The periodic check runs every 6 hours" in page


def test_a_check_runs_on_an_interval_when_one_is_set_and_a_bad_time_is_refused(monkeypatch):
    from imrsite.settings import beat_daily_or_every

    monkeypatch.delenv("CHECK_EVERY", raising=False)
    monkeypatch.setenv("CHECK_AT", "23:05")
    daily = beat_daily_or_every("CHECK_AT", "01:30", "CHECK_EVERY")
    assert (daily.hour, daily.minute) == ({23}, {5})
    monkeypatch.setenv("CHECK_EVERY", "600")
    assert beat_daily_or_every("CHECK_AT", "01:30", "CHECK_EVERY") == 600.0
    monkeypatch.delenv("CHECK_EVERY")
    monkeypatch.setenv("CHECK_AT", "2:30am")
    with pytest.raises(RuntimeError, match="CHECK_AT must be a time of day as HH:MM"):
        beat_daily_or_every("CHECK_AT", "01:30", "CHECK_EVERY")


def test_the_page_counts_files_not_findings_and_says_when_a_restored_file_is_sound_again(
    client, case, case_admin, sysadmin
):
    """From a QA pass: one changed file found by two checks read "Files that failed 2", and
    after it was restored from a backup and a check found it sound, still the same."""
    record = add_record(case, case_admin)
    original = _path(record).read_bytes()
    _tamper(record)
    stored_files_verify_task()
    stored_files_verify_task()
    assert client.login(username=sysadmin.username, password=PASSWORD)
    page = client.get(reverse("integrity:integrity")).content.decode()
    assert 'Files that failed <span class="count">1</span>' in page
    assert "1 file still failing" in page and "Sound again" not in page

    _path(record).write_bytes(original)  # restored from a backup
    stored_files_verify_task()
    page = client.get(reverse("integrity:integrity")).content.decode()
    assert 'Files that failed <span class="count">0</span>' in page
    assert page.count("Sound again") == 2


def test_a_file_still_failing_is_not_mailed_or_written_to_the_history_again(
    admin_client, case, case_admin, sysadmin
):
    """From a QA pass: every night's check of one unrestored file e-mailed the administrators
    and wrote the same line in the case's history again, burying a new failure among old ones."""
    record = add_record(case, case_admin, title="Changed")
    original = _path(record).read_bytes()
    _tamper(record)
    stored_files_verify_task()
    assert len(mail.outbox) == 1
    events = CaseEvent.objects.filter(case=case, type=EventType.FILE_INTEGRITY_FAILED)
    assert events.count() == 1

    # The next nights, and a download refused meanwhile: found, logged, not told again.
    assert stored_files_verify_task() == 1
    url = reverse("records:case_record", args=[case.case_number, record.pk])
    assert admin_client.get(url).status_code == 500
    stored_files_verify_task()
    assert len(mail.outbox) == 1
    assert IntegrityFinding.objects.count() == 4
    # The refused download still says who tried; the checks wrote nothing more.
    assert events.count() == 2 and events.latest("pk").actor == case_admin

    # A second file failing later is new: its mail lists the first as still failing.
    other = add_record(case, case_admin, title="Gone later")
    _path(other).unlink()
    stored_files_verify_task()
    assert len(mail.outbox) == 2
    body = mail.outbox[-1].body
    assert "1 stored file(s)" in mail.outbox[-1].subject
    assert body.index(other.file.name) < body.index("Still failing, as reported before:")
    assert body.index("Still failing, as reported before:") < body.index(record.file.name)

    # Restored, found sound, then changed again: a new failure, told again.
    _path(record).write_bytes(original)
    _path(other).unlink(missing_ok=True)
    stored_files_verify_task()
    _tamper(record)
    mail.outbox.clear()
    stored_files_verify_task()
    assert [m.subject for m in mail.outbox] == [
        "IMR Desk: 1 stored file(s) failed the integrity check"
    ]
    assert record.file.name in mail.outbox[0].body

"""The outbox in-process (eager tasks): a follow-up waits while the broker is down, is relayed
once it is back, runs once, and stuck or failed work is re-queued or offered for a retry."""

import datetime as dt
import re
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from cases.outbox.models import FollowUp, FollowUpState
from cases.outbox.services import follow_up_publish, follow_ups_relay
from cases.records import tasks as record_tasks
from cases.records.models import MedicalRecord
from tests.factories import pdf_upload

pytestmark = pytest.mark.django_db

LATER = dt.timedelta(minutes=20)


def _broker_down():
    return mock.patch.object(
        record_tasks.record_inspect, "apply_async", side_effect=OperationalError("no broker")
    )


@pytest.fixture
def admin_client(client, case_admin):
    client.force_login(case_admin)
    return client


@pytest.fixture
def _upload(django_capture_on_commit_callbacks):
    """Upload a record through the case page; its commit's follow-ups run (as on a server)."""

    def upload(admin_client, case):
        with django_capture_on_commit_callbacks(execute=True):
            return admin_client.post(
                reverse("casefile:case_record_add", args=[case.case_number]),
                {
                    "record-file": pdf_upload(pages=2),
                    "record-title": "PR-2",
                    "record-kind": "medical",
                },
                follow=True,
            )

    return upload


def test_with_the_broker_down_the_upload_succeeds_and_says_the_count_waits(
    admin_client, case, _upload
):
    with _broker_down():
        response = _upload(admin_client, case)
    assert response.status_code == 200
    assert "Record “PR-2” added." in response.content.decode()
    # (The flash message saying it waits is asserted with real transactions in
    # test_no_lost_work: here the commit's callbacks run only after the response.)
    page = admin_client.get(
        reverse("casefile:case_detail", args=[case.case_number])
    ).content.decode()
    assert "The pages of “PR-2” will be counted:" in page
    assert "Waiting for the task queue" in page and "Retry" in page
    # The relay hands it over when the broker is back: the panel does not poll meanwhile.
    panel = page.split('<div id="follow-ups"', 1)[1].split(">", 1)[0]
    assert "every 3s" not in panel
    record = MedicalRecord.objects.get(case=case)
    assert record.pages is None
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.state == FollowUpState.WAITING and follow_up.publish_failures == 1

    # Still down at the relay's next try: it backs off, nothing is raised.
    with _broker_down():
        assert follow_ups_relay(now=timezone.now() + LATER)["published"] == 0
    follow_up.refresh_from_db()
    assert follow_up.publish_failures == 2 and follow_up.next_attempt_at > timezone.now()

    assert follow_ups_relay(now=timezone.now() + LATER)["published"] == 1
    record.refresh_from_db()
    assert record.pages == 2
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.DONE and follow_up.runs == 1
    assert (
        "waiting for the task queue"
        not in admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
        .content.decode()
        .lower()
    )


def test_a_second_delivery_of_done_work_does_nothing(admin_client, case, _upload):
    _upload(admin_client, case)
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.state == FollowUpState.DONE
    with mock.patch.object(record_tasks.services, "record_inspect_pages") as inspect:
        result = record_tasks.record_inspect.apply(args=[0], task_id=follow_up.message_id)
    assert result.get() == "already done"
    inspect.assert_not_called()
    follow_up.refresh_from_db()
    assert follow_up.runs == 1


def test_work_under_way_says_when_it_will_be_queued_again_if_a_worker_stopped(
    admin_client, case, settings, _upload
):
    """From a QA pass: a letter whose worker was killed showed "Running", with no Retry and no
    word of what would happen, for the 15 minutes before it counted as stuck."""
    settings.OUTBOX_STUCK_AFTER_SECONDS = 900
    with mock.patch.object(record_tasks.record_inspect, "apply_async"):  # taken, never run
        _upload(admin_client, case)
    follow_up = FollowUp.objects.get(case=case)
    since = timezone.localtime(follow_up.state_changed_at)
    again = since + dt.timedelta(seconds=900)

    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))

    # From a QA pass: "The reviewer will be told of the case by e-mail: Running Since 6:13 PM."
    state = "under way" if follow_up.state == FollowUpState.RUNNING else "queued"
    text = re.sub(r"<[^>]+>", "", " ".join(page.content.decode().split()))
    assert (
        f"{follow_up.what}: {state} since {since:%-I:%M %p}. If a worker stopped, it is "
        f"queued again by itself at {again:%-I:%M %p}, and a Retry button shows then."
    ) in " ".join(text.split())
    assert "Running Since" not in text

    FollowUp.objects.filter(pk=follow_up.pk).update(state=FollowUpState.RUNNING)
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number]))
    text = " ".join(re.sub(r"<[^>]+>", "", page.content.decode()).split())
    assert f"{follow_up.what}: under way since {since:%-I:%M %p}." in text


def test_stuck_work_is_queued_again_then_failed_for_an_administrator(
    admin_client, case, settings, _upload, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_REQUEUES = 1
    with mock.patch.object(record_tasks.record_inspect, "apply_async"):  # taken, never run
        _upload(admin_client, case)
    follow_up = FollowUp.objects.get(case=case)
    assert follow_up.state == FollowUpState.QUEUED
    assert follow_ups_relay()["requeued"] == 0  # not stuck yet

    with mock.patch.object(record_tasks.record_inspect, "apply_async"):
        assert follow_ups_relay(now=timezone.now() + LATER)["requeued"] == 1
        assert follow_ups_relay(now=timezone.now() + 2 * LATER)["failed"] == 1
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.FAILED
    page = admin_client.get(reverse("casefile:case_detail", args=[case.case_number])).content
    assert b"Failed" in page and b"never finished" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("casefile:case_follow_up_retry", args=[case.case_number, follow_up.pk]),
            follow=True,
        )
    assert "will be counted once a worker takes it" in response.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.DONE
    assert MedicalRecord.objects.get(case=case).pages == 2


def test_publishing_done_work_again_sends_nothing(admin_client, case, _upload):
    _upload(admin_client, case)
    follow_up = FollowUp.objects.get(case=case)
    with mock.patch.object(record_tasks.record_inspect, "apply_async") as publish:
        assert follow_up_publish(follow_up.pk)
    publish.assert_not_called()


def test_work_just_committed_shows_as_queued_and_the_panel_follows_it(admin_client, case):
    """From QA: a follow-up still being published (waiting, no failure yet) read "queued", but
    the panel did not poll, so it said so until a reload long after the work was done."""
    admin_client.post(  # its commit's publishing is not run here: the row stays waiting
        reverse("casefile:case_record_add", args=[case.case_number]),
        {"record-file": pdf_upload(), "record-title": "PR-2", "record-kind": "medical"},
    )
    follow_up = FollowUp.objects.get(case=case)
    assert (follow_up.state, follow_up.publish_failures) == (FollowUpState.WAITING, 0)

    page = admin_client.get(
        reverse("casefile:case_detail", args=[case.case_number])
    ).content.decode()
    panel = page.split('<div id="follow-ups"', 1)[1].split("</div>", 1)[0]
    assert 'hx-trigger="case-changed from:body, every 3s"' in panel
    assert "queued" in panel

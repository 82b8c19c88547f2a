"""No lost work (README, "No lost work"): a broker outage while users act, and a worker killed
mid-render, each with real Celery workers. The outage test runs a Redis server of its own on a
free port (on the defaults run too, where the rest of the suite uses the filesystem broker)."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.lifecycle.models import CaseEvent, EventType
from cases.outbox.models import FollowUp, FollowUpState
from cases.outbox.services import follow_ups_relay
from cases.records.models import MedicalRecord
from reviews.assignment.models import Assignment
from reviews.determination.services import determination_submit
from reviews.letters.models import Letter, LetterStatus
from reviews.letters.services import letter_follow_up, letter_request
from tests.conftest import _service_missing
from tests.factories import (
    PASSWORD,
    CaseFactory,
    DisputedItemFactory,
    UserFactory,
    approved_determination,
    case_in_review,
    determination_fill,
    pdf_upload,
    ready_case,
    reviewer_with_profile,
)

pytestmark = pytest.mark.worker

# The relay as beat runs it a while later: past the broker's backoff, and past the stuck
# timeout (OUTBOX_STUCK_AFTER_SECONDS), so work queued before the outage that the restarted
# Redis lost (it keeps nothing on disk) is queued again too.
LATER = dict(minutes=20)


class RedisServer:
    """A redis-server of the test's own, on a free port, with nothing kept on disk."""

    def __init__(self, workdir):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.workdir = workdir
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = open(self.workdir / "redis.log", "ab")  # noqa: SIM115 (kept open by the server)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.workdir),
            ],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"redis-server did not start on port {self.port}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


@pytest.fixture
def own_redis(tmp_path):
    if shutil.which("redis-server") is None:
        # scripts/bootstrap.sh installs it; without it this test cannot stop a broker.
        _service_missing("redis-server (install it: scripts/bootstrap.sh)", "not installed")
    workdir = tmp_path / "redis"
    workdir.mkdir()
    server = RedisServer(workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _mails(worker) -> str:
    # The file backend may write several messages to one file: count messages, not files.
    return "".join(worker.mails())


def _letter_files(settings) -> list:
    folder = settings.PRIVATE_MEDIA_ROOT / "letters"
    return sorted(folder.iterdir()) if folder.exists() else []


def test_a_redis_outage_loses_no_work_and_each_follow_up_runs_once(
    celery_workers, own_redis, client, settings
):
    celery_workers.use_broker(own_redis.url)
    # Given: a determination waiting for quality review, a case waiting for a reviewer and a
    # case taking records.
    quality = UserFactory(role=Role.QUALITY_REVIEWER, username="qr-outage")
    admin = UserFactory(role=Role.CASE_ADMIN, username="admin-outage")
    review_case, author, determination = case_in_review()
    determination_fill(determination, outcomes=("upheld",))
    determination_submit(determination=determination, actor=author, password=PASSWORD)
    waiting_case = ready_case()
    reviewer = reviewer_with_profile("REV-OUT", last_name="Outage")
    records_case = CaseFactory()
    DisputedItemFactory(case=records_case, position=1)

    # When Redis goes down while they act, each action succeeds and says what waits.
    own_redis.stop()
    client.force_login(quality)
    started = time.monotonic()
    response = client.post(
        reverse("quality:quality_approve", args=[review_case.case_number]), {}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{review_case.case_number}</a> approved" in page  # the number links its letter
    assert "Letter version 1 will be rendered, signed and sent when the task queue is back." in page

    client.force_login(admin)
    response = client.post(
        reverse("assignment:case_assign", args=[waiting_case.case_number]),
        {"reviewer": reviewer.pk},
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f"{waiting_case.case_number} assigned to Jane Outage" in page
    assert "The reviewer will be told of the case by e-mail when the task queue is back." in page

    response = client.post(
        reverse("casefile:case_record_add", args=[records_case.case_number]),
        {
            "record-file": pdf_upload("pr2.pdf", pages=3),
            "record-title": "PR-2 progress report",
            "record-kind": "medical",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Record “PR-2 progress report” added." in page
    assert (
        "The pages of “PR-2 progress report” will be counted when the task queue is back." in page
    )
    assert "waiting for the task queue" in page  # the record's page count
    # Three actions against a dead broker took seconds, not a hang.
    assert time.monotonic() - started < 30

    letter_page = client.get(
        reverse("casefile:case_detail", args=[review_case.case_number])
    ).content.decode()
    assert "Waiting for the task queue:" in letter_page
    assert "the letter will be rendered, signed and sent when it is back" in letter_page
    assert FollowUp.objects.filter(state=FollowUpState.WAITING).count() == 3

    # Then, with Redis back, the relay hands the work over and a worker does it, once. The
    # notification of the first case's reviewer, queued before the outage, was lost with Redis.
    own_redis.start()
    assert follow_ups_relay(now=timezone.now() + timezone.timedelta(**LATER)) == {
        "published": 3,
        "requeued": 1,
        "failed": 0,
    }
    worker = celery_workers.start(queues="default,letters,records")

    def all_done():
        return not FollowUp.objects.exclude(state=FollowUpState.DONE).exists()

    worker.wait_for(all_done, what="every follow-up to be done", timeout=90)
    # A second relay (beat's next run) finds nothing to publish.
    assert follow_ups_relay(now=timezone.now() + timezone.timedelta(**LATER))["published"] == 0

    letter = Letter.objects.get(case=review_case)
    assert letter.status == LetterStatus.DELIVERED and letter.party_sha256
    assert Letter.objects.filter(case=review_case).count() == 1
    assert len(_letter_files(settings)) == 2  # one party PDF and one public PDF, signed once
    assert CaseEvent.objects.filter(case=review_case, type=EventType.LETTER_ISSUED).count() == 1

    assert Assignment.objects.get(case=waiting_case).notified_at is not None
    mails = _mails(worker)
    assert mails.count(f"Subject: New IMR case for you: {waiting_case.case_number}") == 1
    assert f"To: {reviewer.email}" in mails

    record = MedicalRecord.objects.get(case=records_case)
    assert record.pages == 3
    assert CaseEvent.objects.filter(case=records_case, type=EventType.RECORD_INSPECTED).count() == 1
    assert sorted(FollowUp.objects.values_list("runs", flat=True)) == [1, 1, 1, 1]
    page = client.get(
        reverse("casefile:case_detail", args=[records_case.case_number])
    ).content.decode()
    assert "waiting for the task queue" not in page.lower()


@pytest.mark.worker(queues="letters")
def test_a_worker_killed_mid_render_is_replaced_and_the_letter_is_signed_once(
    celery_workers, settings, tmp_path, client
):
    settings.OUTBOX_STUCK_AFTER_SECONDS = 2
    celery_workers.use_broker()
    # The first worker reads its signing key from a pipe nobody writes: it renders the letter
    # and then waits, mid-render, for the key; that is where it is killed.
    key_pipe = tmp_path / "signing-key.p12"
    os.mkfifo(key_pipe)
    first = celery_workers.start(queues="letters", env={"SIGNING_PKCS12_PATH": str(key_pipe)})

    determination = approved_determination(outcomes=("overturned",))
    with transaction.atomic():
        letter = letter_request(determination=determination, actor=None)

    def rendering():
        current = Letter.objects.get(pk=letter.pk)
        follow_up = letter_follow_up(current)
        return (
            current.status == LetterStatus.RENDERING
            and follow_up.state == FollowUpState.RUNNING
            and current
        )

    first.wait_for(rendering, what="the first worker to start rendering")
    time.sleep(1)  # well into the render: waiting for the key
    # The whole worker dies at once (its process group), as an OOM kill or a lost machine.
    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait(timeout=10)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.RENDERING and not letter.party_sha256

    # Past the timeout an administrator sees it stuck, with a retry.
    time.sleep(settings.OUTBOX_STUCK_AFTER_SECONDS + 0.5)
    client.force_login(UserFactory(role=Role.CASE_ADMIN, username="admin-stuck"))
    page = client.get(
        reverse("casefile:case_detail", args=[determination.case.case_number])
    ).content.decode()
    assert "Stuck since" in page and "Retry now" in page

    # A new worker, and the sweep re-queues the stuck render on its own.
    second = celery_workers.start(queues="letters")
    assert follow_ups_relay()["requeued"] == 1

    def delivered():
        current = Letter.objects.get(pk=letter.pk)
        return current.status == LetterStatus.DELIVERED and current

    done = second.wait_for(delivered, what="the letter to be delivered", timeout=90)
    assert done.party_sha256 and done.public_sha256 and done.attempts == 2
    assert len(_letter_files(settings)) == 2  # signed once: one party and one public PDF
    case_events = CaseEvent.objects.filter(case=determination.case)
    assert case_events.filter(type=EventType.LETTER_ISSUED).count() == 1
    assert _mails(second).count("Subject: Final Determination Letter") == 4
    follow_up = letter_follow_up(done)
    assert follow_up.state == FollowUpState.DONE and follow_up.runs == 2
    assert follow_ups_relay() == {"published": 0, "requeued": 0, "failed": 0}

"""A case administrator's reminders from the case list, sent by a task (cases.reminders.runs):
the page that follows them, resuming a run that stopped, a mail server that refuses, and a run
that is its administrator's own."""

import datetime as dt
from smtplib import SMTPRecipientsRefused, SMTPServerDisconnected

import pytest
from django.core import mail
from django.db import DataError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from cases.lifecycle.models import EventType
from cases.outbox.models import FollowUp
from cases.reminders import runs, services, tasks
from cases.reminders.models import ClockNotice, ReminderRun, ReminderRunStatus
from tests.factories import PASSWORD, UserFactory, case_in_review, reviewer_with_profile

pytestmark = pytest.mark.django_db

BULK = reverse("casefile:case_list_bulk")


def run_page(client, run):
    return client.get(reverse("casefile:reminder_run", args=[run.pk]))


@pytest.fixture
def two_in_review():
    first, first_reviewer, _ = case_in_review(reviewer_with_profile("REV-RUN-1"))
    second, second_reviewer, _ = case_in_review(reviewer_with_profile("REV-RUN-2"))
    return [(first, first_reviewer), (second, second_reviewer)]


def reminders_failing_with(monkeypatch, case, error: Exception) -> None:
    """The run's reminders raise `error` for any group of cases holding `case` (a fault of
    that case's), and go as usual for the others."""
    remind_as_usual = services.reviewer_reminders

    def failing(cases, *, actor):
        if case in cases:
            raise error
        return remind_as_usual(cases, actor=actor)

    monkeypatch.setattr(runs, "reviewer_reminders", failing)


def test_the_reminders_wait_for_a_worker_and_the_page_follows_them_to_the_report(
    admin_client, case_admin, two_in_review, django_capture_on_commit_callbacks
):
    """The request only asks: no e-mail is sent in it. The page shows the run waiting, polls,
    and once the task has run reports each case, with the way back to the list as it was."""
    numbers = [case.case_number for case, _ in two_in_review]

    posted = admin_client.post(
        BULK, {"action": "remind", "case": numbers, "query": "priority=standard&sort=case"}
    )

    run = ReminderRun.objects.get()
    assert posted.url == reverse("casefile:reminder_run", args=[run.pk])
    assert not mail.outbox  # nothing was sent within the request
    waiting = run_page(admin_client, run).content.decode()
    assert "Waiting for a worker" in waiting
    assert "0 of 2 cases done" in waiting
    assert 'hx-trigger="every 1s"' in waiting

    runs.reminder_run_work(run_id=run.pk)

    page = run_page(admin_client, run)
    text = page.content.decode()
    assert 'hx-trigger="every 1s"' not in text
    assert str(page.context["report"]).startswith("Reminders sent for 2 cases")
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        reviewer.email for _, reviewer in two_in_review
    )
    # Back to the list with its filters and sort.
    assert f'href="{reverse("casefile:case_list")}?priority=standard&amp;sort=case"' in text
    # Each reminder is the administrator's in its case's history; its e-mail leads to the
    # case's workspace, and the bell says who sent it (from QA: neither did).
    for case, reviewer in two_in_review:
        assert case.events.get(type=EventType.REMINDER_SENT).actor == case_admin
        message = next(m for m in mail.outbox if m.to == [reviewer.email])
        assert message.body.rstrip().endswith(f"/reviews/cases/{case.case_number}/")
        assert "Open the case: http" in message.body
        bell = reviewer.notifications.latest("pk")
        assert bell.text.startswith(f"From a case administrator: Reminder: {case.case_number}")


def test_a_reviewer_of_several_cases_selected_gets_one_email_listing_them(
    admin_client, case_admin, two_in_review, django_capture_on_commit_callbacks
):
    """From QA: a reviewer reminded of nine cases from the case list got nine e-mails. One
    e-mail and one notification list them; each case is reminded on the run and in its
    history, by the administrator who asked."""
    (first, first_reviewer), (other, other_reviewer) = two_in_review
    more = [case_in_review(first_reviewer)[0] for _ in range(2)]
    mine = [first, *more]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            BULK,
            {"action": "remind", "case": [case.case_number for case in [first, other, *more]]},
        )

    run = ReminderRun.objects.get()
    assert run.outcomes == {case.case_number: "sent" for case in [first, other, *more]}
    (digest,) = [message for message in mail.outbox if message.to == [first_reviewer.email]]
    assert digest.subject == "Reminder: 3 cases"
    assert digest.body.startswith("A case administrator reminds you of 3 of your cases")
    for case in mine:
        assert f"/reviews/cases/{case.case_number}/" in digest.body
        assert case.events.get(type=EventType.REMINDER_SENT).actor == case_admin
        assert ClockNotice.objects.filter(case=case, recipient=first_reviewer.email).count() == 1
    for case in mine:
        bell = first_reviewer.notifications.get(
            link=reverse("determination:workspace", args=[case.case_number]),
            text__startswith="From a case administrator: ",
        )
        assert bell.text.startswith(f"From a case administrator: Reminder: {case.case_number}")
    (single,) = [message for message in mail.outbox if message.to == [other_reviewer.email]]
    assert other.case_number in single.subject
    assert str(run_page(admin_client, run).context["report"]).startswith(
        "Reminders sent for 4 cases"
    )


def test_a_reviewer_whose_cases_fall_far_apart_in_a_large_run_gets_one_email(
    monkeypatch, admin_client, two_in_review, django_capture_on_commit_callbacks
):
    """From the last note: the run reads its cases a chunk at a time, and a reviewer with
    cases in several chunks got one e-mail per chunk. Each reviewer's cases now share one."""
    monkeypatch.setattr(runs, "REMINDER_CHUNK", 2)
    (first, first_reviewer), (other, other_reviewer) = two_in_review
    second, third = (case_in_review(first_reviewer)[0] for _ in range(2))
    # In the list's order the first reviewer's cases fall in both chunks of two.
    selected = [first, other, second, third]

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(BULK, {"action": "remind", "case": [c.case_number for c in selected]})

    run = ReminderRun.objects.get()
    assert run.outcomes == {case.case_number: "sent" for case in selected}
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [first_reviewer.email, other_reviewer.email]
    )
    (digest,) = [message for message in mail.outbox if message.to == [first_reviewer.email]]
    assert digest.subject == "Reminder: 3 cases"


def test_a_run_that_stopped_is_resumed_and_no_reviewer_is_reminded_twice(
    admin_client, case_admin, two_in_review, django_capture_on_commit_callbacks, settings
):
    """A worker that died after the first case: the page says it is stuck and offers to resume,
    which goes on from the case it stopped at."""
    settings.REMINDER_RUN_STUCK_MINUTES = 5
    (first, first_reviewer), (second, second_reviewer) = two_in_review
    with django_capture_on_commit_callbacks(execute=False):
        admin_client.post(BULK, {"action": "remind", "case": [first.case_number]})
    run = ReminderRun.objects.get()
    runs.reminder_run_work(run_id=run.pk)
    assert [message.to for message in mail.outbox] == [[first_reviewer.email]]
    # The same run, as if it had held both cases and its worker had died after the first.
    ReminderRun.objects.filter(pk=run.pk).update(
        case_numbers=[first.case_number, second.case_number],
        status=ReminderRunStatus.RUNNING,
        heartbeat_at=timezone.now() - dt.timedelta(minutes=6),
        finished_at=None,
    )

    stuck = run_page(admin_client, run).content.decode()
    assert "Stuck" in stuck and "Resume the reminders" in stuck
    assert "1 of 2 cases done" in stuck
    assert 'hx-trigger="every 1s"' not in stuck  # the focus stays on "Resume"
    with django_capture_on_commit_callbacks(execute=True):
        resumed = admin_client.post(reverse("casefile:reminder_run_resume", args=[run.pk]))
    assert resumed.url == reverse("casefile:reminder_run", args=[run.pk])

    report = str(run_page(admin_client, run).context["report"])
    assert report.startswith("Reminders sent for 2 cases")
    assert [message.to for message in mail.outbox] == [
        [first_reviewer.email],
        [second_reviewer.email],
    ]
    assert ClockNotice.objects.filter(case=first).count() == 1


def test_a_run_still_going_is_not_resumed(admin_client, case_admin, two_in_review):
    (case, _), _ = two_in_review
    mine = ReminderRun.objects.create(
        created_by=case_admin,
        case_numbers=[case.case_number],
        status=ReminderRunStatus.RUNNING,
        heartbeat_at=timezone.now(),
    )

    response = admin_client.post(
        reverse("casefile:reminder_run_resume", args=[mine.pk]), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "These reminders are not stuck and none is left to send: they are finished or still "
        "being sent."
    ]
    mine.refresh_from_db()
    assert mine.status == ReminderRunStatus.RUNNING
    # Nothing was sent to the task queue.
    assert not FollowUp.objects.filter(task=tasks.reminder_run_work.name).exists()


def test_another_administrators_run_is_not_found(two_in_review):
    """Its report names cases that may not be the other administrator's to see."""
    (case, _), _ = two_in_review
    asker = UserFactory(role=Role.CASE_ADMIN, username="asker")
    run = ReminderRun.objects.create(created_by=asker, case_numbers=[case.case_number])
    other = Client()
    assert other.login(
        username=UserFactory(role=Role.CASE_ADMIN, username="other").username, password=PASSWORD
    )

    assert run_page(other, run).status_code == 404
    assert other.post(reverse("casefile:reminder_run_resume", args=[run.pk])).status_code == 404


def test_a_message_the_mail_server_refuses_is_named_and_sent_again_on_asking(
    admin_client, case_admin, two_in_review, monkeypatch, django_capture_on_commit_callbacks
):
    """Nothing of a refused reminder is recorded (no notice, no event, no bell), the others go
    on, the report names it, the asker is told under the bell, and "Send again" sends it."""
    (first, first_reviewer), (second, _) = two_in_review

    def refuse(subject, body, sender, recipients):
        if recipients == [first_reviewer.email]:
            raise SMTPRecipientsRefused({first_reviewer.email: (550, b"Mailbox full")})
        mail.outbox.append(mail.EmailMessage(subject, body, sender, recipients))

    monkeypatch.setattr(services, "send_mail", refuse)
    bell_before = first_reviewer.notifications.count()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            BULK, {"action": "remind", "case": [first.case_number, second.case_number]}
        )
    run = ReminderRun.objects.get()
    page = run_page(admin_client, run)

    assert str(page.context["report"]) == (
        f'Reminders sent for 1 case (<a href="/cases/{second.case_number}/">'
        f"{second.case_number}</a>); the mail server refused the e-mail for 1 case "
        f'(<a href="/cases/{first.case_number}/">{first.case_number}</a>).'
    )
    assert "Send again to the 1 case not reminded" in page.content.decode()
    assert not ClockNotice.objects.filter(case=first).exists()
    assert not first.events.filter(type=EventType.REMINDER_SENT).exists()
    assert first_reviewer.notifications.count() == bell_before
    told = case_admin.notifications.get()
    assert (
        told.text
        == "Reminders: 1 of 2 cases not reminded: send them again from the reminders' page"
    )
    assert told.link == reverse("casefile:reminder_run", args=[run.pk])

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("casefile:reminder_run_resume", args=[run.pk]))
    page = run_page(admin_client, run)
    assert str(page.context["report"]).startswith("Reminders sent for 2 cases")
    assert "not reminded" not in page.content.decode()
    assert mail.outbox[-1].to == [first_reviewer.email]
    assert ClockNotice.objects.filter(case=first).count() == 1


def test_only_refused_messages_say_none_was_sent_not_none_was_due(
    admin_client, two_in_review, monkeypatch, django_capture_on_commit_callbacks
):
    (case, reviewer), _ = two_in_review

    def refuse(*args):
        raise SMTPRecipientsRefused({reviewer.email: (550, b"No such user")})

    monkeypatch.setattr(services, "send_mail", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(BULK, {"action": "remind", "case": [case.case_number]})
    report = str(run_page(admin_client, ReminderRun.objects.get()).context["report"])
    assert report.startswith("No reminder was sent: the mail server refused the e-mail")


def test_a_mail_server_not_reached_stops_the_run_where_it_was_and_try_again_goes_on(
    admin_client, two_in_review, monkeypatch, django_capture_on_commit_callbacks
):
    """It would fail every case alike (each after the connection's timeout): the run stops at
    the first, says why, and trying again once the server is back goes on from there."""
    (first, first_reviewer), (second, second_reviewer) = two_in_review
    monkeypatch.setattr(
        services,
        "send_mail",
        lambda *args: (_ for _ in ()).throw(SMTPServerDisconnected("Connection closed")),
    )
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            BULK, {"action": "remind", "case": [first.case_number, second.case_number]}
        )
    run = ReminderRun.objects.get()
    page = run_page(admin_client, run)
    text = page.content.decode()

    run.refresh_from_db()
    assert run.status == ReminderRunStatus.FAILED
    assert run.outcomes == {}
    assert (
        f"Stopped after 0 of 2 cases at {first.case_number}: the mail server could not be "
        "reached. The reminders sent are kept; trying again goes on from there. (For support: "
        "SMTPServerDisconnected: Connection closed)" in text
    )
    assert "Try again" in text
    assert not ClockNotice.objects.exists()
    # Its report does not read as the whole run's (from QA).
    assert str(page.context["report"]) == "No reminder was sent: 2 cases not yet reached."

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("casefile:reminder_run_resume", args=[run.pk]))
    assert str(run_page(admin_client, run).context["report"]).startswith(
        "Reminders sent for 2 cases"
    )
    assert [message.to for message in mail.outbox] == [
        [first_reviewer.email],
        [second_reviewer.email],
    ]


def test_a_fault_of_one_case_is_that_cases_and_the_others_go_on(
    admin_client, two_in_review, monkeypatch, django_capture_on_commit_callbacks
):
    (first, first_reviewer), (second, second_reviewer) = two_in_review
    reminders_failing_with(monkeypatch, first, RuntimeError("the unforeseen"))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            BULK, {"action": "remind", "case": [first.case_number, second.case_number]}
        )
    run = ReminderRun.objects.get()
    page = run_page(admin_client, run)

    run.refresh_from_db()
    assert run.status == ReminderRunStatus.FINISHED
    assert str(page.context["report"]) == (
        f'Reminders sent for 1 case (<a href="/cases/{second.case_number}/">'
        f'{second.case_number}</a>); 1 case (<a href="/cases/{first.case_number}/">'
        f"{first.case_number}</a>) could not be reminded (a fault, logged for support)."
    )
    assert [message.to for message in mail.outbox] == [[second_reviewer.email]]

    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("casefile:reminder_run_resume", args=[run.pk]))
    assert str(run_page(admin_client, run).context["report"]).startswith(
        "Reminders sent for 2 cases"
    )
    assert mail.outbox[-1].to == [first_reviewer.email]


def test_a_fault_of_one_case_of_a_reviewers_several_leaves_the_others_reminded(
    admin_client, two_in_review, monkeypatch, django_capture_on_commit_callbacks
):
    """From a review: a reviewer's cases reminded together all failed for one's fault, on every
    try. The group is tried again case by case: the fault is that case's alone."""
    (first, reviewer), _ = two_in_review
    second = case_in_review(reviewer)[0]
    reminders_failing_with(monkeypatch, first, RuntimeError("the unforeseen"))
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            BULK, {"action": "remind", "case": [first.case_number, second.case_number]}
        )

    run = ReminderRun.objects.get()
    assert run.outcomes == {first.case_number: "error", second.case_number: "sent"}
    assert [message.to for message in mail.outbox] == [[reviewer.email]]


def test_a_fault_while_the_reviewers_are_looked_up_leaves_each_case_its_outcome(
    case_admin, two_in_review, monkeypatch
):
    """From a review: the chunk's grouping ran outside the guard, and a fault there left the
    run running with no outcomes, at the same place on every try."""
    (first, _), (second, _) = two_in_review
    monkeypatch.setattr(
        runs, "reminder_recipient", lambda case: (_ for _ in ()).throw(RuntimeError("odd"))
    )
    run = ReminderRun.objects.create(
        created_by=case_admin, case_numbers=[first.case_number, second.case_number]
    )

    assert runs.reminder_run_work(run_id=run.pk) is True

    run.refresh_from_db()
    assert run.status == ReminderRunStatus.FINISHED
    assert run.outcomes == {first.case_number: "sent", second.case_number: "sent"}


def test_nothing_is_sent_in_the_name_of_someone_who_may_no_longer_manage_cases(
    case_admin, two_in_review
):
    (case, _), _ = two_in_review
    run = ReminderRun.objects.create(created_by=case_admin, case_numbers=[case.case_number])
    type(case_admin).objects.filter(pk=case_admin.pk).update(is_active=False)

    assert runs.reminder_run_work(run_id=run.pk) is False

    run.refresh_from_db()
    assert run.status == ReminderRunStatus.FAILED
    assert run.error.startswith("Not sent: whoever asked for these reminders may no longer")
    assert not mail.outbox and not ClockNotice.objects.exists()


def test_a_second_delivery_of_a_run_leaves_a_case_done_meanwhile(case_admin, two_in_review):
    """A re-queued message at work beside the first: the run as it read it holds no outcome for
    the case, but under the run's lock the case is found done, and left."""
    (first, _), _ = two_in_review
    run = ReminderRun.objects.create(
        created_by=case_admin,
        case_numbers=[first.case_number],
        status=ReminderRunStatus.RUNNING,
    )
    as_read = ReminderRun.objects.get(pk=run.pk)
    ReminderRun.objects.filter(pk=run.pk).update(outcomes={first.case_number: "sent"})

    runs._cases_remind(as_read, [(first.case_number, first)])

    assert not mail.outbox
    assert not ClockNotice.objects.exists()


def test_cases_none_of_which_may_be_reminded_finish_at_once(admin_client):
    response = admin_client.post(BULK, {"action": "remind", "case": ["CM99-9999999"]}, follow=True)
    assert str(response.context["report"]) == (
        "No reminder was sent: 1 case not found or not yours to act on."
    )
    assert 'hx-trigger="every 1s"' not in response.content.decode()


def test_send_again_is_refused_while_the_run_is_at_work(admin_client, case_admin, two_in_review):
    """From a review: "Send again" from a stale page beside a run still at work dropped the
    refused case's outcome after the worker had passed it, and the run ended with it never
    reminded and nothing offered."""
    (first, _), (second, _) = two_in_review
    run = ReminderRun.objects.create(
        created_by=case_admin,
        case_numbers=[first.case_number, second.case_number],
        outcomes={first.case_number: "mail_failed"},
        status=ReminderRunStatus.RUNNING,
        heartbeat_at=timezone.now(),
    )

    admin_client.post(reverse("casefile:reminder_run_resume", args=[run.pk]))

    run.refresh_from_db()
    assert run.outcomes == {first.case_number: "mail_failed"}
    assert run.status == ReminderRunStatus.RUNNING


def test_a_case_whose_data_the_database_refuses_is_that_cases_and_the_others_go_on(
    case_admin, two_in_review, monkeypatch
):
    """From a review: any DatabaseError stopped the run, at the same case on every try, and
    said "the database could not be reached"."""
    (first, _), (second, second_reviewer) = two_in_review
    reminders_failing_with(
        monkeypatch, first, DataError("value too long for type character varying(64)")
    )
    run = ReminderRun.objects.create(
        created_by=case_admin, case_numbers=[first.case_number, second.case_number]
    )

    assert runs.reminder_run_work(run_id=run.pk) is True

    run.refresh_from_db()
    assert run.status == ReminderRunStatus.FINISHED
    assert run.outcomes == {first.case_number: "error", second.case_number: "sent"}
    assert [message.to for message in mail.outbox] == [[second_reviewer.email]]


def test_a_delivery_that_read_the_run_before_it_finished_leaves_it_finished(
    case_admin, two_in_review, monkeypatch
):
    """From a review: a second delivery that read the run as working, just before the first
    ended it, set it back to running and could ring the bell twice."""
    (case, _), _ = two_in_review
    run = ReminderRun.objects.create(
        created_by=case_admin, case_numbers=[case.case_number], status=ReminderRunStatus.RUNNING
    )

    def ended_meanwhile(user, ability):
        # Between this delivery's read of the run and its start, the other one ends it.
        ReminderRun.objects.filter(pk=run.pk).update(
            status=ReminderRunStatus.FINISHED, outcomes={case.case_number: "sent"}
        )
        return True

    monkeypatch.setattr(runs, "may", ended_meanwhile)

    assert runs.reminder_run_work(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == ReminderRunStatus.FINISHED
    assert not mail.outbox

"""Reminders before the due date and escalations after it (SPEC section 3): each sent once and
recorded (cases/reminders.py)."""

import datetime as dt
import re
from smtplib import SMTPRecipientsRefused

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Notification, Role, User
from cases.lifecycle.models import CaseEvent, CaseStatus, EventType
from cases.reminders import services
from cases.reminders.models import ClockNotice
from cases.reminders.services import clock_notices_send
from reviews.assignment.models import Assignment, AssignmentStatus
from tests.factories import CaseFactory, DisputedItemFactory, UserFactory

D = dt.date
S = CaseStatus


@pytest.fixture(autouse=True)
def _two_business_days(settings):
    settings.REVIEWER_REMINDER_BUSINESS_DAYS = 2


@pytest.fixture
def admins(case_admin):
    """The active case administrators who get escalations, and people who must not."""
    second = UserFactory(role=Role.CASE_ADMIN, username="admin2")
    UserFactory(role=Role.CASE_ADMIN, username="gone", is_active=False)
    UserFactory(role=Role.CASE_ADMIN, username="no-mail", email="")
    UserFactory(role=Role.SYSTEM_ADMIN, username="sysadmin")
    UserFactory(role=Role.REVIEWER, username="some-reviewer")
    return [case_admin.email, second.email]


def records_overdue_case():
    # Notice 11/04/2026, electronic: records due 11/16/2026.
    case = CaseFactory(
        status=S.AWAITING_RECORDS, date_assigned=D(2026, 11, 4), due_on=D(2026, 11, 16)
    )
    DisputedItemFactory(case=case, position=1)
    return case


def case_with_reviewer(reviewer, *, status=S.IN_REVIEW, assignment=AssignmentStatus.ACCEPTED):
    # Records complete 11/10/2026: determination due Thursday 12/10/2026.
    case = CaseFactory(
        status=status,
        date_assigned=D(2026, 11, 4),
        records_complete_on=D(2026, 11, 10),
        due_on=D(2026, 12, 10),
    )
    DisputedItemFactory(case=case, position=1)
    Assignment.objects.create(case=case, reviewer=reviewer, round=1, status=assignment)
    return case


@pytest.mark.django_db
def test_an_overdue_case_escalates_to_each_active_case_admin_once(admins, mailoutbox):
    case = records_overdue_case()

    assert clock_notices_send(today=D(2026, 11, 20)) == 2

    assert sorted(message.to[0] for message in mailoutbox) == sorted(admins)
    assert all(len(message.to) == 1 for message in mailoutbox)
    message = mailoutbox[0]
    assert case.case_number in message.subject
    assert "OVERDUE" in message.subject
    assert "11/16/2026" in message.body
    assert "4 days ago" in message.body
    notices = ClockNotice.objects.filter(case=case)
    assert sorted(notices.values_list("recipient", flat=True)) == sorted(admins)
    assert {(n.kind, n.due_on) for n in notices} == {
        (ClockNotice.Kind.RECORDS_OVERDUE, D(2026, 11, 16))
    }
    escalations = CaseEvent.objects.filter(case=case, type=EventType.ESCALATION_SENT)
    assert sorted(event.details["recipient"] for event in escalations) == sorted(admins)


@pytest.mark.django_db
def test_a_second_run_sends_nothing_new(admins, mailoutbox):
    case = records_overdue_case()
    clock_notices_send(today=D(2026, 11, 20))

    assert clock_notices_send(today=D(2026, 11, 20)) == 0
    assert clock_notices_send(today=D(2026, 11, 23)) == 0

    assert len(mailoutbox) == 2
    assert ClockNotice.objects.filter(case=case).count() == 2
    assert CaseEvent.objects.filter(case=case, type=EventType.ESCALATION_SENT).count() == 2


@pytest.mark.django_db
def test_nothing_is_sent_for_a_case_due_today(admins, mailoutbox):
    records_overdue_case()
    assert clock_notices_send(today=D(2026, 11, 16)) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_overdue_determination_escalates_as_such(admins, reviewer, mailoutbox):
    case = case_with_reviewer(reviewer)
    clock_notices_send(today=D(2026, 12, 11))
    assert sorted(message.to[0] for message in mailoutbox) == sorted(admins)
    assert "determination" in mailoutbox[0].subject
    assert set(ClockNotice.objects.filter(case=case).values_list("kind", flat=True)) == {
        ClockNotice.Kind.DETERMINATION_OVERDUE
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status, assignment",
    [
        (S.IN_REVIEW, AssignmentStatus.ACCEPTED),
        (S.REVIEWER_ASSIGNED, AssignmentStatus.ASSIGNED),
        (S.RETURNED, AssignmentStatus.ACCEPTED),
    ],
)
def test_a_reviewer_is_reminded_once_when_the_determination_is_due_soon(
    admins, reviewer, mailoutbox, status, assignment
):
    case = case_with_reviewer(reviewer, status=status, assignment=assignment)

    # Tuesday 12/08: two business days (12/09, 12/10) before the due date.
    assert clock_notices_send(today=D(2026, 12, 8)) == 1
    assert clock_notices_send(today=D(2026, 12, 9)) == 0

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [reviewer.email]
    assert "12/10/2026" in mailoutbox[0].subject
    notice = ClockNotice.objects.get(case=case)
    assert (notice.kind, notice.recipient) == (ClockNotice.Kind.REVIEWER_DUE_SOON, reviewer.email)
    event = CaseEvent.objects.get(case=case, type=EventType.REMINDER_SENT)
    assert event.details["recipient"] == reviewer.email


@pytest.mark.django_db
def test_a_reviewer_with_several_cases_due_soon_gets_one_email_listing_them(
    admins, reviewer, mailoutbox
):
    """From QA: a reviewer with nine determinations due soon got nine e-mails the same
    morning. One e-mail and one notification list them; each is recorded on its case, once."""
    in_review = [case_with_reviewer(reviewer) for _ in range(2)]
    to_accept = case_with_reviewer(
        reviewer, status=S.REVIEWER_ASSIGNED, assignment=AssignmentStatus.ASSIGNED
    )
    other_reviewer = UserFactory(role=Role.REVIEWER, username="other-reviewer")
    theirs = case_with_reviewer(other_reviewer)

    assert clock_notices_send(today=D(2026, 12, 8)) == 4
    assert clock_notices_send(today=D(2026, 12, 8)) == 0

    mine = [message for message in mailoutbox if message.to == [reviewer.email]]
    (digest,) = mine
    assert digest.subject == "Reminder: 3 cases due soon"
    for case in [*in_review, to_accept]:
        assert f"{case.case_number}: The determination is due 12/10/2026" in digest.body or (
            f"{case.case_number}: The case is assigned to you and waits for you to accept or "
            "decline it." in digest.body
        )
        assert f"/{case.case_number}/" in digest.body  # a link to each
    assert theirs.case_number not in digest.body
    assert "Your dashboard lists them all: http" in digest.body
    # One notification per case, to its workspace: the reviewer's answer and the submission
    # read each, as a single reminder's (from a review: one for all stayed unread).
    bells = Notification.objects.filter(user=reviewer)
    assert sorted(bell.link for bell in bells) == sorted(
        reverse("determination:workspace", args=[case.case_number])
        for case in [*in_review, to_accept]
    )
    assert any(bell.text.startswith("Reminder: accept or decline") for bell in bells)
    assert ClockNotice.objects.filter(recipient=reviewer.email).count() == 3
    assert CaseEvent.objects.filter(type=EventType.REMINDER_SENT).count() == 4
    # The other reviewer's one case is a reminder of its own, as before.
    (single,) = [message for message in mailoutbox if message.to == [other_reviewer.email]]
    assert theirs.case_number in single.subject


@pytest.mark.django_db
def test_a_digest_one_of_whose_cases_was_reminded_meanwhile_sends_the_others(
    reviewer, mailoutbox, monkeypatch
):
    """From a review: another run recorded one case's reminder between the check and the
    digest; the digest was undone and every case was left unsent. The others go one by one."""
    first, second = (case_with_reviewer(reviewer) for _ in range(2))
    still_as_read = services._still_as_read

    def recorded_meanwhile(cases):
        ClockNotice.objects.get_or_create(
            case=first,
            kind=ClockNotice.Kind.REVIEWER_REMINDED,
            due_on=first.due_on,
            recipient=reviewer.email,
        )
        return still_as_read(cases)

    monkeypatch.setattr(services, "_still_as_read", recorded_meanwhile)
    outcomes = services.reviewer_reminders([first, second], actor=None, today=D(2026, 12, 8))

    assert outcomes == {first.pk: services.Reminded.ALREADY, second.pk: services.Reminded.SENT}
    (message,) = mailoutbox
    assert second.case_number in message.subject


@pytest.mark.django_db
def test_no_reminder_for_a_case_not_due_soon(admins, reviewer, mailoutbox):
    case = case_with_reviewer(reviewer)
    # Monday 12/07: three business days before Thursday 12/10.
    assert clock_notices_send(today=D(2026, 12, 7)) == 0
    assert clock_notices_send(today=D(2026, 11, 24)) == 0
    assert mailoutbox == []
    assert not ClockNotice.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_due_soon_counts_business_days_not_calendar_days(reviewer, mailoutbox):
    # Records complete 10/30/2026: 30 days is Sunday 11/29, so due Monday 11/30.
    case = CaseFactory(
        status=S.IN_REVIEW,
        application_received=D(2026, 10, 15),
        ur_decision_date=D(2026, 10, 1),
        date_assigned=D(2026, 10, 20),
        records_complete_on=D(2026, 10, 30),
        due_on=D(2026, 11, 30),
    )
    DisputedItemFactory(case=case, position=1)
    Assignment.objects.create(case=case, reviewer=reviewer, status=AssignmentStatus.ACCEPTED)
    # Friday 11/20 is six calendar days but four business days (11/23-11/25, 11/30) before.
    assert clock_notices_send(today=D(2026, 11, 20)) == 0
    # Wednesday 11/25 is five calendar days but one business day before (Thanksgiving).
    assert clock_notices_send(today=D(2026, 11, 25)) == 1
    assert mailoutbox[0].to == [reviewer.email]


@pytest.mark.django_db
def test_the_reminder_window_follows_the_setting(reviewer, settings, mailoutbox):
    settings.REVIEWER_REMINDER_BUSINESS_DAYS = 5
    case_with_reviewer(reviewer)
    assert clock_notices_send(today=D(2026, 12, 2)) == 0  # six business days before
    assert clock_notices_send(today=D(2026, 12, 3)) == 1  # five


@pytest.mark.django_db
def test_a_reviewer_whose_login_is_deactivated_gets_no_reminder(reviewer, mailoutbox):
    """From QA: a deactivated reviewer was e-mailed the case's reminder; they cannot sign in to
    act on it, and the case waits until it is reassigned (the dashboard and the admin say so)."""
    case = case_with_reviewer(reviewer)
    type(reviewer).objects.filter(pk=reviewer.pk).update(is_active=False)
    assert clock_notices_send(today=D(2026, 12, 8)) == 0
    assert mailoutbox == []
    assert not ClockNotice.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_a_reviewer_who_declined_gets_no_reminder(reviewer, mailoutbox):
    case_with_reviewer(reviewer, status=S.RECORDS_COMPLETE, assignment=AssignmentStatus.DECLINED)
    assert clock_notices_send(today=D(2026, 12, 8)) == 0
    assert mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED])
def test_a_reviewer_whose_determination_is_submitted_gets_no_reminder(reviewer, mailoutbox, status):
    # The quality reviewer holds the case now; the reviewer has nothing left to do.
    case_with_reviewer(reviewer, status=status)
    assert clock_notices_send(today=D(2026, 12, 8)) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_closed_cases_get_no_notice(admins, mailoutbox):
    for status in (S.TERMINATED, S.ISSUED, S.INELIGIBLE):
        CaseFactory(status=status, date_assigned=D(2026, 11, 4), records_complete_on=None)
    assert clock_notices_send(today=D(2026, 12, 20)) == 0
    assert mailoutbox == []


@pytest.mark.django_db
def test_an_overdue_notice_of_assignment_is_escalated_as_such_with_its_explanation(
    admins, mailoutbox
):
    # Received Mon 11/02/2026: the finding and notice are due Tue 11/03 (8 CCR 9792.10.4(b)).
    case = CaseFactory(
        status=S.RECEIVED, application_received=D(2026, 11, 2), due_on=D(2026, 11, 3)
    )

    sent = clock_notices_send(today=D(2026, 11, 5))
    again = clock_notices_send(today=D(2026, 11, 6))

    assert (sent, again) == (2, 0)
    notices = ClockNotice.objects.filter(case=case)
    assert {notice.kind for notice in notices} == {ClockNotice.Kind.NOTICE_OVERDUE}
    assert sorted(message.to[0] for message in mailoutbox) == sorted(admins)
    message = mailoutbox[0]
    assert message.subject == f"OVERDUE: {case.case_number} notice of assignment was due 11/03/2026"
    assert "the notice of assignment was due on 11/03/2026, 2 days ago" in message.body
    assert "8 CCR 9792.10.4(b)" in message.body  # how the date was reached
    assert "determination" not in message.subject


@pytest.mark.django_db
def test_the_bell_says_an_escalation_is_urgent_once(admins, client):
    """From a QA pass: "Urgent: OVERDUE: CM26-0000003 records were due 11/30/2026" (the bell's
    mark and the e-mail subject's, both)."""
    case = CaseFactory(
        status=S.RECEIVED, application_received=D(2026, 11, 2), due_on=D(2026, 11, 3)
    )
    clock_notices_send(today=D(2026, 11, 5))
    client.force_login(User.objects.get(email=admins[0]))

    page = client.get(reverse("account:notifications")).content.decode()

    text = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert f"Urgent: {case.case_number} notice of assignment was due 11/03/2026" in text
    assert "OVERDUE" not in text


@pytest.mark.django_db
def test_overdue_information_requested_is_escalated_under_its_own_name(admins, mailoutbox):
    case = CaseFactory(
        status=S.INFORMATION_REQUESTED,
        information_requested_on=D(2026, 11, 2),
        information_due_on=D(2026, 11, 9),
        due_on=D(2026, 11, 9),
    )

    assert clock_notices_send(today=D(2026, 11, 10)) == 2
    assert clock_notices_send(today=D(2026, 11, 11)) == 0

    kinds = set(ClockNotice.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == {ClockNotice.Kind.INFORMATION_OVERDUE}
    assert "information requested was due 11/09/2026" in mailoutbox[0].subject


@pytest.mark.django_db
def test_a_long_deferral_is_flagged_once_after_the_setting(admins, mailoutbox, settings):
    settings.IMR_DEFERRAL_REVIEW_DAYS = 30
    case = CaseFactory(status=S.DEFERRED, deferred_on=D(2026, 11, 5))
    assert clock_notices_send(today=D(2026, 12, 4)) == 0  # 29 days
    assert clock_notices_send(today=D(2026, 12, 5)) == 2  # 30 days: each admin once
    assert clock_notices_send(today=D(2026, 12, 20)) == 0
    notice = ClockNotice.objects.get(case=case, recipient=admins[0])
    assert notice.kind == ClockNotice.Kind.DEFERRAL_REVIEW
    assert notice.due_on == D(2026, 12, 5)
    assert mailoutbox[0].subject == f"Look again: {case.case_number} deferred since 11/05/2026"
    assert "Deferred since 11/05/2026, 30 days" in mailoutbox[0].body
    assert "8 CCR 9792.10.3(a)(3)" in mailoutbox[0].body
    assert "Deferrals are flagged after 30 days (this organization's setting)" in (
        mailoutbox[0].body
    )
    assert "IMR_DEFERRAL_REVIEW_DAYS" not in mailoutbox[0].body
    assert CaseEvent.objects.filter(case=case, type=EventType.REMINDER_SENT).count() == 2


@pytest.mark.django_db
def test_many_new_escalations_come_as_one_digest_each_still_recorded_on_its_case(
    admins, mailoutbox, settings
):
    """From a QA pass: importing 3,000 old applications made 2,647 "OVERDUE" e-mails and
    notifications for each administrator, burying a decline on page 106 of the bell."""
    settings.ADMIN_ALERTS_DIGEST_AFTER = 5
    cases = [records_overdue_case() for _ in range(7)]

    assert clock_notices_send(today=D(2026, 11, 20)) == 14

    assert sorted(message.to[0] for message in mailoutbox) == sorted(admins)
    message = mailoutbox[0]
    assert message.subject == "OVERDUE: 7 cases"
    assert message.body.startswith("These cases are overdue, and you had not been told of them")
    for case in cases:
        assert (
            f"{case.case_number} (Standard): the records were due 11/16/2026, 4 days ago."
            in message.body
        )
    assert "/cases/?due=overdue" in message.body
    notes = Notification.objects.filter(user__email=admins[0])
    assert [(n.text, n.link, n.urgent) for n in notes] == [
        ("7 cases overdue", "/cases/?due=overdue", True)
    ]
    for case in cases:
        assert ClockNotice.objects.filter(case=case).count() == 2
        assert CaseEvent.objects.filter(case=case, type=EventType.ESCALATION_SENT).count() == 2

    # Each once: a later run sends nothing again, and one more overdue case comes on its own.
    assert clock_notices_send(today=D(2026, 11, 21)) == 0
    late = records_overdue_case()
    assert clock_notices_send(today=D(2026, 11, 21)) == 2
    assert mailoutbox[-1].subject == f"OVERDUE: {late.case_number} records were due 11/16/2026"


@pytest.mark.django_db
def test_a_long_digest_names_its_first_cases_and_counts_the_rest(
    admins, mailoutbox, settings, monkeypatch
):
    """A digest past its length names the first cases and counts the others, which the case
    list it links to shows; every case is still recorded."""
    settings.ADMIN_ALERTS_DIGEST_AFTER = 2
    monkeypatch.setattr(services, "DIGEST_LINES", 3)
    cases = [records_overdue_case() for _ in range(5)]

    clock_notices_send(today=D(2026, 11, 20))

    body = mailoutbox[0].body
    named = [case for case in cases if case.case_number in body]
    assert len(named) == 3
    assert "... and 2 more.\n" in body
    assert "/cases/?due=overdue" in body
    assert all(ClockNotice.objects.filter(case=case).exists() for case in cases)


@pytest.mark.django_db
def test_a_digest_records_its_cases_in_one_insert_each_not_one_per_case(admins, settings):
    """From a review: a digest of 2,600 cases wrote 5,200 rows one by one for each
    administrator, in one transaction; now its notices, then its events, go a thousand to a
    statement."""
    settings.ADMIN_ALERTS_DIGEST_AFTER = 5
    cases = [records_overdue_case() for _ in range(12)]
    notices, history = ClockNotice._meta.db_table, CaseEvent._meta.db_table
    with CaptureQueriesContext(connection) as run:
        assert clock_notices_send(today=D(2026, 11, 20)) == 24
    inserts = [q["sql"] for q in run.captured_queries if q["sql"].startswith("INSERT")]
    assert sum(f'INTO "{notices}"' in sql for sql in inserts) == len(admins)
    assert sum(f'INTO "{history}"' in sql for sql in inserts) == len(admins)
    for case in cases:
        assert ClockNotice.objects.filter(case=case).count() == 2
        assert CaseEvent.objects.filter(case=case, type=EventType.ESCALATION_SENT).count() == 2


@pytest.mark.django_db
def test_a_digest_that_cannot_be_mailed_records_nothing_and_holds_no_one_else_up(
    admins, mailoutbox, settings, monkeypatch
):
    """All or nothing for each administrator: a mail refused for one (a deleted mailbox, the
    server down) records nothing of theirs, so the next run sends it; the others are told."""
    settings.ADMIN_ALERTS_DIGEST_AFTER = 1
    for _ in range(3):
        records_overdue_case()
    refused_to, told = admins
    sent = services.send_mail

    def refusing(subject, body, sender, recipients):
        if recipients == [refused_to]:
            raise SMTPRecipientsRefused({refused_to: (550, b"no such mailbox")})
        return sent(subject, body, sender, recipients)

    monkeypatch.setattr(services, "send_mail", refusing)
    with pytest.raises(SMTPRecipientsRefused):
        clock_notices_send(today=D(2026, 11, 20))
    assert not ClockNotice.objects.filter(recipient=refused_to).exists()
    assert not Notification.objects.filter(user__email=refused_to).exists()
    assert ClockNotice.objects.filter(recipient=told).count() == 3
    assert [message.to for message in mailoutbox] == [[told]]

    monkeypatch.undo()
    assert clock_notices_send(today=D(2026, 11, 20)) == 3
    assert [message.to for message in mailoutbox] == [[told], [refused_to]]
    assert mailoutbox[-1].subject == "OVERDUE: 3 cases"


@pytest.mark.django_db
def test_many_long_deferrals_come_as_one_digest_leading_to_the_deferred_cases(
    admins, mailoutbox, settings
):
    settings.IMR_DEFERRAL_REVIEW_DAYS = 30
    settings.ADMIN_ALERTS_DIGEST_AFTER = 2
    for _ in range(3):
        CaseFactory(status=S.DEFERRED, deferred_on=D(2026, 11, 5))

    assert clock_notices_send(today=D(2026, 12, 5)) == 6

    assert mailoutbox[0].subject == "Look again: 3 deferred cases"
    assert "Deferred since 11/05/2026, 30 days" in mailoutbox[0].body
    note = Notification.objects.filter(user__email=admins[0]).get()
    assert note.link == "/cases/?status=deferred" and not note.urgent
    assert CaseEvent.objects.filter(type=EventType.REMINDER_SENT).count() == 6


def closing_during_the_run(monkeypatch, cases: list, *, unnamed: bool = True) -> list:
    """A mail server slow enough that another administrator terminates a case while the run is
    sending its first e-mail: the first of `cases` that e-mail does not name (or, `unnamed`
    False, the last of them). Returns the closed case, in a list."""
    sent, closed = services.send_mail, []

    def slow(subject, body, sender, recipients):
        if not closed:
            named = [c for c in cases if c.case_number not in subject + body] if unnamed else []
            closed.append(named[0] if named else cases[-1])
            type(closed[0]).objects.filter(pk=closed[0].pk).update(status=S.TERMINATED)
        return sent(subject, body, sender, recipients)

    monkeypatch.setattr(services, "send_mail", slow)
    return closed


@pytest.mark.django_db
def test_a_case_closed_while_the_run_is_sending_gets_no_escalation(admins, mailoutbox, monkeypatch):
    cases = [records_overdue_case(), records_overdue_case()]
    closed = closing_during_the_run(monkeypatch, cases)

    assert clock_notices_send(today=D(2026, 11, 20)) == 2

    (still_open,) = [case for case in cases if case not in closed]
    assert [m.subject.split()[1] for m in mailoutbox] == [still_open.case_number] * 2
    assert not ClockNotice.objects.filter(case=closed[0]).exists()
    assert not Notification.objects.filter(text__contains=closed[0].case_number).exists()
    assert not CaseEvent.objects.filter(case=closed[0], type=EventType.ESCALATION_SENT).exists()


@pytest.mark.django_db
def test_a_digest_leaves_out_a_case_closed_while_the_run_is_sending(
    admins, mailoutbox, monkeypatch, settings
):
    settings.ADMIN_ALERTS_DIGEST_AFTER = 1
    cases = [records_overdue_case() for _ in range(3)]
    closed = closing_during_the_run(monkeypatch, cases, unnamed=False)

    assert clock_notices_send(today=D(2026, 11, 20)) == 5

    first, second = mailoutbox
    assert first.subject == "OVERDUE: 3 cases"
    assert second.subject == "OVERDUE: 2 cases" and closed[0].case_number not in second.body
    assert ClockNotice.objects.filter(case=closed[0]).count() == 1


@pytest.mark.django_db
def test_one_reminder_per_due_date_whoever_sends_it_first(admins, reviewer, case_admin, mailoutbox):
    # From a QA pass: a case administrator's reminder, then the scheduled one the same week,
    # reached the reviewer twice for the same due date.
    case = case_with_reviewer(reviewer, status=S.IN_REVIEW, assignment=AssignmentStatus.ACCEPTED)
    case.refresh_from_db()
    assert services.reviewer_remind(case, actor=case_admin) == services.Reminded.SENT
    assert clock_notices_send(today=D(2026, 12, 8)) == 0
    assert [message.to for message in mailoutbox] == [[reviewer.email]]
    # and the other way round: after the scheduled reminder, the administrator's is refused
    other = case_with_reviewer(reviewer, status=S.IN_REVIEW, assignment=AssignmentStatus.ACCEPTED)
    other.refresh_from_db()
    assert clock_notices_send(today=D(2026, 12, 8)) == 1
    assert services.reviewer_remind(other, actor=case_admin) == services.Reminded.ALREADY
    assert Notification.objects.filter(user=reviewer).count() == 2


@pytest.mark.django_db
def test_a_reviewer_who_has_not_accepted_is_asked_to_answer_the_assignment(
    reviewer, case_admin, mailoutbox
):
    # From QA: the reminder to a reviewer who had not accepted spoke only of the due date, as
    # if the review were under way; it asks them to accept or decline, by the schedule and by
    # a case administrator alike.
    waiting = case_with_reviewer(
        reviewer, status=S.REVIEWER_ASSIGNED, assignment=AssignmentStatus.ASSIGNED
    )
    # Another reviewer's: a reviewer's several reminders are one e-mail (tested above).
    accepted = case_with_reviewer(UserFactory(role=Role.REVIEWER, username="other-reviewer"))
    assert clock_notices_send(today=D(2026, 12, 8)) == 2
    asked = next(m for m in mailoutbox if waiting.case_number in m.subject)
    told = next(m for m in mailoutbox if accepted.case_number in m.subject)
    assert asked.subject == (
        f"Reminder: accept or decline {waiting.case_number} (determination due 12/10/2026)"
    )
    assert "waits for you to accept or decline it" in asked.body
    assert "2 business days from today" in asked.body
    assert told.subject == f"Reminder: {accepted.case_number} determination due 12/10/2026"
    assert "accept" not in told.body

    mailoutbox.clear()
    other = case_with_reviewer(
        reviewer, status=S.REVIEWER_ASSIGNED, assignment=AssignmentStatus.ASSIGNED
    )
    other.refresh_from_db()
    assert services.reviewer_remind(other, actor=case_admin) == services.Reminded.SENT
    (message,) = mailoutbox
    assert message.subject.startswith(f"Reminder: accept or decline {other.case_number}")
    assert message.body.startswith(
        f"A case administrator reminds you of case {other.case_number}. The case is assigned "
        "to you and waits for you to accept or decline it."
    )

"""Reminders and escalations of the statutory clock. Each notice is sent once and recorded."""

from __future__ import annotations

import datetime as dt
import enum
import logging
from dataclasses import dataclass
from smtplib import SMTPDataError, SMTPRecipientsRefused

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Role, User
from accounts.notifications import notify, site_link
from cases.clock.deadlines import business_days_between, deferral_text
from cases.formatting import first_and_more
from cases.lifecycle import events
from cases.lifecycle.clock import case_clock
from cases.lifecycle.models import CLOSED_STATUSES, Case, CaseStatus
from cases.lifecycle.status_table import DRAFT_WITH_REVIEWER_STATUSES
from cases.registry import reviewer_side
from cases.reminders.models import ClockNotice

logger = logging.getLogger(__name__)

Kind = ClockNotice.Kind
# What a failed send raises (smtplib's errors are OSErrors): it fails that recipient's notice,
# not the others'.
_MAIL_FAILED = OSError


# The escalation for each running clock once it is overdue, named as the clock is named.
_OVERDUE_KINDS = {
    "notice": Kind.NOTICE_OVERDUE,
    "records": Kind.RECORDS_OVERDUE,
    "determination": Kind.DETERMINATION_OVERDUE,
    "information": Kind.INFORMATION_OVERDUE,
}


# Reminders, not escalations: not marked urgent, recorded as reminders in the history.
_REMINDERS = frozenset({Kind.REVIEWER_DUE_SOON, Kind.DEFERRAL_REVIEW, Kind.REVIEWER_REMINDED})
# Sent to the case's reviewer: their link opens the workspace, where the determination is written.
_TO_REVIEWER = frozenset({Kind.REVIEWER_DUE_SOON, Kind.REVIEWER_REMINDED})


def _notice_link(case: Case, kind: str) -> str:
    case_page = reverse("casefile:case_detail", args=[case.case_number])
    if kind in _TO_REVIEWER:
        return reviewer_side().reviewer_case_url(case) or case_page
    return case_page


def _sent_notice(
    *, case: Case, kind: str, due_on: dt.date, recipient: str, actor: User | None = None
) -> events.SentClockNotice:
    """A notice as it is recorded: an escalation unless its kind is a reminder; sent by
    `actor`, or by the schedule."""
    return events.SentClockNotice(
        case=case,
        kind=kind,
        due_on=due_on,
        recipient=recipient,
        escalation=kind not in _REMINDERS,
        actor=actor,
    )


def _notices_record(notices: list[events.SentClockNotice]) -> None:
    """That the notices were sent: their rows (the unique constraint makes each once-only) and
    each case history's event, a thousand to an INSERT (a digest records thousands). Raises
    IntegrityError when one was recorded before."""
    ClockNotice.objects.bulk_create(
        [
            ClockNotice(
                case=notice.case,
                kind=notice.kind,
                due_on=notice.due_on,
                recipient=notice.recipient,
            )
            for notice in notices
        ],
        batch_size=1000,
    )
    events.clock_notices_sent(notices)


def _still_as_read(cases: list[Case]) -> set[int]:
    """The ids of these cases whose status and stored due date are still as the run read them,
    read again just before sending: a case issued, terminated or moved on while a run was going
    through thousands of cases or waiting on a slow mail server is not told of as it was; the
    next run reads it afresh."""
    read = {case.pk: (case.status, case.due_on) for case in cases}
    ids = sorted(read)
    still: set[int] = set()
    for start in range(0, len(ids), 1000):
        rows = Case.objects.filter(pk__in=ids[start : start + 1000]).values_list(
            "pk", "status", "due_on"
        )
        still.update(pk for pk, status, due_on in rows if read[pk] == (status, due_on))
    return still


def _notice_send(alert: Alert, user: User, *, actor: User | None = None) -> bool:
    """One alert (or reminder) as a notice of its own: recorded first, then mailed; the same
    words wait in the app under the recipient's bell (accounts.notifications), and both lead
    to the case (the reviewer's to their workspace). Nothing is sent when the case changed
    since it was read (_still_as_read)."""
    case = alert.case
    notice = _sent_notice(
        case=case, kind=alert.kind, due_on=alert.due_on, recipient=user.email, actor=actor
    )
    if not _still_as_read([case]):
        return False
    link = _notice_link(case, alert.kind)
    # From QA: the e-mail named the case but gave no way to it.
    body = f"{alert.body}\n\nOpen the case: {site_link(link)}\n"
    try:
        with transaction.atomic():
            _notices_record([notice])
            notify([user], text=alert.title or alert.subject, link=link, urgent=notice.escalation)
            send_mail(alert.subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except IntegrityError:
        return False
    return True


def _reviewer_reminded(case: Case, due_on: dt.date) -> bool:
    """Whether the case's reviewer was reminded for this due date already, by the schedule or
    by a case administrator: one reminder per due date, whoever sends it first."""
    return ClockNotice.objects.filter(case=case, due_on=due_on, kind__in=_TO_REVIEWER).exists()


class Reminded(enum.StrEnum):
    SENT = "sent"
    CLOSED = "closed"  # issued, terminated or ineligible: nothing is left to review
    NO_REVIEWER = "no_reviewer"  # not in a reviewer's hands (none assigned, or submitted)
    LOGIN_DEACTIVATED = "login_deactivated"  # the reviewer can no longer sign in to act
    ALREADY = "already"  # reminded already for this due date
    MAIL_FAILED = "mail_failed"  # the mail server refused it: nothing recorded, to send again
    # Outcomes of a run of reminders (cases.reminders.runs), not of reviewer_remind:
    NOT_FOUND = "not_found"  # the case was gone by the time the run came to it
    ERROR = "error"  # a fault of this case's (logged): nothing recorded, to send again


# What the mail server says of one message, not of itself: that reminder is not sent and the
# others go on. Any other OSError (a server that cannot be reached, a connection dropped)
# would come again for every case: it stops the run, to be tried again (cases.reminders.runs).
_MESSAGE_REFUSED = (SMTPRecipientsRefused, SMTPDataError)


def reminder_recipient(case: Case) -> User | None:
    """Whom a reminder of the case goes to: its reviewer while the determination is in their
    hands (once submitted, the quality reviewer holds it and the escalation, if any, goes to
    the administrators), else no one."""
    if case.status not in DRAFT_WITH_REVIEWER_STATUSES:
        return None
    return reviewer_side().current_reviewer(case)


def reviewer_remind(case: Case, *, actor: User | None, today: dt.date | None = None) -> Reminded:
    """A case administrator's (`actor`) reminder to the case's reviewer (reviewer_reminders)."""
    return reviewer_reminders([case], actor=actor, today=today)[case.pk]


def reviewer_reminders(
    cases: list[Case], *, actor: User | None, today: dt.date | None = None
) -> dict[int, Reminded]:
    """A case administrator's (`actor`) reminders to the reviewers of `cases`, through the same
    sending as the scheduled ones (recorded as sent by them, in-app and by e-mail), once per
    due date; a reviewer of several gets one e-mail listing them (_reviewer_reminders_send).
    The outcome of each case, by its id."""
    outcomes: dict[int, Reminded] = {}
    reminders: dict[int, tuple[User, list[Alert]]] = {}
    for case in cases:
        if case.status in CLOSED_STATUSES:
            outcomes[case.pk] = Reminded.CLOSED
            continue
        reviewer = reminder_recipient(case)
        if reviewer is not None and not reviewer.is_active:
            # From QA: a reviewer whose login is deactivated was e-mailed and the case counted
            # as reminded; they cannot act on it, and the case waits until it is reassigned.
            outcomes[case.pk] = Reminded.LOGIN_DEACTIVATED
            continue
        if reviewer is None or not reviewer.email:
            outcomes[case.pk] = Reminded.NO_REVIEWER
            continue
        due_on = case.due_on or today or timezone.localdate()
        if _reviewer_reminded(case, due_on):
            outcomes[case.pk] = Reminded.ALREADY
            continue
        subject, body = _reviewer_reminder(case, case.due_on)
        reminders.setdefault(reviewer.pk, (reviewer, []))[1].append(
            Alert(
                case=case,
                kind=Kind.REVIEWER_REMINDED,
                due_on=due_on,
                subject=subject,
                body=f"A case administrator reminds you of case {case.case_number}. {body}",
                line=f"{case.case_number}: {body}",
                # The bell says who sends it too (from QA: it read as the schedule's).
                title=f"From a case administrator: {subject}",
            )
        )
    for reviewer, theirs in reminders.values():
        try:
            sent = _reviewer_reminders_send(reviewer, theirs, actor=actor)
        except _MESSAGE_REFUSED as error:
            # Their records and notification were undone with it: sending again sends them.
            logger.warning("reminder to %s not sent: %s", reviewer.email, error)
            outcomes.update({reminder.case.pk: Reminded.MAIL_FAILED for reminder in theirs})
            continue
        outcomes.update(
            {
                reminder.case.pk: Reminded.SENT if reminder.case.pk in sent else Reminded.ALREADY
                for reminder in theirs
            }
        )
    return outcomes


# How a reminder to accept or decline a case begins, in the bell: the schedule's, and a case
# administrator's. The reviewer's answer reads them (reviews.assignment.acceptance_settled).
ACCEPT_REMINDER = "Reminder: accept or decline"
ACCEPT_REMINDER_TITLES = (ACCEPT_REMINDER, f"From a case administrator: {ACCEPT_REMINDER}")


def _reviewer_reminder(case: Case, due_on: dt.date | None, *, left: int | None = None):
    """A reminder's subject and body for the case's reviewer. A reviewer who has not accepted
    the assignment is asked to answer it first (from QA: an unaccepted case's reminder spoke
    only of the determination's due date, as if the review were under way)."""
    due = f"due {due_on:%m/%d/%Y}" if due_on else "waiting for you"
    when = f" ({left} business day{pluralize(left)} from today)" if left is not None else ""
    if case.status == CaseStatus.REVIEWER_ASSIGNED:
        return (
            f"{ACCEPT_REMINDER} {case.case_number} (determination {due})",
            f"The case is assigned to you and waits for you to accept or decline it. The "
            f"determination is {due}{when}.",
        )
    return (
        f"Reminder: {case.case_number} determination {due}",
        f"The determination is {due}{when}.",
    )


@dataclass(frozen=True)
class Alert:
    """One case's escalation (or deferral flag) for the administrators, or reminder for its
    reviewer, worded for one e-mail of its own; a digest lists its `line`."""

    case: Case
    kind: str
    due_on: dt.date
    subject: str
    body: str
    line: str
    # What the bell shows: the subject without the inbox's "OVERDUE: ", since the bell marks
    # an escalation "Urgent:" itself ("Urgent: OVERDUE: ..." said it twice).
    title: str = ""


# What a digest of each group of alerts says (the e-mail's subject, the bell's title, the
# e-mail's opening) and where its notification leads: the case list showing those cases.
_DIGESTS = {
    "overdue": (
        "OVERDUE: {n} cases",
        "{n} cases overdue",
        "These cases are overdue, and you had not been told of them",
        {"due": "overdue"},
    ),
    "deferral": (
        "Look again: {n} deferred cases",
        "Look again: {n} deferred cases",
        "These cases have been deferred long enough to look at again, and you had not been "
        "told of them",
        {"status": CaseStatus.DEFERRED},
    ),
}
# A digest's e-mail lists this many cases at most; the case list it links to shows them all.
DIGEST_LINES = 500


def clock_notices_send(*, today: dt.date | None = None) -> int:
    """The reminders and escalations due today, each sent once and recorded. A reviewer gets
    one reminder, or one e-mail for all of theirs due soon; an administrator gets each new
    escalation on its own, or, past
    ADMIN_ALERTS_DIGEST_AFTER in one run (a bulk import of old applications), one digest per
    group (cases.reminders.services._digest_send)."""
    today = today or timezone.localdate()
    admins = list(User.objects.filter(role=Role.CASE_ADMIN, is_active=True).exclude(email=""))
    sent = 0
    failed: list[OSError] = []
    overdue: list[Alert] = []
    due_soon: dict[int, tuple[User, list[Alert]]] = {}
    cases = Case.objects.filter(due_on__isnull=False).prefetch_related("items")
    for case in cases.iterator(chunk_size=500):
        clock = case_clock(case, today=today)
        if clock.overdue:
            overdue.append(_overdue_alert(case, clock))
        elif clock.running == "determination" and case.status in DRAFT_WITH_REVIEWER_STATUSES:
            left = business_days_between(today, clock.due_on)
            reviewer = reminder_recipient(case)
            if (
                reviewer
                and reviewer.email
                and reviewer.is_active  # a deactivated login cannot act on it (reassign)
                and left <= settings.REVIEWER_REMINDER_BUSINESS_DAYS
                and not _reviewer_reminded(case, clock.due_on)
            ):
                subject, body = _reviewer_reminder(case, clock.due_on, left=left)
                due_soon.setdefault(reviewer.pk, (reviewer, []))[1].append(
                    Alert(
                        case=case,
                        kind=Kind.REVIEWER_DUE_SOON,
                        due_on=clock.due_on,
                        subject=subject,
                        body=f"Case {case.case_number}. {body}",
                        line=f"{case.case_number}: {body}",
                    )
                )
    for reviewer, reminders in due_soon.values():
        try:
            sent += len(_reviewer_reminders_send(reviewer, reminders))
        except _MAIL_FAILED as error:
            logger.warning("reminders to %s not sent: %s", reviewer.email, error)
            failed.append(error)
    deferrals = _deferral_alerts(today=today)
    for admin in admins:
        for alerts, group in ((overdue, "overdue"), (deferrals, "deferral")):
            try:
                sent += _alerts_send(admin, alerts, group=group)
            except _MAIL_FAILED as error:
                # Nothing of this administrator's group was recorded: the next run sends it.
                # The other administrators are not held up by one address or mailbox.
                logger.warning("clock alerts to %s not sent: %s", admin.email, error)
                failed.append(error)
    if failed:
        # The run still fails, so the task's failure shows, once everyone else was told.
        raise failed[0]
    return sent


def _reviewer_reminders_send(
    reviewer: User, reminders: list[Alert], *, actor: User | None = None
) -> set[int]:
    """A reviewer's reminders of one run of the schedule or of a case administrator's
    (`actor`): one on its own, several in one e-mail (from QA: a reviewer with nine
    determinations due soon got nine e-mails the same morning). Each is still recorded once on
    its case, and has its own notification leading to its workspace (which the reviewer's
    answer and the determination's submission read, as a single reminder's). The ids of the
    cases reminded."""
    if len(reminders) == 1:
        (reminder,) = reminders
        return {reminder.case.pk} if _notice_send(reminder, reviewer, actor=actor) else set()
    still = _still_as_read([reminder.case for reminder in reminders])
    reminders = [reminder for reminder in reminders if reminder.case.pk in still]
    if not reminders:
        return set()
    n = len(reminders)
    dashboard = reverse("determination:reviewer_dashboard")  # named, not imported (reviews)
    lines = []
    for reminder in sorted(reminders, key=lambda r: (r.due_on, r.case.case_number)):
        link = _notice_link(reminder.case, reminder.kind)
        lines += [reminder.line, f"  Open it: {site_link(link)}", ""]
    # "cases": some may wait to be accepted or declined, each line says which.
    if actor is None:
        subject = f"Reminder: {n} cases due soon"
        opening = f"{n} of your cases are due soon"
    else:
        subject = f"Reminder: {n} cases"
        opening = f"A case administrator reminds you of {n} of your cases"
    body = "\n".join(
        [
            f"{opening} (each reminder is recorded in its case's history):",
            "",
            *lines,
            f"Your dashboard lists them all: {site_link(dashboard)}",
        ]
    )
    bells = [
        (reminder.title or reminder.subject, _notice_link(reminder.case, reminder.kind))
        for reminder in reminders
    ]
    if _digest_deliver(reviewer, reminders, subject=subject, body=body, bells=bells, actor=actor):
        return {reminder.case.pk for reminder in reminders}
    # One of them was recorded meanwhile (another run, another administrator): the others go
    # one by one, each once (from a review: the digest undone had left them all unsent and
    # reported as reminded already).
    return {
        reminder.case.pk
        for reminder in reminders
        if not _reviewer_reminded(reminder.case, reminder.due_on)
        and _notice_send(reminder, reviewer, actor=actor)
    }


def _overdue_alert(case: Case, clock) -> Alert:
    what = clock.running_label
    verb = "were" if clock.running_plural else "was"
    why = clock.running_explain
    ago = f"{-clock.days_left} day{pluralize(-clock.days_left)} ago"
    return Alert(
        case=case,
        kind=_OVERDUE_KINDS[clock.running],
        due_on=clock.due_on,
        subject=f"OVERDUE: {case.case_number} {what} {verb} due {clock.due_on:%m/%d/%Y}",
        title=f"{case.case_number} {what} {verb} due {clock.due_on:%m/%d/%Y}",
        body=(
            f"Case {case.case_number} ({case.get_priority_display()}) is overdue: the {what} "
            f"{verb} due on {clock.due_on:%m/%d/%Y}, {ago}. "
            f"Status: {case.get_status_display()}."
            + (f"\n\nHow the date was reached: {why}" if why else "")
        ),
        line=(
            f"{case.case_number} ({case.get_priority_display()}): the {what} {verb} due "
            f"{clock.due_on:%m/%d/%Y}, {ago}. Status: {case.get_status_display()}."
        ),
    )


def _deferral_alerts(*, today: dt.date) -> list[Alert]:
    """A case deferred for a liability dispute (8 CCR 9792.10.3(a)(3), (d)) runs no clock; once
    it has waited IMR_DEFERRAL_REVIEW_DAYS the administrators are told, once per deferral."""
    days = settings.IMR_DEFERRAL_REVIEW_DAYS
    deferred = Case.objects.filter(
        status=CaseStatus.DEFERRED, deferred_on__lte=today - dt.timedelta(days=days)
    )
    return [
        Alert(
            case=case,
            kind=Kind.DEFERRAL_REVIEW,
            # Once per deferral: the day it became due for a look.
            due_on=case.deferred_on + dt.timedelta(days=days),
            subject=f"Look again: {case.case_number} deferred since {case.deferred_on:%m/%d/%Y}",
            body=(
                f"Case {case.case_number}: {deferral_text(case.deferred_on, today)}\n\n"
                f"Deferrals are flagged after {days} days (this organization's setting): ask the "
                "parties where the liability dispute stands."
            ),
            line=f"{case.case_number}: {deferral_text(case.deferred_on, today)}",
        )
        for case in deferred.iterator(chunk_size=500)
    ]


def _alerts_send(admin: User, alerts: list[Alert], *, group: str) -> int:
    """An administrator's alerts of one group not sent to them yet: each on its own, or one
    digest when there are more than ADMIN_ALERTS_DIGEST_AFTER (2,647 cases overdue at once
    were 2,647 e-mails and notifications, burying a decline under them)."""
    if not alerts:
        return 0
    sent_before = _sent_before(admin, alerts)
    fresh = [a for a in alerts if (a.case.pk, a.kind, a.due_on) not in sent_before]
    if len(fresh) <= settings.ADMIN_ALERTS_DIGEST_AFTER:
        return sum(_notice_send(alert, admin) for alert in fresh)
    return _digest_send(admin, fresh, group=group)


def _sent_before(admin: User, alerts: list[Alert]) -> set[tuple[int, str, dt.date]]:
    """(case, kind, due date) of the alerts already sent to the administrator, read a thousand
    cases at a time (each run of the reminders finds every overdue case again)."""
    ids = sorted({alert.case.pk for alert in alerts})
    kinds = {alert.kind for alert in alerts}
    sent = set()
    for start in range(0, len(ids), 1000):
        sent.update(
            ClockNotice.objects.filter(
                recipient=admin.email, kind__in=kinds, case_id__in=ids[start : start + 1000]
            ).values_list("case_id", "kind", "due_on")
        )
    return sent


def _digest_send(admin: User, alerts: list[Alert], *, group: str) -> int:
    """One e-mail and one notification for many alerts, each still recorded once on its case
    (ClockNotice, and the history's event). All or nothing: if the mail cannot go, nothing is
    recorded and the next run tries again; if another run recorded one of them meanwhile, the
    unique constraint undoes this digest and the next run sends what is left."""
    still = _still_as_read([alert.case for alert in alerts])
    alerts = [alert for alert in alerts if alert.case.pk in still]
    if not alerts:
        return 0
    subject, title, intro, filters = _DIGESTS[group]
    subject, title = (text.format(n=f"{len(alerts):,}") for text in (subject, title))
    link = f"{reverse('casefile:case_list')}?{urlencode(filters)}"
    listed, more = first_and_more([alert.line for alert in alerts], DIGEST_LINES)
    body = "\n".join(
        [
            f"{intro} (each is recorded in its case's history):",
            "",
            *listed,
            *([f"... and {more:,} more."] if more else []),
            "",
            f"The case list shows them all: {site_link(link)}",
        ]
    )
    return _digest_deliver(admin, alerts, subject=subject, body=body, bells=[(title, link)])


def _digest_deliver(
    user: User,
    alerts: list[Alert],
    *,
    subject: str,
    body: str,
    bells: list[tuple[str, str]],
    actor: User | None = None,
) -> int:
    """A digest's e-mail and its notifications (`bells`: text and link of each), with each of
    its alerts recorded once on its case: all or nothing (a mail that cannot go records
    nothing, for the next run to send). 0 when one was recorded meanwhile."""
    notices = [
        _sent_notice(case=a.case, kind=a.kind, due_on=a.due_on, recipient=user.email, actor=actor)
        for a in alerts
    ]
    try:
        with transaction.atomic():
            _notices_record(notices)
            urgent = any(notice.escalation for notice in notices)
            for text, link in bells:
                notify([user], text=text, link=link, urgent=urgent)
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    except IntegrityError:
        # Another run recorded one of them meanwhile: the next run sends what is left.
        logger.info("digest to %s overlapped another run; left to the next", user)
        return 0
    return len(alerts)

"""Clock notices: each reminder or escalation sent, once per case, kind and due date; and a case
administrator's runs of reminders from the case list."""

from django.db import models
from django.utils import timezone

from cases.lifecycle.models import Case
from cases.outbox.runs import BackgroundRun


class ClockNotice(models.Model):
    """A reminder or escalation that was sent, so each is sent once (SPEC section 3)."""

    class Kind(models.TextChoices):
        REVIEWER_DUE_SOON = "reviewer_due_soon", "Reminder: determination due soon"
        RECORDS_OVERDUE = "records_overdue", "Escalation: records overdue"
        DETERMINATION_OVERDUE = "determination_overdue", "Escalation: determination overdue"
        # 8 CCR 9792.10.4(b): the eligibility finding and notice of assignment, one business day.
        NOTICE_OVERDUE = "notice_overdue", "Escalation: notice of assignment overdue"
        # 8 CCR 9792.10.3(b), (c): the parties' 5 business days to send what is missing.
        INFORMATION_OVERDUE = "information_overdue", "Escalation: information requested overdue"
        # 8 CCR 9792.10.3(a)(3), (d): a deferral has no limit; IMR_DEFERRAL_REVIEW_DAYS flags it.
        DEFERRAL_REVIEW = "deferral_review", "Reminder: deferral to look at again"
        # A case administrator's reminder from the case list, once per due date.
        REVIEWER_REMINDED = "reviewer_reminded", "Reminder from a case administrator"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clock_notices")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    due_on = models.DateField()
    recipient = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "due_on", "recipient"], name="clock_notice_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.recipient}"


class ReminderRunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Sending reminders"
    FINISHED = "finished", "Finished"
    FAILED = "failed", "Failed"


class ReminderRun(BackgroundRun):
    """A case administrator's reminders to the reviewers of the cases they selected on the case
    list, sent by a Celery task (`reminder_run_work`), a reviewer's cases together: the run's
    page follows it and then reports what became of each case. Each case's outcome is written
    with its reminder, in one transaction, so a resumed run goes on from where it stopped. Its
    heartbeat is touched after every reviewer's cases: a run untouched for
    REMINDER_RUN_STUCK_MINUTES has lost its worker and may be resumed."""

    # The case list's filters and sort when it was asked: "Back to the case list" keeps them.
    query = models.CharField(max_length=2000, blank=True)
    # The selected cases' numbers that the administrator may act on, in the order sent.
    case_numbers = models.JSONField(default=list)
    # Selected cases not found or not theirs to act on: counted, never looked at.
    refused = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=16, choices=ReminderRunStatus.choices, default=ReminderRunStatus.QUEUED
    )
    # {case number: outcome (cases.reminders.services.Reminded)}, one entry per case done.
    outcomes = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"Reminder run {self.pk} ({self.status})"

    @property
    def total(self) -> int:
        return len(self.case_numbers)

    @property
    def done(self) -> int:
        return len(self.outcomes)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 100

"""The outbox: each follow-up of a committed change (a letter to render, a reviewer to notify, a
record's pages to count) is a row written in the same transaction as the change. The row is
published to the task queue after commit; a relay publishes it again while the queue is down or
when a worker took it and never finished. A follow-up runs exactly once: its task marks the row
done, and a second delivery of a done row does nothing."""

from django.db import models
from django.utils import timezone

from cases.lifecycle.models import Case


def follow_up_key(task: str, args: list) -> str:
    """The one key of a piece of work: its task and arguments."""
    return f"{task}:" + ",".join(str(arg) for arg in args)


class FollowUpState(models.TextChoices):
    # Not handed to the task queue yet (the broker was down, or the commit just happened).
    WAITING = "waiting", "Waiting for the task queue"
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


# States whose work is still to be finished by a worker.
OPEN_STATES = (FollowUpState.WAITING, FollowUpState.QUEUED, FollowUpState.RUNNING)


class FollowUp(models.Model):
    # One row per piece of work: a second request for the same work while it is open merges
    # into it, and once done it is opened again only by a new request (a retry, a new serving).
    key = models.CharField(max_length=200, unique=True)
    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )
    # What the user is told, completed by "... when the task queue is back."
    what = models.CharField(max_length=300)
    state = models.CharField(
        max_length=16, choices=FollowUpState.choices, default=FollowUpState.WAITING
    )
    created_at = models.DateTimeField(default=timezone.now)
    # When the state last changed: a row queued or running for longer than
    # OUTBOX_STUCK_AFTER_SECONDS is stuck and published again.
    state_changed_at = models.DateTimeField(default=timezone.now)
    # While WAITING: when the relay tries to publish it next (backing off while the broker is down).
    next_attempt_at = models.DateTimeField(default=timezone.now)
    publish_failures = models.PositiveIntegerField(default=0)
    # How many times a worker started it, and how many times the sweep found it stuck.
    runs = models.PositiveIntegerField(default=0)
    requeues = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="followup_state_next")]

    def __str__(self) -> str:
        return f"{self.task}{self.args} ({self.state})"

    @property
    def waiting_for_queue(self) -> bool:
        """The broker refused it (down): what the user is told waits for the task queue. A row
        just committed is waiting too, for the moment its publishing takes."""
        return self.state == FollowUpState.WAITING and self.publish_failures > 0

    @property
    def message_id(self) -> str:
        """The task id of every message of this row: a delivery finds its row by it."""
        return f"followup-{self.pk}"

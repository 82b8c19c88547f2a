"""Assignments of cases to expert reviewers, and conflicts a reviewer declared for a case."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.lifecycle.models import Case


class AssignmentStatus(models.TextChoices):
    ASSIGNED = "assigned", "Assigned (awaiting acceptance)"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


# Assignments through which a reviewer may see the case.
VISIBLE_ASSIGNMENT_STATUSES = (
    AssignmentStatus.ASSIGNED,
    AssignmentStatus.ACCEPTED,
    AssignmentStatus.COMPLETED,
)


class Assignment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        max_length=16, choices=AssignmentStatus.choices, default=AssignmentStatus.ASSIGNED
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    # An administrator's unassignment or reassignment (status WITHDRAWN): who, when and why.
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.TextField(blank=True)
    # The administrators were told the reviewer had not accepted in time (sent once).
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-assigned_at"]
        indexes = [
            # A reviewer's open assignments: their load on the Assign and batch pages and the
            # open rows of their dashboard read only these few (about 4,600 of 188,000).
            models.Index(
                fields=["reviewer", "status"],
                condition=models.Q(status__in=["assigned", "accepted"]),
                name="assignment_open_by_reviewer",
            ),
            # A reviewer's finished history, most recent first (their dashboard's page).
            models.Index(fields=["reviewer", "-assigned_at"], name="assignment_by_reviewer_recent"),
        ]
        constraints = [
            # Concurrency guard: one live assignment per case and round.
            models.UniqueConstraint(
                fields=["case", "round"],
                condition=models.Q(status__in=["assigned", "accepted", "completed"]),
                name="one_live_assignment_per_round",
            )
        ]

    def __str__(self) -> str:
        return f"{self.case} round {self.round}: {self.reviewer}"


# What a reviewer attests on accepting a case. Lab. Code 139.5(d)(5) forbids the expert reviewer
# "any material professional, material familial, or material financial affiliation" with:
# (A) the employer, the insurer or claims administrator, or a medical provider network of the
# insurer or claims administrator; (B) any officer, director or management employee of these;
# (C) the physician, their medical group or independent practice association proposing the
# treatment; (D) the institution at which the treatment would be provided; (E) the development
# or manufacture of the treatment; (F) the employee or the employee's immediate family
# ((d)(6)(A): spouse, child, parent, sibling, spouse's parent, child's spouse). Matching
# (reviews.assignment.matching, rule 4) can only compare the case's parties with declared
# affiliations; (D) and (E) are on no case, so the attestation names every one. The UR
# organization and physician, and the worker's attorney, are ours (SPEC section 4, as matching
# rule 4 checks them; 139.5(a)(1) allows added standards).
CONFLICT_ATTESTATION = (
    "I attest that I have no conflict of interest in this case (Lab. Code 139.5(d)(5)): "
    "no material professional, familial or financial affiliation with the injured worker or "
    "their immediate family; the employer, its insurer or claims administrator, a medical "
    "provider network of the insurer or claims administrator, or any officer, director or "
    "management employee of them; the requesting provider, their medical group or independent "
    "practice association; the institution where the treatment would be given; the development "
    "or manufacture of the treatment; the UR organization or physician; or the worker's "
    "attorney."
)


class CaseConflict(models.Model):
    """A conflict a reviewer declared for one case (when declining it): remembered for good."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="declared_conflicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_conflicts"
    )
    reason = models.TextField()
    declared_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "reviewer"], name="case_conflict_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} conflict: {self.reviewer}"


class PlanRunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Working out"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class PlanRun(models.Model):
    """One working-out of the batch plan by a Celery task (`plan_work_out`): the batch page
    polls it while it runs, then offers its plan for assignment while it is fresh."""

    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=PlanRunStatus.choices, default=PlanRunStatus.QUEUED
    )
    # What the task is doing now, in a sentence the page shows.
    progress = models.CharField(max_length=200, blank=True)
    # The case numbers an administrator selected on the case list ("Assign…"): the plan is
    # worked out for those only. Empty: every case waiting for a reviewer.
    case_numbers = models.JSONField(default=list, blank=True)
    # The plan: {"assignments": [{case_id, case, priority, reviewer_id, external_id, name,
    # score}], "unassigned": [{case, reason}], "total_score"}; for a selection also
    # "left_out": [{case, reason}], the selected cases not ready for assignment.
    plan = models.JSONField(null=True, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Its pairs were assigned (once: a second click or a second administrator is told so).
    assigned_at = models.DateTimeField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # What its assignment did, which the batch page shows after it: {"assigned": [case
    # numbers], "left_out": [those unticked], "refused": [[case number, why]]}.
    outcome = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Plan run {self.pk} ({self.status})"

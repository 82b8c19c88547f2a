"""Clock notices: each reminder or escalation sent, once per case, kind and due date."""

from django.db import models
from django.utils import timezone

from cases.lifecycle.models import Case


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

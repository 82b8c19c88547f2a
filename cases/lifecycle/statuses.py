"""The case's priorities and statuses (SPEC section 2), and how the statuses group: closed or
open, and which statutory clock runs in each. What each status allows is status_table.py's."""

from django.db import models


class Priority(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPEDITED = "expedited", "Expedited"


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ELIGIBLE = "eligible", "Eligible"
    INELIGIBLE = "ineligible", "Ineligible"
    AWAITING_RECORDS = "awaiting_records", "Awaiting records"
    RECORDS_COMPLETE = "records_complete", "Records complete"
    REVIEWER_ASSIGNED = "reviewer_assigned", "Reviewer assigned"
    IN_REVIEW = "in_review", "In review"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned to reviewer"
    APPROVED = "approved", "Approved"
    ISSUED = "issued", "Issued"
    TERMINATED = "terminated", "Terminated"
    REMANDED = "remanded", "Remanded"


# States in which nothing more happens to a case (a remand of an issued case starts a new round).
CLOSED_STATUSES = frozenset({CaseStatus.INELIGIBLE, CaseStatus.ISSUED, CaseStatus.TERMINATED})
OPEN_STATUSES = frozenset(set(CaseStatus) - CLOSED_STATUSES)


# 8 CCR 9792.10.5(a): the records clock runs from the notice of assignment until the records
# are complete; Lab. Code 4610.6(d): the determination clock runs from complete records until
# the determination is issued (a remand starts it again).
RECORDS_CLOCK_STATUSES = frozenset({CaseStatus.AWAITING_RECORDS})
DETERMINATION_CLOCK_STATUSES = frozenset(
    {
        CaseStatus.RECORDS_COMPLETE,
        CaseStatus.REVIEWER_ASSIGNED,
        CaseStatus.IN_REVIEW,
        CaseStatus.SUBMITTED,
        CaseStatus.RETURNED,
        CaseStatus.APPROVED,
        CaseStatus.REMANDED,
    }
)

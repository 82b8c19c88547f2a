"""The case's priorities and statuses (SPEC section 2), and how the statuses group: closed or
open, and which statutory clock runs in each. What each status allows is status_table.py's."""

from django.db import models


class Priority(models.TextChoices):
    STANDARD = "standard", "Standard"
    EXPEDITED = "expedited", "Expedited"


def expedited_first():
    """An ordering term that puts expedited cases before standard ones."""
    return models.Case(
        models.When(priority=Priority.EXPEDITED, then=models.Value(0)), default=models.Value(1)
    )


class CaseStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    # 8 CCR 9792.10.3(a)(3), (d): a dispute of liability defers the IMR until it is resolved.
    DEFERRED = "deferred", "Deferred"
    # 8 CCR 9792.10.3(b), (c): the screen waits for the information requested from the parties.
    INFORMATION_REQUESTED = "information_requested", "Information requested"
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


def workflow_step():
    """A case's status as its place in the workflow (CaseStatus's order: received, the screen,
    records, review, issued), so a list sorts by where cases stand, not by the alphabet of the
    statuses' codes. Never null: every status has its place. Index case_by_step holds it."""
    return models.Case(
        *(
            models.When(status=status, then=models.Value(place))
            for place, status in enumerate(CaseStatus)
        ),
        output_field=models.IntegerField(),
    )


# States in which nothing more happens to a case (a remand of an issued case starts a new round).
CLOSED_STATUSES = frozenset({CaseStatus.INELIGIBLE, CaseStatus.ISSUED, CaseStatus.TERMINATED})
OPEN_STATUSES = frozenset(set(CaseStatus) - CLOSED_STATUSES)


# From assignment until the letter is issued the review has its reviewer. Named one by one,
# so a status added to CaseStatus later is placed here by a decision, not by where it is declared.
WITH_A_REVIEWER_STATUSES = frozenset(
    {
        CaseStatus.REVIEWER_ASSIGNED,
        CaseStatus.IN_REVIEW,
        CaseStatus.SUBMITTED,
        CaseStatus.RETURNED,
        CaseStatus.APPROVED,
    }
)


# Statuses of the eligibility screen that wait on the parties (8 CCR 9792.10.3): a requested
# piece of information (5 business days) or the resolution of a liability dispute (no limit).
SCREEN_WAITING_STATUSES = frozenset({CaseStatus.DEFERRED, CaseStatus.INFORMATION_REQUESTED})

# 8 CCR 9792.10.4(c): a standard review converts to expedited on the physician's certification,
# until the determination is submitted (after that there is nothing left to speed up).
CONVERTIBLE_STATUSES = frozenset(
    {
        CaseStatus.RECEIVED,
        CaseStatus.DEFERRED,
        CaseStatus.INFORMATION_REQUESTED,
        CaseStatus.ELIGIBLE,
        CaseStatus.AWAITING_RECORDS,
        CaseStatus.RECORDS_COMPLETE,
        CaseStatus.REVIEWER_ASSIGNED,
        CaseStatus.IN_REVIEW,
        CaseStatus.REMANDED,
    }
)


# The disputed items are added to or removed from the case until a reviewer is assigned: the
# reviewer is matched to the items and decides each one (the draft holds a decision per item).
ITEM_LIST_STATUSES = frozenset(
    {
        CaseStatus.RECEIVED,
        CaseStatus.DEFERRED,
        CaseStatus.INFORMATION_REQUESTED,
        CaseStatus.ELIGIBLE,
        CaseStatus.AWAITING_RECORDS,
        CaseStatus.RECORDS_COMPLETE,
    }
)


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

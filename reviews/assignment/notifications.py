"""E-mail to reviewers (Django's mail backend; the console backend in development)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.notifications import site_link
from cases.formatting import us_datetime
from cases.lifecycle.models import Priority
from reviews.assignment.models import Assignment, AssignmentStatus, CaseConflict


def assignment_notify(*, assignment_id: int) -> bool:
    """Tell the reviewer a case waits for them. Sent once: a retry finds it done."""
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("case", "reviewer")
            .filter(pk=assignment_id)
            .first()
        )
        if (
            assignment is None
            or assignment.notified_at is not None
            or assignment.status != AssignmentStatus.ASSIGNED
            or not assignment.reviewer.email
        ):
            return False
        case = assignment.case
        due = case.due_on.strftime("%m/%d/%Y") if case.due_on else "not set"
        link = site_link(reverse("determination:reviewer_dashboard"))
        send_mail(
            f"New IMR case for you: {case.case_number}",
            (
                f"Case {case.case_number} ({case.get_priority_display()}) has been assigned to "
                f"you. The determination is due {due}.\n\n"
                "Accept it (attesting that you have no conflict of interest) or decline it:\n"
                f"{link}\n"
            ),
            settings.DEFAULT_FROM_EMAIL,
            [assignment.reviewer.email],
        )
        assignment.notified_at = timezone.now()
        assignment.save(update_fields=["notified_at"])
    return True


def _admin_emails() -> list[str]:
    return list(
        User.objects.filter(role=Role.CASE_ADMIN, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
    )


def unassignment_notify(*, assignment_id: int) -> bool:
    """Tell the old reviewer the case was taken back. The outbox runs it once."""
    assignment = (
        Assignment.objects.select_related("case", "reviewer").filter(pk=assignment_id).first()
    )
    if (
        assignment is None
        or assignment.status != AssignmentStatus.WITHDRAWN
        or not assignment.reviewer.email
    ):
        return False
    case = assignment.case
    send_mail(
        f"IMR case {case.case_number} is no longer assigned to you",
        (
            f"Case {case.case_number} has been taken back by the case administrators and is no "
            "longer assigned to you; nothing more is needed from you on it.\n\n"
            f"Reason: {assignment.end_reason}\n"
        ),
        settings.DEFAULT_FROM_EMAIL,
        [assignment.reviewer.email],
    )
    return True


def decline_notify(*, assignment_id: int) -> bool:
    """Tell the case administrators a reviewer declined; an expedited case's decline is marked
    urgent in the subject. The reviewer's name stays out of the mail: the link leads to it."""
    assignment = Assignment.objects.select_related("case").filter(pk=assignment_id).first()
    recipients = _admin_emails()
    if assignment is None or assignment.status != AssignmentStatus.DECLINED or not recipients:
        return False
    case = assignment.case
    urgent = case.priority == Priority.EXPEDITED
    link = site_link(reverse("assignment:case_assign", args=[case.case_number]))
    send_mail(
        ("URGENT: " if urgent else "")
        + f"{case.case_number}: the reviewer declined ({case.get_priority_display()})",
        (
            f"The reviewer assigned to case {case.case_number} declined it"
            f"{' (a conflict of interest was declared)' if _conflict(assignment) else ''}. "
            "The case is waiting for a reviewer again"
            + (", and an expedited review runs on hours, not days" if urgent else "")
            + f".\n\nAssign another reviewer:\n{link}\n"
        ),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
    return True


def _conflict(assignment: Assignment) -> bool:
    return CaseConflict.objects.filter(
        case_id=assignment.case_id, reviewer_id=assignment.reviewer_id
    ).exists()


def acceptance_escalation_notify(*, assignment_id: int) -> bool:
    """Tell the case administrators a reviewer has not accepted in time (escalated once, by
    reviews.assignment.services.acceptances_escalate)."""
    assignment = Assignment.objects.select_related("case").filter(pk=assignment_id).first()
    recipients = _admin_emails()
    if assignment is None or assignment.escalated_at is None or not recipients:
        return False
    if assignment.status != AssignmentStatus.ASSIGNED:
        # Accepted, declined or taken back before this e-mail went (a queue that was behind):
        # "has neither accepted nor declined" would be untrue, and the decline has its own.
        return False
    case = assignment.case
    urgent = case.priority == Priority.EXPEDITED
    link = site_link(reverse("casefile:case_detail", args=[case.case_number]))
    send_mail(
        ("URGENT: " if urgent else "")
        + f"{case.case_number}: the reviewer has not accepted the assignment",
        (
            f"Case {case.case_number} ({case.get_priority_display()}) was assigned on "
            f"{us_datetime(assignment.assigned_at)} and the reviewer has neither accepted nor "
            "declined it. Remind the reviewer, or unassign and reassign the case:\n"
            f"{link}\n"
        ),
        settings.DEFAULT_FROM_EMAIL,
        recipients,
    )
    return True

"""E-mail to reviewers (Django's mail backend; the console backend in development)."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reviews.assignment.models import Assignment, AssignmentStatus


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
        link = settings.SITE_URL.rstrip("/") + reverse("determination:reviewer_dashboard")
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

"""E-mail of quality review to the determination's reviewer (Django's mail backend)."""

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from accounts.notifications import site_link
from reviews.determination.models import DeterminationStatus, QualityOutcome, QualityReview


def return_notify(*, review_id: int) -> bool:
    """Tell the reviewer their determination came back with comments. The comments stay in
    the app (they speak of the medical record); the mail says where to read them. The outbox
    runs it once; a determination submitted again meanwhile needs no mail."""
    review = (
        QualityReview.objects.select_related("determination__case", "determination__reviewer")
        .filter(pk=review_id, outcome=QualityOutcome.RETURNED)
        .first()
    )
    if review is None:
        return False
    determination = review.determination
    reviewer = determination.reviewer
    if determination.status != DeterminationStatus.RETURNED or not reviewer or not reviewer.email:
        return False
    case = determination.case
    due = f" The determination is due {case.due_on:%m/%d/%Y}." if case.due_on else ""
    send_mail(
        f"IMR case {case.case_number} returned to you by quality review",
        (
            f"Quality review returned your determination for case {case.case_number} "
            f"({case.get_priority_display()}) with comments.{due}\n\n"
            "Read the comments, revise and submit it again:\n"
            f"{site_link(reverse('determination:workspace', args=[case.case_number]))}\n"
        ),
        settings.DEFAULT_FROM_EMAIL,
        [reviewer.email],
    )
    return True

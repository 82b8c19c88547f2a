"""The Final Determination Letter (SPEC section 6): its organization text, versions, and the
request that starts rendering and signing."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from .models import Determination, Letter, LetterStatus, LetterText, Organization

# The organization's fixed paragraphs, in our own words; a system administrator edits them
# (each edit is a new version).
DEFAULT_LETTER_TEXT = {
    "how_made": (
        "{org} sent the complete case file to an expert reviewer who is independent of every "
        "party: the reviewer has no affiliation with the employer, the injured worker, the "
        "requesting provider or their group, the utilization review organization or physician, "
        "or the claims administrator. The reviewer has been in active clinical practice for "
        "more than five years and currently practices at least 24 hours a week. The reviewer "
        "was chosen for clinical experience, education, background and expertise in the same "
        "or a similar specialty to those that evaluate or treat the condition and the disputed "
        "items or services, and is familiar with the governing laws and regulations, including "
        "the strength-of-evidence hierarchy that applies to Independent Medical Review."
    ),
    "summary_lead_in": (
        "The expert reviewer wrote the following clinical case summary after reviewing the "
        "whole case file, including all medical records:"
    ),
    "issues_lead_in": (
        "The Final Determination rests on the decisions for the disputed items and services "
        "set out below:"
    ),
    "binding_notice": (
        "This determination is binding on the employee and the employer (Lab. Code 4610.6). "
        "It is the final determination of the Administrative Director."
    ),
    "appeal_notice": (
        "Either party may appeal this determination by filing a verified petition with the "
        "Workers' Compensation Appeals Board within 30 days of the date of service of this "
        "letter (Lab. Code 4610.6(h); 8 CCR 10575). An appeal is limited to the grounds set "
        "out in Labor Code section 4610.6(h)."
    ),
    "overturned_notice": (
        "For each item overturned above, the claims administrator must authorize the service "
        "within 5 working days of receipt of this determination or, if the service was "
        "already provided, reimburse it within 20 days (8 CCR 9792.10.7)."
    ),
}


def organization_current() -> Organization:
    organization = Organization.objects.order_by("pk").first()
    if organization is None:
        organization = Organization.objects.create()
    return organization


def letter_text_current() -> LetterText:
    """The newest version of the organization's paragraphs (version 1 from the defaults)."""
    text = LetterText.objects.order_by("-version").first()
    if text is None:
        text = LetterText.objects.create(version=1, **DEFAULT_LETTER_TEXT)
    return text


@transaction.atomic
def letter_request(*, determination: Determination, actor, correction_note: str = "") -> Letter:
    """Queue a new letter version for an approved (or imported, issued) determination; the
    Celery task renders, signs, stores and delivers it after commit."""
    if determination.status not in ("approved", "issued"):
        raise ValidationError("Only an approved determination can become a letter.")
    last = (
        Letter.objects.select_for_update()
        .filter(case=determination.case)
        .aggregate(last=Max("version"))["last"]
    )
    letter = Letter(
        case=determination.case,
        determination=determination,
        version=(last or 0) + 1,
        status=LetterStatus.QUEUED,
        letter_text=letter_text_current(),
        correction_note=correction_note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    letter.full_clean(exclude=["party_pdf", "public_pdf"])
    letter.save()
    from .tasks import letter_render

    letter_render.delay_on_commit(letter.pk)
    return letter

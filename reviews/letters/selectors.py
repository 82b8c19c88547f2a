"""Reads of the letters that carry rules: the facts the statutory clock counts from."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cases.lifecycle.models import Outcome
from reviews.letters.models import Letter, LetterStatus


@dataclass(frozen=True)
class LetterService:
    """When and how a letter was served, as the clock counts from it."""

    served_on: dt.date
    sent_by: str  # "" when not known: the calculator applies CLOCK_UNKNOWN_LETTER_SERVICE
    overturned: bool  # whether the authorization and reimbursement duties apply


def letter_service_facts(letter: Letter, *, today: dt.date) -> tuple[dt.date, str]:
    """(date of service, method) of a letter: once served, its `served_on` and `sent_by`;
    before that, its mailing date (today for a preview) and no method, which the calculator
    reads by the settings (Lab. Code 4610.6(h); CCP 1013(a))."""
    if letter.served_on:
        return letter.served_on, letter.sent_by
    return letter.mailing_date or today, letter.sent_by


def letter_service_for(case) -> LetterService | None:
    """The newest issued letter's service, for the case's clock (the appeal and the duties of
    8 CCR 9792.10.7): delivered, or signed for a legacy case (issued elsewhere, not sent from
    here); None before then."""
    letter = (
        Letter.objects.filter(case=case, status__in=(LetterStatus.DELIVERED, LetterStatus.SIGNED))
        .select_related("determination")
        .prefetch_related("determination__decisions")
        .order_by("-version")
        .first()
    )
    if letter is None:
        return None
    served_on, sent_by = letter_service_facts(letter, today=letter.mailing_date or dt.date.min)
    overturned = any(
        decision.outcome == Outcome.OVERTURNED for decision in letter.determination.decisions.all()
    )
    return LetterService(served_on=served_on, sent_by=sent_by, overturned=overturned)


def letter_amends(letter: Letter) -> Letter | None:
    """The version an amended letter corrects: the latest earlier signed version of the same
    determination. None for a first letter, and for a remand's new round (a new review, not an
    amendment)."""
    if not letter.correction_note:
        return None
    return (
        Letter.objects.filter(
            case_id=letter.case_id,
            determination_id=letter.determination_id,
            version__lt=letter.version,
        )
        .exclude(party_sha256="")
        .order_by("-version")
        .first()
    )

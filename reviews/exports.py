"""The reviewer side's part of a case export (SPEC section 7): the issued determination, the
assignment in force, the outcome and every letter version with its hashes. The case file's
export (cases.casefile.exports) asks for it through cases.registry."""

from __future__ import annotations

from typing import Any

from cases.lifecycle.models import Case
from reviews.assignment.selectors import current_assignment_for
from reviews.determination.models import Determination, DeterminationStatus
from reviews.letters.models import Letter
from reviews.letters.service_status import service_status


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _issued_determination(case: Case) -> Determination | None:
    """The current round's determination once it is issued; drafts are nobody's business here."""
    return (
        Determination.objects.filter(case=case, round=case.round, status=DeterminationStatus.ISSUED)
        .prefetch_related("decisions__item")
        .first()
    )


def _determination(determination: Determination | None) -> dict[str, Any] | None:
    if determination is None:
        return None
    return {
        "reviewer": {
            "licensure": list(determination.reviewer_licensure),
            "certifications": list(determination.reviewer_certifications),
        },
        "decision_date": _day(determination.decision_date),
        "clinical_summary": determination.clinical_summary,
        "decisions": [
            {
                "item": decision.item.position,
                "outcome": decision.outcome,
                "citation": {
                    "kind": decision.citation_kind or "none",
                    "text": decision.citation_text,
                },
                "rationale": decision.rationale,
            }
            for decision in determination.decisions.all()
        ],
    }


def _assignment(case: Case, *, include_reviewer: bool) -> dict[str, Any] | None:
    assignment = current_assignment_for(case)
    if assignment is None:
        return None
    data: dict[str, Any] = {
        "status": assignment.status,
        "assigned_at": assignment.assigned_at.isoformat(),
    }
    if include_reviewer:
        data = {"reviewer": assignment.reviewer.username, **data}
    return data


def _letters(case: Case) -> list[dict[str, Any]]:
    """Every letter version with the SHA-256 of its signed bytes (SPEC section 7)."""
    return [
        {
            "version": letter.version,
            "status": letter.status,
            # What is true of its copies ("Served on ...", "Signed, 2 copies waiting to be
            # posted"), never a bare "delivered".
            "service": (service.text if (service := service_status(letter)) else None),
            "mailing_date": _day(letter.mailing_date),
            "sent_by": letter.sent_by or None,
            "served_on": _day(letter.served_on),
            "signed_at": letter.signed_at.isoformat() if letter.signed_at else None,
            "party_sha256": letter.party_sha256 or None,
            "public_sha256": letter.public_sha256 or None,
            # The holiday-calendar versions of the dates the letter printed.
            "calendar_versions": dict(letter.calendar_versions),
        }
        for letter in Letter.objects.filter(case=case)
        .prefetch_related("deliveries")
        .order_by("version")
    ]


def export_sections(case: Case, *, include_reviewer: bool) -> dict[str, Any]:
    determination = _issued_determination(case)
    return {
        "determination": _determination(determination),
        "assignment": _assignment(case, include_reviewer=include_reviewer),
        "outcome": determination.outcome if determination else None,
        "letters": _letters(case),
    }

"""Precedents for the library's tests, written through the service as the letters room and
import_decisions write them."""

import datetime as dt

from reviews.precedents.services import PrecedentItemText, precedent_record


def precedent_add(
    case_number: str,
    *items: dict,
    source: str = "published",
    decided_on: dt.date | None = dt.date(2025, 3, 1),
    priority: str = "standard",
    specialty: str = "Pain Management",
    case=None,
):
    """One decision with `items` (dicts of PrecedentItemText's fields; defaults filled)."""
    texts = [
        PrecedentItemText(
            **{
                "description": "Lumbar sympathetic block",
                "outcome": "upheld",
                "category": "injection",
                "citation": "MTUS Chronic Pain Treatment Guidelines Page(s): 114",
                "rationale": "There is limited evidence to support this procedure.",
                "guideline_source": "mtus",
                **item,
            }
        )
        for item in (items or ({},))
    ]
    decision, _ = precedent_record(
        case_number=case_number,
        source=source,
        items=texts,
        decided_on=decided_on,
        priority=priority,
        reviewer_specialty=specialty,
        case=case,
    )
    return decision

"""Writes of the precedent library: record one decision with its items, by case number."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction

from cases.lifecycle.models import Case, CaseOutcome, CitationKind, Outcome
from reviews.precedents.models import (
    GuidelineSourceKind,
    PrecedentDecision,
    PrecedentItem,
    PrecedentSource,
)


@dataclass(frozen=True)
class PrecedentItemText:
    """One item as the public letter reads it."""

    description: str
    outcome: str
    citation: str = ""
    rationale: str = ""
    category: str = ""
    guideline_source: str = GuidelineSourceKind.OTHER


_ACOEM = re.compile(r"\bACOEM\b", re.IGNORECASE)
_ODG = re.compile(r"\bODG\b|Official Disability Guidelines", re.IGNORECASE)
_MTUS = re.compile(r"\bMTUS\b|Chronic Pain (Medical )?Treatment Guidelines", re.IGNORECASE)


def guideline_source_of(kind: str, text: str) -> str:
    """The guideline family a citation rests on. `kind` is the letter's citation kind (mtus,
    non_mtus, none; blank when only the text is known, as in a published letter). A Non-MTUS
    citation names ACOEM or ODG in its text when it is one of them (8 CCR 9792.21.1's order)."""
    if kind == CitationKind.NONE:
        return GuidelineSourceKind.OTHER
    if kind == CitationKind.MTUS:
        return GuidelineSourceKind.MTUS
    if kind != CitationKind.NON_MTUS and _MTUS.search(text or ""):
        return GuidelineSourceKind.MTUS
    if _ODG.search(text or ""):
        return GuidelineSourceKind.ODG
    if _ACOEM.search(text or ""):
        return GuidelineSourceKind.ACOEM
    return GuidelineSourceKind.OTHER


def case_outcome_of(outcomes: list[str]) -> str:
    """SPEC section 5: all upheld, all overturned, else partially overturned."""
    if outcomes and all(outcome == Outcome.UPHELD for outcome in outcomes):
        return CaseOutcome.UPHELD
    if outcomes and all(outcome == Outcome.OVERTURNED for outcome in outcomes):
        return CaseOutcome.OVERTURNED
    return CaseOutcome.PARTIALLY_OVERTURNED


@transaction.atomic
def precedent_record(
    *,
    case_number: str,
    source: str,
    items: list[PrecedentItemText],
    decided_on: dt.date | None = None,
    priority: str = "",
    reviewer_specialty: str = "",
    case: Case | None = None,
) -> tuple[PrecedentDecision, bool]:
    """Record (or bring up to date) the decision of `case_number` and its items, as the public
    letter reads. Idempotent: a second call with the same text leaves one decision with the
    same items. Returns the decision and whether it was new. A published decision never
    replaces one issued here (our own record is the fuller one)."""
    if not items:
        raise ValueError(f"{case_number}: a decision needs at least one item.")
    existing = PrecedentDecision.objects.select_for_update().filter(case_number=case_number)
    current = existing.first()
    if (
        current is not None
        and current.source == PrecedentSource.ISSUED
        and source == PrecedentSource.PUBLISHED
    ):
        return current, False
    decision, created = PrecedentDecision.objects.update_or_create(
        case_number=case_number,
        defaults={
            "source": source,
            "decided_on": decided_on,
            "outcome": case_outcome_of([item.outcome for item in items]),
            "priority": priority,
            "reviewer_specialty": reviewer_specialty[:300],
            "case": case,
        },
    )
    decision.items.all().delete()
    rows = []
    for position, item in enumerate(items, start=1):
        row = PrecedentItem(
            decision=decision,
            position=position,
            description=item.description.strip(),
            category=item.category,
            outcome=item.outcome,
            guideline_source=item.guideline_source,
            citation=item.citation.strip(),
            rationale=item.rationale.strip(),
        )
        row.full_clean(exclude=["decision"])
        rows.append(row)
    PrecedentItem.objects.bulk_create(rows)
    return decision, created


def precedent_record_determination(determination) -> PrecedentDecision:
    """Record an issued determination of our own (the determination room's Determination,
    read by its attributes: this room sits below it) from its public text: each item's
    description and category, the decision, the guideline and the rationale. The reviewer's
    certifications stand for them (Lab. Code 4610.6(f): never their name)."""
    case = determination.case
    items = []
    for decision in determination.decisions.select_related("item", "guideline"):
        guideline = decision.guideline
        source = (
            guideline.family
            if guideline is not None
            else guideline_source_of(decision.citation_kind, decision.citation_text)
        )
        items.append(
            PrecedentItemText(
                description=decision.item.description,
                category=decision.item.category,
                outcome=decision.outcome,
                guideline_source=source,
                citation=decision.citation_text,
                rationale=decision.rationale,
            )
        )
    precedent, _ = precedent_record(
        case_number=case.case_number,
        source=PrecedentSource.ISSUED,
        items=items,
        decided_on=determination.decision_date,
        priority=case.priority,
        reviewer_specialty=", ".join(determination.reviewer_certifications or []),
        case=case,
    )
    return precedent

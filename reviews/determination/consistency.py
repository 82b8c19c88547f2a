"""Consistency with precedents (issue 13): at submission, each item decided against the clear
majority of closely similar prior items under the same guideline source is flagged for quality
review (reviews.precedents.similar says what "closely similar" is). A flag never blocks; the
medical director records what they made of it (reviews.quality.services)."""

from __future__ import annotations

from django.conf import settings

from reviews.determination.models import ConsistencyFlag, FlagResolution
from reviews.precedents.services import guideline_source_of
from reviews.precedents.similar import close_precedents, majority_against

# The rationale kept with a flag's precedent, in characters (the director reads it there).
RATIONALE_CHARS = 1200


def decision_guideline_source(decision) -> str:
    """The guideline source a decision rests on, as the precedents record it."""
    if decision.guideline is not None:
        return decision.guideline.family
    return guideline_source_of(decision.citation_kind, decision.citation_text)


def _snapshot(item) -> dict:
    decision = item.decision
    rationale = item.rationale
    if len(rationale) > RATIONALE_CHARS:
        rationale = rationale[:RATIONALE_CHARS].rsplit(" ", 1)[0] + " …"
    return {
        "case_number": decision.case_number,
        "decided_on": decision.decided_on.isoformat() if decision.decided_on else "",
        "position": item.position,
        "description": item.description,
        "outcome": item.outcome,
        "citation": item.citation,
        "rationale": rationale,
    }


def consistency_flags_compute(determination) -> list[ConsistencyFlag]:
    """Flag each decision of `determination` against the clear majority (settings
    CONSISTENCY_FLAG_MIN_SIMILAR and CONSISTENCY_FLAG_MIN_PERCENT), one query per item. An
    open flag of an earlier submission is replaced; a resolved one is kept as it was."""
    ConsistencyFlag.objects.filter(
        determination=determination, resolution=FlagResolution.OPEN
    ).delete()
    case_number = determination.case.case_number
    flags = []
    for decision in determination.decisions.select_related("item", "guideline"):
        item = decision.item
        if not decision.outcome or not item.category:
            continue
        source = decision_guideline_source(decision)
        precedents = close_precedents(
            description=item.description,
            category=item.category,
            guideline_source=source,
            exclude_case_number=case_number,
        )
        majority = majority_against(
            decision.outcome,
            precedents,
            min_similar=settings.CONSISTENCY_FLAG_MIN_SIMILAR,
            min_percent=settings.CONSISTENCY_FLAG_MIN_PERCENT,
        )
        if majority is None:
            continue
        flag = ConsistencyFlag(
            determination=determination,
            decision=decision,
            outcome=decision.outcome,
            majority_outcome=majority.outcome,
            majority_count=majority.count,
            similar_count=majority.total,
            guideline_source=source,
            precedents=[_snapshot(precedent) for precedent in precedents],
        )
        flag.full_clean()
        flag.save()
        flags.append(flag)
    return flags

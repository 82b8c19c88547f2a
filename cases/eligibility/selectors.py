"""The eligibility screen: each check a case administrator sees before finding a case eligible
or ineligible, with its result."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.lifecycle.models import Case, CaseStatus, DisputedItem
from cases.records.models import RecordKind


@dataclass(frozen=True)
class EligibilityCheck:
    label: str
    ok: bool
    detail: str


def _normalize(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def prior_imr_items(case: Case) -> list[tuple[DisputedItem, Case]]:
    """Items of this case already decided (or under review) in another IMR of the same worker
    and claim: a prior IMR of the same item."""
    mine = {_normalize(item.description): item for item in case.items.all()}
    others = (
        DisputedItem.objects.filter(
            case__claim_number=case.claim_number,
            case__worker_last_name__iexact=case.worker_last_name,
        )
        .exclude(case=case)
        .exclude(case__status__in=[CaseStatus.INELIGIBLE, CaseStatus.TERMINATED])
        .select_related("case")
    )
    found = []
    for other in others:
        item = mine.get(_normalize(other.description))
        if item is not None:
            found.append((item, other.case))
    return found


def eligibility_checks(case: Case) -> list[EligibilityCheck]:
    """What the rules say about the application; the administrator records the finding."""
    clock = case.clock
    checks = [
        EligibilityCheck(
            "Filed within 30 days of the UR decision",
            not clock.filed_late,
            (
                f"Received {case.application_received:%m/%d/%Y}; the deadline was "
                f"{clock.application_deadline:%m/%d/%Y} (8 CCR 9792.10.1(b)(1))."
            )
            + (" Filed late: decide whether to accept it." if clock.filed_late else ""),
        ),
    ]
    has_ur = case.records.filter(kind=RecordKind.UR_DECISION).exists()
    checks.append(
        EligibilityCheck(
            "UR decision attached",
            has_ur,
            "A record of kind 'UR decision' is on file."
            if has_ur
            else "No UR decision among the records: upload it or ask the applicant for it.",
        )
    )
    count = case.items.count()
    checks.append(
        EligibilityCheck(
            "Disputed items present",
            count > 0,
            f"{count} disputed item(s)." if count else "The application names no disputed item.",
        )
    )
    priors = prior_imr_items(case)
    checks.append(
        EligibilityCheck(
            "No prior IMR of the same item",
            not priors,
            "; ".join(f"'{item.description}' was in {other.case_number}" for item, other in priors)
            if priors
            else "No other IMR of this worker and claim covers these items.",
        )
    )
    return checks

"""Duplicate applications (8 CCR 9792.10.4(a)): the IRO may consolidate two or more eligible
applications of one employee for a single determination when they involve the same requesting
physician and the same date of injury. This finds them; case_consolidate (services) joins them."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cases.lifecycle.models import CLOSED_STATUSES, Case, CaseStatus, PartyRole
from cases.lifecycle.status_table import Action, allowed_actions, statuses_allowing
from cases.textsearch import name_key, number_key, number_key_equals

# The case page and the screen's check name the first this many duplicates and count the rest:
# 1,000 identical posts made a case page 108,000 px tall, each with its consolidation form (QA).
DUPLICATES_SHOWN = 10


@dataclass(frozen=True)
class Duplicate:
    case: Case
    reasons: list[str]  # what makes it look like the same dispute
    refusal: str  # why it cannot be consolidated into this case now ("" when it can)


def _normalize(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", (text or "").lower()).strip()


def _physician_key(case: Case) -> str | None:
    provider = case.party(PartyRole.REQUESTING_PROVIDER)
    if provider is None:
        return None
    return (
        f"id:{provider.identifier.strip()}"
        if provider.identifier.strip()
        else (f"name:{_normalize(provider.name)}")
    )


def same_physician(one: Case, other: Case) -> bool:
    mine, theirs = _physician_key(one), _physician_key(other)
    return mine is not None and mine == theirs


def consolidation_refusal(kept: Case, duplicate: Case) -> str:
    """Why `duplicate` cannot be consolidated into `kept` now; "" when it can."""
    if kept.pk == duplicate.pk:
        return "A case cannot be consolidated into itself."
    statuses = statuses_allowing(Action.CONSOLIDATE)
    where = " or ".join(sorted(CaseStatus(s).label.lower() for s in statuses))
    if Action.CONSOLIDATE not in allowed_actions(kept):
        return f"The case kept must be eligible with no reviewer yet ({where})."
    # A duplicate closed after the page was opened is said to be closed, and how: not to be
    # found eligible first.
    if duplicate.consolidated_into_id == kept.pk:
        return (
            f"{duplicate.case_number} is already consolidated into {kept.case_number}: its "
            "items and records are in this case."
        )
    if duplicate.consolidated_into_id:
        return (
            f"{duplicate.case_number} is closed: it was consolidated into "
            f"{duplicate.consolidated_into.case_number}."
        )
    if duplicate.status in CLOSED_STATUSES:
        return f"{duplicate.case_number} is closed ({duplicate.get_status_display().lower()})."
    if not (
        number_key(kept.claim_number) == number_key(duplicate.claim_number)
        and name_key(kept.worker_last_name) == name_key(duplicate.worker_last_name)
        and kept.date_of_injury == duplicate.date_of_injury
    ):
        return "Only applications of the same worker, claim and date of injury are consolidated."
    if not same_physician(kept, duplicate):
        return (
            "The applications must name the same requesting physician (8 CCR 9792.10.4(a)); "
            "record the requesting provider on both."
        )
    if duplicate.status not in statuses:
        return f"The duplicate must be found eligible first, with no reviewer yet ({where})."
    return ""


def case_duplicates(case: Case) -> list[Duplicate]:
    """Other open applications of the same worker, claim and date of injury that name the same
    requesting physician (or where either names none): each with what they share and whether it
    can be consolidated into this case now. Three queries, whatever their number."""
    if case.status in CLOSED_STATUSES:
        return []
    others = (
        # The same claim however its number is written ("PCS24118204" is "PCS-2411-8204").
        Case.objects.filter(
            number_key_equals("claim_number", case.claim_number),
            date_of_injury=case.date_of_injury,
        )
        .exclude(pk=case.pk)
        .exclude(status__in=CLOSED_STATUSES)
        .prefetch_related("parties", "items")
        .order_by("case_number")
    )
    mine = {_normalize(item.description) for item in case.items.all()}
    found = []
    for other in others:
        # The name compared without accents, capitals, spaces or hyphens (from QA: "Jose
        # OBrien Nunez" was not the "José O'Brien-Núñez" of the same claim).
        if name_key(other.worker_last_name) != name_key(case.worker_last_name):
            continue
        if _physician_key(case) and _physician_key(other) and not same_physician(case, other):
            continue  # a different physician's request is a different dispute
        reasons = ["same worker, claim and date of injury"]
        if other.claim_number != case.claim_number:
            # Said, so the two numbers side by side do not read as two claims.
            reasons.append(f"claim number written “{other.claim_number}” there")
        if same_physician(case, other):
            reasons.append("same requesting physician")
        if other.ur_decision_date == case.ur_decision_date:
            reasons.append(f"same UR decision date ({case.ur_decision_date:%m/%d/%Y})")
        shared = [i.description for i in other.items.all() if _normalize(i.description) in mine]
        if shared:
            reasons.append("same item: " + "; ".join(shared))
        found.append(Duplicate(other, reasons, consolidation_refusal(case, other)))
    return found

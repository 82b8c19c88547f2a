"""The eligibility screen: one check per rule, each with its source, a result, a plain
explanation and whether it blocks a finding of eligible. A new rule (a liability dispute, a
request for information, a duplicate) is one more function in CHECKS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.template.defaultfilters import pluralize
from django.utils import timezone

from cases.clock.deadlines import MAIL_EXTENSION_DAYS
from cases.eligibility.duplicates import DUPLICATES_SHOWN, Duplicate, case_duplicates
from cases.eligibility.similarity import treatment_similarity
from cases.formatting import first_and_more
from cases.lifecycle.models import (
    Answer,
    Case,
    CaseEvent,
    CaseStatus,
    DisputedItem,
    EventType,
    FiledBy,
    Priority,
    UrDecisionBasis,
)
from cases.records.models import RecordKind
from cases.registry import reviewer_side
from cases.textsearch import name_key, number_key, number_key_equals


class CheckResult(models.TextChoices):
    PASSES = "passes", "Passes"
    FAILS = "fails", "Fails"
    NEEDS_FINDING = "needs_finding", "Needs a finding"


# How a blocking check that does not pass may still be overridden: the answer recorded with
# the written reason. The prior-IMR check has its own (Lab. Code 4610(k)).
OVERRIDE = "override"
CHANGE_IN_FACTS = "change_in_facts"
NOT_SAME_TREATMENT = "not_same_treatment"
# The duplicate check's (8 CCR 9792.10.4(a)): consolidate once both are eligible, or say why
# the other application is another dispute.
CONSOLIDATE = "consolidate"
NOT_SAME_DISPUTE = "not_same_dispute"
OVERRIDE_ANSWERS = {
    OVERRIDE: "Eligible despite this check",
    CHANGE_IN_FACTS: "Documented change in the facts",
    NOT_SAME_TREATMENT: "Not the same treatment",
    CONSOLIDATE: "Eligible: consolidate the duplicate into this case next",
    NOT_SAME_DISPUTE: "Not the same dispute",
}


@dataclass(frozen=True)
class PriorImrMatch:
    item: DisputedItem
    prior_item: DisputedItem
    decided_on: dt.date
    outcome: str
    score: float


@dataclass(frozen=True)
class EligibilityCheck:
    key: str
    label: str
    source: str
    result: str
    explanation: str
    blocks: bool
    answers: tuple[str, ...] = (OVERRIDE,)
    matches: tuple[PriorImrMatch, ...] = field(default=())

    @property
    def passes(self) -> bool:
        return self.result == CheckResult.PASSES

    @property
    def needs_override(self) -> bool:
        return self.blocks and not self.passes

    @property
    def result_label(self) -> str:
        return CheckResult(self.result).label

    @property
    def answer_choices(self) -> list[tuple[str, str]]:
        return [(answer, OVERRIDE_ANSWERS[answer]) for answer in self.answers]


def _check(key: str, label: str, source: str, result: str, explanation: str, **extra):
    blocks = key in settings.IMR_ELIGIBILITY_BLOCKING_CHECKS
    return EligibilityCheck(key, label, source, result, explanation, blocks, **extra)


def timely(case: Case) -> EligibilityCheck:
    # 8 CCR 9792.10.1(b)(1): within 30 days of service of the UR decision.
    clock = case.clock
    deadline = clock.application_deadline
    tense = "was" if deadline < timezone.localdate() else "is"
    text = (
        f"Received {case.application_received:%m/%d/%Y}; the deadline {tense} {deadline:%m/%d/%Y}."
    )
    result = CheckResult.FAILS if clock.filed_late else CheckResult.PASSES
    if clock.filed_late:
        text += " Filed late: accept it only with a written reason, or find it ineligible."
        if clock.in_time_from_afar:
            # CCP 1013(a): 10 days for mail from or to a place outside California, 20 abroad.
            days, where, later = clock.in_time_from_afar
            was = "was" if later.on < timezone.localdate() else "is"
            beyond = " (20 from or to another country)" if days == 10 else ""
            text += (
                f" It is in time if the UR decision was mailed from or to a place {where}: "
                f"CCP 1013(a) then adds {days} days for mail{beyond}, not "
                f"{MAIL_EXTENSION_DAYS}, and the deadline {was} {later.on:%m/%d/%Y}."
            )
        if clock.in_time_if_electronic_extended:
            # CCP 1010.6(a)(3)(B): two court days after electronic service; not counted by the
            # clock (cases.clock.deadlines), said so the administrator can weigh it.
            later = clock.in_time_if_electronic_extended
            was = "was" if later.on < timezone.localdate() else "is"
            text += (
                " It is in time if the two court days CCP 1010.6(a)(3)(B) adds after electronic "
                "service extend this period (the clock does not count them): the deadline then "
                f"{was} {later.on:%m/%d/%Y}."
            )
    return _check(
        "timely", "Filed within 30 days of the UR decision", "8 CCR 9792.10.1(b)(1)", result, text
    )


def filed_by(case: Case) -> EligibilityCheck:
    # 8 CCR 9792.10.1(b)(2): the employee, their attorney or a designee named after the UR
    # decision may file; the provider may not.
    who = FiledBy(case.filed_by)
    ur_on = case.ur_decision_date
    if who == FiledBy.PROVIDER:
        result, text = CheckResult.FAILS, "Filed by the requesting provider, who may not file."
    elif who == FiledBy.NOT_STATED:
        result, text = CheckResult.NEEDS_FINDING, "The application does not say who filed it."
    elif who == FiledBy.DESIGNEE and case.designated_on is None:
        result = CheckResult.NEEDS_FINDING
        text = (
            "Filed by a designee, but the date of the designation is not on file: it must be "
            f"made after the UR decision of {ur_on:%m/%d/%Y}."
        )
    elif who == FiledBy.DESIGNEE and case.designated_on < ur_on:
        result = CheckResult.FAILS
        text = (
            f"Filed by a designee named {case.designated_on:%m/%d/%Y}, before the UR decision "
            f"of {ur_on:%m/%d/%Y}: only a designation made after the decision counts."
        )
    elif who == FiledBy.DESIGNEE:
        result = CheckResult.PASSES
        text = (
            f"Filed by a designee named {case.designated_on:%m/%d/%Y}, after the UR decision "
            f"of {ur_on:%m/%d/%Y}."
        )
    else:
        result, text = CheckResult.PASSES, f"Filed by {who.label.lower()}."
    return _check("filed_by", "Filed by an eligible party", "8 CCR 9792.10.1(b)(2)", result, text)


def signed(case: Case) -> EligibilityCheck:
    # 8 CCR 9792.10.1(b)(1): the DWC Form IMR, signed.
    answer = Answer(case.application_signed)
    result, text = {
        Answer.YES: (CheckResult.PASSES, "The application is signed."),
        Answer.NO: (CheckResult.FAILS, "The application is not signed."),
        Answer.NOT_STATED: (CheckResult.NEEDS_FINDING, "Not known whether it is signed."),
    }[answer]
    return _check("signed", "Application signed", "8 CCR 9792.10.1(b)(1)", result, text)


def ur_decision_on_file(case: Case) -> EligibilityCheck:
    # 8 CCR 9792.10.1(b)(1): the application comes with a copy of the UR decision.
    has_ur = any(
        record.kind == RecordKind.UR_DECISION and not record.withdrawn
        for record in case.records.all()
    )
    result = CheckResult.PASSES if has_ur else CheckResult.FAILS
    text = (
        "A record of kind 'UR decision' is on file."
        if has_ur
        else "No UR decision among the records: upload it or ask the applicant for it."
    )
    return _check(
        "ur_decision_on_file", "UR decision on file", "8 CCR 9792.10.1(b)(1)", result, text
    )


def ur_decision_basis(case: Case) -> EligibilityCheck:
    # Lab. Code 4610.5(c)(1), (3): a decision that modified or denied on medical necessity.
    basis = UrDecisionBasis(case.ur_decision_basis)
    result, text = {
        UrDecisionBasis.MEDICAL_NECESSITY: (
            CheckResult.PASSES,
            "The UR decision denied or modified the request on medical necessity.",
        ),
        UrDecisionBasis.OTHER: (
            CheckResult.FAILS,
            "The UR decision rests on another ground: IMR decides medical necessity only.",
        ),
        UrDecisionBasis.NOT_STATED: (
            CheckResult.NEEDS_FINDING,
            "Read the UR decision: did it deny or modify on medical necessity?",
        ),
    }[basis]
    return _check(
        "ur_decision_basis",
        "A decision on medical necessity",
        "Lab. Code 4610.5(c)(1), (3)",
        result,
        text,
    )


def disputed_items(case: Case) -> EligibilityCheck:
    # 8 CCR 9792.10.3(a): the Administrative Director decides on the disputed treatment named.
    count = len(case.items.all())
    result = CheckResult.PASSES if count else CheckResult.FAILS
    text = (
        f"{count} disputed item{pluralize(count)}."
        if count
        else "The application names no disputed item."
    )
    return _check("disputed_items", "Disputed items present", "8 CCR 9792.10.3(a)", result, text)


def _months_before(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def prior_imr_items(case: Case) -> list[PriorImrMatch]:
    """Items of this case decided in an issued IMR of the same worker (same claim number, or
    same name and date of birth) within IMR_PRIOR_IMR_MONTHS before this application, however
    reworded: 8 CCR 9792.10.3(a)(2); the 12 months of Lab. Code 4610(k)."""
    mine = list(case.items.all())
    if not mine:
        return []
    # The same claim however its number is written (cases.textsearch.number_key); a number
    # without a digit ("N/A", "pending") names no claim and finds no one.
    claim = number_key(case.claim_number)
    claim_tells = any(char.isdigit() for char in claim)
    same_worker = (
        Q(number_key_equals("case__claim_number", case.claim_number)) if claim_tells else Q()
    )
    if case.worker_date_of_birth:
        # The date of birth's index finds the few; their names are compared below.
        same_worker |= Q(case__worker_date_of_birth=case.worker_date_of_birth)
    if not same_worker:
        return []
    name = (name_key(case.worker_last_name), name_key(case.worker_first_name))
    others = [
        other
        for other in DisputedItem.objects.filter(same_worker)
        .exclude(case=case)
        .filter(case__status__in=[CaseStatus.ISSUED, CaseStatus.REMANDED])
        .select_related("case")
        # The name without accents, capitals, spaces or hyphens (cases.textsearch.name_key):
        # "Garcia" is the "García" of an earlier application typed elsewhere.
        if (claim_tells and number_key(other.case.claim_number) == claim)
        or (name_key(other.case.worker_last_name), name_key(other.case.worker_first_name)) == name
    ]
    if not others:
        return []
    decisions = reviewer_side().issued_item_decisions([other.pk for other in others])
    since = _months_before(case.application_received, settings.IMR_PRIOR_IMR_MONTHS)
    threshold = settings.IMR_PRIOR_IMR_SIMILARITY
    found = []
    for other in others:
        decided_on, outcome = decisions.get(other.pk, (None, ""))
        if decided_on is None or not since <= decided_on <= case.application_received:
            continue
        for item in mine:
            score = treatment_similarity(item.description, other.description)
            if score >= threshold:
                found.append(PriorImrMatch(item, other, decided_on, outcome, score))
    return sorted(found, key=lambda match: (match.item.position, -match.score))


def prior_imr(case: Case) -> EligibilityCheck:
    matches = prior_imr_items(case)
    months = settings.IMR_PRIOR_IMR_MONTHS
    if matches:
        text = "; ".join(
            f"'{m.item.description}' resembles '{m.prior_item.description}' in "
            f"{m.prior_item.case.case_number}, decided {m.decided_on:%m/%d/%Y} "
            f"({m.outcome or 'no outcome'}; similarity {m.score:.2f})"
            for m in matches
        )
        result = CheckResult.NEEDS_FINDING
        text += ". The same treatment needs a documented change in the facts."
    else:
        result = CheckResult.PASSES
        text = f"No IMR of this worker decided in the {months} months before covers these items."
    since = _months_before(case.application_received, months)
    text += (
        f" The window is counted back from this application's receipt "
        f"({case.application_received:%m/%d/%Y}): decisions from {since:%m/%d/%Y} on count."
    )
    return _check(
        "prior_imr",
        f"No prior IMR of the same treatment within {months} months",
        "8 CCR 9792.10.3(a)(2); Lab. Code 4610(k)",
        result,
        text,
        answers=(CHANGE_IN_FACTS, NOT_SAME_TREATMENT),
        matches=tuple(matches),
    )


def _liability_resolution(case: Case) -> CaseEvent | None:
    # One query, and only for a case that was ever deferred.
    if case.deferred_on is None:
        return None
    return (
        CaseEvent.objects.filter(case=case, type=EventType.LIABILITY_RESOLVED)
        .order_by("-created_at", "-id")
        .first()
    )


def liability(case: Case) -> EligibilityCheck:
    # 8 CCR 9792.10.3(a)(3): the claims administrator's assertion that a factual or legal basis
    # precludes its liability; (d): unless it agrees the case is eligible, the IMR is deferred
    # until the dispute is resolved.
    resolution = _liability_resolution(case)
    if resolution is not None:
        details = resolution.details
        resolved_on = dt.date.fromisoformat(details["resolved_on"])
        result = CheckResult.PASSES
        text = (
            f"The liability dispute (deferred {case.deferred_on:%m/%d/%Y}) was resolved for the "
            f"worker on {resolved_on:%m/%d/%Y}: {details.get('note') or 'no document named'}."
        )
    else:
        result, text = {
            Answer.NO: (CheckResult.PASSES, "The claims administrator does not dispute liability."),
            Answer.YES: (
                CheckResult.FAILS,
                "The claims administrator disputes liability: defer the IMR until the dispute is "
                "resolved (the action is on this page), unless it agrees the case is eligible.",
            ),
            Answer.NOT_STATED: (
                CheckResult.NEEDS_FINDING,
                "Not known whether the claims administrator disputes liability for the injury or "
                "the body part: read its response, or request the information.",
            ),
        }[Answer(case.liability_disputed)]
    return _check("liability", "Liability not disputed", "8 CCR 9792.10.3(a)(3), (d)", result, text)


def information(case: Case) -> EligibilityCheck:
    # 8 CCR 9792.10.3(b): information requested from the parties; (c): they answer within
    # 5 business days, and the finding follows on what has arrived.
    due = case.information_due_on
    if case.information_requested_on is None or due is None:
        result, text = CheckResult.PASSES, "No request for information is open."
    elif timezone.localdate() > due:
        result = CheckResult.FAILS
        text = (
            f"The information requested {case.information_requested_on:%m/%d/%Y} was due "
            f"{due:%m/%d/%Y} and has not arrived: find the application ineligible for want of "
            "it, or record it received."
        )
    else:
        result = CheckResult.NEEDS_FINDING
        text = (
            f"Information requested {case.information_requested_on:%m/%d/%Y} is due "
            f"{due:%m/%d/%Y}: record it received before the finding."
        )
    return _check(
        "information",
        "Requested information has arrived",
        "8 CCR 9792.10.3(b), (c)",
        result,
        text,
    )


def duplicates(case: Case, found: list[Duplicate] | None = None) -> EligibilityCheck:
    # 8 CCR 9792.10.4(a): two or more eligible applications of one employee, same requesting
    # physician and date of injury, may be consolidated in a single determination.
    found = case_duplicates(case) if found is None else found
    if found:
        result = CheckResult.NEEDS_FINDING
        shown, more = first_and_more(found, DUPLICATES_SHOWN)
        text = (
            f"Possible duplicate application{pluralize(len(found))}: "
            + "; ".join(f"{d.case.case_number} ({', '.join(d.reasons)})" for d in shown)
            + (f"; and {more} more" if more else "")
            + ". Consolidate once both are eligible, or say why it is not the same dispute."
        )
    else:
        result, text = CheckResult.PASSES, "No other open application of the same dispute."
    return _check(
        "duplicates",
        "No duplicate application of the same dispute",
        "8 CCR 9792.10.4(a)",
        result,
        text,
        answers=(CONSOLIDATE, NOT_SAME_DISPUTE),
    )


def certification(case: Case) -> EligibilityCheck:
    # 8 CCR 9792.10.4(c): an expedited review rests on the treating physician's written
    # certification, with supporting documentation, of an imminent and serious threat to the
    # worker's health (9792.6.1(j)).
    if case.priority != Priority.EXPEDITED:
        result, text = CheckResult.PASSES, "A standard review: no certification is needed."
    elif case.expedited_on is not None:
        result = CheckResult.PASSES
        text = f"Converted to expedited on the certification received {case.expedited_on:%m/%d/%Y}."
    elif any(
        record.kind == RecordKind.CERTIFICATION and not record.withdrawn
        for record in case.records.all()
    ):
        result = CheckResult.PASSES
        text = "A record of kind 'physician's certification' is on file."
    else:
        # Blocking by default (IMR_ELIGIBILITY_BLOCKING_CHECKS): from QA, an expedited case was
        # found eligible past it with no word, and then stayed expedited for good (an expedited
        # review is not converted back once its notice is sent; README "Correcting the facts").
        result = CheckResult.NEEDS_FINDING
        text = (
            "Expedited, but no physician's certification is on file: upload it (kind "
            "'physician's certification'), correct the priority to standard before the notice "
            "goes out, or write why it is expedited anyway (the certification is in the "
            "application itself)."
        )
    return _check(
        "certification",
        "Physician's certification for an expedited review",
        "8 CCR 9792.10.4(c)",
        result,
        text,
    )


# The screen, in the order a reviewer of the application reads it.
CHECKS: list[Callable[[Case], EligibilityCheck]] = [
    timely,
    filed_by,
    signed,
    ur_decision_on_file,
    ur_decision_basis,
    disputed_items,
    prior_imr,
    liability,
    information,
    duplicates,
    certification,
]


def eligibility_checks(
    case: Case, *, duplicates_found: list[Duplicate] | None = None
) -> list[EligibilityCheck]:
    """Every check of the case, the blocking ones first (in CHECKS order within each).
    `duplicates_found`: case_duplicates(case) when the caller has it already."""
    checks = [
        check(case, duplicates_found) if check is duplicates else check(case) for check in CHECKS
    ]
    return sorted(checks, key=lambda check: not check.blocks)

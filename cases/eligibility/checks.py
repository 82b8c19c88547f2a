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

from cases.eligibility.similarity import treatment_similarity
from cases.lifecycle.models import Answer, Case, CaseStatus, DisputedItem, FiledBy, UrDecisionBasis
from cases.records.models import RecordKind
from cases.registry import reviewer_side


class CheckResult(models.TextChoices):
    PASSES = "passes", "Passes"
    FAILS = "fails", "Fails"
    NEEDS_FINDING = "needs_finding", "Needs a finding"


# How a blocking check that does not pass may still be overridden: the answer recorded with
# the written reason. The prior-IMR check has its own (Lab. Code 4610(k)).
OVERRIDE = "override"
CHANGE_IN_FACTS = "change_in_facts"
NOT_SAME_TREATMENT = "not_same_treatment"
OVERRIDE_ANSWERS = {
    OVERRIDE: "Eligible despite this check",
    CHANGE_IN_FACTS: "Documented change in the facts",
    NOT_SAME_TREATMENT: "Not the same treatment",
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
    text = (
        f"Received {case.application_received:%m/%d/%Y}; the deadline was "
        f"{clock.application_deadline:%m/%d/%Y}."
    )
    result = CheckResult.FAILS if clock.filed_late else CheckResult.PASSES
    if clock.filed_late:
        text += " Filed late: accept it only with a written reason, or find it ineligible."
    return _check(
        "timely", "Filed within 30 days of the UR decision", "8 CCR 9792.10.1(b)(1)", result, text
    )


def filed_by(case: Case) -> EligibilityCheck:
    # 8 CCR 9792.10.1(b)(2): the employee, their attorney or a designee named after the UR
    # decision may file; the provider may not.
    who = FiledBy(case.filed_by)
    if who == FiledBy.PROVIDER:
        result, text = CheckResult.FAILS, "Filed by the requesting provider, who may not file."
    elif who == FiledBy.NOT_STATED:
        result, text = CheckResult.NEEDS_FINDING, "The application does not say who filed it."
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
    text = f"{count} disputed item(s)." if count else "The application names no disputed item."
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
    same_worker = Q(case__claim_number=case.claim_number)
    if case.worker_date_of_birth:
        same_worker |= Q(
            case__worker_last_name__iexact=case.worker_last_name,
            case__worker_first_name__iexact=case.worker_first_name,
            case__worker_date_of_birth=case.worker_date_of_birth,
        )
    others = list(
        DisputedItem.objects.filter(same_worker)
        .exclude(case=case)
        .filter(case__status__in=[CaseStatus.ISSUED, CaseStatus.REMANDED])
        .select_related("case")
    )
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
    return _check(
        "prior_imr",
        f"No prior IMR of the same treatment within {months} months",
        "8 CCR 9792.10.3(a)(2); Lab. Code 4610(k)",
        result,
        text,
        answers=(CHANGE_IN_FACTS, NOT_SAME_TREATMENT),
        matches=tuple(matches),
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
]


def eligibility_checks(case: Case) -> list[EligibilityCheck]:
    """Every check of the case, the blocking ones first (in CHECKS order within each)."""
    checks = [check(case) for check in CHECKS]
    return sorted(checks, key=lambda check: not check.blocks)
